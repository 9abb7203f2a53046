// benchclient report's formats (html, csv, json, the --summary section), its
// charts and verdict, and its bad input, on artifacts committed in results/ (real
// runs of earlier sessions) and copies of them changed by known amounts.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "charts/svg_chart.hpp"
#include "model/context.hpp"
#include "model/number_format.hpp"
#include "model/recovery.hpp"
#include "model/strategy_table.hpp"
#include "model/text_width.hpp"
#include "model/verdict.hpp"
#include "model/verdict_text.hpp"
#include "model/warnings.hpp"
#include "report/console_reporter.hpp"
#include "report/html_reporter.hpp"
#include "report/markdown_reporter.hpp"
#include "store/artifact_json.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using benchlab::test::Outcome;

namespace {

const fs::path kResults = fs::path(BENCHLAB_SOURCE_DIR) / "results";
// A sweep (7 strategies × 100K/500K/1M, text), its binary twin, and one file of every other kind.
const fs::path kSweep = kResults / "run-20261201T224634Z.json";
const fs::path kBinary = kResults / "run-20261201T224749Z.json";
const fs::path kQueue = kResults / "queue-20261202T025046Z.json";
const fs::path kFaults = kResults / "faults-20261202T001331Z.json";
const fs::path kVerify = kResults / "verify-20261201T231836Z.json";
const fs::path kFsync = kResults / "pg_test_fsync-20261202T025046Z.txt";
const fs::path kRecovery = kResults / "run-20261202T020549Z.json";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path write(const fs::path& dir, const std::string& name, const std::string& content) {
  return benchlab::test::write_file(dir, name, content);
}

using benchlab::test::contains;

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + needle.size())) ++n;
  return n;
}

Outcome report(const std::vector<std::string>& args, const fs::path& dir) {
  std::vector<std::string> all{"report"};
  all.insert(all.end(), args.begin(), args.end());
  return benchlab::test::run_benchclient(all, dir);
}

// Bad input: exit 2, nothing on stdout, one stderr line naming the file and the problem.
void require_input_error(const Outcome& o, const std::string& file, const std::string& what) {
  INFO("stderr: " << o.err);
  CHECK(o.exit_code == 2);
  CHECK(o.out.empty());
  CHECK(benchlab::test::line_count(o.err) == 1);
  CHECK(contains(o.err, file));
  CHECK(contains(o.err, what));
}

}  // namespace

TEST_CASE("report --format html: one self-contained page, the verdict first, every chart's marks drawn",
          "[report][html]") {
  benchlab::test::TempDir dir("report-html");
  const fs::path page = dir.path / "report.html";
  const Outcome o = report({"--format", "html", "--output", page.string(), kSweep.string(), kBinary.string(),
                            kRecovery.string(), kQueue.string(), kFaults.string(), kVerify.string(), kFsync.string()},
                           dir.path);
  INFO("stderr: " << o.err);
  REQUIRE(o.exit_code == 0);
  CHECK(o.out.empty());
  const std::string html = slurp(page);
  CHECK(html.starts_with("<!doctype html>"));
  // Self-contained: nothing fetched, nothing run.
  CHECK_FALSE(contains(html, "<script"));
  CHECK_FALSE(contains(html, "src="));
  CHECK_FALSE(contains(html, "<link"));
  CHECK_FALSE(contains(html, "@import"));
  CHECK(count(html, "http") == count(html, "http://www.w3.org/2000/svg"));
  // The verdict opens the page, before any chart.
  const auto verdict = html.find("<div class=\"verdict\">");
  REQUIRE(verdict != std::string::npos);
  CHECK(verdict < html.find("<figure"));
  CHECK(contains(html.substr(verdict, 600), "Fastest at 1M rows, text: "));
  // Each kind in its own section.
  for (const char* id : {"reads", "recovery", "faults", "verify", "queue", "measurements", "artifacts"})
    CHECK(contains(html, fmt::format("<section id=\"{}\">", id)));
  // Every chart: an SVG whose data marks are as many as data-marks says, and more than none.
  static const std::regex figure(R"re(<figure class="chart" id="chart-([a-z0-9-]+)" data-marks="([0-9]+)">)re");
  std::size_t charts = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), figure); it != std::sregex_iterator(); ++it) {
    const auto begin = static_cast<std::size_t>(it->position());
    const std::string body = html.substr(begin, html.find("</figure>", begin) - begin);
    INFO("chart " << (*it)[1]);
    CHECK(std::stoi((*it)[2].str()) > 0);
    CHECK(count(body, "class=\"mark\"") == std::stoul((*it)[2].str()));
    CHECK(count(body, "<svg") == 1);
    ++charts;
  }
  // The sweep: rows/s, RSS, TTFR, where the time went (and skew) per format; recovery,
  // Ctrl-C, verify, and the queue's three.
  CHECK(charts >= 14);
  // The 7-strategy sweep's rows/s chart: one mark per strategy and size.
  const auto at = html.find("id=\"chart-reads-text-2w-rows-per-sec\" data-marks=\"21\"");
  CHECK(at != std::string::npos);
  // Every chart names its artifact and fingerprint.
  CHECK(count(html, "run-20261201T224634Z.json — ") >= 4);
  CHECK(contains(html, "AMD EPYC · 2 cores · PostgreSQL 15.20 · settings default ("));
}

TEST_CASE("report --format csv: one row per artifact, strategy and size", "[report]") {
  benchlab::test::TempDir dir("report-csv");
  const Outcome o = report({"--format", "csv", kSweep.string(), kBinary.string(), kQueue.string()}, dir.path);
  INFO("stderr: " << o.err);
  REQUIRE(o.exit_code == 0);
  std::vector<std::string> lines;
  std::stringstream in(o.out);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  REQUIRE(lines.size() == 1 + 2 * 3 * 7);  // header, then 2 artifacts × 3 sizes × 7 strategies
  CHECK(
      lines[0].starts_with("artifact,date,git_commit,cpu_model,cores,postgresql,table,format,workers,profile,rows,"
                           "strategy,status,runs,rows_per_sec_median"));
  const auto fields = [](const std::string& l) { return std::count(l.begin(), l.end(), ',') + 1; };
  for (const auto& l : lines) CHECK(fields(l) == fields(lines[0]));
  CHECK(contains(o.out, ",public.benchlab_records,binary,2,,1000000,parallel_copy,ok,3,"));
  // Every strategy read rows, so each has the width of its rows on the wire.
  const auto cells = [](const std::string& l) {
    std::vector<std::string> out;
    std::stringstream cs(l);
    for (std::string c; std::getline(cs, c, ',');) out.push_back(c);
    return out;
  };
  const auto header = cells(lines[0]);
  const auto column = std::find(header.begin(), header.end(), "bytes_per_row_median");
  REQUIRE(column != header.end());
  for (std::size_t i = 1; i < lines.size(); ++i) {
    INFO(lines[i]);
    CHECK(std::stod(cells(lines[i]).at(static_cast<std::size_t>(column - header.begin()))) > 0);
  }
}

TEST_CASE("report --format json: a merged summary, derived from the runs", "[report]") {
  benchlab::test::TempDir dir("report-json");
  const Outcome o = report(
      {"--format", "json", kSweep.string(), kQueue.string(), kFaults.string(), kVerify.string(), kFsync.string()},
      dir.path);
  INFO("stderr: " << o.err);
  REQUIRE(o.exit_code == 0);
  const Json j = Json::parse(o.out);
  CHECK(j["kind"] == "benchlab-report-summary");
  REQUIRE(j["reads"].size() == 1);
  REQUIRE(j["reads"][0]["sizes"].size() == 3);
  CHECK(j["reads"][0]["sizes"][2]["rows"] == 1000000);
  CHECK(j["reads"][0]["sizes"][2]["strategies"].size() == 7);
  CHECK(j["reads"][0]["sizes"][2]["verdict"].size() == 3);
  // The medians are the runs' own: recomputed, equal to the artifact's per-benchmark summary.
  const Json artifact = Json::parse(slurp(kSweep));
  for (const auto& b : artifact["benchmarks"])
    if (b["limit"] == 1000000 && b["strategy"] == "copy_stream")
      for (const auto& s : j["reads"][0]["sizes"][2]["strategies"])
        if (s["strategy"] == "copy_stream")
          CHECK(s["rows_per_sec"]["median"].get<double>() ==
                Approx(b["throughput_rows_per_sec"]["median"].get<double>()));
  CHECK(j["queue"][0]["dequeue"].size() == 15);  // 3 profiles × 5 concurrency levels
  CHECK(j["faults"][0]["strategies"].size() == 7);
  CHECK(j["verify"][0]["equal"] == false);
  CHECK(j["fsync"][0]["usecs_per_op"].get<double>() == Approx(104));
}

TEST_CASE("report --summary: the README's section, its charts linked where --chart-links says", "[report]") {
  benchlab::test::TempDir dir("report-summary");
  const Outcome o = report(
      {"--format", "md", "--summary", "--chart-links", "results/charts", kSweep.string(), kQueue.string()}, dir.path);
  INFO("stdout:\n" << o.out << "\nstderr: " << o.err);
  REQUIRE(o.exit_code == 0);
  // Headings one level down: the section goes under the README's own.
  CHECK_FALSE(contains(o.out, "\n## "));
  CHECK(contains(o.out, "\n### Verdict\n\n- Fastest at 1M rows, text: "));
  CHECK(contains(o.out, "](results/charts/reads-text-2w-rows-per-sec.svg)"));
  CHECK(contains(o.out, "](results/charts/queue-queue-20261202t025046z-jobs-per-sec.svg)"));
  CHECK(contains(o.out, "| strategy | 100K rows | 500K rows | 1M rows | peak RSS |"));
  // The same bytes every time: the README check compares them.
  const Outcome again = report(
      {"--format", "md", "--summary", "--chart-links", "results/charts", kSweep.string(), kQueue.string()}, dir.path);
  CHECK(again.out == o.out);
  // The Markdown report with --charts-dir writes the SVG files it links.
  const fs::path md = dir.path / "REPORT.md";
  REQUIRE(report({"--charts-dir", (dir.path / "charts").string(), "--output", md.string(), kSweep.string()}, dir.path)
              .exit_code == 0);
  const std::string doc = slurp(md);
  CHECK(contains(doc, "](charts/reads-text-2w-rows-per-sec.svg)"));
  CHECK(fs::exists(dir.path / "charts" / "reads-text-2w-rows-per-sec.svg"));
  CHECK(contains(doc, "- **Verdict:** Fastest at 1M rows, text: "));
}

TEST_CASE("report: bad input names the file and the problem, exit 2, and writes nothing", "[report]") {
  benchlab::test::TempDir dir("report-bad");
  const fs::path out = dir.path / "out.html";
  const fs::path charts = dir.path / "charts";
  auto bad = [&](const fs::path& file, const std::string& what) {
    require_input_error(report({"--format", "html", "--output", out.string(), "--charts-dir", charts.string(),
                                kSweep.string(), file.string()},
                               dir.path),
                        file.string(), what);
    CHECK_FALSE(fs::exists(out));
    CHECK_FALSE(fs::exists(charts));
  };
  SECTION("a truncated artifact") {
    const std::string text = slurp(kSweep);
    bad(write(dir.path, "truncated.json", text.substr(0, text.size() / 2)), "not JSON");
  }
  SECTION("an unknown schema version") {
    Json a = Json::parse(slurp(kSweep));
    a["context"]["schema_version"] = 99;
    bad(write(dir.path, "future.json", a.dump()), "schema version 99 is not supported");
  }
  SECTION("a faults file of an unknown schema version") {
    Json a = Json::parse(slurp(kFaults));
    a["schema_version"] = 7;
    bad(write(dir.path, "faults-future.json", a.dump()), "schema version 7 is not supported");
  }
  SECTION("a queue artifact without its samples") {
    Json a = Json::parse(slurp(kQueue));
    a.erase("queue_samples");
    bad(write(dir.path, "queue-broken.json", a.dump()), "missing queue_samples");
  }
  SECTION("a kind this benchclient does not know") {
    bad(write(dir.path, "other.json", R"({"kind": "benchlab-something", "schema_version": 1})"),
        "kind \"benchlab-something\"");
  }
  SECTION("JSON that is no artifact") {
    bad(write(dir.path, "package.json", R"({"name": "x", "version": "1.0.0"})"), "not a benchclient artifact");
  }
  SECTION("a text file that is not pg_test_fsync's") {
    bad(write(dir.path, "notes.txt", "hello\n"), "not pg_test_fsync output");
  }
  SECTION("an unknown format") {
    const Outcome o = report({"--format", "pdf", kSweep.string()}, dir.path);
    CHECK(o.exit_code == 2);
    CHECK(contains(o.err, "--format pdf: give md, html, csv or json"));
  }
}

TEST_CASE("verdict: fastest, lowest memory and where the time went, derived from the runs", "[report][verdict]") {
  using namespace benchlab;
  Json doc = Json::parse(slurp(kSweep));
  const Artifact sweep = doc.get<Artifact>();
  const auto all = verdicts(sweep);
  REQUIRE(all.size() == 3);
  const SizeVerdict& v = all.back();
  CHECK(v.rows == 1000000);
  CHECK(v.verified == 7);
  REQUIRE(v.fastest);
  REQUIRE(v.lowest_memory);
  // The fastest has the highest median rows/s of the exact strategies; the lowest memory the lowest peak RSS.
  const SizeResult& size = sweep.report.sizes.back();
  for (const auto& s : size.strategies) {
    const StrategySummary sum = summarize(s, size, sweep.context.read.format, sweep.context.schedule.runs);
    CHECK(sum.rows_per_sec.median <= v.fastest->value);
    CHECK(sum.peak_rss_bytes.median >= v.lowest_memory->value);
  }
  REQUIRE(v.time);
  CHECK(v.time->strategy == v.fastest->strategy);
  CHECK(v.time->cores == 2);
  CHECK(v.time->wall_ns_per_row == Approx(1e9 / v.fastest->value));
  CHECK(v.time->server_cpu_ns_per_row > 0);

  SECTION("a strategy made 10× faster wins, clear of the runner-up's spread") {
    for (auto& b : doc["benchmarks"])
      if (b["strategy"] == "naive" && b["limit"] == 1000000) {
        for (auto& r : b["runs"]) {
          r["rows_per_sec"] = r["rows_per_sec"].get<double>() * 10;
          r["wall_s"] = r["wall_s"].get<double>() / 10;
        }
      }
    const auto faster = verdicts(doc.get<Artifact>()).back();
    REQUIRE(faster.fastest);
    CHECK(faster.fastest->strategy == "naive");
    CHECK(faster.fastest->next == v.fastest->strategy);
    CHECK_FALSE(faster.fastest->within_noise);
    const auto lines = verdict_sentences(sweep.context, faster);
    CHECK(lines.front().starts_with("Fastest at 1M rows, text: naive, "));
    CHECK(contains(lines.front(), fmt::format("× {} (", v.fastest->strategy)));
  }
  SECTION("a strategy that read the wrong rows never wins") {
    for (auto& b : doc["benchmarks"])
      if (b["strategy"] == v.fastest->strategy && b["limit"] == 1000000)
        for (auto& r : b["runs"]) r["checksum_match"] = false;
    const auto wrong = verdicts(doc.get<Artifact>()).back();
    CHECK(wrong.verified == 6);
    REQUIRE(wrong.fastest);
    CHECK(wrong.fastest->strategy != v.fastest->strategy);
    CHECK(contains(verdict_sentences(sweep.context, wrong).front(),
                   fmt::format("6 strategies compared; not compared: {} (did not read exactly the server's rows in "
                               "every run).",
                               v.fastest->strategy)));
  }
  SECTION("the bottleneck named is the largest share of the cores' time") {
    TimeSplit t{"x", 2, 1000, 1200, 400};  // 2000 ns of core time: 1200 server, 400 client, 400 neither
    CHECK(t.waiting_ns_per_row() == Approx(400));
    CHECK(t.bottleneck() == TimeSplit::Bottleneck::server);
    CHECK(
        time_sentence(t).starts_with("the server backend is the bottleneck: 1.20 µs of its CPU per row against "
                                     "0.40 µs of the client's"));
    t.client_cpu_ns_per_row = 1500;
    t.server_cpu_ns_per_row = 300;
    CHECK(t.bottleneck() == TimeSplit::Bottleneck::client);
    t.client_cpu_ns_per_row = 300;
    CHECK(t.bottleneck() == TimeSplit::Bottleneck::waiting);
    CHECK(time_sentence(t).starts_with("waiting dominates: 1.40 µs per row"));
  }
}

TEST_CASE("svg: one mark per point and non-empty bar, the same bytes each time, text escaped", "[report][svg]") {
  using namespace benchlab::svg;
  LineChart c;
  c.title = "a <title> & more";
  c.x = {"rows", Scale::log, nullptr, {}, false};
  c.y = {"rows/s", Scale::linear, nullptr, {}, true};
  c.series = {{"one", {{1e5, 10, 9, 11}, {1e6, 20, {}, {}}, {1e7, 30, {}, {}}}, false, -1},
              {"two", {{1e5, 5, {}, {}}, {1e6, 6, {}, {}}, {1e7, 7, {}, {}}}, false, -1},
              {"bound", {{1e5, 40, {}, {}}, {1e7, 40, {}, {}}}, true, -1}};
  const Rendered r = render(c);
  CHECK(r.marks == 6);
  CHECK(count(r.svg, "class=\"mark\"") == 6);
  CHECK(count(r.svg, "class=\"reference\"") == 1);
  CHECK(contains(r.svg, "a &lt;title&gt; &amp; more"));
  CHECK_FALSE(contains(r.svg, "<title> &"));
  CHECK(render(c).svg == r.svg);

  BarChart b;
  b.title = "split";
  b.keys = {"server", "client", "neither"};
  b.stacked = true;
  b.value = {"ns", Scale::linear, nullptr, {}, true};
  b.bars = {{"a", {{0, 100, {}, {}, ""}, {1, 0, {}, {}, ""}, {2, 50, {}, {}, ""}}}, {"b", {{0, 10, {}, {}, ""}}}};
  const Rendered s = render(b);
  CHECK(s.marks == 3);  // the zero segment is not drawn
  b.stacked = false;
  CHECK(render(b).marks == 4);  // grouped: a zero is a visible sliver at the baseline
}

namespace {

// A strategy table as a report shows it: its header and its rows of cells.
struct ParsedTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  friend bool operator==(const ParsedTable&, const ParsedTable&) = default;
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::vector<std::string> split(const std::string& text, const std::regex& separator) {
  std::vector<std::string> out;
  for (std::sregex_token_iterator it(text.begin(), text.end(), separator, -1), end; it != end; ++it) out.push_back(*it);
  return out;
}

// The console's tables: a header line opening with "strategy  rows/s", a rule, the
// rows (cells two or more spaces apart, no cell holds two spaces) up to the first
// indented line.
std::vector<ParsedTable> console_tables(const std::string& text) {
  const std::regex apart("  +");
  std::vector<ParsedTable> out;
  const auto lines = lines_of(text);
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
    if (!lines[i].starts_with("strategy  ") || !lines[i + 1].starts_with("---")) continue;
    ParsedTable t{split(lines[i], apart), {}};
    if (t.header.size() < 2 || t.header[1] != "rows/s") continue;  // the overview across sizes is another table
    for (i += 2; i < lines.size() && !lines[i].empty() && lines[i][0] != ' '; ++i)
      t.rows.push_back(split(lines[i], apart));
    out.push_back(std::move(t));
  }
  return out;
}

// Markdown's: "| strategy | rows/s |" … an alignment row, rows up to the first line not a row.
std::vector<ParsedTable> markdown_tables(const std::string& text) {
  const std::regex bar(" \\| ");
  auto cells = [&](const std::string& line) { return split(line.substr(2, line.size() - 4), bar); };
  std::vector<ParsedTable> out;
  const auto lines = lines_of(text);
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
    if (!lines[i].starts_with("| strategy | rows/s |")) continue;
    ParsedTable t{cells(lines[i]), {}};
    for (i += 2; i < lines.size() && lines[i].starts_with("| "); ++i) t.rows.push_back(cells(lines[i]));
    out.push_back(std::move(t));
  }
  return out;
}

std::string unescape_html(std::string s) {
  for (const auto& [entity, c] : std::vector<std::pair<std::string, std::string>>{
           {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}})
    for (auto at = s.find(entity); at != std::string::npos; at = s.find(entity, at + c.size()))
      s.replace(at, entity.size(), c);
  return s;
}

// The text between `open` and `close` from `at` on, and where it ends (npos: none).
std::pair<std::string, std::size_t> between(const std::string& text, const std::string& open, const std::string& close,
                                            std::size_t at) {
  const auto begin = text.find(open, at);
  if (begin == std::string::npos) return {{}, std::string::npos};
  const auto end = text.find(close, begin + open.size());
  if (end == std::string::npos) return {{}, std::string::npos};
  return {text.substr(begin + open.size(), end - begin - open.size()), end + close.size()};
}

// The cells of one HTML row: each <th…>…</th> or <td…>…</td>, unescaped.
std::vector<std::string> html_cells(const std::string& row) {
  std::vector<std::string> out;
  for (std::size_t at = row.find("<t"); at != std::string::npos; at = row.find("<t", at)) {
    const auto content = row.find('>', at) + 1;
    const auto end = row.find("</t", content);
    out.push_back(unescape_html(row.substr(content, end - content)));
    at = end + 3;
  }
  return out;
}

// HTML's: each <table> whose first header cells are "strategy" and "rows/s".
std::vector<ParsedTable> html_tables(const std::string& text) {
  std::vector<ParsedTable> out;
  for (auto [table, at] = between(text, "<table>", "</table>", 0); at != std::string::npos;
       std::tie(table, at) = between(text, "<table>", "</table>", at)) {
    std::vector<std::vector<std::string>> rows;
    for (auto [row, r] = between(table, "<tr>", "</tr>", 0); r != std::string::npos;
         std::tie(row, r) = between(table, "<tr>", "</tr>", r))
      rows.push_back(html_cells(row));
    if (rows.empty() || rows.front().size() < 2 || rows.front()[0] != "strategy" || rows.front()[1] != "rows/s")
      continue;
    out.push_back({rows.front(), {rows.begin() + 1, rows.end()}});
  }
  return out;
}

}  // namespace

// What the console prints for `a`, through a temporary file.
std::string console_of(const benchlab::Artifact& a, benchlab::ConsoleOptions options = {}) {
  std::FILE* f = std::tmpfile();
  REQUIRE(f != nullptr);
  benchlab::ConsoleReporter console(f, std::move(options));
  benchlab::report_artifact(a, {&console});
  std::string text(static_cast<std::size_t>(std::ftell(f)), '\0');
  std::rewind(f);
  REQUIRE(std::fread(text.data(), 1, text.size(), f) == text.size());
  std::fclose(f);
  return text;
}

TEST_CASE("report: the console, Markdown and HTML strategy tables show the same columns and the same values",
          "[report]") {
  using namespace benchlab;
  // The sweep (forked workers' memory, 3 sizes) and a run recovered from faults (a status beside the marks).
  for (const fs::path& file : {kSweep, kRecovery}) {
    INFO(file.string());
    const Artifact a = read_artifact_file(file);
    MarkdownReporter markdown({file.filename().string()});
    HtmlReporter html({file.filename().string()}, {});
    report_artifact(a, {&markdown, &html});
    markdown.close();
    html.close();

    // --wide: every column, as the reports have them.
    const auto on_console = console_tables(console_of(a, {TableView::wide, "", {}}));
    const auto in_markdown = markdown_tables(markdown.document());
    const auto in_html = html_tables(html.document());
    REQUIRE(on_console.size() == a.report.sizes.size());
    std::vector<std::string> header;
    for (const auto& c : strategy_columns()) header.emplace_back(c.header);
    for (std::size_t i = 0; i < on_console.size(); ++i) {
      CHECK(on_console[i].header == header);
      CHECK(on_console[i].rows.size() == a.report.sizes[i].strategies.size());
      for (const auto& row : on_console[i].rows) CHECK(row.size() == header.size());
    }
    CHECK(in_markdown == on_console);
    CHECK(in_html == on_console);

    // The default, compact view: the columns it keeps, with the same values as the
    // reports' (the match column shortened to its mark).
    const auto compact = console_tables(console_of(a));
    REQUIRE(compact.size() == in_markdown.size());
    for (std::size_t i = 0; i < compact.size(); ++i) {
      REQUIRE(compact[i].rows.size() == in_markdown[i].rows.size());
      std::vector<std::size_t> kept;
      for (std::size_t c = 0; c < strategy_columns().size(); ++c)
        if (strategy_columns()[c].compact) kept.push_back(c);
      REQUIRE(compact[i].header.size() == kept.size());
      CHECK(kept.size() < header.size());
      for (std::size_t k = 0; k < kept.size(); ++k) {
        CHECK(compact[i].header[k] == header[kept[k]]);
        for (std::size_t r = 0; r < compact[i].rows.size(); ++r) {
          const std::string& full = in_markdown[i].rows[r].at(kept[k]);
          const std::string& shown = compact[i].rows[r].at(k);
          if (header[kept[k]] == "match")
            CHECK((shown == "✓" ? full == "✓ / ✓" : full != "✓ / ✓"));
          else
            CHECK(shown == full);
        }
      }
    }
  }
}

namespace {

// Every line of `text` longer than the console's width (none, when it fits).
std::vector<std::string> too_wide(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& line : lines_of(text))
    if (benchlab::display_width(line) > benchlab::kConsoleWidth) out.push_back(line);
  return out;
}

// Every strategy of every size has a row of its own in the console's table for that
// size, with its rows/s as the reports print it (— when none).
void check_every_strategy_shown(const benchlab::Artifact& a, const std::string& text) {
  using namespace benchlab;
  const auto tables = console_tables(text);
  REQUIRE(tables.size() == a.report.sizes.size());
  for (std::size_t i = 0; i < tables.size(); ++i) {
    const SizeResult& size = a.report.sizes[i];
    REQUIRE(tables[i].rows.size() == size.strategies.size());
    for (std::size_t j = 0; j < size.strategies.size(); ++j) {
      const Summary& rps = a.summary.sizes.at(i).strategies.at(j).rows_per_sec;
      INFO("size " << size.limit << " " << size.strategies[j].strategy);
      CHECK(tables[i].rows[j].at(0) == size.strategies[j].strategy);
      CHECK(tables[i].rows[j].at(1) == (rps.count ? si(rps.median) : std::string(kMissing)));
    }
  }
}

// The reference sweep (7 strategies and a control × 3 sizes), changed by `change`
// in memory, summarised again as a run or the loader would.
benchlab::Artifact reference_changed(const std::function<void(benchlab::Artifact&)>& change) {
  benchlab::Artifact a = benchlab::read_artifact_file(kResults / "run-20261202T045428Z.json");
  change(a);
  a.summary = benchlab::summary_of(a);
  return a;
}

void rename_strategy(benchlab::Artifact& a, const std::string& from, const std::string& to) {
  for (auto& name : a.context.schedule.strategies)
    if (name == from) name = to;
  for (auto& size : a.report.sizes)
    for (auto& s : size.strategies)
      if (s.strategy == from) s.strategy = to;
}

}  // namespace

TEST_CASE("report: the console fits 120 columns for every committed artifact and every edge", "[report][console]") {
  using namespace benchlab;
  std::vector<fs::path> files;
  for (const fs::path& dir : {kResults, kResults / "reference"})
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().filename().string().starts_with("run-") && e.path().extension() == ".json")
        files.push_back(e.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() > 40);
  for (const auto& file : files) {
    INFO(file.string());
    const Artifact a = read_artifact_file(file);
    const std::string text = console_of(a);
    CHECK(too_wide(text).empty());
    check_every_strategy_shown(a, text);
  }

  using Change = std::function<void(Artifact&)>;
  const std::vector<std::pair<std::string, Change>> edges{
      {"a 30-character strategy name, a recovered run, a control",
       [](Artifact& a) {
         rename_strategy(a, "multiprocessing", "multiprocessing_with_a_long_nam");
         rename_strategy(a, "cursor_pagination", std::string(30, 'x'));
         for (auto& size : a.report.sizes)
           for (auto& s : size.strategies)
             if (s.strategy == "pooled_sync") {
               s.runs[0].recovery = RecoveryFigures{};
               s.runs[0].recovery->tiers = {2, 2};
               s.runs[0].recovery->faults = {FaultRecord{}};
             }
         // The broken control of parallel_copy, its mismatch expected.
         a.context.schedule.strategies.push_back("parallel_copy/unshared");
         for (auto& size : a.report.sizes) {
           StrategyResult control = *size.strategy("parallel_copy");
           control.strategy = "parallel_copy/unshared";
           for (auto& r : control.runs) r.checksum_match = false;
           size.strategies.push_back(control);
         }
       }},
      {"interrupted: a strategy with 1 of 3 runs, one with none, the artifact incomplete",
       [](Artifact& a) {
         a.complete = false;
         a.report.interrupted_signal = 2;
         for (auto& s : a.report.sizes.back().strategies) {
           if (s.strategy == "copy_stream") s.runs.resize(1);
           if (s.strategy == "parallel_copy") s.runs.clear();
         }
       }},
      {"a failed strategy with a long error, a mismatch, missing figures",
       [](Artifact& a) {
         for (auto& size : a.report.sizes)
           for (auto& s : size.strategies) {
             if (s.strategy == "naive") {
               s.runs.clear();
               s.errors = {
                   "server closed the connection unexpectedly: this probably means the server terminated "
                   "abnormally before or while processing the request, so the strategy has no figures"};
             }
             if (s.strategy == "async_stream")
               for (auto& r : s.runs) {
                 r.rows_match = false;
                 r.ttfr_ms.reset();
                 r.peak_rss_bytes.reset();
               }
           }
       }},
      {"12 sizes",
       [](Artifact& a) {
         std::vector<SizeResult> sizes;
         for (std::uint64_t i = 0; i < 12; ++i) {
           SizeResult size = a.report.sizes[i % a.report.sizes.size()];
           size.limit = 1000000 * (i + 1) + 1;  // no two alike, and as wide as a size gets
           sizes.push_back(size);
         }
         a.report.sizes = sizes;
       }},
      {"3 profiles",
       [](Artifact& a) {
         std::vector<SizeResult> sizes;
         a.context.profiles.clear();
         for (const char* profile : {"default", "async_commit", "read_tuned"}) {
           a.context.profiles.push_back(ProfileFacts{profile, "", {}, {}});
           for (SizeResult size : a.report.sizes) {
             size.profile = profile;
             sizes.push_back(size);
           }
         }
         a.report.sizes = sizes;
       }},
  };
  for (const auto& [what, change] : edges) {
    INFO(what);
    const Artifact a = reference_changed(change);
    const std::string text = console_of(a);
    INFO(text);
    CHECK(too_wide(text).empty());
    check_every_strategy_shown(a, text);
    // A row that is not plain ok points to its note, which says it whole.
    std::size_t noted = 0, notes = 0;
    for (const auto& t : console_tables(text))
      for (const auto& row : t.rows) noted += row.back() == "✓" ? 0 : 1;
    for (const auto& line : lines_of(text)) notes += std::regex_search(line, std::regex("^  \\[[0-9]+\\] ")) ? 1 : 0;
    CHECK(notes == noted);
    if (!what.starts_with("12 sizes") && !what.starts_with("3 profiles")) CHECK(noted > 0);
    // --wide: every column's header, the whole status in the row.
    const std::string wide = console_of(a, {TableView::wide, "", {}});
    for (const auto& t : console_tables(wide)) {
      std::vector<std::string> header;
      for (const auto& c : strategy_columns()) header.emplace_back(c.header);
      CHECK(t.header == header);
    }
    CHECK_FALSE(contains(wide, "\n  [1] "));
  }
}

TEST_CASE("report: the console's legend explains the columns shown, and a warning said during the run is not repeated",
          "[report][console]") {
  using namespace benchlab;
  Artifact a = read_artifact_file(kResults / "run-20261202T045428Z.json");
  a.context.host.load_average = {9.5, 9.0, 8.0};  // busy when it started
  a.summary = summary_of(a);
  const std::string busy = busy_machine_warning(a.context.host)->text();
  REQUIRE(count(console_of(a), busy) == 1);  // report: no run going on, so the table says it
  CHECK(count(console_of(a, {TableView::compact, "", {busy}}), busy) == 0);  // the run said it on stderr

  const std::string compact = console_of(a), wide = console_of(a, {TableView::wide, "", {}});
  CHECK(contains(compact, "\ncolumns:\n  rows/s: median of the runs; "));
  CHECK_FALSE(contains(compact, "p99 batch: "));
  CHECK(contains(compact, "not shown: p99 batch, CPU ns/row ("));
  CHECK(contains(compact, "; /bound: median of each run's "));
  CHECK(contains(console_of(a, {TableView::compact, "HINT", {}}), "CPU ns/row (HINT)"));
  CHECK(contains(wide, "p99 batch: "));
  CHECK_FALSE(contains(wide, "not shown: "));
  CHECK(too_wide(compact).empty());
  CHECK(too_wide(wide.substr(wide.find("\ncolumns:"))).empty());  // the legend is wrapped in the wide view too
}

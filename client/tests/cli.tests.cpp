// benchclient's command line, run as the real binary: bad input gives a non-zero
// exit, one line on stderr naming the problem, and leaves nothing behind; a run
// against the test server produces a valid artifact; SIGINT stops cleanly.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli/exit_codes.hpp"
#include "cli/value_parsers.hpp"
#include "measure/run_backends.hpp"
#include "model/strategy_table.hpp"
#include "model/text_width.hpp"
#include "store/artifact_json.hpp"
#include "strategies/registry.hpp"
#include "support.hpp"

namespace fs = std::filesystem;

using benchlab::test::TempDir;
namespace test = benchlab::test;

namespace {

using test::line_count;
using test::Outcome;
using test::shm_benchlab_entries;
using test::slurp;
using Child = test::Benchclient;

Outcome run_cli(const std::vector<std::string>& args, const TempDir& dir) {
  return test::run_benchclient(args, dir.path);
}

std::vector<pid_t> processes_mentioning(const std::string& marker);

// What a bad invocation must not leave behind: a cluster directory in its private
// TMPDIR, or a process (a postmaster runs with its data directory there).
bool no_cluster_dirs(const TempDir& dir) {
  for (const auto& e : fs::directory_iterator(dir.path))
    if (e.path().filename().string().starts_with("benchlab-cluster-")) return false;
  return processes_mentioning(dir.path.string()).empty();
}

// Processes whose command line mentions `marker` (forked workers keep benchclient's argv).
std::vector<pid_t> processes_mentioning(const std::string& marker) {
  std::vector<pid_t> out;
  for (const auto& e : fs::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmd = slurp(e.path() / "cmdline");
    for (char& c : cmd)
      if (c == '\0') c = ' ';
    if (cmd.find(marker) != std::string::npos) out.push_back(static_cast<pid_t>(std::stol(name)));
  }
  return out;
}

// The first line of `s` (all of it when there is no newline).
std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

// A usage error: exit 2, exactly `line` as the one line on stderr, nothing on stdout.
void require_usage_line(const Outcome& o, const std::string& line) {
  INFO("stderr: " << o.err);
  CHECK(o.exit_code == 2);
  CHECK(line_count(o.err) == 1);
  CHECK(first_line(o.err) == line);
  CHECK(o.out.empty());
}

void require_one_line_error(const Outcome& o) {
  INFO("stderr: " << o.err);
  CHECK(o.exit_code != 0);
  CHECK(line_count(o.err) == 1);
  CHECK(o.err.find("error") != std::string::npos);
}

}  // namespace

TEST_CASE("cli: unknown strategy is refused with the valid names", "[cli]") {
  TempDir dir("clitest");
  const Outcome o = run_cli({"--strategy", "naive,bogus", "--results-dir", (dir.path / "r").string()}, dir);
  require_one_line_error(o);
  CHECK(o.exit_code == 2);
  CHECK(o.err.find("bogus") != std::string::npos);
  CHECK(o.err.find("cursor_pagination") != std::string::npos);
  CHECK(no_cluster_dirs(dir));
  CHECK_FALSE(fs::exists(dir.path / "r"));
}

TEST_CASE("cli: --rows 0 and --workers 0 are usage errors", "[cli]") {
  TempDir dir("clitest");
  Outcome o = run_cli({"--all", "--rows", "100,0"}, dir);
  require_one_line_error(o);
  CHECK(o.exit_code == 2);
  CHECK(o.err.find("--rows") != std::string::npos);

  o = run_cli({"--all", "--rows", "abc"}, dir);
  require_one_line_error(o);
  CHECK(o.err.find("abc") != std::string::npos);

  o = run_cli({"--all", "--workers", "0"}, dir);
  require_one_line_error(o);
  CHECK(o.exit_code == 2);
  CHECK(o.err.find("--workers") != std::string::npos);

  o = run_cli({"--all", "--runs", "0"}, dir);
  require_one_line_error(o);
  CHECK(o.err.find("--runs") != std::string::npos);

  o = run_cli({"--rows", "1000"}, dir);  // no work selected
  require_one_line_error(o);
  CHECK(o.err.find("--all") != std::string::npos);
  CHECK(no_cluster_dirs(dir));
}

TEST_CASE("cli: an unwritable results directory is refused before anything starts", "[cli]") {
  TempDir dir("clitest");
  const fs::path file = dir.path / "a-file";
  std::ofstream(file) << "x";
  const Outcome o = run_cli({"--all", "--rows", "10", "--results-dir", (file / "sub").string()}, dir);
  require_one_line_error(o);
  CHECK(o.err.find("--results-dir") != std::string::npos);
  CHECK(no_cluster_dirs(dir));
}

TEST_CASE("cli: an unreachable server is named, the password never printed", "[cli]") {
  TempDir dir("clitest");
  const fs::path results = dir.path / "results";
  const Outcome o = run_cli({"--dsn", "host=/nonexistent password=Sekr1tPa55word connect_timeout=2", "--strategy",
                             "naive", "--rows", "10", "--results-dir", results.string()},
                            dir);
  require_one_line_error(o);
  CHECK(o.err.find("/nonexistent") != std::string::npos);
  CHECK(o.err.find("Sekr1tPa55word") == std::string::npos);
  CHECK(o.out.find("Sekr1tPa55word") == std::string::npos);
  CHECK_FALSE(fs::exists(results));  // created for the check, removed again: nothing left behind
  CHECK(no_cluster_dirs(dir));
}

namespace {

std::string dsn_of(const benchlab::test::ScratchDatabase& db) { return db.conninfo(); }

}  // namespace

TEST_CASE("cli: a wrong password against the test server is never printed", "[cli][db]") {
  const std::string base = benchlab::test::server_conninfo();
  TempDir dir("clitest");
  const Outcome o = run_cli({"--dsn", base + " dbname=benchlab_no_such_db password=Wr0ngPa55word", "--strategy",
                             "naive", "--rows", "10", "--results-dir", (dir.path / "r").string()},
                            dir);
  require_one_line_error(o);
  CHECK(o.err.find("Wr0ngPa55word") == std::string::npos);
}

TEST_CASE("cli: user table problems are reported with the fix", "[cli][db]") {
  benchlab::test::ScratchDatabase db("cli_table");
  db.admin().exec(
      "CREATE TABLE public.things (id bigint PRIMARY KEY, code int, label text); "
      "INSERT INTO public.things SELECT g, g, 'x' || g FROM generate_series(1, 50) g");
  TempDir dir("clitest");
  const std::string results = (dir.path / "r").string();
  auto run = [&](std::vector<std::string> extra) {
    std::vector<std::string> args{"--dsn",         dsn_of(db), "--strategy",   "naive",
                                  "--results-dir", results,    "--no-progress"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_cli(args, dir);
  };

  Outcome o = run({"--table", "public.nope", "--rows", "10"});
  require_one_line_error(o);
  CHECK(o.err.find("public.nope") != std::string::npos);
  CHECK(o.err.find("does not exist") != std::string::npos);

  o = run({"--table", "public.things", "--key", "label", "--rows", "10"});
  require_one_line_error(o);
  CHECK(o.err.find("--key") != std::string::npos);
  CHECK(o.err.find("code") != std::string::npos);  // lists the integer columns

  o = run({"--table", "public.things", "--key", "missing_col", "--rows", "10"});
  require_one_line_error(o);
  CHECK(o.err.find("--key") != std::string::npos);

  o = run({"--table", "public.things", "--rows", "51"});
  require_one_line_error(o);
  CHECK(o.err.find("holds only 50 rows") != std::string::npos);
  CHECK(o.err.find("--rows 50") != std::string::npos);
  CHECK_FALSE(fs::exists(results));
}

TEST_CASE("cli: table names with quotes, spaces and SQL are handled safely", "[cli][db]") {
  benchlab::test::ScratchDatabase db("cli_quote");
  db.admin().exec(
      "CREATE TABLE public.canary (id int); "
      "CREATE TABLE public.\"we\"\"ird; DROP TABLE public.canary; --\" (\"the key\" int PRIMARY KEY, \"va'l\" text); "
      "INSERT INTO public.\"we\"\"ird; DROP TABLE public.canary; --\" SELECT g, 'v' || g FROM generate_series(1, 40) "
      "g");
  TempDir dir("clitest");
  const std::string results = (dir.path / "r").string();

  // A name that is SQL and does not exist: a clean error, nothing executed.
  Outcome o = run_cli({"--dsn", dsn_of(db), "--strategy", "naive", "--rows", "10", "--results-dir", results, "--table",
                       "canary; DROP TABLE public.canary", "--no-progress"},
                      dir);
  CHECK(o.exit_code != 0);
  CHECK(line_count(o.err) == 1);

  // The odd table, named as SQL quotes it: read in full and verified.
  o = run_cli(
      {"--dsn", dsn_of(db), "--strategy", "naive", "--rows", "40", "--runs", "1", "--results-dir", results, "--table",
       "public.\"we\"\"ird; DROP TABLE public.canary; --\"", "--key", "the key", "--json", "--no-progress"},
      dir);
  INFO("stderr: " << o.err);
  REQUIRE(o.exit_code == 0);
  const auto artifact = nlohmann::ordered_json::parse(o.out);
  REQUIRE(artifact["benchmarks"].size() == 1);
  CHECK(artifact["benchmarks"][0]["runs"][0]["rows"] == 40);
  CHECK(artifact["benchmarks"][0]["rows_match"] == true);
  CHECK(db.admin().query_value("SELECT to_regclass('public.canary') IS NOT NULL") == "t");
}

TEST_CASE("cli: end to end against the test server gives a verified artifact", "[cli][db]") {
  benchlab::test::ScratchDatabase db("cli_e2e");
  TempDir dir("clitest");
  const fs::path results = dir.path / "results";
  const Outcome o = run_cli({"--dsn", dsn_of(db), "--strategy", "naive", "--rows", "1000", "--runs", "1", "--json",
                             "--results-dir", results.string()},
                            dir);
  INFO("stderr: " << o.err);
  REQUIRE(o.exit_code == 0);
  const auto artifact = nlohmann::ordered_json::parse(o.out);
  CHECK(artifact.begin().key() == "kind");
  CHECK(artifact["kind"] == "run");
  CHECK(artifact["context"]["schema_version"] == 1);
  // The exact command it came from, which every report names.
  CHECK(artifact["context"]["command"].get<std::string>().ends_with(
      "--strategy naive --rows 1000 --runs 1 --json --results-dir " + results.string()));
  // The verdict closes the display (stderr here: stdout carries the JSON), each line
  // wrapped to the console's width; the artifact keeps the same lines, worded by the same code.
  // One strategy: nothing to call fastest; each line says on what it rests.
  REQUIRE(artifact["verdict"].size() == 3);
  const auto verdict = artifact["verdict"].get<std::vector<std::string>>();
  CHECK(verdict[0].starts_with("At 1K rows, text: naive, "));
  CHECK(verdict[0].ends_with(" rows/s (1 run); the only strategy run, so there is nothing to compare it with."));
  CHECK(verdict[1].starts_with("Its memory at 1K rows: "));
  CHECK(verdict[2].starts_with("Where naive's time went"));
  std::string printed;
  for (const auto& line : verdict)
    for (const auto& part : benchlab::wrap_words(line, benchlab::kConsoleWidth, "verdict: ", "  "))
      printed += part + "\n";
  CHECK(o.err.find("\n" + printed) != std::string::npos);
  REQUIRE(artifact["benchmarks"].size() == 1);
  const auto& b = artifact["benchmarks"][0];
  CHECK(b["limit"] == 1000);
  CHECK(b["strategy"] == "naive");
  CHECK(b["rows_match"] == true);
  CHECK(b["checksum_match"] == true);
  CHECK(b["throughput_rows_per_sec"]["median"].get<double>() > 0);
  CHECK(b["peak_rss_bytes"]["median"].get<double>() > 0);
  CHECK(b["runs"][0]["rows"] == 1000);
  // The same artifact was written to the results directory, beside its HTML report, and nothing else.
  std::set<fs::path> files;
  for (const auto& e : fs::directory_iterator(results)) files.insert(e.path());
  REQUIRE(files.size() == 2);
  const fs::path html = *files.begin(), json = *files.rbegin();  // ".html" sorts first
  CHECK(json.filename().string().starts_with("run-"));
  CHECK(json.extension() == ".json");
  CHECK(html == fs::path(json).replace_extension(".html"));
  CHECK(nlohmann::json::parse(slurp(json))["benchmarks"][0]["rows_match"] == true);
  // The last line names both, the report first.
  CHECK(o.err.ends_with(
      fmt::format("\nbenchclient: report: {} (open in a browser); artifact: {}\n", html.string(), json.string())));
}

// Every run writes its own HTML report beside its artifact: the page `benchclient report
// --format html ARTIFACT` makes of it, byte for byte, self-contained, naming its strategies,
// opening with rows/s and peak RSS per strategy.
TEST_CASE("cli: a run writes its HTML report beside its artifact", "[cli][db][html]") {
  benchlab::test::ScratchDatabase db("cli_html");
  TempDir dir("clitest");
  const fs::path results = dir.path / "results";
  const Outcome o = run_cli({"--dsn", dsn_of(db), "--strategy", "cursor_pagination,copy_stream", "--rows", "1000",
                             "--runs", "2", "--warmup", "0", "--no-progress", "--results-dir", results.string()},
                            dir);
  INFO("stderr: " << o.err);
  REQUIRE(o.exit_code == 0);
  fs::path json, html;
  for (const auto& e : fs::directory_iterator(results)) (e.path().extension() == ".json" ? json : html) = e.path();
  REQUIRE(fs::is_regular_file(json));
  REQUIRE(html == fs::path(json).replace_extension(".html"));
  const std::string page = slurp(html);
  const std::string last = o.err.substr(o.err.rfind('\n', o.err.size() - 2) + 1);
  CHECK(last ==
        fmt::format("benchclient: report: {} (open in a browser); artifact: {}\n", html.string(), json.string()));
  // The report command's page of the same file: one code path.
  const Outcome r = run_cli({"report", "--format", "html", json.string()}, dir);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == page);
  // Self-contained: no script, nothing fetched.
  CHECK(page.starts_with("<!doctype html>"));
  CHECK(page.find("<script") == std::string::npos);
  CHECK(page.find("src=") == std::string::npos);
  CHECK(page.find("<link") == std::string::npos);
  // It names its strategies, and opens with their rows/s, then their peak RSS.
  for (const std::string name : {"cursor_pagination", "copy_stream"}) {
    INFO(name);
    CHECK(page.find("data-series=\"" + name + "\"") != std::string::npos);
    CHECK(page.find("<td>" + name + "</td>") != std::string::npos);
  }
  std::vector<std::string> ids;  // the charts' ids, in the page's order
  for (auto at = page.find("<figure class=\"chart\" id=\""); at != std::string::npos;
       at = page.find("<figure class=\"chart\" id=\"", at + 1)) {
    const auto from = at + std::string("<figure class=\"chart\" id=\"").size();
    ids.push_back(page.substr(from, page.find('"', from) - from));
  }
  REQUIRE(ids.size() >= 2);
  CHECK(ids[0].ends_with("-2runs-strategies-rows-per-sec"));
  CHECK(ids[1].ends_with("-2runs-strategies-peak-rss"));
  // Complete: no status line says otherwise.
  CHECK(page.find("incomplete") == std::string::npos);
}

TEST_CASE("cli: any table read whole (--rows all), split by ctid, and the input that cannot be", "[cli][db]") {
  benchlab::test::ScratchDatabase db("cli_ctid");
  TempDir dir("clitest");
  const fs::path results = dir.path / "results";
  db.admin().exec(
      "CREATE TABLE public.logs (at timestamptz, msg text);"
      "INSERT INTO public.logs SELECT '2026-01-01'::timestamptz + g * interval '1 s', md5(g::text) "
      "FROM generate_series(1, 1500) g;"
      "CREATE VIEW public.logs_view AS SELECT * FROM public.logs");
  SECTION("a table without a key, read whole by every strategy") {
    const Outcome o = run_cli({"--dsn", dsn_of(db), "--table", "public.logs", "--rows", "all", "--all", "--runs", "1",
                               "--json", "--no-progress", "--results-dir", results.string()},
                              dir);
    INFO("stderr: " << o.err);
    REQUIRE(o.exit_code == 0);
    const auto artifact = nlohmann::json::parse(o.out);
    CHECK(artifact["context"]["options"]["all_rows"] == true);
    CHECK(artifact["context"]["options"]["rows"].empty());
    CHECK(artifact["context"]["postgresql"]["session_settings"]["jit"] == "off");
    REQUIRE(artifact["sizes"].size() == 1);
    CHECK(artifact["sizes"][0]["split"] == "ctid");
    CHECK(artifact["sizes"][0]["whole_table"] == true);
    CHECK(artifact["sizes"][0]["limit"] == 1500);
    CHECK(artifact["sizes"][0]["server_checksum_source"] == "server_scan");
    REQUIRE(artifact["benchmarks"].size() == benchlab::strategy_names().size());
    for (const auto& b : artifact["benchmarks"]) {
      INFO("strategy " << b["strategy"]);
      CHECK(b["status"] == "ok");
      CHECK(b["rows_match"] == true);
      CHECK(b["checksum_match"] == true);
    }
  }
  // Bad input: one line naming what is wrong, before anything runs, nothing left behind.
  auto refused = [&](const std::vector<std::string>& args) -> Outcome {
    std::vector<std::string> all{"--dsn",         dsn_of(db),      "--strategy",    "naive",
                                 "--no-progress", "--results-dir", results.string()};
    all.insert(all.end(), args.begin(), args.end());
    const Outcome o = run_cli(all, dir);
    require_one_line_error(o);
    CHECK_FALSE(fs::exists(results));
    return o;
  };
  SECTION("--rows N needs a key order") {
    const std::string err = refused({"--table", "public.logs", "--rows", "100"}).err;
    CHECK(err.find("--rows all") != std::string::npos);
    CHECK(err.find("--key") != std::string::npos);
  }
  SECTION("--split ctid with --rows N") {
    CHECK(refused({"--table", "public.logs", "--rows", "100", "--split", "ctid"}).err.find("--split ctid") !=
          std::string::npos);
  }
  SECTION("--split ctid on a view") {
    CHECK(refused({"--table", "public.logs_view", "--rows", "all", "--split", "ctid"}).err.find("is a view") !=
          std::string::npos);
  }
  SECTION("a table name that is not a name") {
    CHECK(refused({"--table", "public..logs", "--rows", "all"})
              .err.find("--table public..logs: not a valid table name") != std::string::npos);
  }
  SECTION("--rows all with counts") {
    const Outcome o = refused({"--table", "public.logs", "--rows", "all,100"});
    CHECK(o.exit_code == 2);
    CHECK(o.err.find("--rows all") != std::string::npos);
  }
}

TEST_CASE("cli: the display and the files are chosen apart (--console, --markdown)", "[cli][db]") {
  benchlab::test::ScratchDatabase db("cli_outputs");
  TempDir dir("clitest");
  const fs::path results = dir.path / "results", md = dir.path / "run.md";
  SECTION("no display, a Markdown file and the artifact") {
    const Outcome o =
        run_cli({"--dsn", dsn_of(db), "--strategy", "cursor_pagination,copy_stream", "--rows", "1000", "--runs", "1",
                 "--console", "none", "--markdown", md.string(), "--no-progress", "--results-dir", results.string()},
                dir);
    INFO("stderr: " << o.err);
    REQUIRE(o.exit_code == 0);
    CHECK(o.out.empty());
    const std::string report = slurp(md);
    CHECK(report.starts_with("# benchclient report\n"));
    CHECK(report.find("\n### 1000 rows\n") != std::string::npos);
    CHECK(report.find("| cursor_pagination | ") != std::string::npos);
    CHECK(report.find("| copy_stream | ") != std::string::npos);
    CHECK(report.find("✓ / ✓") != std::string::npos);
    std::size_t artifacts = 0;
    for (const auto& e : fs::directory_iterator(results)) artifacts += e.path().extension() == ".json" ? 1 : 0;
    CHECK(artifacts == 1);
  }
  SECTION("the Markdown report as the display") {
    const Outcome o = run_cli({"--dsn", dsn_of(db), "--strategy", "naive", "--rows", "1000", "--runs", "1", "--console",
                               "markdown", "--no-progress", "--results-dir", results.string()},
                              dir);
    INFO("stderr: " << o.err);
    REQUIRE(o.exit_code == 0);
    CHECK(o.out.starts_with("# benchclient report\n"));
    CHECK(o.out.find("| naive | ") != std::string::npos);
    CHECK(o.out.find("\nstrategy  ") == std::string::npos);  // not the console's table
  }
  SECTION("a Markdown file nowhere to be written is refused before anything starts") {
    const Outcome o = run_cli({"--dsn", dsn_of(db), "--strategy", "naive", "--rows", "1000", "--markdown",
                               (dir.path / "no-such-dir" / "run.md").string(), "--results-dir", results.string()},
                              dir);
    require_one_line_error(o);
    CHECK(o.err.find("--markdown") != std::string::npos);
    CHECK_FALSE(fs::exists(results));  // nothing left behind
  }
}

// Every line longer than the console's width (none, when it fits).
std::vector<std::string> lines_wider_than_console(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (benchlab::display_width(line) > benchlab::kConsoleWidth) out.push_back(line);
  return out;
}

std::size_t occurrences(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + needle.size())) ++n;
  return n;
}

TEST_CASE("cli: the console table fits 120 columns, --wide shows every column, each warning is said once",
          "[cli][db][console]") {
  benchlab::test::ScratchDatabase db("cli_console");
  TempDir dir("clitest");
  const fs::path results = dir.path / "results";
  const std::vector<std::string> base{"--dsn",    dsn_of(db), "--rows",        "1000",          "--runs",        "1",
                                      "--warmup", "0",        "--no-progress", "--results-dir", results.string()};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.end(), base.begin(), base.end());
    return args;
  };
  std::vector<std::string> every_header;
  for (const auto& c : benchlab::strategy_columns()) every_header.emplace_back(c.header);

  SECTION("by default: every line within 120 columns, the columns to decide on and a flag") {
    const Outcome o = run_cli(with({"--all", "--no-shared-snapshot"}), dir);  // the controls' names are the longest
    INFO("stdout: " << o.out << "\nstderr: " << o.err);
    REQUIRE(o.exit_code == 0);
    CHECK(lines_wider_than_console(o.out).empty());
    const auto header = o.out.find("\nstrategy ");
    REQUIRE(header != std::string::npos);
    const std::string header_line = o.out.substr(header + 1, o.out.find('\n', header + 1) - header - 1);
    for (const char* shown : {"rows/s", "min … max", "/ceiling", "peak RSS", "TTFR", "/bound", "match"})
      CHECK(header_line.find(shown) != std::string::npos);
    CHECK(header_line.find("p99 batch") == std::string::npos);
    CHECK(o.out.find("--wide shows every column") != std::string::npos);
    for (const auto& name : benchlab::strategy_names()) CHECK(o.out.find("\n" + name + " ") != std::string::npos);
  }
  SECTION("--wide: every column, as the Markdown report has them") {
    const Outcome o = run_cli(with({"--strategy", "naive,copy_stream", "--wide"}), dir);
    INFO("stdout: " << o.out << "\nstderr: " << o.err);
    REQUIRE(o.exit_code == 0);
    std::istringstream in(o.out);
    bool found = false;
    for (std::string line; std::getline(in, line);) {
      if (!line.starts_with("strategy  ")) continue;
      for (const auto& h : every_header) CHECK(line.find(h) != std::string::npos);
      found = true;
    }
    CHECK(found);
    CHECK(o.out.find("not shown: ") == std::string::npos);
  }
  SECTION("a warning said while the run goes is not said again at its end") {
    // A read resumed from its --checkpoint after the snapshot it was read in is gone:
    // the run warns as it resumes; the table of its size used to repeat the warning.
    const fs::path file = dir.path / "read.checkpoint.json";
    const auto args =
        with({"--strategy", "parallel_copy", "--workers", "2", "--part-rows", "250", "--checkpoint", file.string()});
    const Outcome first = run_cli(args, dir);
    INFO("first stderr: " << first.err);
    REQUIRE(first.exit_code == 0);
    auto saved = nlohmann::json::parse(slurp(file));
    REQUIRE(saved["complete"] == true);
    saved["done"].erase(saved["done"].begin());  // one part left to read: a resume
    saved["parts_done"] = saved["done"].size();
    saved["complete"] = false;
    {
      std::ofstream out(file);
      out << saved.dump();
    }
    const Outcome o = run_cli(args, dir);
    INFO("stdout: " << o.out << "\nstderr: " << o.err);
    REQUIRE(o.exit_code == 0);
    const std::string all = o.out + o.err;
    CHECK(occurrences(all, "resumed from --checkpoint in a new snapshot") == 1);
    CHECK(occurrences(o.err, "warning: resumed from --checkpoint in a new snapshot") == 1);
    // Every warning of the run, whatever the machine's load: once.
    std::istringstream err(o.err);
    for (std::string line; std::getline(err, line);)
      if (const auto at = line.find("warning: "); at != std::string::npos)
        CHECK(occurrences(all, line.substr(at + 9, 60)) == 1);
    CHECK(occurrences(all, "the machine was busy") <= 1);
    CHECK(lines_wider_than_console(o.out).empty());
  }
}

TEST_CASE("cli: SIGINT stops the run, keeps what was measured and leaves nothing behind", "[cli][db]") {
  benchlab::test::ScratchDatabase db("cli_sigint");
  TempDir dir("clitest");
  const std::string marker = (dir.path / "results-sigint").string();
  const auto shm_before = shm_benchlab_entries();
  Child child({"--dsn", db.conninfo(), "--all", "--rows", "20000,400000", "--runs", "3", "--results-dir", marker},
              dir.path);
  // Interrupt once the big size is being measured and forked workers are running
  // (a state, polled with a deadline: their command line is benchclient's, so they
  // mention the marker too).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(4);
  auto measuring_big_size_with_workers = [&] {
    return child.err_so_far().find("400000 rows: wire ceiling and") != std::string::npos &&
           processes_mentioning(marker).size() >= 2;
  };
  while (!measuring_big_size_with_workers() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  REQUIRE(measuring_big_size_with_workers());
  REQUIRE(kill(child.pid(), SIGINT) == 0);
  const Outcome o = child.wait();
  INFO("stderr: " << o.err);
  CHECK(o.exit_code == 130);
  CHECK(o.err.find("interrupted") != std::string::npos);
  CHECK(processes_mentioning(marker).empty());
  CHECK(shm_benchlab_entries() == shm_before);
  // What was measured at 20000 rows was saved, and its HTML report says it is incomplete.
  fs::path artifact;
  for (const auto& e : fs::directory_iterator(marker))
    if (e.path().extension() == ".json") artifact = e.path();
  REQUIRE_FALSE(artifact.empty());
  const fs::path html = fs::path(artifact).replace_extension(".html");
  const std::string page = slurp(html);
  CHECK(page.find("<strong>Status:</strong> incomplete: the run stopped") != std::string::npos);
  CHECK(page.find("interrupted by signal 2") != std::string::npos);
  CHECK(o.err.ends_with(
      fmt::format("benchclient: report: {} (open in a browser); artifact: {}\n", html.string(), artifact.string())));
  // No session of ours is left on the server, in a transaction or otherwise.
  const auto admin = db.admin();
  std::string left = "1";
  for (int i = 0; i < 50 && left != "0"; ++i) {
    left = admin.query_value(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'benchclient' AND datname = current_database() "
        "AND pid <> pg_backend_pid()");
    if (left != "0") std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(left == "0");
}

// Every strategy, interrupted during its read: SIGINT to the parent alone (kill -INT)
// or to its whole process group (a terminal's Ctrl-C, which reaches forked workers
// too). The read is slow by construction, so it is still going when the signal
// comes on any machine: each row of the view sleeps 1 ms in the strategies' reads
// only — where a statement timeout is set (the wire ceiling sets none) and the
// statement is not one of benchlab's functions (planning's server_scan and
// range_checksum), so planning and the ceiling stay fast. Deadlines are generous:
// this checks that cleanup happens, not how fast (make bench-faults measures that).
TEST_CASE("cli: SIGINT during each strategy's read ends every backend the run opened and exits 130", "[cli][db]") {
  const std::string strategy = GENERATE(from_range(benchlab::strategy_names()));
  const bool whole_group = GENERATE(false, true);
  INFO("strategy " << strategy << ", SIGINT to " << (whole_group ? "the process group" : "the parent"));
  benchlab::test::ScratchDatabase db("cli_sigint_read");
  db.admin().exec(
      "SELECT benchlab.seed_records('public.t', 2000);"
      "CREATE FUNCTION public.slow_in_reads(bigint) RETURNS bigint LANGUAGE sql VOLATILE AS "
      "$$ SELECT CASE WHEN current_setting('statement_timeout') = '0' OR strpos(current_query(), 'benchlab.') > 0 "
      "THEN $1 ELSE (SELECT $1 FROM pg_sleep(0.001)) END $$;"
      "CREATE VIEW public.slow AS SELECT public.slow_in_reads(id) AS id, category, amount FROM public.t");
  const benchlab::RunBackendObserver observer(test::server_conninfo(), db.name());
  TempDir dir("clitest");
  const std::string marker = (dir.path / "results-sigint-read").string();
  const auto shm_before = shm_benchlab_entries();
  Child child({"--dsn", db.conninfo(), "--table", "public.slow", "--key", "id", "--strategy", strategy, "--rows",
               "2000", "--runs", "1", "--workers", "2", "--statement-timeout-ms", "600000", "--results-dir", marker},
              dir.path, whole_group);
  // The state: the round's wire ceiling is done and the strategy's read is active
  // on the server (for multiprocessing, in its forked workers).
  std::vector<benchlab::RunBackend> seen;
  auto reading = [&] {
    if (child.err_so_far().find("round 1/1: wire ceiling") == std::string::npos) return false;
    seen = observer.backends();
    return benchlab::read_in_progress(seen, strategy, 2);
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  bool read_seen = false;
  while (!(read_seen = reading()) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  INFO("backends: " << benchlab::describe(seen) << "\nstderr: " << child.err_so_far());
  REQUIRE(read_seen);  // not asked again: between batches a connection is briefly idle
  REQUIRE(kill(whole_group ? -child.pid() : child.pid(), SIGINT) == 0);
  const Outcome o = child.wait();
  INFO("stderr: " << o.err);
  CHECK(o.exit_code == 130);
  CHECK(o.err.find("interrupted") != std::string::npos);
  CHECK(processes_mentioning(marker).empty());
  CHECK(shm_benchlab_entries() == shm_before);
  // Every backend the run opened (workers' included) is gone, seen from another database.
  const auto gone_by = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (observer.count() != 0 && std::chrono::steady_clock::now() < gone_by)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  INFO("left: " << benchlab::describe(observer.backends()));
  CHECK(observer.count() == 0);
}

TEST_CASE("cli: a failing strategy is recorded under tolerant and stops the run under strict, both exit 3",
          "[cli][db]") {
  benchlab::test::ScratchDatabase db("cli_policy");
  TempDir dir("clitest");
  const fs::path results = dir.path / "results";
  // Reads of this view are slow by construction under a statement timeout: each
  // row sleeps 1 ms whenever one is set (planning and the wire ceiling run without
  // one and stay fast), so a 1 ms timeout fails every strategy's read on any machine.
  db.admin().exec(
      "SELECT benchlab.seed_records('public.t', 500);"
      "CREATE FUNCTION public.slow_under_timeout(bigint) RETURNS bigint LANGUAGE sql VOLATILE AS "
      "$$ SELECT CASE WHEN current_setting('statement_timeout') = '0' THEN $1 "
      "ELSE (SELECT $1 FROM pg_sleep(0.001)) END $$;"
      "CREATE VIEW public.slow AS SELECT public.slow_under_timeout(id) AS id, category, amount FROM public.t");
  std::vector<std::string> args{"--dsn",
                                db.conninfo(),
                                "--table",
                                "public.slow",
                                "--key",
                                "id",
                                "--strategy",
                                "naive,cursor_pagination,copy_stream,parallel_copy",
                                "--rows",
                                "500",
                                "--runs",
                                "1",
                                "--statement-timeout-ms",
                                "1",
                                "--json",
                                "--no-progress",
                                "--results-dir",
                                results.string()};
  Outcome o = run_cli(args, dir);
  INFO("stderr: " << o.err);
  // Tolerant: recorded, the others went on, and the exit status says a strategy
  // failed (3: apart from errors, 1, and bad input, 2), naming each one.
  CHECK(o.exit_code == 3);
  CHECK(o.err.find("naive at 500 rows, cursor_pagination at 500 rows, copy_stream at 500 rows, parallel_copy at 500 "
                   "rows failed or mismatched") != std::string::npos);
  auto artifact = nlohmann::json::parse(o.out);
  REQUIRE(artifact["benchmarks"].size() == 4);
  for (const auto& b : artifact["benchmarks"]) {
    CHECK(b["status"] == "error");
    REQUIRE(b["errors"].size() == 1);
    CHECK(b["errors"][0].get<std::string>().find("timeout") != std::string::npos);
  }

  args.push_back("--policy");
  args.push_back("strict");
  o = run_cli(args, dir);
  INFO("stderr: " << o.err);
  CHECK(o.exit_code == 3);  // the same status as under tolerant: a strategy failed
  CHECK(o.err.find("strict policy") != std::string::npos);
  artifact = nlohmann::json::parse(o.out);
  CHECK(artifact["status"]["complete"] == false);
  CHECK(artifact["status"]["strict_failure"].get<std::string>().find("naive") != std::string::npos);
  CHECK(artifact["benchmarks"].size() == 1);  // stopped at the first failure, what was measured kept
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(results)) files += e.path().extension() == ".json" ? 1 : 0;
  CHECK(files == 2);
}

TEST_CASE("cli: snapshot hold keeps a snapshot that --snapshot runs read, until Ctrl-C", "[db][cli][snapshot]") {
  test::ScratchDatabase db("cli_hold");
  db.admin().exec("SELECT benchlab.seed_records('public.t', 2000)");
  test::TempDir dir("cli_hold");
  test::TempDir hold_dir("cli_hold_h");  // its own stdout/stderr files
  test::Benchclient holder({"snapshot", "hold", "--dsn", db.conninfo()}, hold_dir.path);
  // Wait for the state: the id printed on stdout (the process writes it once exported).
  const std::string id = test::held_snapshot_id(hold_dir.path);
  REQUIRE_FALSE(id.empty());
  db.admin().exec("DELETE FROM public.t WHERE id > 1500");  // after the snapshot: not seen by the run
  const Outcome run =
      test::run_benchclient({"--dsn", db.conninfo(), "--table", "public.t", "--rows", "all", "--strategy",
                             "cursor_pagination,parallel_copy", "--runs", "1", "--snapshot", id, "--results-dir",
                             (dir.path / "r").string(), "--console", "none", "--no-progress"},
                            dir.path);
  INFO(run.err);
  CHECK(run.exit_code == 0);  // rows and checksum matched the snapshot's server figures
  kill(holder.pid(), SIGINT);
  const Outcome held = holder.wait();
  CHECK(held.exit_code == 0);
  CHECK(held.err.find("released") != std::string::npos);
  const Outcome stale = test::run_benchclient({"--dsn", db.conninfo(), "--table", "public.t", "--rows", "all",
                                               "--strategy", "naive", "--snapshot", id, "--no-progress"},
                                              dir.path);
  CHECK(stale.exit_code != 0);
  CHECK(stale.err.find("--snapshot " + id + ": cannot read in it: no transaction holds it") != std::string::npos);
  CHECK(stale.err.find("benchclient snapshot hold") != std::string::npos);
  CHECK(line_count(stale.err) == 1);
}

// ---- messages that name the user's problem --------------------------------------
// No server is needed for these: every one is refused before anything connects (the
// --dsn names a server that does not exist, so a run that got that far would fail
// with exit 1 and another message), and nothing is left behind.

namespace {

const std::vector<std::string> kNoServer = {"--dsn", "host=/nonexistent connect_timeout=1"};

std::vector<std::string> run_args(std::vector<std::string> extra) {
  std::vector<std::string> args{"--all"};
  args.insert(args.end(), kNoServer.begin(), kNoServer.end());
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

}  // namespace

TEST_CASE("cli: --rows written with thousands separators is refused with the count to write", "[cli]") {
  TempDir dir("clitest");
  struct Case {
    std::string rows, line;
  };
  const std::vector<Case> cases = {
      {"1,000,000",
       "benchclient: error: --rows 1,000,000: thousands separators are not accepted (a comma separates sizes: this "
       "reads as 1, 0 and 0 rows); write --rows 1000000 (or, grouped with underscores, --rows 1_000_000); see "
       "benchclient --help"},
      {"2,500,000",
       "benchclient: error: --rows 2,500,000: thousands separators are not accepted (a comma separates sizes: this "
       "reads as 2, 500 and 0 rows); write --rows 2500000 (or, grouped with underscores, --rows 2_500_000); see "
       "benchclient --help"},
      {"10,050",
       "benchclient: error: --rows 10,050: thousands separators are not accepted (a comma separates sizes: this "
       "reads as 10 and 50 rows); write --rows 10050 (or, grouped with underscores, --rows 10_050); see benchclient "
       "--help"},
      {"1.000.000",
       "benchclient: error: --rows '1.000.000': thousands separators are not accepted; write --rows 1000000 (or, "
       "grouped with underscores, --rows 1_000_000); see benchclient --help"},
      {"1 000 000",
       "benchclient: error: --rows '1 000 000': thousands separators are not accepted; write --rows 1000000 (or, "
       "grouped with underscores, --rows 1_000_000); see benchclient --help"},
      {"0",
       "benchclient: error: --rows 0: 0 rows is nothing to measure; give a count above 0, e.g. --rows 100000, or "
       "--rows all for the whole table; see benchclient --help"},
      {"100,0",
       "benchclient: error: --rows 100,0: a size of 0 rows is nothing to measure; give counts above 0 (drop the 0); "
       "see benchclient --help"},
      {"1e6",
       "benchclient: error: --rows '1e6': not a row count; give whole numbers above 0, e.g. --rows 100000 or --rows "
       "100000,500000, or --rows all for the whole table; see benchclient --help"},
      {"99999999999999999999",
       "benchclient: error: --rows 99999999999999999999: out of range; give row counts from 1 to "
       "9223372036854775807, or --rows all; see benchclient --help"},
  };
  for (const auto& c : cases) {
    INFO("--rows " << c.rows);
    require_usage_line(run_cli(run_args({"--rows", c.rows}), dir), c.line);
  }
  CHECK(no_cluster_dirs(dir));

  // What the parser accepts: underscores group digits, and a comma list whose groups
  // could be sizes (no group written with a leading zero) is a sweep.
  using benchlab::cli::parse_row_counts;
  CHECK(parse_row_counts({"1_000_000"}) == std::vector<std::uint64_t>{1000000});
  CHECK(parse_row_counts({"100", "200", "300"}) == std::vector<std::uint64_t>{100, 200, 300});
  CHECK(parse_row_counts({"100000", "500000", "1000000"}) == std::vector<std::uint64_t>{100000, 500000, 1000000});
  CHECK_THROWS_WITH(parse_row_counts({"1", "000"}), Catch::Contains("thousands separators are not accepted"));
}

TEST_CASE("cli: every integer option out of range names itself, its range and an example", "[cli]") {
  TempDir dir("clitest");
  struct Option {
    std::vector<std::string> before;  // the command up to the option
    std::string option, label, range, example, help;
  };
  const std::vector<std::string> verify = {"verify", "--dsn", "host=/nonexistent", "--target-table", "t2"};
  const std::vector<Option> options = {
      {run_args({}), "--runs", "--runs", "1 to 10000 measured runs", "3", "benchclient"},
      {run_args({}), "--warmup", "--warmup", "0 to 10000 warmup runs", "1", "benchclient"},
      {run_args({}), "--workers", "--workers", "1 to 1000 workers", "4", "benchclient"},
      {run_args({}), "--batch-rows", "--batch-rows", "1 to 2147483647 rows per batch", "5000", "benchclient"},
      {run_args({}), "--statement-timeout-ms", "--statement-timeout-ms", "0 to 2147483647 milliseconds (0: none)",
       "60000", "benchclient"},
      {run_args({}), "--retries", "--retries", "0 to 20 retries (0: no recovery)", "3", "benchclient"},
      {run_args({}), "--retry-backoff-ms", "--retry-backoff-ms", "0 to 60000 milliseconds", "100", "benchclient"},
      {run_args({}), "--part-rows", "--part-rows", "0 to 9223372036854775807 rows per partition (0: one per worker)",
       "100000", "benchclient"},
      {{"queue"}, "--jobs", "queue --jobs", "1 to 100000000 jobs", "2000", "benchclient queue"},
      {{"queue"}, "--samples", "queue --samples", "1 to 1000 samples", "3", "benchclient queue"},
      {{"queue"},
       "--dequeue-batch",
       "queue --dequeue-batch",
       "1 to 100000 jobs per statement",
       "10",
       "benchclient queue"},
      {{"queue"}, "--lease-ms", "queue --lease-ms", "1 to 86400000 milliseconds", "30000", "benchclient queue"},
      {{"queue"}, "--crashes", "queue --crashes", "1 to 1000 crashes", "5", "benchclient queue"},
      {verify, "--segments", "verify --segments", "1 to 1048576 segments", "64", "benchclient verify"},
      {verify, "--fetch-rows", "verify --fetch-rows", "1 to 100000000 rows", "2000", "benchclient verify"},
      {verify, "--max-differences", "verify --max-differences", "0 to 1000000000 rows (0: no limit)", "10000",
       "benchclient verify"},
  };
  for (const auto& o : options) {
    const std::string give = "give " + o.range + ", e.g. " + o.label + " " + o.example;
    const std::string see = "; see " + o.help + " --help";
    struct Bad {
      std::string value, line;
    };
    const std::vector<Bad> bad = {
        {"99999999999999999999999", o.label + " 99999999999999999999999: out of range; " + give},  // past any type
        {"99999999999", o.label + " 99999999999: out of range; " + give},                          // past an int
        {"-1", o.label + " -1: out of range; " + give},
        {"abc", o.label + " 'abc': not a whole number; " + give},
        {"2.5", o.label + " '2.5': not a whole number; " + give},
        {"", o.label + " needs a value: " + give},
    };
    for (const auto& b : bad) {
      if (b.value == "99999999999" && o.range.find(" to 9223372036854775807 ") != std::string::npos) continue;
      INFO(o.label << " '" << b.value << "'");
      std::vector<std::string> args = o.before;
      args.push_back(o.option);
      args.push_back(b.value);
      require_usage_line(run_cli(args, dir), "benchclient: error: " + b.line + see);
    }
  }
  require_usage_line(run_cli(run_args({"--concurrent-writes", "abc"}), dir),
                     "benchclient: error: --concurrent-writes 'abc': give rows per second, 1 to 1000000, e.g. "
                     "--concurrent-writes 500; see benchclient --help");
  CHECK(no_cluster_dirs(dir));  // queue's were refused before any cluster started
}

TEST_CASE("cli: a malformed --snapshot is refused before anything connects, naming the expected form", "[cli]") {
  TempDir dir("clitest");
  for (const std::string id : {"nonsense", "00000003-0000001b-1", "00000003-0000001B", "3-1B-1", ""}) {
    INFO("--snapshot '" << id << "'");
    require_usage_line(
        run_cli(run_args({"--snapshot", id}), dir),
        "benchclient: error: --snapshot '" + id +
            "': not a snapshot id; give the id benchclient snapshot hold prints, like 00000003-0000001B-1 (two 8-digit "
            "upper-case hexadecimal words and a number); see benchclient --help");
  }
  CHECK(benchlab::cli::well_formed_snapshot_id("00000003-0000001B-1"));
  CHECK(benchlab::cli::well_formed_snapshot_id("0000000A-000001F3-12"));
  CHECK_FALSE(benchlab::cli::well_formed_snapshot_id("00000003-0000001B-0"));
  CHECK_FALSE(benchlab::cli::well_formed_snapshot_id("00000003-0000001B-1; DROP TABLE t"));
}

TEST_CASE("cli: a well-formed --snapshot that no transaction holds is said to be so, with how to get one",
          "[cli][db][snapshot]") {
  test::ScratchDatabase db("cli_nosnap");
  db.admin().exec("SELECT benchlab.seed_records('public.t', 100)");
  TempDir dir("clitest");
  const Outcome o =
      run_cli({"--dsn", db.conninfo(), "--table", "public.t", "--rows", "all", "--strategy", "naive", "--snapshot",
               "00000003-0000001B-1", "--no-progress", "--results-dir", (dir.path / "r").string()},
              dir);
  INFO("stderr: " << o.err);
  CHECK(o.exit_code == 1);
  CHECK(line_count(o.err) == 1);
  CHECK(first_line(o.err) ==
        "benchclient: error: --snapshot 00000003-0000001B-1: cannot read in it: no transaction holds it: it does not "
        "exist on this server, or the transaction that exported it has ended (the server says: invalid snapshot "
        "identifier: \"00000003-0000001B-1\"); hold one with benchclient snapshot hold --dsn ... (the server and "
        "database of this run's --dsn) and pass the id it prints");
  CHECK_FALSE(fs::exists(dir.path / "r"));
}

TEST_CASE("cli: what CLI11 would word badly is one line naming the option and the fix", "[cli]") {
  TempDir dir("clitest");
  struct Case {
    std::vector<std::string> args;
    std::string line;
  };
  const std::string e = "benchclient: error: ";
  const std::vector<Case> cases = {
      {{"--bogus"},
       e + "benchclient does not take --bogus: not one of its options or arguments; see benchclient --help"},
      {{"--all", "--rows"}, e + "--rows needs a value; see benchclient --help"},
      {{"--all", "--strategy", "naive"},
       e + "--all and --strategy exclude each other: give one of them; see benchclient --help"},
      {run_args({"--format", "xml"}),
       e + "--format 'xml': give text or binary (advise also takes both); see benchclient --help"},
      {run_args({"--split", "rows"}), e + "--split 'rows': give auto, key or ctid; see benchclient --help"},
      {run_args({"--digest", "md5"}), e + "--digest 'md5': give xxh3 or sha256; see benchclient --help"},
      {{"verify", "--dsn", "host=/nonexistent", "--target-table", "t2", "--digest", "md5"},
       e + "--digest 'md5': give xxh3 or sha256; see benchclient verify --help"},
      {run_args({"--policy", "lax"}), e + "--policy 'lax': give strict or tolerant; see benchclient --help"},
      {run_args({"--console", "html"}), e + "--console 'html': give table, markdown or none; see benchclient --help"},
      {run_args({"--wide", "--console", "none"}),
       e + "--wide widens the console table: drop --console none (the Markdown report already has every column); see "
           "benchclient --help"},
      {run_args({"--memory-budget", "12Q"}),
       e + "--memory-budget '12Q': give a size such as 64MiB, 512M or 2G, or auto; see benchclient --help"},
      {run_args({"--memory-budget", ""}),
       e + "--memory-budget needs a value: give a size such as 64MiB, 512M or 2G, or auto; see benchclient --help"},
      {run_args({"--client-cpus", ""}),
       e + "--client-cpus needs a value: give CPU numbers and ranges, e.g. 0 or 0,1 or 0-1; see benchclient --help"},
      {{"--all", "--profile", "fast"},
       e + "--profile: unknown profile 'fast'; valid profiles: default, tuned, async_commit, no_fsync, read_tuned; see "
           "benchclient --help"},
      {{"snapshot"},
       e + "snapshot needs a subcommand: benchclient snapshot hold --dsn DSN; see benchclient snapshot --help"},
      {{"snapshot", "hold"},
       e + "snapshot hold needs --dsn, the server to hold a snapshot on: e.g. benchclient snapshot hold --dsn "
           "'host=db dbname=app' ('' for the PG* environment); see benchclient snapshot hold --help"},
      {{"verify"},
       e + "verify needs --dsn, the source server: e.g. benchclient verify --dsn 'host=old dbname=app' --target-dsn "
           "'host=new dbname=app' --table public.orders; see benchclient verify --help"},
      {{"compare", "a.json"},
       e + "compare needs two artifacts: benchclient compare BASE.json NEW.json; see benchclient compare --help"},
      {{"compare", "a.json", "b.json", "c.json"},
       e + "benchclient compare does not take c.json: not one of its options or arguments; see benchclient compare "
           "--help"},
      {{"report"},
       e + "report needs one or more artifacts: e.g. benchclient report results/run-*.json; see benchclient report "
           "--help"},
      {{"with-cluster"},
       e + "with-cluster needs a command after --: e.g. benchclient with-cluster -- psql -c 'SELECT version()'; see "
           "benchclient with-cluster --help"},
      {{"with-cluster", "--bogus", "--", "true"},
       e + "benchclient with-cluster does not take --bogus: not one of its options or arguments; see benchclient "
           "with-cluster --help"},
      {{"schema", "--dsn", "host=/nonexistent", "--runs", "3"},
       e + "benchclient schema does not take --runs 3: not one of its options or arguments; see benchclient schema "
           "--help"},
      {{"verify", "--dsn", "host=/nonexistent", "--target-dsn", "host=/nonexistent"},
       e + "verify: the source and the target are the same table on the same server; give --target-dsn or "
           "--target-table"},
  };
  for (const auto& c : cases) {
    INFO(fmt::format("benchclient {}", fmt::join(c.args, " ")));
    require_usage_line(run_cli(c.args, dir), c.line);
  }
  // A path the command line names that cannot be written: bad input too, and nothing made.
  const fs::path results = dir.path / "r";
  require_usage_line(run_cli(run_args({"--markdown", "/nonexistent/run.md", "--results-dir", results.string()}), dir),
                     e + "--markdown /nonexistent/run.md: no directory /nonexistent; give a file in an existing "
                         "directory");
  CHECK_FALSE(fs::exists(results));
  CHECK(no_cluster_dirs(dir));
}

TEST_CASE("cli: each subcommand's --help ends with its own exit statuses", "[cli]") {
  namespace cli = benchlab::cli;
  TempDir dir("clitest");
  struct Help {
    std::vector<std::string> args;
    std::string status;
  };
  const std::vector<Help> helps = {
      {{"--help"}, cli::kExitStatusHelp},
      {{"plan", "--help"}, cli::kPlanExitStatusHelp},
      {{"verify", "--help"}, cli::kVerifyExitStatusHelp},
      {{"queue", "--help"}, cli::kQueueExitStatusHelp},
      {{"compare", "--help"}, cli::kCompareExitStatusHelp},
      {{"report", "--help"}, cli::kReportExitStatusHelp},
      {{"schema", "--help"}, cli::kSchemaExitStatusHelp},
      {{"snapshot", "--help"}, cli::kSnapshotExitStatusHelp},
      {{"snapshot", "hold", "--help"}, cli::kSnapshotExitStatusHelp},
      {{"with-cluster", "--help"}, cli::kWithClusterExitStatusHelp},
  };
  for (const auto& h : helps) {
    INFO(fmt::format("benchclient {}", fmt::join(h.args, " ")));
    const Outcome o = run_cli(h.args, dir);
    CHECK(o.exit_code == 0);
    std::string out = o.out;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    CHECK(out.substr(out.rfind('\n') + 1) == h.status);
  }
  // Verify's are not the benchmark's: 1 is "they differ", and there is no 3.
  const std::string verify = run_cli({"verify", "--help"}, dir).out;
  CHECK(verify.find("1 they differ") != std::string::npos);
  CHECK(verify.find("3 a strategy failed") == std::string::npos);
}

namespace {

// A login role of this test's own (roles are cluster-wide), dropped with what it was
// granted in `db` when the test ends.
struct TestRole {
  const test::ScratchDatabase& db;
  std::string name;
  TestRole(const test::ScratchDatabase& d, const std::string& tag)
      : db(d), name(fmt::format("benchlab_{}_{}", tag, getpid())) {
    db.admin().exec(
        fmt::format("SET client_min_messages = warning; DROP ROLE IF EXISTS {0}; CREATE ROLE {0} LOGIN; "
                    "GRANT USAGE ON SCHEMA benchlab TO {0}",
                    name));
  }
  ~TestRole() {
    try {
      db.admin().exec(fmt::format("DROP OWNED BY {0}; DROP ROLE {0}", name));
    } catch (...) {
    }
  }
  TestRole(const TestRole&) = delete;
  TestRole& operator=(const TestRole&) = delete;
};

}  // namespace

TEST_CASE("cli: a server error about the table itself names the table and what to do, not an internal step",
          "[cli][db]") {
  test::ScratchDatabase db("cli_rls");
  const TestRole role(db, "rls_reader");
  // A row-level security policy that queries its own table: the server cannot expand
  // it ("infinite recursion detected in policy"), for a role it applies to.
  db.admin().exec(
      fmt::format("CREATE TABLE public.keyed (id bigint PRIMARY KEY, v text);"
                  "INSERT INTO public.keyed SELECT g, 'v' || g FROM generate_series(1, 200) g;"
                  "CREATE TABLE public.keyless (a int, v text);"
                  "INSERT INTO public.keyless SELECT g, 'v' || g FROM generate_series(1, 200) g;"
                  "CREATE TABLE public.raising (a int, v int);"
                  "INSERT INTO public.raising SELECT g, g FROM generate_series(1, 200) g;"
                  "CREATE FUNCTION public.allowed(int) RETURNS bool LANGUAGE plpgsql AS "
                  "$$ BEGIN IF $1 = 150 THEN RAISE EXCEPTION 'row % is not for you', $1; END IF; RETURN true; END $$;"
                  "GRANT SELECT ON public.keyed, public.keyless, public.raising TO {0};"
                  "ALTER TABLE public.keyed ENABLE ROW LEVEL SECURITY;"
                  "CREATE POLICY own ON public.keyed USING (EXISTS (SELECT 1 FROM public.keyed));"
                  "ALTER TABLE public.keyless ENABLE ROW LEVEL SECURITY;"
                  "CREATE POLICY own ON public.keyless USING (EXISTS (SELECT 1 FROM public.keyless));"
                  "ALTER TABLE public.raising ENABLE ROW LEVEL SECURITY;"
                  "CREATE POLICY own ON public.raising USING (public.allowed(v))",
                  role.name));
  TempDir dir("clitest");
  const fs::path results = dir.path / "r";
  auto run = [&](const std::string& table, const std::string& rows) {
    return run_cli({"--dsn", db.conninfo() + " user=" + role.name, "--table", table, "--rows", rows, "--strategy",
                    "naive", "--runs", "1", "--no-progress", "--console", "none", "--results-dir", results.string()},
                   dir);
  };
  const std::string recursion =
      "(SQLSTATE 42P17); a row-level security policy on it queries the table again (directly or through another "
      "table's policy), which the server cannot evaluate; fix the policy (ALTER POLICY, or a SECURITY DEFINER "
      "function for the lookup), or read as a role it does not apply to (the owner without FORCE ROW LEVEL SECURITY, "
      "or a role with BYPASSRLS) with another --dsn user";
  // Found when the table is described: the first N rows by key, and the whole of a keyless table.
  for (const auto& [table, rows] :
       std::vector<std::pair<std::string, std::string>>{{"public.keyed", "100"}, {"public.keyless", "all"}}) {
    INFO(table);
    const Outcome o = run(table, rows);
    INFO("stderr: " << o.err);
    CHECK(o.exit_code == 1);
    CHECK(line_count(o.err) == 1);
    const std::string relname = table.substr(7);
    CHECK(first_line(o.err) == fmt::format("benchclient: error: table {} cannot be read as user {}: infinite "
                                           "recursion detected in policy for relation \"{}\" {}",
                                           table, role.name, relname, recursion));
    CHECK_FALSE(fs::exists(results));
  }
  // Met only as rows are read (the wire ceiling's COPY is the first to read them all):
  // still the table's error, never the internal step's.
  const Outcome o = run("public.raising", "all");
  INFO("stderr: " << o.err);
  CHECK(o.exit_code == 1);
  const std::string last = o.err.substr(o.err.rfind("benchclient: error: "));
  CHECK(last == fmt::format("benchclient: error: table public.raising cannot be read as user {}: row 150 is not for "
                            "you (SQLSTATE P0001); fix what the server names (the table, its policies or its view "
                            "definition), or read another --table\n",
                            role.name));
  CHECK(o.err.find("wire ceiling") == std::string::npos);
  CHECK(o.err.find("COPY") == std::string::npos);
  CHECK_FALSE(fs::exists(results));

  // verify says which side.
  const Outcome v = run_cli({"verify", "--dsn", db.conninfo() + " user=" + role.name, "--table", "public.keyed",
                             "--target-table", "public.keyed", "--target-dsn", db.conninfo(), "--no-progress"},
                            dir);
  INFO("stderr: " << v.err);
  CHECK(v.exit_code == 2);
  CHECK(line_count(v.err) == 1);
  CHECK(
      v.err.starts_with(fmt::format("benchclient: error: verify: source: table public.keyed cannot be read as user "
                                    "{}: infinite recursion detected in policy for relation \"keyed\"",
                                    role.name)));
}

// A run killed without a chance to clean up (SIGKILL, the OOM killer) keeps the sizes
// it finished: the artifact is rewritten after every size, saying complete=false until
// the run ends. The second size is slow by construction (each row of the view sleeps
// 1 ms in the strategies' reads only, as in the SIGINT test above: 20000 rows take 20 s
// on any machine), and the kill comes when the artifact holding the first size is
// seen, not after a time.
TEST_CASE("cli: a run SIGKILLed during its second size leaves an artifact of the first, marked incomplete",
          "[cli][db]") {
  benchlab::test::ScratchDatabase db("cli_sigkill");
  // Only the amounts are slowed, so the key still selects each size by its index and the
  // rows stream out as they are made; a backend whose client is gone notices within
  // client_connection_check_interval, even while it sleeps.
  db.admin().exec(fmt::format(
      "SELECT benchlab.seed_records('public.t', 20000);"
      "CREATE FUNCTION public.slow_in_reads(numeric) RETURNS numeric LANGUAGE sql VOLATILE AS "
      "$$ SELECT CASE WHEN current_setting('statement_timeout') = '0' OR strpos(current_query(), 'benchlab.') > 0 "
      "THEN $1 ELSE (SELECT $1 FROM pg_sleep(0.001)) END $$;"
      "CREATE VIEW public.slow AS SELECT id, category, public.slow_in_reads(amount) AS amount FROM public.t;"
      "ALTER DATABASE \"{}\" SET client_connection_check_interval = '100ms'",
      db.name()));
  const benchlab::RunBackendObserver observer(test::server_conninfo(), db.name());
  TempDir dir("clitest");
  const fs::path results = dir.path / "results-sigkill";
  Child child(
      {"--dsn", db.conninfo(), "--table", "public.slow", "--key", "id", "--strategy", "naive", "--rows", "100,20000",
       "--runs", "1", "--warmup", "0", "--statement-timeout-ms", "600000", "--results-dir", results.string()},
      dir.path);
  // The state: an artifact file (written atomically, so never half a file) holding the
  // first size, and its HTML report.
  fs::path file;
  auto first_size_saved = [&] {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(results, ec)) {
      const std::string name = e.path().filename().string();
      if (!name.starts_with("run-") || e.path().extension() != ".json") continue;
      const auto j = nlohmann::json::parse(slurp(e.path()), nullptr, false);
      // Its HTML report follows it, of the same size.
      if (!j.is_discarded() && j.contains("sizes") && j["sizes"].size() == 1 &&
          fs::exists(fs::path(e.path()).replace_extension(".html"))) {
        file = e.path();
        return true;
      }
    }
    return false;
  };
  // And the second size's read under way: every connection the run opens for it is
  // established by then. Killed while still connecting, the run would leave a backend
  // that is not yet in pg_stat_activity, appearing (and then ending) after the wait
  // below had seen none.
  std::vector<benchlab::RunBackend> seen;
  auto second_size_reading = [&] {
    if (file.empty() && !first_size_saved()) return false;
    seen = observer.backends();
    return std::any_of(seen.begin(), seen.end(), [](const benchlab::RunBackend& b) {
      return benchlab::is_active_read(b) && b.query.find("COPY") == std::string::npos;  // naive's, not the ceiling's
    });
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  bool reading = false;
  while (!(reading = second_size_reading()) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  INFO("backends: " << benchlab::describe(seen) << "\nstderr: " << child.err_so_far());
  REQUIRE(reading);
  REQUIRE(kill(child.pid(), SIGKILL) == 0);
  const Outcome o = child.wait();
  CHECK(o.exit_code == 128 + SIGKILL);

  const benchlab::Artifact artifact = benchlab::read_artifact_file(file);
  CHECK_FALSE(artifact.complete);
  REQUIRE(artifact.report.sizes.size() == 1);
  const benchlab::SizeResult& size = artifact.report.sizes.front();
  CHECK(size.limit == 100);
  const benchlab::StrategyResult* naive = size.strategy("naive");
  REQUIRE(naive != nullptr);
  REQUIRE(naive->runs.size() == 1);
  CHECK(naive->runs.front().rows == 100);
  CHECK(naive->runs.front().rows_per_sec > 0);
  // The same file, not one per size, its HTML report beside it (of the same first size,
  // saying so), and no temporary file of a write left behind.
  const fs::path html = fs::path(file).replace_extension(".html");
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(results)) {
    INFO(e.path());
    CHECK((e.path() == file || e.path() == html));
    ++files;
  }
  CHECK(files == 2);
  CHECK(slurp(html).find("<strong>Status:</strong> incomplete: the run stopped") != std::string::npos);
  // The backend reading the second size notices its client is gone (at its next
  // connection check or write): waited for, with a deadline.
  const auto gone_by = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (observer.count() != 0 && std::chrono::steady_clock::now() < gone_by)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  INFO("left: " << benchlab::describe(observer.backends()));
  CHECK(observer.count() == 0);
}

TEST_CASE("cli: with-cluster passes the command's own dash options through after --profile and --pg-set",
          "[cli][cluster]") {
  TempDir dir("clitest", true);
  const Outcome r = run_cli(
      {"with-cluster", "--profile", "default", "--pg-set", "work_mem=8MB", "--", "psql", "-X", "-Atc", "SHOW work_mem"},
      dir);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "8MB\n");
  CHECK(no_cluster_dirs(dir));
}

TEST_CASE("cli: --digest sha256 records the run's and the server's digests, a row the server sees otherwise mismatches",
          "[cli][db][digest]") {
  benchlab::test::ScratchDatabase db("cli_digest");
  TempDir dir("clitest");
  const fs::path results = dir.path / "results";
  // A view whose row 7 reads differently inside benchlab.range_checksum (which runs its
  // scan with enable_sort off) than in a client session: the server's figure is of a
  // changed row, as if the table had been altered between the two reads.
  db.admin().exec(
      "SELECT benchlab.seed_records('public.t', 300);"
      "CREATE VIEW public.forged AS SELECT id, CASE WHEN id = 7 AND current_setting('enable_sort') = 'off' "
      "THEN 'forged' ELSE category END AS category, amount FROM public.t");
  auto args = [&](const std::string& table, const std::string& digest) {
    std::vector<std::string> a{
        "--dsn",         db.conninfo(),   "--table", table, "--key",    "id", "--strategy", "naive,multiprocessing",
        "--rows",        "300",           "--runs",  "1",   "--warmup", "0",  "--json",     "--no-progress",
        "--results-dir", results.string()};
    if (!digest.empty()) {
      a.push_back("--digest");
      a.push_back(digest);
    }
    return a;
  };
  SECTION("sha256: both digests recorded and equal") {
    const Outcome o = run_cli(args("public.t", "sha256"), dir);
    INFO("stderr: " << o.err);
    REQUIRE(o.exit_code == 0);
    const auto artifact = nlohmann::json::parse(o.out);
    CHECK(artifact["context"]["options"]["digest"] == "sha256");
    const std::string server = artifact["sizes"][0]["server_digest"].get<std::string>();
    CHECK(server.size() == 64);
    REQUIRE(artifact["benchmarks"].size() == 2);
    for (const auto& b : artifact["benchmarks"]) {
      CHECK(b["digest_match"] == true);
      REQUIRE(b["runs"].size() == 1);
      CHECK(b["runs"][0]["digest"] == server);
      CHECK(b["runs"][0]["digest_match"] == true);
      CHECK(b["runs"][0]["checksum_match"] == true);
    }
  }
  SECTION("sha256 on a whole table split by ctid: the server's digest from server_scan") {
    std::vector<std::string> a = args("public.t", "sha256");
    a[std::find(a.begin(), a.end(), "300") - a.begin()] = "all";
    a.insert(a.end(), {"--split", "ctid", "--strategy", "parallel_copy,async_stream"});
    a.erase(std::find(a.begin(), a.end(), "--key"), std::find(a.begin(), a.end(), "--key") + 2);  // pages, not keys
    a.erase(std::find(a.begin(), a.end(), "naive,multiprocessing") - 1,
            std::find(a.begin(), a.end(), "naive,multiprocessing") + 1);
    const Outcome o = run_cli(a, dir);
    INFO("stderr: " << o.err);
    REQUIRE(o.exit_code == 0);
    const auto artifact = nlohmann::json::parse(o.out);
    CHECK(artifact["sizes"][0]["split"] == "ctid");
    CHECK(artifact["sizes"][0]["server_checksum_source"] == "server_scan");
    CHECK(artifact["sizes"][0]["server_scan"]["digest"] == artifact["sizes"][0]["server_digest"]);
    for (const auto& b : artifact["benchmarks"]) CHECK(b["runs"][0]["digest_match"] == true);
  }
  SECTION("xxh3 (the default): no digest field anywhere") {
    const Outcome o = run_cli(args("public.t", ""), dir);
    INFO("stderr: " << o.err);
    REQUIRE(o.exit_code == 0);
    const auto artifact = nlohmann::json::parse(o.out);
    CHECK_FALSE(artifact["context"]["options"].contains("digest"));
    CHECK_FALSE(artifact["sizes"][0].contains("server_digest"));
    for (const auto& b : artifact["benchmarks"]) {
      CHECK_FALSE(b.contains("digest_match"));
      CHECK_FALSE(b["runs"][0].contains("digest"));
    }
  }
  SECTION("sha256: a changed row is a mismatch, exit 3") {
    const Outcome o = run_cli(args("public.forged", "sha256"), dir);
    INFO("stderr: " << o.err);
    CHECK(o.exit_code == 3);
    CHECK(o.err.find("mismatched") != std::string::npos);
    const auto artifact = nlohmann::json::parse(o.out);
    const std::string server = artifact["sizes"][0]["server_digest"].get<std::string>();
    for (const auto& b : artifact["benchmarks"]) {
      CHECK(b["status"] == "mismatch");
      CHECK(b["digest_match"] == false);
      CHECK(b["runs"][0]["digest_match"] == false);
      CHECK(b["runs"][0]["digest"] != server);
    }
  }
}

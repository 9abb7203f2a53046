// The HTML report in a real headless Chromium, as a reader sees it (docs/report.md, "The
// browser check"). No database: tagged [browser], run with
//   build/client/benchclient_tests "[browser]"
// Chromium is a dependency (scripts/install-deps); without it these cases fail.
#include <signal.h>
#include <sys/types.h>

#include <fmt/format.h>
#include <algorithm>
#include <catch2/catch.hpp>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "headless_chromium.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using benchlab::test::check_report_page;
using benchlab::test::HeadlessChromium;
using benchlab::test::PageCheck;
using benchlab::test::TempDir;

namespace {

void require_chromium() {
  if (benchlab::test::find_chromium().empty()) FAIL("chromium not found: run scripts/install-deps");
}

// A self-contained page as the report writes it: inline CSS, a phone viewport.
fs::path write_page(const fs::path& dir, const std::string& name, const std::string& body) {
  fs::path p = dir / (name + ".html");
  std::ofstream out(p);
  out << "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<title>"
      << name
      << "</title>\n<style>body{font-family:sans-serif;margin:1rem}svg{max-width:100%;height:auto}</style>\n"
         "</head><body>\n"
      << body << "\n</body></html>\n";
  out.close();
  REQUIRE(out.good());
  return p;
}

// A bar chart of `bars` rects, claiming `data_marks`.
std::string bar_chart(const std::string& slug, int data_marks, int bars) {
  std::string marks;
  for (int i = 0; i < bars; ++i)
    marks += fmt::format("<rect class=\"mark\" x=\"{}\" y=\"{}\" width=\"30\" height=\"{}\" fill=\"#4477aa\"/>",
                         20 + i * 40, 100 - 20 * (i + 1), 20 * (i + 1));
  return fmt::format(
      "<figure class=\"chart\" id=\"chart-{}\" data-marks=\"{}\">\n"
      "<svg viewBox=\"0 0 300 120\" width=\"300\" height=\"120\" role=\"img\">{}</svg>\n"
      "<figcaption>{}</figcaption></figure>",
      slug, data_marks, marks, slug);
}

// A scatter chart of `points` circles of radius `r`.
std::string dot_chart(const std::string& slug, int data_marks, int points, int r = 4) {
  std::string marks;
  for (int i = 0; i < points; ++i)
    marks += fmt::format("<circle class=\"mark\" cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"#aa3377\"/>", 30 + i * 50,
                         90 - i * 15, r);
  return fmt::format(
      "<figure class=\"chart\" id=\"chart-{}\" data-marks=\"{}\">\n"
      "<svg viewBox=\"0 0 300 120\" width=\"300\" height=\"120\" role=\"img\">{}</svg>\n"
      "<figcaption>{}</figcaption></figure>",
      slug, data_marks, marks, slug);
}

// What a reader needs of a real report: every chart's provenance once, beneath it; its
// text readable on a phone; each strategy one colour on the whole page; the strategy
// tables' match column in view at 1280 px.
void check_readable(const PageCheck& c) {
  for (const auto& chart : c.charts) {
    INFO(chart.id);
    CHECK(chart.provenance_blocks == 1);
    CHECK(chart.provenance_in_svg == 0);
    CHECK(chart.phone_min_text_px >= benchlab::test::kMinTextPx);
  }
  CHECK_FALSE(c.series_fills.empty());
  for (const auto& [series, fills] : c.series_fills) {
    INFO(series);
    CHECK(fills.size() == 1);
  }
  CHECK(c.match_cells > 0);
  CHECK(c.match_cells_clipped == 0);
}

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += "\n  " + l;
  return s.empty() ? " (none)" : s;
}

// The processes in group `pgid` (zombies included, from /proc/PID/stat) and the live
// ones whose command line names `needle`: the browser's temporary directory, which
// its crash handlers (in sessions of their own) name too.
std::vector<pid_t> processes(pid_t pgid, const std::string& needle) {
  std::vector<pid_t> out = benchlab::test::processes_naming(needle);
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
    // pid (comm) state ppid pgrp ...: comm may hold spaces, so read after its ')'.
    const std::string stat = benchlab::test::slurp(e.path() / "stat");
    const auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 1));
    std::string state;
    long ppid = 0, pgrp = 0;
    rest >> state >> ppid >> pgrp;
    const auto pid = static_cast<pid_t>(std::stol(name));
    if (pgrp == pgid && std::find(out.begin(), out.end(), pid) == out.end()) out.push_back(pid);
  }
  return out;
}

}  // namespace

TEST_CASE("the browser check catches every kind of broken report page", "[browser]") {
  require_chromium();
  TempDir dir("browser-fixtures");

  SECTION("a good page with two charts passes") {
    const auto page = write_page(dir.path, "good", bar_chart("throughput", 3, 3) + dot_chart("memory", 2, 2));
    const PageCheck c = check_report_page(page, dir.path);
    INFO("problems:" << joined(c.problems()));
    CHECK(c.problems().empty());
    REQUIRE(c.charts.size() == 2);
    CHECK(c.charts[0].id == "chart-throughput");
    CHECK(c.charts[0].expected_marks == 3);
    CHECK(c.charts[0].svgs == 1);
    CHECK(c.charts[0].marks == 3);
    CHECK(c.charts[0].nonempty_marks == 3);
    CHECK(c.charts[0].svg_width == Approx(300));
    CHECK(c.charts[0].svg_height == Approx(120));
    CHECK(c.charts[1].id == "chart-memory");
    CHECK(c.charts[1].expected_marks == 2);
    CHECK(c.charts[1].marks == 2);
    CHECK(c.charts[1].nonempty_marks == 2);
    CHECK(c.console_errors.empty());
    CHECK(c.requests.empty());
    CHECK_FALSE(c.phone_overflows);
    CHECK(c.phone_scroll_width <= benchlab::test::kPhoneWidth);
    CHECK(c.desktop_png == dir.path / "good-desktop.png");
    CHECK(c.phone_png == dir.path / "good-phone.png");
    for (const auto& png : {c.desktop_png, c.phone_png}) {
      INFO(png);
      CHECK(benchlab::test::slurp(png).starts_with("\x89PNG\r\n\x1a\n"));
    }
  }

  SECTION("a chart with fewer marks than data-marks is reported") {
    const auto page = write_page(dir.path, "short", bar_chart("throughput", 5, 3) + dot_chart("memory", 2, 2));
    const PageCheck c = check_report_page(page, dir.path);
    REQUIRE(c.charts.size() == 2);
    CHECK(c.charts[0].expected_marks == 5);
    CHECK(c.charts[0].marks == 3);
    CHECK(c.problems() == std::vector<std::string>{"chart-throughput: 3 marks drawn, data-marks says 5"});
  }

  SECTION("a chart whose svg is empty is reported") {
    const auto page = write_page(dir.path, "empty",
                                 "<figure class=\"chart\" id=\"chart-latency\" data-marks=\"4\">"
                                 "<svg viewBox=\"0 0 300 120\" width=\"300\" height=\"120\"></svg>"
                                 "<figcaption>latency</figcaption></figure>" +
                                     dot_chart("memory", 2, 2));
    const PageCheck c = check_report_page(page, dir.path);
    REQUIRE(c.charts.size() == 2);
    CHECK(c.charts[0].svgs == 1);
    CHECK(c.charts[0].marks == 0);
    CHECK(c.problems() == std::vector<std::string>{"chart-latency: 0 marks drawn, data-marks says 4"});
  }

  SECTION("marks that draw nothing, a missing svg and a bad data-marks are reported") {
    const auto page = write_page(dir.path, "invisible",
                                 dot_chart("memory", 3, 3, 0) +
                                     "<figure class=\"chart\" id=\"chart-nosvg\" data-marks=\"2\">"
                                     "<figcaption>no svg</figcaption></figure>" +
                                     bar_chart("cpu", 0, 1));
    const PageCheck c = check_report_page(page, dir.path);
    REQUIRE(c.charts.size() == 3);
    CHECK(c.charts[0].marks == 3);
    CHECK(c.charts[0].nonempty_marks == 0);
    CHECK(c.charts[1].svgs == 0);
    CHECK(c.charts[2].expected_marks == -1);
    CHECK(c.problems() == std::vector<std::string>{
                              "chart-memory: 3 of 3 marks have an empty bounding box",
                              "chart-nosvg: 0 svg elements, the contract says exactly one",
                              "chart-nosvg: 0 marks drawn, data-marks says 2",
                              "chart-cpu: data-marks=\"0\" is not an integer > 0",
                          });
  }

  SECTION("a page that calls console.error is reported") {
    const auto page = write_page(dir.path, "console",
                                 bar_chart("throughput", 3, 3) +
                                     "<script>console.error('chart data missing', 42);"
                                     "console.assert(1 === 2, 'marks differ');</script>");
    const PageCheck c = check_report_page(page, dir.path);
    CHECK(c.console_errors ==
          std::vector<std::string>{"console.error: chart data missing 42", "console.assert: marks differ"});
    CHECK(c.requests.empty());
  }

  SECTION("a page that throws is reported") {
    const auto page =
        write_page(dir.path, "throws", bar_chart("throughput", 3, 3) + "<script>throw new Error('boom');</script>");
    const PageCheck c = check_report_page(page, dir.path);
    REQUIRE(c.console_errors.size() == 1);
    CHECK(c.console_errors[0].starts_with("uncaught exception: Error: boom"));
    CHECK(c.requests.empty());
  }

  SECTION("a page that fetches something is reported") {
    const auto page = write_page(dir.path, "fetches",
                                 bar_chart("throughput", 3, 3) + "<img src=\"http://127.0.0.1:9/x.png\" alt=\"\">");
    const PageCheck c = check_report_page(page, dir.path);
    CHECK(c.requests == std::vector<std::string>{"http://127.0.0.1:9/x.png"});
    // Port 9 (discard) is on Chromium's list of unsafe ports: the request is announced
    // (Network.requestWillBeSent), then refused inside the browser, which logs it too.
    CHECK(c.console_errors ==
          std::vector<std::string>{
              "log error: Failed to load resource: net::ERR_UNSAFE_PORT (http://127.0.0.1:9/x.png)"});
  }

  SECTION("chart text too small on a phone is reported") {
    // A 1000-unit-wide chart shown about 350 px wide: its 12-unit text renders near 4 px.
    const auto page = write_page(dir.path, "tiny",
                                 "<figure class=\"chart\" id=\"chart-tiny\" data-marks=\"1\">"
                                 "<svg viewBox=\"0 0 1000 120\" width=\"1000\" height=\"120\" font-size=\"12\">"
                                 "<text x=\"10\" y=\"20\">rows/s</text>"
                                 "<rect class=\"mark\" x=\"20\" y=\"40\" width=\"300\" height=\"30\"/></svg>"
                                 "<figcaption>tiny</figcaption></figure>");
    const PageCheck c = check_report_page(page, dir.path);
    REQUIRE(c.charts.size() == 1);
    CHECK(c.charts[0].phone_min_text_px > 0);
    CHECK(c.charts[0].phone_min_text_px < 6);
    REQUIRE(c.problems().size() == 1);
    CHECK(c.problems()[0].starts_with("chart-tiny: text renders at "));
  }

  SECTION("a series drawn in two colours is reported") {
    auto chart = [](const std::string& slug, const std::string& fill) {
      return fmt::format(
          "<figure class=\"chart\" id=\"chart-{}\" data-marks=\"1\"><svg viewBox=\"0 0 300 120\" width=\"300\" "
          "height=\"120\"><g data-series=\"copy_stream\"><circle class=\"mark\" cx=\"40\" cy=\"40\" r=\"5\" "
          "fill=\"{}\"/></g></svg><figcaption>{}</figcaption></figure>",
          slug, fill, slug);
    };
    const auto page = write_page(dir.path, "colours", chart("one", "#0072B2") + chart("two", "#D55E00"));
    const PageCheck c = check_report_page(page, dir.path);
    REQUIRE(c.series_fills.count("copy_stream") == 1);
    CHECK(c.series_fills.at("copy_stream") == std::vector<std::string>{"rgb(0, 114, 178)", "rgb(213, 94, 0)"});
    CHECK(c.problems() ==
          std::vector<std::string>{"series copy_stream is drawn in 2 colours: rgb(0, 114, 178), rgb(213, 94, 0)"});
  }

  SECTION("a strategy table whose match column is clipped is reported") {
    const auto page =
        write_page(dir.path, "clipped",
                   bar_chart("throughput", 3, 3) +
                       "<div style=\"overflow-x:auto;max-width:300px\" class=\"scroll\"><table><thead><tr>"
                       "<th>strategy</th><th>match</th></tr></thead><tbody><tr><td style=\"min-width:400px\">naive</td>"
                       "<td>✓ / ✓</td></tr></tbody></table></div>");
    const PageCheck c = check_report_page(page, dir.path);
    CHECK(c.match_cells == 2);
    CHECK(c.match_cells_clipped == 2);
    CHECK(c.problems() == std::vector<std::string>{"2 of 2 cells of the match column are clipped at 1280 px"});
  }

  SECTION("a chart's provenance printed twice is reported") {
    const auto page = write_page(
        dir.path, "provenance",
        "<figure class=\"chart\" id=\"chart-prov\" data-marks=\"1\"><svg viewBox=\"0 0 300 120\" width=\"300\" "
        "height=\"120\"><rect class=\"mark\" x=\"20\" y=\"20\" width=\"100\" height=\"20\"/>"
        "<text x=\"10\" y=\"100\" font-size=\"30\">run-1.json — benchclient --all</text></svg>"
        "<figcaption>prov</figcaption><div class=\"prov\"><div><code>run-1.json — benchclient --all</code></div>"
        "</div></figure>");
    const PageCheck c = check_report_page(page, dir.path);
    REQUIRE(c.charts.size() == 1);
    CHECK(c.charts[0].provenance_blocks == 1);
    CHECK(c.charts[0].provenance_in_svg == 1);
    CHECK(c.problems() == std::vector<std::string>{
                              "chart-prov: its provenance is printed twice (1 blocks, 1 of its lines in the svg too)"});
  }

  SECTION("a page wider than a phone is reported") {
    const auto page =
        write_page(dir.path, "wide",
                   bar_chart("throughput", 3, 3) + "<table style=\"width:800px\"><tr><td>wide</td></tr></table>");
    const PageCheck c = check_report_page(page, dir.path);
    CHECK(c.phone_overflows);
    CHECK(c.phone_scroll_width > benchlab::test::kPhoneWidth + 1);
    CHECK(c.problems().size() == 1);
  }
}

TEST_CASE("the headless browser leaves no process and no file behind, also when a check fails", "[browser]") {
  require_chromium();
  pid_t pid = -1;
  fs::path profile;
  try {
    HeadlessChromium browser;
    pid = browser.pid();
    profile = browser.profile_dir();
    REQUIRE(browser.evaluate("1 + 1") == 2);
    // The browser and its helpers (zygotes, renderer, network service) share its group.
    CHECK(processes(pid, profile.parent_path().string()).size() > 1);
    throw std::runtime_error("a check failed");  // what a failing REQUIRE does: unwind
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()) == "a check failed");
  }
  REQUIRE(pid > 0);
  const int rc = kill(-pid, 0), err = errno;
  CHECK(rc == -1);
  CHECK(err == ESRCH);  // no process in the group, not even a zombie
  CHECK(processes(pid, profile.parent_path().string()).empty());
  CHECK_FALSE(fs::exists(profile.parent_path()));
}

TEST_CASE("the real HTML report renders every chart, fetches nothing and fits a phone", "[browser]") {
  require_chromium();
  const fs::path source = BENCHLAB_SOURCE_DIR;
  std::vector<std::string> inputs;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(source / "results/reference", ec))
    if (e.is_regular_file() && (e.path().extension() == ".json" || e.path().extension() == ".txt"))
      inputs.push_back(e.path().string());
  if (inputs.empty())  // results/reference/ does not exist yet: two artifacts of every kind of chart
    inputs = {(source / "results/run-20261201T224634Z.json").string(),
              (source / "results/queue-20261202T025046Z.json").string()};
  std::sort(inputs.begin(), inputs.end());
  for (const auto& f : inputs) {
    INFO(f);
    REQUIRE(fs::is_regular_file(f));
  }

  TempDir dir("browser-report");
  const fs::path html = dir.path / "report.html";
  // As make report makes it: judged against the reference run's targets too.
  std::vector<std::string> args{
      "report", "--format", "html", "--targets", (source / "results/targets.json").string(), "--output", html.string()};
  args.insert(args.end(), inputs.begin(), inputs.end());
  const auto outcome = benchlab::test::run_benchclient(args, dir.path);
  if (outcome.exit_code != 0)
    FAIL(fmt::format("`benchclient report --format html --output {} <{} files>` exited {}: {}", html.string(),
                     inputs.size(), outcome.exit_code, outcome.err));
  REQUIRE(fs::is_regular_file(html));
  CHECK(benchlab::test::contains(benchlab::test::slurp(html), "<section id=\"targets\">"));

  // Kept for a look after the run (under the build directory, not committed).
  const fs::path shots = fs::path(BENCHCLIENT_BINARY).parent_path() / "browser-check";
  fs::create_directories(shots);
  fs::copy_file(html, shots / "report.html", fs::copy_options::overwrite_existing);
  const PageCheck c = check_report_page(html, shots);
  INFO("screenshots: " << c.desktop_png.string() << ", " << c.phone_png.string());
  INFO("problems:" << joined(c.problems()));
  CHECK(c.charts.size() >= 5);
  // It opens with the first series' rows/s and peak RSS per strategy.
  REQUIRE(c.charts.size() >= 2);
  CHECK(c.charts[0].id.ends_with("-strategies-rows-per-sec"));
  CHECK(c.charts[1].id.ends_with("-strategies-peak-rss"));
  for (const auto& chart : c.charts) {
    INFO(chart.id);
    CHECK(chart.expected_marks > 0);
    CHECK(chart.marks == chart.expected_marks);
    CHECK(chart.nonempty_marks == chart.marks);
    CHECK(chart.svgs == 1);
  }
  CHECK(c.console_errors.empty());
  CHECK(c.requests.empty());
  CHECK_FALSE(c.phone_overflows);
  check_readable(c);
  CHECK(c.problems().empty());
}

// One artifact's page, as a run writes it beside its artifact: the first two charts are
// rows/s and peak RSS per strategy, for one size as for a sweep, and its status and
// warnings open the page, as the Markdown report words them.
TEST_CASE("a run's own report opens with rows/s and peak RSS per strategy, and its warnings", "[browser]") {
  require_chromium();
  // Two artifacts of an earlier reference run, kept in results/ for these checks.
  const fs::path reference = fs::path(BENCHLAB_SOURCE_DIR) / "results";
  TempDir dir("browser-run");
  const fs::path shots = fs::path(BENCHCLIENT_BINARY).parent_path() / "browser-check";
  // A copy of the sweep stopped by Ctrl-C: incomplete, interrupted.
  auto interrupted = nlohmann::json::parse(benchlab::test::slurp(reference / "run-20261202T045428Z.json"));
  interrupted["complete"] = false;
  interrupted["status"]["complete"] = false;
  interrupted["status"]["interrupted_by_signal"] = 2;
  const fs::path stopped = dir.path / "run-interrupted.json";
  std::ofstream(stopped) << interrupted.dump(2);
  struct Case {
    std::string name;
    fs::path artifact;
    std::vector<std::string> notices;  // the first ones the page must open with
  };
  const std::vector<Case> cases = {
      {"single-size",
       reference / "run-20261202T045703Z.json",
       {"Warning: the machine was busy (load average 1.8); figures will be noisy: use more --runs, or run when it is "
        "idle"}},
      {"sweep",
       reference / "run-20261202T045428Z.json",
       {"Warning: the machine was busy (load average 2.1); figures will be noisy: use more --runs, or run when it is "
        "idle"}},
      {"interrupted",
       stopped,
       {"Status: incomplete: the run stopped before every size/profile was measured",
        "Status: interrupted by signal 2: the figures are what was measured",
        "Warning: the machine was busy (load average 2.1); figures will be noisy: use more --runs, or run when it is "
        "idle"}},
  };
  for (const auto& k : cases) {
    INFO(k.name);
    const fs::path html = dir.path / (k.name + ".html");
    const auto o = benchlab::test::run_benchclient(
        {"report", "--format", "html", "--output", html.string(), k.artifact.string()}, dir.path);
    INFO(o.err);
    REQUIRE(o.exit_code == 0);
    const PageCheck c = check_report_page(html, shots);
    INFO("problems:" << joined(c.problems()));
    REQUIRE(c.charts.size() >= 2);
    CHECK(c.charts[0].id.ends_with("-strategies-rows-per-sec"));
    CHECK(c.charts[1].id.ends_with("-strategies-peak-rss"));
    REQUIRE(c.notices.size() >= k.notices.size());
    CHECK(std::vector<std::string>(c.notices.begin(), c.notices.begin() + static_cast<long>(k.notices.size())) ==
          k.notices);
    check_readable(c);
    CHECK(c.problems().empty());
  }
}

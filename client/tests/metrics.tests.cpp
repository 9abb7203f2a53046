// --metrics-file: the Prometheus text a platform alerts on. The format is checked by
// Prometheus's own linter (promtool, installed by scripts/install-deps); the values
// against what the command's artifact says, on a real server: a run, a stalled run
// (a forked worker stopped by an injected fault), verify and queue.
#include <signal.h>
#include <sys/wait.h>

#include <fmt/format.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "model/metrics.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace benchlab;

namespace {

constexpr const char* kPromtool = "/usr/bin/promtool";

// promtool check metrics over `text`: its exit status and what it printed.
std::pair<int, std::string> promtool_check(const std::string& text, const fs::path& dir) {
  const fs::path in = dir / "promtool-input.prom";
  {
    std::ofstream out(in, std::ios::binary);
    out << text;
  }
  const std::string cmd = fmt::format("{} check metrics < '{}' 2>&1", kPromtool, in.string());
  std::FILE* pipe = ::popen(cmd.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string said;
  char buf[512];
  while (std::fgets(buf, sizeof buf, pipe) != nullptr) said += buf;
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, said};
}

// The value of the series `series` ("name" or "name{label=\"v\"}") in exposition text:
// the one series of that name that has (at least) those labels.
std::optional<double> value_of(const std::string& text, const std::string& series) {
  const std::size_t brace = series.find('{');
  const std::string name = series.substr(0, brace);
  const std::string wanted = brace == std::string::npos ? "" : series.substr(brace + 1, series.size() - brace - 2);
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    const std::size_t end = line.find_first_of("{ ");
    if (line.substr(0, end) != name) continue;
    const std::size_t space = line.rfind(' ');
    const std::string labels = line[end] == '{' ? line.substr(end + 1, line.rfind('}') - end - 1) : "";
    if (!wanted.empty() && labels.find(wanted) == std::string::npos) continue;
    return std::stod(line.substr(space + 1));
  }
  return std::nullopt;
}

// Waits (with a deadline) until the metrics file satisfies `ready`; returns its text then ("" if never).
template <typename Ready>
std::string wait_for_metrics(const fs::path& file, Ready ready) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string text = test::slurp(file);
    if (!text.empty() && ready(text)) return text;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return {};
}

// Files in `dir` other than those named (the atomic rewrite leaves no temporary behind).
std::set<std::string> names_in(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

}  // namespace

TEST_CASE("metrics: every name is benchlab_*, counters end in _total, and promtool lints the whole set clean",
          "[metrics]") {
  REQUIRE(fs::exists(kPromtool));  // scripts/install-deps installs it: missing is a broken setup, not a skip
  MetricValues all;
  std::set<std::string> names;
  for (const MetricInfo& m : metric_catalog()) {
    INFO(m.name);
    CHECK(m.name.rfind("benchlab_", 0) == 0);
    CHECK(names.insert(std::string(m.name)).second);
    CHECK((m.type == MetricType::counter) == m.name.ends_with("_total"));
    CHECK_FALSE(m.commands.empty());
    all.set(m.name, 1.5, {{"worker", "0"}, {"side", "a \"quoted\\ \n value"}});
  }
  const std::string text = all.exposition();
  CHECK(test::contains(text, "side=\"a \\\"quoted\\\\ \\n value\""));  // escaped as the format says
  test::TempDir dir("metrics_lint");
  const auto [status, said] = promtool_check(text, dir.path);
  INFO(said);
  CHECK(status == 0);
  CHECK(said.empty());
}

TEST_CASE("metrics: values of one moment, unset metrics left out, numbers as the format spells them", "[metrics]") {
  MetricValues m;
  CHECK(m.exposition().empty());
  m.set("benchlab_rows_read_total", 1234567890123.0);
  m.set("benchlab_heartbeat_age_seconds", 0.25);
  m.set("benchlab_worker_rows", 7, {{"worker", "1"}});
  m.set("benchlab_worker_rows", 5, {{"worker", "0"}});
  const std::string text = m.exposition();
  CHECK(text ==
        "# HELP benchlab_rows_read_total Rows read from the server by every run of this command so far\n"
        "# TYPE benchlab_rows_read_total counter\n"
        "benchlab_rows_read_total 1234567890123\n"
        "# HELP benchlab_heartbeat_age_seconds Seconds since the current run last made progress (a batch decoded "
        "here or reported by a worker)\n"
        "# TYPE benchlab_heartbeat_age_seconds gauge\n"
        "benchlab_heartbeat_age_seconds 0.25\n"
        "# HELP benchlab_worker_rows Per forked worker: rows it has read in the current run\n"
        "# TYPE benchlab_worker_rows gauge\n"
        "benchlab_worker_rows{worker=\"0\"} 5\n"
        "benchlab_worker_rows{worker=\"1\"} 7\n");
  CHECK(m.get("benchlab_worker_rows", {{"worker", "1"}}) == 7);
  // The file's own labels come first on every series.
  CHECK(test::contains(m.exposition({{"command", "run"}, {"job", "x"}}),
                       "benchlab_worker_rows{command=\"run\",job=\"x\",worker=\"0\"} 5\n"));
  m.clear("benchlab_worker_rows");
  CHECK_FALSE(m.get("benchlab_worker_rows", {{"worker", "1"}}).has_value());
  CHECK_THROWS_AS(m.set("rows_read_total", 1), std::logic_error);
}

TEST_CASE("metrics: bad --metrics-file and --metrics-interval are refused in one line before any work",
          "[db][metrics][cli]") {
  test::TempDir dir("metrics_bad");
  const std::string dsn = test::server_conninfo();
  const std::string missing = (dir.path / "no" / "such" / "dir" / "m.prom").string();
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"--dsn", dsn, "--strategy", "naive", "--metrics-file", missing}, "--metrics-file " + missing + ": cannot"},
      {{"--dsn", dsn, "--strategy", "naive", "--metrics-file", (dir.path / "m.prom").string(), "--metrics-interval",
        "10ms"},
       "--metrics-interval '10ms': give a duration of at least 100ms"},
      {{"--dsn", dsn, "--strategy", "naive", "--metrics-interval", "1s"},
       "--metrics-interval applies to --metrics-file"},
      {{"--dsn", dsn, "--strategy", "naive", "--metrics-file", dir.path.string()}, "a directory; give a file name"},
      {{"--dsn", dsn, "--metrics-file", (dir.path / "m.prom").string()},
       "--metrics-file needs --all or --strategy NAME"},
      {{"--dsn", dsn, "--metrics-file", (dir.path / "m.prom").string(), "plan"},
       "does not keep a metrics file (run, verify and queue do)"},
      {{"--metrics-file", (dir.path / "m.prom").string(), "queue", "--dsn", dsn}, "give it after benchclient queue"},
      {{"--metrics-interval", "1s", "queue", "--dsn", dsn, "--metrics-file", (dir.path / "m.prom").string()},
       "give it after benchclient queue"},
      {{"--dsn", dsn, "--strategy", "naive", "--metrics-file", (dir.path / "m.prom").string(), "--metrics-label",
        "bad-name=x"},
       "--metrics-label 'bad-name=x': a label name is letters"},
      {{"--dsn", dsn, "--strategy", "naive", "--metrics-file", (dir.path / "m.prom").string(), "--metrics-label",
        "command=x"},
       "command is a label benchlab or Prometheus sets itself"},

      {{"verify", "--dsn", dsn, "--target-table", "public.x", "--metrics-file", missing},
       "verify --metrics-file " + missing},
  };
  for (const Case& c : cases) {
    INFO(fmt::format("{}", fmt::join(c.args, " ")));
    const test::Outcome o = test::run_benchclient(c.args, dir.path);
    CHECK(o.exit_code == 2);
    CHECK(test::line_count(o.err) == 1);
    CHECK(test::contains(o.err, c.says));
    CHECK_FALSE(fs::exists(dir.path / "m.prom"));
  }
}

TEST_CASE("metrics: a run's file agrees with its artifact, is linted clean, and says how the command ended",
          "[db][metrics]") {
  test::ScratchDatabase db("metrics_run");
  db.admin().exec("SELECT benchlab.seed_records('public.t', 20000)");
  test::TempDir dir("metrics_run");
  const fs::path file = dir.path / "benchlab.prom";
  const test::Outcome o = test::run_benchclient({"--dsn",
                                                 db.conninfo(),
                                                 "--table",
                                                 "public.t",
                                                 "--rows",
                                                 "20000",
                                                 "--strategy",
                                                 "naive,parallel_copy",
                                                 "--runs",
                                                 "2",
                                                 "--warmup",
                                                 "1",
                                                 "--workers",
                                                 "2",
                                                 "--part-rows",
                                                 "2500",
                                                 "--metrics-label",
                                                 "task=nightly",
                                                 "--results-dir",
                                                 (dir.path / "r").string(),
                                                 "--console",
                                                 "none",
                                                 "--no-progress",
                                                 "--metrics-file",
                                                 file.string(),
                                                 "--metrics-interval",
                                                 "100ms"},
                                                dir.path);
  INFO(o.err);
  REQUIRE(o.exit_code == 0);
  const std::string text = test::slurp(file);
  INFO(text);
  const auto [status, said] = promtool_check(text, dir.path);
  INFO(said);
  CHECK(status == 0);
  CHECK(said.empty());
  const auto a = test::only_run_artifact(dir.path / "r");
  std::uint64_t bytes = 0;
  int runs = 0;
  for (const auto& s : a["benchmarks"])
    for (const auto& r : s["runs"]) {
      bytes += r["bytes"].get<std::uint64_t>();
      ++runs;
    }
  REQUIRE(runs == 4);
  // Warmups read too: 2 strategies × (1 warmup + 2 runs) reads of 20000 rows.
  CHECK(value_of(text, "benchlab_rows_read_total") == 6 * 20000);
  CHECK(value_of(text, "benchlab_bytes_read_total") == static_cast<double>(bytes) * 6 / 4);
  CHECK(value_of(text, "benchlab_runs_done_total") == 6);
  CHECK(value_of(text, "benchlab_run_mismatches_total") == 0);
  CHECK(value_of(text, "benchlab_run_errors_total") == 0);
  CHECK(value_of(text, "benchlab_retries_total") == 0);
  CHECK(value_of(text, "benchlab_finished") == 1);
  CHECK(value_of(text, "benchlab_exit_code") == 0);
  CHECK(value_of(text, "benchlab_peak_rss_bytes") > 0);
  CHECK(test::contains(text, "benchlab_info{command=\"run\",task=\"nightly\",version=\""));
  CHECK(test::contains(text, "benchlab_rows_read_total{command=\"run\",task=\"nightly\"} "));
  // Between runs and after the last, no gauge of a current run is left to alert on.
  CHECK_FALSE(value_of(text, "benchlab_heartbeat_age_seconds").has_value());
  CHECK(names_in(dir.path).count("benchlab.prom") == 1);
  for (const std::string& name : names_in(dir.path)) CHECK(name.find(".prom.") == std::string::npos);
  // Nothing secret: the file never holds the DSN.
  CHECK_FALSE(test::contains(text, db.name()));
}

TEST_CASE("metrics: a stalled worker shows in its heartbeat age while the others' parts are done, then Ctrl-C",
          "[db][metrics][recovery]") {
  test::ScratchDatabase db("metrics_stall");
  db.admin().exec("SELECT benchlab.seed_records('public.t', 40000)");
  test::TempDir dir("metrics_stall", true);
  const fs::path file = dir.path / "benchlab.prom";
  // Worker 1 stops itself (SIGSTOP) after its first batch; the hang timeout is far
  // away, so the run waits for it and the metrics must show who stalled.
  test::Benchclient run({"--dsn",          db.conninfo(),
                         "--table",        "public.t",
                         "--rows",         "40000",
                         "--strategy",     "multiprocessing",
                         "--runs",         "1",
                         "--warmup",       "0",
                         "--workers",      "2",
                         "--part-rows",    "5000",
                         "--batch-rows",   "500",
                         "--retries",      "2",
                         "--hang-timeout", "600s",
                         "--results-dir",  (dir.path / "r").string(),
                         "--console",      "none",
                         "--no-progress",  "--metrics-file",
                         file.string(),    "--metrics-interval",
                         "100ms"},
                        dir.path, true, {"BENCHLAB_INJECT_FAULT=stop:worker=1:after=1"});
  const std::string stalled = wait_for_metrics(file, [](const std::string& text) {
    const auto age = value_of(text, "benchlab_worker_heartbeat_age_seconds{worker=\"1\"}");
    const auto left = value_of(text, "benchlab_parts_left");
    return age && *age >= 1.0 && left && *left >= 1;
  });
  INFO(run.err_so_far());
  REQUIRE_FALSE(stalled.empty());
  INFO(stalled);
  const auto [status, said] = promtool_check(stalled, dir.path);
  INFO(said);
  CHECK(status == 0);
  CHECK(value_of(stalled, "benchlab_finished") == 0);
  // The stopped worker is alive (worker 0 may have read its whole share and left).
  CHECK(value_of(stalled, "benchlab_workers_alive") >= 1);
  CHECK(value_of(stalled, "benchlab_fallback_tier") == 0);
  CHECK(value_of(stalled, "benchlab_fallback_workers") == 2);
  CHECK(value_of(stalled, "benchlab_parts_done").value_or(-1) + value_of(stalled, "benchlab_parts_left").value_or(-1) ==
        8);
  CHECK(value_of(stalled, "benchlab_run_expected_rows") == 40000);
  CHECK(value_of(stalled, "benchlab_rows_read_total") > 0);
  CHECK(value_of(stalled, "benchlab_bytes_read_total") > 0);
  // The run's heartbeat is its youngest worker's (stamped a moment apart, hence the
  // tolerance); the stopped one's share is not read.
  CHECK(value_of(stalled, "benchlab_heartbeat_age_seconds").value_or(1e9) <=
        value_of(stalled, "benchlab_worker_heartbeat_age_seconds{worker=\"1\"}").value_or(0) + 0.5);
  CHECK(value_of(stalled, "benchlab_worker_rows{worker=\"1\"}") < 20000);
  kill(-run.pid(), SIGINT);
  const test::Outcome interrupted = run.wait();
  CHECK(interrupted.exit_code == 130);
  const std::string last = test::slurp(file);
  INFO(last);
  CHECK(value_of(last, "benchlab_finished") == 1);
  CHECK(value_of(last, "benchlab_exit_code") == 130);
  CHECK(test::shm_benchlab_entries().empty());
}

TEST_CASE("metrics: verify's file counts the rows compared on each side and the differences found",
          "[db][metrics][verify]") {
  test::ScratchDatabase db("metrics_verify");
  const auto admin = db.admin();
  admin.exec("SELECT benchlab.seed_records('public.a', 5000)");
  admin.exec("CREATE TABLE public.b AS SELECT * FROM public.a; ALTER TABLE public.b ADD PRIMARY KEY (id)");
  admin.exec("UPDATE public.b SET amount = amount + 1 WHERE id IN (10, 2000); DELETE FROM public.b WHERE id = 4000");
  test::TempDir dir("metrics_verify");
  const fs::path file = dir.path / "verify.prom";
  const test::Outcome o =
      test::run_benchclient({"verify", "--dsn", db.conninfo(), "--table", "public.a", "--target-table", "public.b",
                             "--no-progress", "--metrics-file", file.string(), "--metrics-interval", "100ms"},
                            dir.path);
  INFO(o.err);
  CHECK(o.exit_code == 1);
  const std::string text = test::slurp(file);
  INFO(text);
  const auto [status, said] = promtool_check(text, dir.path);
  INFO(said);
  CHECK(status == 0);
  CHECK(value_of(text, "benchlab_verify_rows_compared_total{side=\"source\"}") == 5000);
  CHECK(value_of(text, "benchlab_verify_rows_compared_total{side=\"target\"}") == 4999);
  CHECK(value_of(text, "benchlab_verify_differences") == 3);
  CHECK(value_of(text, "benchlab_verify_segments_differing_total") >= 3);
  CHECK(value_of(text, "benchlab_parts_left") == 0);
  CHECK(value_of(text, "benchlab_exit_code") == 1);
  CHECK(test::contains(text, "benchlab_info{command=\"verify\""));
}

TEST_CASE("metrics: queue's file counts samples, jobs and exactly-once failures", "[db][metrics][queue]") {
  test::ScratchDatabase db("metrics_queue");
  test::TempDir dir("metrics_queue");
  const fs::path file = dir.path / "queue.prom";
  const test::Outcome o = test::run_benchclient(
      {"queue", "--dsn", db.conninfo(), "--concurrency", "1,2", "--jobs", "200", "--samples", "1", "--results-dir",
       (dir.path / "r").string(), "--no-progress", "--metrics-file", file.string(), "--metrics-interval", "100ms"},
      dir.path);
  INFO(o.err);
  REQUIRE(o.exit_code == 0);
  const std::string text = test::slurp(file);
  INFO(text);
  const auto [status, said] = promtool_check(text, dir.path);
  INFO(said);
  CHECK(status == 0);
  CHECK(value_of(text, "benchlab_queue_samples_done_total") == 2);
  CHECK(value_of(text, "benchlab_queue_jobs_done_total") == 400);
  CHECK(value_of(text, "benchlab_queue_exactly_once_failures_total") == 0);
  CHECK(value_of(text, "benchlab_queue_jobs_per_second") > 0);
  CHECK(value_of(text, "benchlab_exit_code") == 0);
}

TEST_CASE("metrics: docs/metrics.md lists every metric with its type and commands", "[metrics]") {
  const std::string doc = test::slurp(fs::path(BENCHLAB_SOURCE_DIR) / "docs" / "metrics.md");
  REQUIRE_FALSE(doc.empty());
  for (const MetricInfo& m : metric_catalog()) {
    std::string commands(m.commands);
    for (std::size_t at = commands.find(' '); at != std::string::npos; at = commands.find(' ', at + 2))
      commands.replace(at, 1, ", ");
    const std::string row = fmt::format("| `{}` | {} | {} | {} |", m.name,
                                        m.type == MetricType::counter ? "counter" : "gauge", commands, m.help);
    INFO(row);
    CHECK(test::contains(doc, row));
  }
}

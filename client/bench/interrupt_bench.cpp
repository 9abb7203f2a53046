// How fast Ctrl-C ends a run: for each strategy, several times, the real benchclient
// binary reads the standard table; once its read is in progress — a state seen from
// a separate connection in pg_stat_activity, never a fixed sleep — SIGINT goes to its
// process group (what a terminal's Ctrl-C does), and two times are taken on
// CLOCK_MONOTONIC: SIGINT → the process has exited (waitpid), and SIGINT → no
// backend of the run is left in pg_stat_activity (polled every millisecond). Each
// run must exit 130 and leave no process and no shared-memory segment behind.
// The artifact goes to <results-dir>/faults-<UTC>.json, a table to stdout.
//
// Usage (PG* environment, e.g. under `benchclient with-cluster --`):
//   interrupt_bench [--rows 1000000] [--repetitions 5] [--strategy a,b] [--workers 2]
//                   [--results-dir results] [--database benchlab_faults]
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "measure/build_commit.hpp"
#include "measure/host_facts.hpp"
#include "measure/run_backends.hpp"
#include "model/command_line.hpp"
#include "pg/connection.hpp"
#include "process/child.hpp"
#include "process/interrupt.hpp"
#include "store/artifact_file.hpp"
#include "store/file_header.hpp"
#include "strategies/registry.hpp"

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;  // the header first, then the figures in the order written

namespace {

using namespace benchlab;

double monotonic_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A private directory under TMPDIR, removed with its content.
class TempDir {
 public:
  TempDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/benchlab-faults-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error(fmt::format("cannot create a directory like {}: {}", pattern, std::strerror(errno)));
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// The database the runs read, created and seeded once, dropped at the end if this
// program created it.
class BenchDatabase {
 public:
  BenchDatabase(std::string name, std::uint64_t rows) : name_(std::move(name)) {
    pg::SessionOptions rw;
    rw.read_only = false;
    rw.application_name = "benchlab-observer";
    admin_ = pg::Connection::open("", rw);
    if (admin_.query_value("SELECT count(*) FROM pg_database WHERE datname = $1", {name_}) == "0") {
      admin_.exec("CREATE DATABASE " + pg::quote_qualified_identifier(admin_.raw(), name_));
      created_ = true;
    }
    const pg::Connection db = pg::Connection::open(conninfo(), rw);
    db.exec("CREATE EXTENSION IF NOT EXISTS benchlab");
    db.exec(fmt::format("SELECT benchlab.seed_records('public.benchlab_records', {})", rows));
    db.exec("VACUUM ANALYZE public.benchlab_records");
  }
  ~BenchDatabase() {
    if (!created_) return;
    try {
      admin_.exec("DROP DATABASE IF EXISTS " + pg::quote_qualified_identifier(admin_.raw(), name_) + " WITH (FORCE)");
    } catch (const std::exception& e) {
      std::fprintf(stderr, "interrupt_bench: could not drop database %s: %s\n", name_.c_str(), e.what());
    }
  }
  BenchDatabase(const BenchDatabase&) = delete;
  BenchDatabase& operator=(const BenchDatabase&) = delete;
  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] std::string conninfo() const { return "dbname=" + name_; }
  [[nodiscard]] const pg::Connection& admin() const { return admin_; }

 private:
  std::string name_;
  pg::Connection admin_;
  bool created_ = false;
};

std::set<std::string> shm_benchlab_entries() {
  std::set<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/dev/shm", ec))
    if (e.path().filename().string().find("benchlab") != std::string::npos) out.insert(e.path().string());
  return out;
}

// Processes whose command line mentions `marker` (forked workers keep benchclient's argv).
std::vector<pid_t> processes_mentioning(const std::string& marker) {
  std::vector<pid_t> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmd = slurp(e.path() / "cmdline");
    std::replace(cmd.begin(), cmd.end(), '\0', ' ');
    if (cmd.find(marker) != std::string::npos) out.push_back(static_cast<pid_t>(std::stol(name)));
  }
  return out;
}

struct Settings {
  std::uint64_t rows = 1000000;
  int repetitions = 5;
  int workers = 2;
  std::vector<std::string> strategies;
  fs::path results_dir = "results";
  std::string database = "benchlab_faults";
  std::string command;            // this invocation, for the artifact's context
  double state_deadline_s = 300;  // planning and the round's wire ceiling come first
  double gone_deadline_s = 30;
};

struct Sample {
  double exit_ms = -1;
  double gone_ms = -1;
  std::size_t backends_at_signal = 0;
  int exit_status = -1;
  std::vector<pid_t> processes_left;
  std::vector<std::string> shm_left;
  std::string error;
  [[nodiscard]] bool ok() const {
    return error.empty() && exit_status == 130 && gone_ms >= 0 && processes_left.empty() && shm_left.empty();
  }
};

// One run of benchclient, interrupted once its read is in progress.
Sample interrupt_once(const Settings& s, const BenchDatabase& db, const RunBackendObserver& observer,
                      const std::string& strategy) {
  Sample out;
  if (observer.count() != 0) throw std::runtime_error("backends of an earlier run are still connected");
  const TempDir dir;
  const std::string results = (dir.path() / "results").string();
  const fs::path log = dir.path() / "benchclient.log";
  const auto shm_before = shm_benchlab_entries();
  const std::vector<std::string> argv{BENCHCLIENT_BINARY,
                                      "--dsn",
                                      "",
                                      "--strategy",
                                      strategy,
                                      "--rows",
                                      std::to_string(s.rows),
                                      "--runs",
                                      "1",
                                      "--workers",
                                      std::to_string(s.workers),
                                      "--results-dir",
                                      results};
  ChildProcess child = ChildProcess::spawn([&] {
    setpgid(0, 0);
    setenv("PGDATABASE", db.name().c_str(), 1);
    prepare_child({dir.path().string(), log.string(), -1, -1});
    exec_or_die(argv);
  });
  const pid_t pid = child.pid();
  setpgid(pid, pid);  // also here: no race with the child's own call

  // The state: the round's wire ceiling is done (its line is on stderr) and the
  // strategy's read is active on the server.
  const double state_deadline = monotonic_ms() + s.state_deadline_s * 1e3;
  bool ceiling_done = false;
  std::vector<RunBackend> seen;
  for (;;) {
    throw_if_interrupted();
    if (auto st = child.poll()) {
      out.exit_status = st->code;
      out.error = fmt::format("benchclient ended (status {}) before its read was seen: {}", st->code,
                              slurp(log).substr(0, 400));
      return out;
    }
    if (!ceiling_done) ceiling_done = slurp(log).find("round 1/1: wire ceiling") != std::string::npos;
    if (ceiling_done) {
      seen = observer.backends();
      if (read_in_progress(seen, strategy, s.workers)) break;
    }
    if (monotonic_ms() > state_deadline) {
      out.error = fmt::format("no read in progress within {:.0f} s; last seen: {}", s.state_deadline_s, describe(seen));
      return out;
    }
    sleep_ms(1);
  }
  out.backends_at_signal = seen.size();

  const double t0 = monotonic_ms();
  if (kill(-pid, SIGINT) != 0) throw std::runtime_error(fmt::format("kill: {}", std::strerror(errno)));
  double exited_at = -1;
  std::optional<ExitStatus> status;
  std::thread reaper([&] {
    while (!status) status = child.wait_interruptible();
    exited_at = monotonic_ms();
  });
  const double gone_deadline = t0 + s.gone_deadline_s * 1e3;
  for (;;) {
    const std::size_t n = observer.count();
    const double now = monotonic_ms();
    if (n == 0) {
      out.gone_ms = now - t0;
      break;
    }
    if (now > gone_deadline) {
      out.error = fmt::format("backends still connected {:.0f} s after SIGINT: {}", s.gone_deadline_s,
                              describe(observer.backends()));
      break;
    }
    sleep_ms(1);
  }
  reaper.join();
  out.exit_ms = exited_at - t0;
  out.exit_status = status->code;
  // Nothing of the run left: no process in its group or naming its directory, no segment.
  out.processes_left = processes_mentioning(results);
  if (out.processes_left.empty() && kill(-pid, 0) == 0) out.processes_left.push_back(pid);
  for (const auto& e : shm_benchlab_entries())
    if (!shm_before.contains(e)) out.shm_left.push_back(e);
  if (out.error.empty() && out.exit_status != 130)
    out.error = fmt::format("exit status {} (expected 130): {}", out.exit_status, slurp(log).substr(0, 400));
  return out;
}

struct Stats {
  double median = 0, min = 0, max = 0;
};

Stats stats_of(std::vector<double> v) {
  if (v.empty()) return {};
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  const double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  return {median, v.front(), v.back()};
}

json to_json(const Stats& s) { return {{"median", s.median}, {"min", s.min}, {"max", s.max}}; }

json context_json(const RunBackendObserver& observer, const std::string& command) {
  return file_context_json(FileContext{utc_now("%Y-%m-%dT%H:%M:%SZ"), command, read_host_facts(), build_facts(),
                                       observer.connection().query_value("SHOW server_version")});
}

int run(const Settings& s) {
  ensure_writable_dir(s.results_dir);
  std::fprintf(stderr, "interrupt_bench: seeding %llu rows into database %s\n", static_cast<unsigned long long>(s.rows),
               s.database.c_str());
  const BenchDatabase db(s.database, s.rows);
  const RunBackendObserver observer("", db.name());
  json artifact = file_document(file_kind::faults, kFaultsSchemaVersion, context_json(observer, s.command));
  artifact["settings"] = {{"rows", s.rows},
                          {"repetitions", s.repetitions},
                          {"workers", s.workers},
                          {"signal", "SIGINT to benchclient's process group, as a terminal's Ctrl-C"},
                          {"state", "after the round's wire ceiling, the strategy's read active in pg_stat_activity"},
                          {"poll_interval_ms", 1},
                          {"clock", "CLOCK_MONOTONIC"}};
  artifact["strategies"] = json::array();
  bool all_ok = true;
  std::vector<std::string> table;
  for (const auto& strategy : s.strategies) {
    std::vector<double> exits, gones;
    json runs = json::array();
    for (int r = 1; r <= s.repetitions; ++r) {
      const Sample x = interrupt_once(s, db, observer, strategy);
      std::fprintf(stderr, "  %-18s %d/%d: exit %7.1f ms, backends gone %7.1f ms (%zu at SIGINT), status %d%s%s\n",
                   strategy.c_str(), r, s.repetitions, x.exit_ms, x.gone_ms, x.backends_at_signal, x.exit_status,
                   x.ok() ? "" : "  FAILED: ", x.error.c_str());
      all_ok = all_ok && x.ok();
      if (x.exit_ms >= 0) exits.push_back(x.exit_ms);
      if (x.gone_ms >= 0) gones.push_back(x.gone_ms);
      runs.push_back({{"exit_ms", x.exit_ms},
                      {"backends_gone_ms", x.gone_ms},
                      {"backends_at_signal", x.backends_at_signal},
                      {"exit_status", x.exit_status},
                      {"processes_left", x.processes_left},
                      {"shm_left", x.shm_left},
                      {"ok", x.ok()},
                      {"error", x.error}});
      // The run's backends are gone; let the server settle before the next one.
      sleep_ms(100);
    }
    const Stats e = stats_of(exits), g = stats_of(gones);
    artifact["strategies"].push_back(
        {{"strategy", strategy}, {"exit_ms", to_json(e)}, {"backends_gone_ms", to_json(g)}, {"runs", runs}});
    table.push_back(fmt::format("| {:<17} | {:>8.1f} | {:>8.1f} | {:>8.1f} | {:>8.1f} | {:>8.1f} | {:>8.1f} |",
                                strategy, e.median, e.min, e.max, g.median, g.min, g.max));
  }
  artifact["ok"] = all_ok;
  const fs::path path = fresh_result_path(s.results_dir, "faults");
  write_atomically(path, artifact.dump(2) + "\n");
  std::printf("SIGINT during the read, %llu rows, %d runs each (ms, median / min / max)\n",
              static_cast<unsigned long long>(s.rows), s.repetitions);
  std::printf("| %-17s | %8s | %8s | %8s | %8s | %8s | %8s |\n", "strategy", "exit", "min", "max", "gone", "min",
              "max");
  for (const auto& line : table) std::printf("%s\n", line.c_str());
  std::printf("artifact: %s%s\n", path.c_str(), all_ok ? "" : "  (some runs FAILED, see above)");
  return all_ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  install_interrupt_handlers();
  Settings s;
  s.command = recorded_command(argc, argv);
  std::string strategies;
  CLI::App app{"interrupt_bench: time from SIGINT to exit and to the run's backends being gone, per strategy"};
  app.add_option("--rows", s.rows, "rows of the standard table each run reads")->check(CLI::PositiveNumber);
  app.add_option("--repetitions", s.repetitions, "interrupted runs per strategy")->check(CLI::PositiveNumber);
  app.add_option("--workers", s.workers, "--workers of the parallel strategies")->check(CLI::PositiveNumber);
  app.add_option("--strategy", strategies, "comma-separated strategies (default: all seven)");
  app.add_option("--results-dir", s.results_dir, "where faults-<UTC>.json goes");
  app.add_option("--database", s.database, "database to seed and read (created, and dropped after, if missing)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  const std::vector<std::string> known = strategy_names();
  if (strategies.empty()) {
    s.strategies = known;
  } else {
    std::stringstream in(strategies);
    for (std::string name; std::getline(in, name, ',');) {
      if (std::find(known.begin(), known.end(), name) == known.end()) {
        std::fprintf(stderr, "interrupt_bench: error: unknown strategy '%s' (one of: %s)\n", name.c_str(),
                     fmt::format("{}", fmt::join(known, ", ")).c_str());
        return 2;
      }
      s.strategies.push_back(name);
    }
  }
  try {
    return run(s);
  } catch (const Interrupted& e) {
    std::fprintf(stderr, "interrupt_bench: interrupted\n");
    return e.exit_code();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "interrupt_bench: error: %s\n", e.what());
    return 1;
  }
}

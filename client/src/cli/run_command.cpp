#include "cli/run_command.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

#include "cli/server_target.hpp"
#include "dataset/read_plan.hpp"
#include "measure/run_loop.hpp"
#include "pg/connection.hpp"
#include "process/interrupt.hpp"
#include "results/artifact.hpp"
#include "results/console_table.hpp"

namespace benchlab::cli {

namespace fs = std::filesystem;

namespace {

// Removes a results directory this invocation created, if nothing was written to it.
struct CreatedDirGuard {
  fs::path dir;
  bool active = false;
  ~CreatedDirGuard() {
    if (!active) return;
    std::error_code ec;
    if (fs::is_empty(dir, ec) && !ec) fs::remove(dir, ec);
  }
};

}  // namespace

int run_benchmark_command(const RunOptions& options) {
  results::TargetFacts target_facts;
  results::stamp_start(target_facts);
  // Checked before anything starts: a run that cannot be saved is not started.
  CreatedDirGuard created{options.results_dir, results::ensure_writable_dir(options.results_dir)};

  ServerTarget target(options.target);
  throw_if_interrupted();
  target.ensure_extension();
  const std::string& conninfo = target.conninfo();

  target_facts.dsn_redacted = target.is_throwaway() ? "throwaway cluster" : pg::redact_conninfo(conninfo);
  target_facts.throwaway = target.is_throwaway();
  if (target.is_throwaway()) target_facts.profile = target.cluster()->profile();

  const bool show_phases = options.progress;
  const std::uint64_t max_rows = *std::max_element(options.row_counts.begin(), options.row_counts.end());
  if (show_phases) {
    std::fprintf(stderr, "benchclient: %s %s (%llu rows)\n", options.table.empty() ? "seeding" : "checking",
                 options.table.empty() ? dataset::kStandardTable : options.table.c_str(),
                 static_cast<unsigned long long>(max_rows));
  }
  const dataset::TableInfo table = dataset::prepare_table(conninfo, options, max_rows);
  const results::ServerFacts server = results::read_server_facts(conninfo);
  throw_if_interrupted();

  // google/benchmark's habit: say so when the machine is set up to spoil timings.
  const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
  if (!target_facts.load_average.empty() && target_facts.load_average[0] > 0.5 * cores) {
    std::fprintf(stderr,
                 "benchclient: warning: the machine is busy (load average %.1f on %u cores); figures will be noisy: "
                 "use more --runs, or run when it is idle\n",
                 target_facts.load_average[0], cores);
  }

  LoopOutput output;
  output.progress_line = options.progress && isatty(STDERR_FILENO) == 1;
  output.phase_lines = show_phases;
  BenchmarkReport report;
  run_benchmark(conninfo, options, table, output, report);

  std::FILE* table_out = options.json_to_stdout ? stderr : stdout;
  results::print_table(table_out, options, report);

  const results::Json artifact = results::build_artifact(options, target_facts, server, table, report);
  if (!report.sizes.empty()) {
    const fs::path path = results::write_artifact(options.results_dir, artifact);
    created.active = false;
    std::fprintf(stderr, "benchclient: artifact written to %s\n", path.c_str());
  }
  if (options.json_to_stdout) std::cout << artifact.dump(2) << std::endl;

  if (report.interrupted_signal != 0) {
    std::fprintf(stderr, "benchclient: %s; stopped, what was measured is printed and saved\n",
                 Interrupted(report.interrupted_signal).what());
    return 128 + report.interrupted_signal;
  }
  if (!report.strict_failure.empty()) {
    std::fprintf(stderr, "benchclient: error: strict policy: %s\n", report.strict_failure.c_str());
    return 1;
  }
  return 0;
}

}  // namespace benchlab::cli

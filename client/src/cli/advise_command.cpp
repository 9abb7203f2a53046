#include "cli/advise_command.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "advise/calibrate.hpp"
#include "cli/diagnostics.hpp"
#include "cli/error_wording.hpp"
#include "cli/exit_codes.hpp"
#include "cli/server_target.hpp"
#include "cli/usage_error.hpp"
#include "cli/value_parsers.hpp"
#include "measure/host_facts.hpp"
#include "plan/memory_budget.hpp"
#include "process/interrupt.hpp"
#include "process/memory.hpp"
#include "report/console_reporter.hpp"
#include "store/advise_artifact.hpp"
#include "store/artifact_file.hpp"
#include "store/artifact_json.hpp"
#include "strategies/registry.hpp"

namespace benchlab::cli {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

// The smallest --time-budget taken before anything starts: connecting, planning and
// the pilot come first (a larger table may need more: calibrate says how much).
constexpr double kSmallestBudgetS = 2;

}  // namespace

AdviseCommand::AdviseCommand(CLI::App& app, RunCommand& run)
    : advise_(app.add_subcommand(
          "advise",
          "predict each strategy's rows/s, wall time, peak RSS and limiting resource for a read of the whole table, "
          "from a calibration on a sample of its pages within --time-budget whatever its size, and recommend one; "
          "--check then runs the real full reads and reports predicted against measured")),
      run_(run) {
  advise_->footer(kAdviseExitStatusHelp);
  run.add_options_to(*advise_);  // the run's own options, before or after `advise`
  advise_
      ->add_option("--time-budget", time_budget_,
                   "how long the calibration may take, connecting and planning included (e.g. 20s, 90s, 2min)")
      ->capture_default_str();
  advise_->add_flag("--check", check_,
                    "then read the whole table with each strategy (--runs times, in each --format) and report "
                    "predicted against measured; the runs' artifacts are written as a run writes them");
  advise_->fallthrough();
}

void AdviseCommand::validate() {
  const RunFlags& f = run_.flags();
  const bool whole_table = !run_.options().read.table.empty();
  if (whole_table && !f.rows.empty())
    throw UsageError(
        "--rows: advise predicts a read of the whole --table; drop --rows (it sizes the standard table advise seeds "
        "when no --table is given)");
  if (f.rows.size() > 1)
    throw UsageError("--rows: advise predicts one table; give one size (the rows of the standard table it seeds)");
  if (f.given(f.checkpoint_opt) > 0)
    throw UsageError("--checkpoint resumes one run's read; advise reads samples and full reads: drop --checkpoint");
  if (!f.markdown.empty())
    throw UsageError(
        "--markdown writes one run's report; advise writes its own artifact: make its report with benchclient report "
        "--format md FILE");
  if (f.no_shared_snapshot)
    throw UsageError("--no-shared-snapshot runs broken controls; advise predicts the strategies: drop it");
  run_.validate_run_options(true, whole_table);
  RunOptions& options = run_.options_to_complete();
  if (options.schedule.strategies.empty()) {
    options.schedule.strategies = strategy_names();
    // decoupled's rings would hold masked columns unmasked (a run refuses it by name).
    if (!options.read.masks.empty())
      std::erase(options.schedule.strategies, std::string("decoupled"));
  }
  const auto ms = parse_duration_ms(time_budget_);
  if (!ms) throw UsageError(fmt::format("--time-budget '{}': give a duration such as 20s, 90s or 2min", time_budget_));
  time_budget_s_ = *ms / 1000.0;
  if (time_budget_s_ < kSmallestBudgetS)
    throw UsageError(fmt::format(
        "--time-budget {}: too small to connect, plan and read a pilot sample; give --time-budget {:g}s or more",
        time_budget_, kSmallestBudgetS));
  formats_ = f.format == "both"     ? std::vector<WireFormat>{WireFormat::text, WireFormat::binary}
             : f.format == "binary" ? std::vector<WireFormat>{WireFormat::binary}
                                    : std::vector<WireFormat>{WireFormat::text};
  if (options.schedule.concurrent_writes_per_sec > 0)
    throw UsageError("--concurrent-writes: advise predicts a read of a table at rest; drop --concurrent-writes");
  if (options.target.profiles.size() > 1)
    throw UsageError("--profile: advise predicts for one server; give one profile");
  run_.apply_client_resources();
}

int AdviseCommand::run() {
  const RunOptions& options = run_.options();
  const HostFacts host = read_host_facts();
  const std::string date = utc_now("%Y-%m-%dT%H:%M:%SZ");
  try {
    (void)ensure_writable_dir(options.output.results_dir);
  } catch (const std::runtime_error& e) {
    throw UsageError(error_message(e));
  }
  const bool phases = options.output.progress;
  const auto phase = [phases](const std::string& line) {
    if (phases) std::fprintf(stderr, "%s\n", line.c_str());
  };
  ServerTarget target(options.target);
  target.ensure_extension();
  plan::PlanScope scope = plan_scope_of(options);
  scope.server_figures = false;  // they read every row: the calibration samples instead

  ReadOptions read = options.read;
  read.format = formats_.front();
  try {
    // The standard table is seeded to --rows first (as a run seeds it); advise then
    // predicts a read of the whole table as it is.
    if (read.table.empty() && !read.all_rows)
      (void)plan::make_plan(target.conninfo(), read, phase, std::nullopt, scope);
  } catch (const plan::ConnectionsRefused& e) {
    throw UsageError(word(e, target.is_throwaway()));
  }
  const Clock::time_point started = Clock::now();
  read.all_rows = true;
  read.row_counts.clear();
  BenchmarkPlan plan;
  try {
    plan = plan::make_plan(target.conninfo(), read, phase, options.expected_schema, scope);
  } catch (const plan::ConnectionsRefused& e) {
    throw UsageError(word(e, target.is_throwaway()));
  }
  std::vector<WireFormat> formats = formats_;
  std::vector<std::string> notes;
  if (formats.size() == 2 && !plan.table.text_only_columns.empty()) {
    formats = {WireFormat::text};
    notes.push_back("binary not predicted: a column of the table has no binary output");
  }

  advise::CalibrationRequest request;
  request.conninfo = target.conninfo();
  request.plan = &plan;
  request.strategies = options.schedule.strategies;
  request.formats = formats;
  request.time_budget_s = time_budget_s_;
  request.started = started;
  request.cores = static_cast<unsigned>(host.cores);
  RunOptions context_options = options;
  context_options.read = read;
  Artifact shell;
  shell.context = run_context(context_options, target, host, date, plan);
  request.server_shares_cores = server_on_this_host(shell.context.target);
  if (plan.memory) {
    request.memory_limit_bytes = plan.memory->budget_bytes;
    request.memory_limit_source = "--memory-budget";
  } else {
    const MachineBudget machine = machine_memory_budget();
    request.memory_limit_bytes = machine.bytes;
    request.memory_limit_source = machine.source;
  }
  request.phase = phase;
  AdviseArtifact artifact;
  artifact.context = shell.context;
  try {
    artifact.result.calibration = advise::calibrate(request);
  } catch (const advise::CalibrationRefused& e) {
    throw UsageError(e.what());
  }
  AdviseResult& result = artifact.result;
  for (auto& n : notes) result.calibration.notes.push_back(n);
  result.predictions = predict(result.calibration);
  result.recommendation = recommend(result.predictions, result.calibration);
  const fs::path file = fresh_result_path(options.output.results_dir, "advise");
  write_advise_artifact(artifact, file);

  std::FILE* display = options.output.json_to_stdout ? stderr : stdout;
  print_advise(display, result);
  std::fflush(display);
  int status = kExitOk;
  if (check_) {
    // The full reads, on the same server and table: a run of the strategies
    // calibrated, in each format, of the whole table.
    std::vector<std::string> strategies;
    for (const Prediction& p : result.predictions)
      if (std::find(strategies.begin(), strategies.end(), p.strategy) == strategies.end())
        strategies.push_back(p.strategy);
    std::vector<std::pair<std::string, Artifact>> runs;
    const Clock::time_point check_start = Clock::now();
    for (const WireFormat format : formats) {
      throw_if_interrupted();
      RunOptions run = options;
      run.read = read;
      run.read.format = format;
      run.schedule.strategies = strategies;
      run.output.json_to_stdout = false;
      // With --json, stdout carries the advise artifact alone: the runs' tables are not printed.
      if (options.output.json_to_stdout) run.output.console = ConsoleFormat::none;
      fs::path written;
      const int run_status = run_benchmark_command(run, &written, &target);  // the same server, not a new one
      if (run_status != kExitOk) status = run_status;
      if (!written.empty()) runs.emplace_back(written.string(), read_artifact_file(written));
    }
    const double benchmark_s = std::chrono::duration<double>(Clock::now() - check_start).count();
    result.check = check_predictions(result, runs, benchmark_s);
    write_advise_artifact(artifact, file);
    print_advise_check(display, result);
  }
  if (options.output.json_to_stdout) std::cout << advise_artifact_json(artifact).dump(2) << "\n";
  print_note(fmt::format("advise artifact: {}", file.string()));
  return status;
}

}  // namespace benchlab::cli

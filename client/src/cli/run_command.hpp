// The benchmark command, `benchclient --all | --strategy NAMES [--rows N,...] ...`
// (no subcommand): its options (the server's, declared on the root so that schema and
// plan share them), their validation, and the run — results directory check, server
// target (throwaway cluster or --dsn), dataset preparation, the run loop, the console
// table and the artifact, rewritten after every size. With no work selected it
// connects and says what it talks to.
#pragma once

#include <CLI/CLI.hpp>

#include <filesystem>

#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/mask_flags.hpp"
#include "cli/metrics_flags.hpp"
#include "cli/run_options.hpp"
#include "cli/server_target.hpp"
#include "cli/target_flags.hpp"
#include "model/context.hpp"
#include "plan/read_plan.hpp"

namespace benchlab::cli {

// The benchmark's flags as parsed, before validation.
struct RunFlags {
  bool all = false;
  std::vector<std::string> strategies, rows;
  std::string format = "text", policy = "tolerant", results_dir = "results", console = "table", markdown,
              split = "auto", expect_schema, memory_budget, hang_timeout, snapshot, checkpoint, client_cpus,
              client_memory, digest = "xxh3";
  bool no_progress = false, no_observer = false, no_shared_snapshot = false, wide = false;
  CLI::Option* table = nullptr;
  CLI::Option* key = nullptr;
  CLI::Option* expect_schema_opt = nullptr;
  CLI::Option* checkpoint_opt = nullptr;
  CLI::Option* snapshot_opt = nullptr;
  CLI::Option* memory_budget_opt = nullptr;
  CLI::Option* client_cpus_opt = nullptr;
  CLI::Option* client_memory_opt = nullptr;
  CLI::Option* hang_timeout_opt = nullptr;
  CLI::Option* decoders_opt = nullptr;
  MaskFlags mask;                     // --mask, --mask-key-file (the root's options)
  std::vector<CLI::Option*> shaping;  // options that need --all or --strategy (the root's)
  std::vector<CLI::App*> apps;        // where they are declared: the root, and plan again
  // How often the option (the root's) was given, here or on a subcommand that declares it too.
  [[nodiscard]] std::size_t given(const CLI::Option* option) const {
    std::size_t n = 0;
    for (const CLI::App* app : apps)
      if (const CLI::Option* o = app->get_option_no_throw(option->get_name()); o != nullptr) n += o->count();
    return n;
  }
};

// The benchmark itself (the command without a subcommand): runs `options`, prints and
// writes its artifact (its path into `written`, when given); returns the exit status.
// `existing`: the server to measure, already up (advise --check: its throwaway
// cluster), instead of the one options.target names.
int run_benchmark_command(const RunOptions& options, std::filesystem::path* written = nullptr,
                          const ServerTarget* existing = nullptr);

// The context block an artifact of `options` on `target` opens with (the advise
// artifact's too), from what is known before the first read.
Context run_context(const RunOptions& options, const ServerTarget& target, const HostFacts& host,
                    const std::string& date, const BenchmarkPlan& plan);

// What a run of `options` opens besides the read (the planner's connection check).
plan::PlanScope plan_scope_of(const RunOptions& options);

class RunCommand final : public Command {
 public:
  // Declares the server options and the run's on the root `app`; `command`: the
  // command line as the artifact records it.
  RunCommand(CLI::App& app, std::string command);

  [[nodiscard]] bool selected() const override { return app_.get_subcommands().empty(); }
  [[nodiscard]] std::string help_path() const override { return "benchclient"; }
  // The options, and benchclient's own resources applied (--client-cpus,
  // --client-memory: before anything starts, so threads and children inherit them).
  void validate() override;
  // Returns 0 all runs ok; 3 when a strategy failed or mismatched (tolerant: after the
  // whole run; strict: at the first); 128 + signal when interrupted (after printing and
  // writing what was measured). Throws one-line errors for everything found before
  // measuring starts (nothing is left behind); on --expect-schema drift, first prints
  // the differences, one a line.
  int run() override;

  // Shared with the commands that take the same options (schema, plan, with-cluster, queue).
  // The server options (--dsn, --profile, ...) into target(); throws UsageError.
  void validate_target();
  // The run's own options into options(); throws UsageError. `both_formats`: --format
  // both is allowed (advise; options().read.format is then text). `whole_table`:
  // without --rows, the whole table (advise on --table).
  void validate_run_options(bool both_formats = false, bool whole_table = false);
  // --client-cpus and --client-memory applied to this process (before anything starts:
  // threads and children inherit them); throws UsageError.
  void apply_client_resources();
  // The options as validated, for a command that completes them (advise's strategies).
  [[nodiscard]] RunOptions& options_to_complete() { return run_; }
  // Declares the server's and the run's options on `subcommand` too (plan), bound to
  // the same variables: its --help lists them, and they count wherever they are given.
  void add_options_to(CLI::App& subcommand);
  [[nodiscard]] const RunOptions& options() const { return run_; }
  [[nodiscard]] TargetOptions& target() { return run_.target; }
  [[nodiscard]] TargetFlags& target_flags() { return target_flags_; }
  [[nodiscard]] const RunFlags& flags() const { return flags_; }
  // --all or --strategy: the benchmark runs (else benchclient says what it talks to).
  [[nodiscard]] bool work_selected() const { return flags_.all || !flags_.strategies.empty(); }
  [[nodiscard]] MetricsFlags* metrics() override { return &metrics_; }
  [[nodiscard]] std::string metrics_name() const override { return "run"; }
  // --metrics-file was given on the root (before any subcommand).
  [[nodiscard]] bool metrics_given() const { return metrics_.given(); }

 private:
  CLI::App& app_;
  RunOptions run_;
  MetricsFlags metrics_;
  TargetFlags target_flags_;
  RunFlags flags_;
};

}  // namespace benchlab::cli

// `benchclient plan …` (the options of a run): what a run with the same options
// would do, decided by the run's own planner (plan::make_plan) — the table, the
// workers and batch size (with --memory-budget, its arithmetic), the connections
// it holds, each size's split — and the same refusals, without reading any row.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/command.hpp"
#include "cli/run_command.hpp"

namespace benchlab::cli {

class PlanCommand final : public Command {
 public:
  // The subcommand, taking the run's own options (declared by `run` on the root) before or after it.
  PlanCommand(CLI::App& app, RunCommand& run);
  [[nodiscard]] bool selected() const override { return plan_->parsed(); }
  // The options are the run's, listed by its own --help too.
  [[nodiscard]] std::string help_path() const override { return "benchclient plan"; }
  void validate() override { run_.validate_run_options(); }
  int run() override;

 private:
  CLI::App* plan_;
  RunCommand& run_;
};

}  // namespace benchlab::cli

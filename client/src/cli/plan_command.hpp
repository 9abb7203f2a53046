// `benchclient plan …` (the options of a run): what a run would do — the table,
// the memory budget's arithmetic (--memory-budget, default auto here), the workers
// and batch size it picks and each size's split — without reading any row.
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
  // The options are the run's: a bad one points to benchclient --help.
  [[nodiscard]] std::string help_path() const override { return "benchclient"; }
  void validate() override { run_.validate_run_options(); }
  int run() override;

 private:
  CLI::App* plan_;
  RunCommand& run_;
};

}  // namespace benchlab::cli

// `benchclient advise …` (the options of a run, and --time-budget, --check): which
// strategy to read a table with, predicted from a calibration on a sample of its
// pages within a time budget, whatever the table's size; with --check, the real
// full reads then measure each prediction.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/run_command.hpp"
#include "model/wire_format.hpp"

namespace benchlab::cli {

class AdviseCommand final : public Command {
 public:
  // The subcommand, taking the run's own options (declared by `run` on the root) before or after it.
  AdviseCommand(CLI::App& app, RunCommand& run);
  [[nodiscard]] bool selected() const override { return advise_->parsed(); }
  [[nodiscard]] std::string help_path() const override { return "benchclient advise"; }
  void validate() override;
  // 0: advised (and, with --check, every full read matched the server's rows); 3: a
  // full read of --check failed or read other rows; usage errors (an empty table, a
  // budget too small for one sample) exit 2 before anything is written.
  int run() override;

 private:
  CLI::App* advise_;
  RunCommand& run_;
  std::string time_budget_ = "20s";
  bool check_ = false;
  double time_budget_s_ = 20;
  std::vector<WireFormat> formats_;
};

}  // namespace benchlab::cli

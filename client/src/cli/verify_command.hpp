// `benchclient verify --dsn SOURCE --target-dsn TARGET --table T [--key K]`:
// reconciliation of one table across two servers (or two tables on one).
// Exit status: 0 equal, 1 they differ, 2 error or bad input.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

#include "cli/command.hpp"
#include "cli/metrics_flags.hpp"
#include "model/verify.hpp"

namespace benchlab::cli {

struct VerifyCommandOptions {
  std::string command;  // the command line, in the JSON
  std::string source_dsn;
  std::optional<std::string> target_dsn;  // unset: the source server (then --target-table is needed)
  VerifyOptions verify;
  bool json = false;
  bool measure_baseline = false;  // also time hashing both tables once, for the figure
  bool progress = true;
};

class VerifyCommand final : public Command {
 public:
  // `command`: the command line, as the JSON records it.
  VerifyCommand(CLI::App& app, std::string command);
  [[nodiscard]] bool selected() const override { return verify_->parsed(); }
  [[nodiscard]] std::string help_path() const override { return "benchclient verify"; }
  void validate() override;
  int run() override;
  [[nodiscard]] MetricsFlags* metrics() override { return &metrics_; }
  [[nodiscard]] std::string metrics_name() const override { return "verify"; }

 private:
  MetricsFlags metrics_;
  CLI::App* verify_;
  VerifyCommandOptions options_;
  std::string target_dsn_;
  std::string digest_ = "xxh3";
  CLI::Option* target_dsn_opt_ = nullptr;
  std::string mask_;  // --mask, parsed into options_.verify.masks
  CLI::Option* mask_opt_ = nullptr;
  bool quiet_ = false;
};

}  // namespace benchlab::cli

// `benchclient fanout start|drop` and `benchclient worker`: a read fanned out over
// workers on many hosts in one snapshot, coordinated through the manifest in the
// source database (fanout/). Exit status: 0 every part confirmed and the sum is the
// server's; 1 error; 2 bad input (nothing written, nothing claimed); 3 the parts'
// sum differs from the server's; 128 + signal when interrupted.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "model/fanout.hpp"
#include "model/options.hpp"

namespace benchlab::cli {

class FanoutCommand final : public Command {
 public:
  FanoutCommand(CLI::App& app, std::string command);
  [[nodiscard]] bool selected() const override { return fanout_->parsed(); }
  [[nodiscard]] std::string help_path() const override {
    return drop_->parsed() ? "benchclient fanout drop" : "benchclient fanout start";
  }
  void validate() override;
  int run() override;

 private:
  int start();
  int drop();

  CLI::App* fanout_;
  CLI::App* start_;
  CLI::App* drop_;
  std::string command_;
  // As parsed.
  std::string dsn_, table_, key_, rows_ = "all", split_ = "auto", format_ = "text", digest_ = "xxh3", lease_ = "30s",
                                  results_dir_ = "results", drop_dsn_, drop_job_;
  bool json_ = false, quiet_ = false, no_shared_snapshot_ = false;
  // Validated.
  ReadOptions read_;
  FanoutOptions fanout_options_;
};

class WorkerCommand final : public Command {
 public:
  explicit WorkerCommand(CLI::App& app);
  [[nodiscard]] bool selected() const override { return worker_->parsed(); }
  [[nodiscard]] std::string help_path() const override { return "benchclient worker"; }
  void validate() override;
  int run() override;

 private:
  CLI::App* worker_;
  std::string dsn_, job_, name_, if_finished_ = "error";
  int connections_ = 1;
  bool quiet_ = false;
  std::optional<InjectedFault> fault_;  // BENCHLAB_INJECT_FAULT (tests)
};

}  // namespace benchlab::cli

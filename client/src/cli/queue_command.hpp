// `benchclient queue`: the job-queue workload (queue/workload.hpp: what settings and durability cost) on a fresh
// throwaway cluster per --profile (or on --dsn): its options, their validation, the
// progress lines, the tables and the artifact. Exit status: 0 ok; 3 a sample failed
// or was not exactly once, or a crash lost confirmed commits with synchronous_commit
// on; 1 error; 2 bad input.
#pragma once

#include <CLI/CLI.hpp>

#include <filesystem>
#include <string>

#include "cli/command.hpp"
#include "cli/metrics_flags.hpp"
#include "cli/run_command.hpp"
#include "cli/target_flags.hpp"
#include "model/queue.hpp"

namespace benchlab::cli {

class QueueCommand final : public Command {
 public:
  // `run`: the root's throwaway cluster options (--pg-bindir, --cluster-user) and the command line.
  QueueCommand(CLI::App& app, RunCommand& run);
  [[nodiscard]] bool selected() const override { return queue_->parsed(); }
  [[nodiscard]] std::string help_path() const override { return "benchclient queue"; }
  void validate() override;
  int run() override;
  [[nodiscard]] MetricsFlags* metrics() override { return &metrics_; }
  [[nodiscard]] std::string metrics_name() const override { return "queue"; }

 private:
  MetricsFlags metrics_;
  CLI::App* queue_;
  RunCommand& run_;
  // As parsed, before validation.
  std::string dsn_, concurrency_ = "1,2,4,8,16", payload_bytes_ = "0", profiles_ = "default", results_dir_ = "results";
  TargetFlags target_flags_;  // --pg-set, --server-cpus
  bool quiet_ = false, json_ = false;
  CLI::Option* dsn_opt_ = nullptr;
  CLI::Option* profile_opt_ = nullptr;
  // Validated.
  TargetOptions target_;
  QueueOptions queue_options_;
  std::filesystem::path results_dir_path_;
};

}  // namespace benchlab::cli

// `benchclient queue`: the job-queue workload (what settings and durability cost) on a fresh
// throwaway cluster per --profile (or on --dsn): enqueue measured seven ways,
// dequeue samples per concurrency, and with --crash-test the confirmed commits a
// killed server lost. Exit status: 0 ok; 3 a sample failed or was not exactly
// once, or a crash lost confirmed commits with synchronous_commit on; 1 error;
// 2 bad input.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "cli/server_target.hpp"
#include "model/queue.hpp"

namespace benchlab::cli {

struct QueueCommandOptions {
  std::string command;   // the command line, for the artifact
  TargetOptions target;  // its cluster options; the profile comes from queue.profiles
  QueueOptions queue;
  std::filesystem::path results_dir = "results";
  bool json = false;  // the artifact on stdout, the tables on stderr
  bool progress = true;
};

int run_queue_command(const QueueCommandOptions& options);

}  // namespace benchlab::cli

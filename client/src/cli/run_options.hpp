// Everything a benchmark invocation asks for, parsed and validated before anything
// starts: where to read from (cli-only: it names the throwaway cluster), and the
// model's options for each layer below.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cli/server_target.hpp"
#include "model/options.hpp"
#include "model/progress.hpp"
#include "model/schema.hpp"

namespace benchlab::cli {

// --client-cpus, --client-memory: benchclient's own fixed resources, applied before
// anything starts (the server's CPUs are the cluster's: TargetOptions).
struct ClientResources {
  std::vector<int> cpus;           // empty: not pinned
  std::uint64_t memory_bytes = 0;  // 0: no cap
  std::string memory_mechanism;    // how the cap was set, once it is
  bool server_cpus_given = false;  // --server-cpus (else the server keeps the CPUs benchclient had before pinning)
};

struct RunOptions {
  std::string command;  // the command line, for the artifact
  TargetOptions target;
  ClientResources client;
  ReadOptions read;
  ScheduleOptions schedule;
  OutputOptions output;
  // --expect-schema FILE, read and checked before anything starts: the table must
  // still be what the file says, or the run stops before any strategy.
  std::filesystem::path expect_schema_file;
  std::optional<TableSchema> expected_schema;
  // --checkpoint FILE: the read's confirmed parts, kept so that an interrupted read resumes.
  std::filesystem::path checkpoint_file;
  // Not an option: the --metrics-file observer, set by the command that opened the file.
  ProgressObserver* metrics = nullptr;
};

}  // namespace benchlab::cli

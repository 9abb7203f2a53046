// What the files benchlab writes besides the run and queue artifacts hold, as
// `benchclient report` reads them (store/report_set): the Ctrl-C figures, verify's
// result and pg_test_fsync's, each with where it was measured.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/summary.hpp"

namespace benchlab {

// Where a file that has no full context block was measured.
struct Provenance {
  std::string date, command, cpu_model, git_commit, server_version;
  unsigned cores = 0;
};

// Ctrl-C measured (client/bench/interrupt_bench): per strategy, SIGINT to exit and
// to the run's last backend gone.
struct FaultsArtifact {
  Provenance provenance;
  std::uint64_t rows = 0;
  int repetitions = 0;
  int workers = 0;
  struct Strategy {
    std::string name;
    Summary exit_ms, backends_gone_ms;
    int runs = 0, ok_runs = 0;
  };
  std::vector<Strategy> strategies;
  bool ok = false;
};

// `benchclient verify --json` (scripts/bench-verify).
struct VerifyArtifact {
  Provenance provenance;
  bool equal = false;
  std::uint64_t source_rows = 0, target_rows = 0;
  std::size_t differences = 0;
  std::size_t segments_compared = 0, segments_differing = 0;
  std::uint64_t rows_fetched = 0;
  double elapsed_s = 0;
  std::optional<double> baseline_s;  // hashing both tables once, in parallel
};

// pg_test_fsync's one-8kB-write figures: the disk's own commit latency.
struct FsyncArtifact {
  std::string method = "fdatasync";
  double ops_per_sec = 0;
  double usecs_per_op = 0;
};

}  // namespace benchlab

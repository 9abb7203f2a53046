// Every kind of file benchlab writes, read for `benchclient report`: read
// artifacts (run-*.json), queue artifacts, the Ctrl-C figures (faults-*.json),
// verify's JSON and pg_test_fsync's text. Each kind goes to its own section of a
// report; a file of none of them, or of an unknown schema version, is an
// ArtifactError naming the file and the problem.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "model/context.hpp"
#include "model/summary.hpp"
#include "store/queue_artifact.hpp"

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

template <typename T>
struct Named {
  std::string file;  // as given on the command line
  T artifact;
};

struct ReportSet {
  std::vector<Named<Artifact>> runs;
  std::vector<Named<QueueArtifact>> queues;
  std::vector<Named<FaultsArtifact>> faults;
  std::vector<Named<VerifyArtifact>> verifies;
  std::vector<Named<FsyncArtifact>> fsyncs;
  [[nodiscard]] std::size_t size() const {
    return runs.size() + queues.size() + faults.size() + verifies.size() + fsyncs.size();
  }
};

// Reads `files` in order, each into its kind's list. Throws ArtifactError.
[[nodiscard]] ReportSet load_report_set(const std::vector<std::string>& files);

// The fingerprint line every chart and table names: CPU, cores, PostgreSQL, the
// settings (profile and a hash of what the server had in force), benchlab commit.
[[nodiscard]] std::string fingerprint(const Context& context);
[[nodiscard]] std::string fingerprint(const Provenance& provenance);
[[nodiscard]] std::string short_commit(const std::string& git_commit);

}  // namespace benchlab

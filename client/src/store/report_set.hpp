// Every kind of file benchlab writes, read for `benchclient report`: read
// artifacts (run-*.json), queue artifacts, the Ctrl-C figures (faults-*.json),
// verify's JSON, advise's artifacts and pg_test_fsync's text. Each kind goes to its own section of a
// report; a file of none of them, or of an unknown schema version, is an
// ArtifactError naming the file and the problem.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "model/context.hpp"
#include "model/fingerprint.hpp"  // what every report of a set names its files by
#include "model/measured_files.hpp"
#include "model/targets.hpp"
#include "store/advise_artifact.hpp"
#include "store/queue_artifact.hpp"

namespace benchlab {

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
  std::vector<Named<AdviseArtifact>> advises;
  // --targets: each target judged from the files above (judge_targets); empty: none given.
  std::vector<TargetOutcome> targets;
  [[nodiscard]] std::size_t size() const {
    return runs.size() + queues.size() + faults.size() + verifies.size() + fsyncs.size() + advises.size();
  }
};

// Reads `files` in order, each into its kind's list. Throws ArtifactError.
[[nodiscard]] ReportSet load_report_set(const std::vector<std::string>& files);

// Each advise check against the latest earlier one (by date) of the same table and
// rows on the same machine.
[[nodiscard]] std::vector<RepeatedCheck> repeated_checks(const ReportSet& set);

// Each target judged from the set's read artifacts and its queue artifacts' levels.
[[nodiscard]] std::vector<TargetOutcome> judge_targets(const ReportSet& set, const std::vector<Target>& targets);

}  // namespace benchlab

#include "report/json_reporter.hpp"

#include "store/artifact_file.hpp"
#include "store/artifact_json.hpp"

namespace benchlab {

namespace {

std::string artifact_text(const Artifact& artifact) {
  const Json j = artifact;
  return j.dump(2) + "\n";
}

}  // namespace

void JsonReporter::save(const Artifact& artifact) {
  if (file_.empty() || artifact.report.sizes.empty()) return;
  write_atomically(file_, artifact_text(artifact));
  written_ = file_;
}

void JsonReporter::finish(const Artifact& artifact) {
  save(artifact);
  if (stream_ != nullptr) *stream_ << artifact_text(artifact) << std::flush;
}

}  // namespace benchlab

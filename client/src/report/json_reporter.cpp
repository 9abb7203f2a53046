#include "report/json_reporter.hpp"

#include "store/artifact_file.hpp"
#include "store/artifact_json.hpp"

namespace benchlab {

void JsonReporter::finish(const Artifact& artifact) {
  const Json j = artifact;
  const std::string text = j.dump(2) + "\n";
  if (dir_ && !artifact.report.sizes.empty()) {
    written_ = fresh_result_path(*dir_, "run");
    write_atomically(written_, text);
  }
  if (stream_ != nullptr) *stream_ << text << std::flush;
}

}  // namespace benchlab

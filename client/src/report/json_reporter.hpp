// The JSON artifact: results/run-<UTC timestamp>.json, written atomically
// (schema: docs/artifact-schema.md), and on a stream if asked (--json puts it on
// stdout). The file is named by the caller once and rewritten in place, so a run
// can save what it measured so far and still end with one file.
#pragma once

#include <filesystem>
#include <ostream>

#include "report/reporter.hpp"

namespace benchlab {

class JsonReporter final : public Reporter {
 public:
  // `file`: where the artifact goes (empty: no file); `stream`: a copy of it (nullptr: none).
  JsonReporter(std::filesystem::path file, std::ostream* stream) : file_(std::move(file)), stream_(stream) {}
  void context(const Context&) override {}
  void size(const Context&, const SizeResult&, const SizeSummary&) override {}
  // The file and the stream.
  void finish(const Artifact& artifact) override;
  // The file alone (an artifact with no size is not written).
  void save(const Artifact& artifact);
  // The file once written (empty: not yet, or never).
  [[nodiscard]] const std::filesystem::path& written() const { return written_; }

 private:
  std::filesystem::path file_;
  std::ostream* stream_;
  std::filesystem::path written_;
};

}  // namespace benchlab

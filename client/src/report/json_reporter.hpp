// The JSON artifact: results/run-<UTC timestamp>.json, written atomically when the
// artifact is whole (schema: docs/artifact-schema.md), and on a stream if asked
// (--json puts it on stdout).
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>

#include "report/reporter.hpp"

namespace benchlab {

class JsonReporter final : public Reporter {
 public:
  // `dir`: where the file goes (nullopt: no file); `stream`: a copy of it (nullptr: none).
  JsonReporter(std::optional<std::filesystem::path> dir, std::ostream* stream)
      : dir_(std::move(dir)), stream_(stream) {}
  void context(const Context&) override {}
  void size(const Context&, const SizeResult&, const SizeSummary&) override {}
  void finish(const Artifact& artifact) override;
  // The file written by finish() (empty: none; an artifact with no size is not written).
  [[nodiscard]] const std::filesystem::path& written() const { return written_; }

 private:
  std::optional<std::filesystem::path> dir_;
  std::ostream* stream_;
  std::filesystem::path written_;
};

}  // namespace benchlab

// `benchclient report FILE.json ...`: a Markdown report made from artifacts alone
// (no server). Per artifact: where and how it was measured, then per size the wire
// ceiling, server_scan and a strategy table; with several artifacts, a summary
// table of rows/s medians side by side (a sweep and its binary twin, a worker series).
#pragma once

#include <string>
#include <vector>

#include "report/reporter.hpp"

namespace benchlab {

class MarkdownReporter final : public Reporter {
 public:
  // `files`: the artifacts' file names, in the order they will be reported.
  explicit MarkdownReporter(std::vector<std::string> files);
  void context(const Context& context) override;
  void size(const Context& context, const SizeResult& size) override;
  void finish(const Artifact& artifact) override;
  void close() override;
  // The document so far (whole after close()).
  [[nodiscard]] const std::string& document() const { return out_; }

 private:
  void where_the_time_went(const Context& context, const SizeResult& size);
  std::vector<std::string> files_;
  std::size_t current_ = 0;  // index of the artifact being reported
  std::string out_;
  std::vector<Artifact> seen_;  // for the summary across artifacts
  bool any_split_ = false;      // a forked workers' RSS split was shown in this artifact
  std::size_t header_end_ = 0;  // where the current artifact's header ends in out_
};

}  // namespace benchlab

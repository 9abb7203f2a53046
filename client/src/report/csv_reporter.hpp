// `benchclient report --format csv`: one row per (artifact, strategy, size,
// profile) of the read artifacts, with the figures people paste into a
// spreadsheet (RFC 4180 quoting). Queue, faults and verify files have their own
// report sections; they are not rows of this table.
#pragma once

#include <string>
#include <vector>

#include "report/reporter.hpp"

namespace benchlab {

class CsvReporter final : public Reporter {
 public:
  explicit CsvReporter(std::vector<std::string> files);
  void context(const Context& context) override;
  void size(const Context& context, const SizeResult& size, const SizeSummary& summary) override;
  void finish(const Artifact& artifact) override;
  [[nodiscard]] const std::string& document() const { return out_; }

 private:
  std::vector<std::string> files_;
  std::size_t current_ = 0;
  std::string out_;
};

}  // namespace benchlab

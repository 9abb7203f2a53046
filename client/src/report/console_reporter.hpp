// The console report: one table per size, strategies as rows, like the Python lab
// (rows/s per size, peak RSS), with median ± half the range and min … max,
// then the warnings and, for a sweep, a strategy × size overview.
#pragma once

#include <cstdio>

#include "report/reporter.hpp"

namespace benchlab {

class ConsoleReporter final : public Reporter {
 public:
  explicit ConsoleReporter(std::FILE* out) : out_(out) {}
  void context(const Context& context) override;
  void size(const Context& context, const SizeResult& size, const SizeSummary& summary) override;
  void finish(const Artifact& artifact) override;

 private:
  std::FILE* out_;
};

}  // namespace benchlab

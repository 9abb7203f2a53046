// The console report: one table per size, strategies as rows, like the Python lab
// (rows/s per size, peak RSS), with the median and min … max, then the warnings
// and, for a sweep, a strategy × size overview. Every line fits 120 columns in the
// compact view (the default); the wide view shows every column of the strategy table.
#pragma once

#include "model/advise.hpp"

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "model/strategy_table.hpp"
#include "report/reporter.hpp"

namespace benchlab {

// What `benchclient advise` prints: the calibration, the predictions and the
// recommendation; after --check, predicted against measured.
void print_advise(std::FILE* out, const AdviseResult& advice);
void print_advise_check(std::FILE* out, const AdviseResult& advice);

struct ConsoleOptions {
  TableView view = TableView::compact;
  // How to see the columns the compact view leaves out, said under it (the command
  // line's words, which only the CLI knows); empty: not said.
  std::string wide_hint;
  // Warnings and notes the run already printed while it ran (on stderr): said once,
  // so the end of the run does not repeat them.
  std::vector<std::string> said;
};

class ConsoleReporter final : public Reporter {
 public:
  explicit ConsoleReporter(std::FILE* out, ConsoleOptions options = {}) : out_(out), options_(std::move(options)) {}
  void context(const Context& context) override;
  void size(const Context& context, const SizeResult& size, const SizeSummary& summary) override;
  void finish(const Artifact& artifact) override;

 private:
  [[nodiscard]] bool said(const std::string& text) const;
  std::FILE* out_;
  ConsoleOptions options_;
};

}  // namespace benchlab

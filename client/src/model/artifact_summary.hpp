// What every reader shows of an artifact, computed once from its runs where the
// artifact is built (the run, after measuring) or read (the loader): per size, each
// strategy's summary and the verdict; the warnings. The reporters, the charts, the
// verdict's words and the artifact's own "benchmarks" entries read it, never compute.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/report.hpp"
#include "model/verdict.hpp"
#include "model/warnings.hpp"

namespace benchlab {

// A wire ceiling's rounds: medians and spreads of the COPY drain.
struct CeilingSummary {
  Summary rows_per_sec, mb_per_sec;
};

// --concurrent-writes: what the writer did while the measured runs of one size read.
struct WriterActivity {
  double rows_per_sec = 0;                            // what it was asked to write
  std::size_t runs = 0;                               // the measured runs it wrote during
  std::uint64_t rows_inserted = 0, rows_updated = 0;  // in all of them
};

// "while the 6 measured runs read, the concurrent writer (500 rows/s) inserted 1234
// rows and updated 1234": what a reader shows after the size's table.
[[nodiscard]] std::string writer_activity_text(const WriterActivity& w);

struct SizeSummary {
  std::map<std::string, CeilingSummary> wire_ceiling;  // by format name, as SizeResult::wire_ceiling
  std::vector<StrategySummary> strategies;             // one per SizeResult::strategies, in its order
  std::optional<SizeVerdict> verdict;                  // nullopt: an empty read has none
  std::optional<WriterActivity> writer;                // nullopt: no --concurrent-writes
  // The wire ceiling in `format`; nullptr: not measured.
  [[nodiscard]] const CeilingSummary* ceiling(WireFormat format) const {
    const auto it = wire_ceiling.find(std::string(to_string(format)));
    return it == wire_ceiling.end() ? nullptr : &it->second;
  }
  // The summary of the strategy `name` of `size` (which this summarizes); nullptr: not measured there.
  [[nodiscard]] const StrategySummary* of(const SizeResult& size, std::string_view name) const {
    const StrategyResult* found = size.strategy(name);
    return found ? &strategies.at(static_cast<std::size_t>(found - size.strategies.data())) : nullptr;
  }
};

struct ArtifactSummary {
  std::vector<SizeSummary> sizes;  // one per BenchmarkReport::sizes, in its order
  std::vector<Warning> warnings;
};

}  // namespace benchlab

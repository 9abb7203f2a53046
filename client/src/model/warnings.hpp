// Advice shown to users, all in one place: computed from the artifact alone, so
// the console, the artifact and the Markdown report say the same thing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace benchlab {

struct Artifact;
struct BenchmarkReport;
struct Context;
struct HostFacts;
struct SizeSummary;

enum class WarningKind {
  busy_machine,   // the load average was high when the benchmark started
  high_variance,  // a strategy's rows/s varied widely between runs
};

struct Warning {
  WarningKind kind;
  std::uint64_t limit = 0;  // the size it is about (0: the whole benchmark)
  std::string strategy;     // the strategy it is about (empty: none)
  double value = 0;         // the load average, or the spread in percent
  [[nodiscard]] std::string text() const;
};

// A strategy whose fastest run is more than this much faster than its slowest
// has not yet been measured well.
inline constexpr double kHighVarianceRatio = 1.25;

// The machine was busy when the benchmark started (also said before it runs).
[[nodiscard]] std::optional<Warning> busy_machine_warning(const HostFacts& host);
// Of a whole artifact, from its sizes' summaries (one per report.sizes): computed
// once, by summary_of(Artifact); readers read its summary's warnings.
[[nodiscard]] std::vector<Warning> warnings_of(const Context& context, const BenchmarkReport& report,
                                               const std::vector<SizeSummary>& sizes);

// What a reader must know before an artifact's figures, worded once for every report:
// its status (incomplete, interrupted, stopped by the strict policy), then its warnings.
struct Notice {
  bool warning = false;  // false: a status
  std::string text;
};
[[nodiscard]] std::vector<Notice> notices_of(const Artifact& artifact);

}  // namespace benchlab

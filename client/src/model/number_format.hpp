// How figures read on screen and in reports: one place, so the console table and
// the Markdown report print the same number the same way.
#pragma once

#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace benchlab {

// 1.23G, 4.56M, 789.0k, 12: rows/s and other counts.
inline std::string si(double v) {
  if (v >= 1e9) return fmt::format("{:.2f}G", v / 1e9);
  if (v >= 1e6) return fmt::format("{:.2f}M", v / 1e6);
  if (v >= 1e3) return fmt::format("{:.1f}k", v / 1e3);
  return fmt::format("{:.0f}", v);
}

// A row count as people say it: 100K, 1M, 10M; 123456 when it is no round figure.
inline std::string rows_count(std::uint64_t rows) {
  if (rows >= 1000000 && rows % 100000 == 0)
    return rows % 1000000 == 0 ? fmt::format("{}M", rows / 1000000)
                               : fmt::format("{:.1f}M", static_cast<double>(rows) / 1e6);
  if (rows >= 1000 && rows % 1000 == 0) return fmt::format("{}K", rows / 1000);
  return fmt::format("{}", rows);
}

// Bytes as "12.3 MiB".
inline std::string mib(double bytes) { return fmt::format("{:.1f} MiB", bytes / (1024.0 * 1024.0)); }

// Forked workers' share of a peak RSS: " (2×13.1 + parent 20.4)", MiB; the largest
// worker's ru_maxrss and the parent's own sampled peak (nullopt: not sampled).
inline std::string worker_rss_split(std::size_t workers, double worker_bytes, std::optional<double> parent_bytes) {
  constexpr double kMiB = 1024.0 * 1024.0;
  return parent_bytes ? fmt::format(" ({}×{:.1f} + parent {:.1f})", workers, worker_bytes / kMiB, *parent_bytes / kMiB)
                      : fmt::format(" ({}×{:.1f} + parent)", workers, worker_bytes / kMiB);
}

}  // namespace benchlab

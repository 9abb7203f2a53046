// Splitting an integer key into contiguous ranges of equal estimated row count from
// planner statistics (histogram bounds + most common values). Pure C++.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "cpp_only.hpp"  // must be the last include

namespace benchlab {

struct RangePart {
  std::int64_t lo;
  std::int64_t hi;
  std::int64_t rows;  // estimated
};

struct KeyStatistics {
  std::vector<std::int64_t> histogram_bounds;                  // ascending, equal-frequency buckets
  std::vector<std::pair<std::int64_t, double>> common_values;  // value, fraction of all rows
  double null_fraction = 0.0;
  double estimated_rows = 0.0;  // rows in the table now (all, NULL keys included)
  std::int64_t type_min = 0;    // the key type's range: the first part starts at
  std::int64_t type_max = 0;    // type_min and the last ends at type_max
  // Optional bounds (id_ranges lo/hi): only keys in [lower, upper] are split, the
  // estimates clipped to them; the first part starts at lower and the last ends at
  // upper. Unset: the type's limits.
  bool has_lower = false;
  bool has_upper = false;
  std::int64_t lower = 0;
  std::int64_t upper = 0;
};

// At most `parts` contiguous ranges [lo, hi] (lo of part i+1 = hi of part i + 1) that
// cover the whole key type (or [lower, upper] clipped to it), each holding about the
// same estimated number of rows. Fewer parts come back when the statistics show fewer
// distinct keys than parts. Empty when the statistics hold no key values, or when the
// bounds hold no value of the type. With bounds that the statistics put no rows in:
// one part covering the bounds with 0 estimated rows (rows the sample missed are still
// covered).
std::vector<RangePart> split_by_statistics(const KeyStatistics& stats, int parts);

}  // namespace benchlab

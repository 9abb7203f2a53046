// Median, min and max over the runs of one strategy (what tables and the artifact
// report). The median of an even count is the mean of the middle two.
#pragma once

#include <algorithm>
#include <vector>

namespace benchlab {

struct Summary {
  double median = 0;
  double min = 0;
  double max = 0;
  std::size_t count = 0;
};

[[nodiscard]] inline Summary summarize(std::vector<double> values) {
  Summary s;
  s.count = values.size();
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  s.median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
  s.min = values.front();
  s.max = values.back();
  return s;
}

}  // namespace benchlab

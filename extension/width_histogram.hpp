// Exact distribution of row widths with memory bounded by the number of distinct
// widths, not by the number of rows: a dense counter array for widths below 64 KiB,
// a sorted map above. Pure C++ (may throw std::bad_alloc; callers catch).
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <vector>

#include "cpp_only.hpp"  // must be the last include

namespace benchlab {

class WidthHistogram {
 public:
  void add(std::uint64_t width) {
    if (width < kDense) {
      if (dense_.empty()) dense_.assign(kDense, 0);
      ++dense_[width];
    } else {
      ++sparse_[width];
    }
    ++count_;
    sum_ += width;
    if (width < min_) min_ = width;
    if (width > max_) max_ = width;
  }

  [[nodiscard]] std::uint64_t count() const { return count_; }
  [[nodiscard]] std::uint64_t sum() const { return sum_; }
  [[nodiscard]] std::uint64_t min() const { return count_ ? min_ : 0; }
  [[nodiscard]] std::uint64_t max() const { return max_; }
  [[nodiscard]] double mean() const { return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0.0; }

  // Nearest-rank percentile: the smallest width w such that at least
  // ceil(p/100 * count) rows are no wider than w. p in (0, 100].
  [[nodiscard]] std::uint64_t percentile(double p) const {
    if (count_ == 0) return 0;
    auto rank = static_cast<std::uint64_t>(p / 100.0 * static_cast<double>(count_));
    if (static_cast<double>(rank) < p / 100.0 * static_cast<double>(count_)) ++rank;  // ceil
    if (rank < 1) rank = 1;
    if (rank > count_) rank = count_;
    std::uint64_t seen = 0;
    for (std::uint64_t w = 0; w < dense_.size(); ++w) {
      seen += dense_[w];
      if (seen >= rank) return w;
    }
    for (const auto& [w, n] : sparse_) {
      seen += n;
      if (seen >= rank) return w;
    }
    return max_;
  }

 private:
  static constexpr std::uint64_t kDense = 65536;
  std::vector<std::uint64_t> dense_;
  std::map<std::uint64_t, std::uint64_t> sparse_;
  std::uint64_t count_ = 0;
  std::uint64_t sum_ = 0;
  std::uint64_t min_ = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t max_ = 0;
};

}  // namespace benchlab

// Batch latency histogram: fixed-size, trivially copyable (it lives in shared
// memory slots of forked workers) and mergeable. Log-linear buckets: 16 sub-buckets
// per power of two, so any percentile is within ~6% of the true value.
#pragma once

#include <array>
#include <bit>
#include <cstdint>

namespace benchlab {

struct LatencyHistogram {
  static constexpr int kSubBuckets = 16;
  static constexpr int kPowers = 48;  // up to 2^48 ns (~3 days)
  std::array<std::uint64_t, kPowers * kSubBuckets> counts{};
  std::uint64_t total = 0;
  std::uint64_t max_ns = 0;

  static int bucket_of(std::uint64_t ns) {
    if (ns < kSubBuckets) return static_cast<int>(ns);
    const int power = static_cast<int>(std::bit_width(ns)) - 1;  // >= 4
    const int shift = power - 4;
    const int sub = static_cast<int>((ns >> shift) & (kSubBuckets - 1));
    const int index = (power - 3) * kSubBuckets + sub;
    return index < kPowers * kSubBuckets ? index : kPowers * kSubBuckets - 1;
  }
  // Upper bound of a bucket, in ns (what percentiles report).
  static std::uint64_t bucket_upper(int index) {
    if (index < kSubBuckets) return static_cast<std::uint64_t>(index);
    const int power = index / kSubBuckets + 3;
    const int sub = index % kSubBuckets;
    const int shift = power - 4;
    return ((static_cast<std::uint64_t>(kSubBuckets + sub) + 1) << shift) - 1;
  }

  void record(std::uint64_t ns) {
    ++counts[static_cast<std::size_t>(bucket_of(ns))];
    ++total;
    if (ns > max_ns) max_ns = ns;
  }
  void merge(const LatencyHistogram& other) {
    for (std::size_t i = 0; i < counts.size(); ++i) counts[i] += other.counts[i];
    total += other.total;
    if (other.max_ns > max_ns) max_ns = other.max_ns;
  }
  // q in [0, 1]; 0 when empty.
  [[nodiscard]] std::uint64_t percentile(double q) const {
    if (total == 0) return 0;
    const auto rank = static_cast<std::uint64_t>(q * static_cast<double>(total - 1)) + 1;
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < counts.size(); ++i) {
      seen += counts[i];
      if (seen >= rank) {
        const std::uint64_t upper = bucket_upper(static_cast<int>(i));
        return upper < max_ns ? upper : max_ns;
      }
    }
    return max_ns;
  }
};

}  // namespace benchlab

// `benchclient compare BASE.json NEW.json` (did NEW get slower?), as plain data and
// arithmetic: per strategy and size, the ratio of the median rows/s (NEW ÷ BASE),
// its 95 % bootstrap interval from the individual runs, and a verdict.
//
// Why a bootstrap of the ratio of medians: it needs no assumption about the runs'
// distribution (a benchmark's are skewed by the machine), and it gives an interval
// for exactly the figure reported. Resampling is seeded, so the same artifacts give
// the same interval every time. What it cannot do with three runs a side: each
// resampled median is one of three values, so the interval is coarse — it detects a
// change larger than the runs' own spread, and says "within noise" for anything
// smaller. Identical artifacts give a ratio of exactly 1, never a regression.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace benchlab {

enum class Verdict { faster, slower, within_noise };
[[nodiscard]] const char* to_string(Verdict v);

struct Interval {
  double lo = 0, hi = 0;
};

// The ratio of medians new ÷ base and its 95 % percentile-bootstrap interval
// (`resamples` resamplings of each side, seeded by `seed`).
[[nodiscard]] Interval bootstrap_ratio_interval(const std::vector<double>& base, const std::vector<double>& fresh,
                                                int resamples = 10000, std::uint64_t seed = 0x5eed);
[[nodiscard]] double median_of(std::vector<double> v);

struct CompareRow {
  std::string strategy;
  std::uint64_t rows = 0;
  std::string profile;  // empty: a single-profile artifact
  int base_runs = 0, new_runs = 0;
  double base_median = 0, new_median = 0;  // rows/s
  double ratio = 0;                        // new ÷ base
  Interval interval;
  Verdict verdict = Verdict::within_noise;
  bool regression = false;  // slower, and by more than the threshold
};

// faster / slower when the interval lies wholly above / below 1; a regression when
// slower and the ratio is below 1 − threshold.
[[nodiscard]] CompareRow judge(CompareRow row, const std::vector<double>& base, const std::vector<double>& fresh,
                               double threshold);

}  // namespace benchlab

#include "model/compare.hpp"

#include <algorithm>
#include <random>

#include "model/summary.hpp"

namespace benchlab {

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::faster:
      return "faster";
    case Verdict::slower:
      return "slower";
    case Verdict::within_noise:
      return "within noise";
  }
  return "?";
}

double median_of(std::vector<double> v) { return summarize(std::move(v)).median; }

Interval bootstrap_ratio_interval(const std::vector<double>& base, const std::vector<double>& fresh, int resamples,
                                  std::uint64_t seed) {
  if (base.empty() || fresh.empty()) return {};
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<std::size_t> pick_base(0, base.size() - 1), pick_new(0, fresh.size() - 1);
  std::vector<double> ratios;
  ratios.reserve(static_cast<std::size_t>(resamples));
  std::vector<double> b(base.size()), f(fresh.size());
  for (int r = 0; r < resamples; ++r) {
    for (auto& x : b) x = base[pick_base(random)];
    for (auto& x : f) x = fresh[pick_new(random)];
    const double mb = median_of(b);
    if (mb > 0) ratios.push_back(median_of(f) / mb);
  }
  if (ratios.empty()) return {};
  std::sort(ratios.begin(), ratios.end());
  const auto at = [&](double q) {
    const auto i = static_cast<std::size_t>(q * static_cast<double>(ratios.size() - 1) + 0.5);
    return ratios[std::min(i, ratios.size() - 1)];
  };
  return {at(0.025), at(0.975)};
}

CompareRow judge(CompareRow row, const std::vector<double>& base, const std::vector<double>& fresh, double threshold) {
  row.base_runs = static_cast<int>(base.size());
  row.new_runs = static_cast<int>(fresh.size());
  row.base_median = median_of(base);
  row.new_median = median_of(fresh);
  row.ratio = row.base_median > 0 ? row.new_median / row.base_median : 0;
  row.interval = bootstrap_ratio_interval(base, fresh);
  if (row.interval.lo > 1)
    row.verdict = Verdict::faster;
  else if (row.interval.hi < 1)
    row.verdict = Verdict::slower;
  else
    row.verdict = Verdict::within_noise;
  row.regression = row.verdict == Verdict::slower && row.ratio < 1 - threshold;
  return row;
}

}  // namespace benchlab

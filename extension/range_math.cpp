// Statistics-based key splitting (see range_math.hpp). Pure C++: no PostgreSQL here.
#include "range_math.hpp"

#include <algorithm>
#include <cmath>

#include "cpp_only.hpp"  // must be the last include

namespace benchlab {
namespace {

using wide = __int128;  // keys near the int8 limits: b + 1 must not overflow

// A run of integers [a, b] holding `mass` (a fraction of all rows) spread evenly.
struct Piece {
  wide a;
  wide b;
  long double mass;
};

}  // namespace

std::vector<RangePart> split_by_statistics(const KeyStatistics& stats, int parts) {
  std::vector<Piece> pieces;
  long double common_total = 0;
  for (const auto& [value, fraction] : stats.common_values) {
    if (fraction <= 0) continue;
    pieces.push_back({value, value, static_cast<long double>(fraction)});
    common_total += fraction;
  }
  const auto& bounds = stats.histogram_bounds;
  if (bounds.size() >= 2) {
    long double hist_mass = 1.0L - stats.null_fraction - common_total;
    if (hist_mass < 0) hist_mass = 0;
    const long double per_bucket = hist_mass / static_cast<long double>(bounds.size() - 1);
    for (std::size_t j = 0; j + 1 < bounds.size(); ++j) {
      wide a = j == 0 ? wide{bounds[0]} : wide{bounds[j]} + 1;
      wide b = bounds[j + 1];
      if (a > b) a = b;  // repeated bound: the bucket's rows sit on that one value
      pieces.push_back({a, b, per_bucket});
    }
  } else if (bounds.size() == 1 && common_total < 1.0L - stats.null_fraction) {
    pieces.push_back({bounds[0], bounds[0], 1.0L - stats.null_fraction - common_total});
  }
  if (pieces.empty() || parts < 1) return {};

  // Cut the pieces into disjoint elementary runs (pieces may overlap: an MCV inside a
  // histogram bucket) and add up the mass on each.
  std::vector<wide> edges;
  for (const auto& p : pieces) {
    edges.push_back(p.a);
    edges.push_back(p.b + 1);
  }
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  std::vector<Piece> runs;
  long double total = 0;
  for (std::size_t k = 0; k + 1 < edges.size(); ++k) {
    const wide a = edges[k], b = edges[k + 1] - 1;
    long double mass = 0;
    for (const auto& p : pieces) {
      if (p.b < a || p.a > b) continue;
      const wide lo = std::max(a, p.a), hi = std::min(b, p.b);
      mass += p.mass * static_cast<long double>(hi - lo + 1) / static_cast<long double>(p.b - p.a + 1);
    }
    if (mass > 0) {
      runs.push_back({a, b, mass});
      total += mass;
    }
  }
  if (runs.empty() || total <= 0) return {};

  // Bounds: keep the part of each run inside [lower, upper] (its mass in proportion)
  // and scale the row estimate by the share of the mass that is left.
  const wide lower = stats.has_lower ? std::max<wide>(stats.lower, stats.type_min) : wide{stats.type_min};
  const wide upper = stats.has_upper ? std::min<wide>(stats.upper, stats.type_max) : wide{stats.type_max};
  if (lower > upper) return {};
  long double share = 1.0L;
  if (stats.has_lower || stats.has_upper) {
    std::vector<Piece> clipped;
    long double kept = 0;
    for (const auto& run : runs) {
      const wide a = std::max(run.a, lower), b = std::min(run.b, upper);
      if (a > b) continue;
      const long double mass =
          run.mass * static_cast<long double>(b - a + 1) / static_cast<long double>(run.b - run.a + 1);
      if (mass <= 0) continue;
      clipped.push_back({a, b, mass});
      kept += mass;
    }
    if (clipped.empty() || kept <= 0)
      return {RangePart{static_cast<std::int64_t>(lower), static_cast<std::int64_t>(upper), 0}};
    share = kept / total;
    runs = std::move(clipped);
    total = kept;
  }

  // No more parts than estimated rows (at least one).
  const long double estimate = static_cast<long double>(stats.estimated_rows) * (1.0L - stats.null_fraction) * share;
  if (estimate < parts) parts = static_cast<int>(std::max(1.0L, std::round(estimate)));

  // Cut k is the smallest key c with F(c) >= k/parts of the mass, F the cumulative mass.
  struct Cut {
    wide key;
    long double cumulative;
  };
  std::vector<Cut> cuts;
  const long double step = total / parts;
  std::size_t r = 0;
  long double before = 0;  // mass of runs[0..r)
  for (int k = 1; k < parts; ++k) {
    const long double target = step * k;
    while (r < runs.size() && before + runs[r].mass < target) before += runs[r++].mass;
    if (r >= runs.size()) break;
    const Piece& run = runs[r];
    const long double len = static_cast<long double>(run.b - run.a + 1);
    long double need = std::ceil((target - before) * len / run.mass);
    if (need < 1) need = 1;
    if (need > len) need = len;
    const wide key = run.a + static_cast<wide>(need) - 1;
    const long double cumulative = before + run.mass * need / len;
    if (cumulative >= total * (1.0L - 1e-12L)) break;  // nothing left for later parts
    if (!cuts.empty() && key <= cuts.back().key) continue;
    if (key >= upper) break;
    cuts.push_back({key, cumulative});
  }

  const long double rows =
      std::max(0.0L, static_cast<long double>(stats.estimated_rows) * (1.0L - stats.null_fraction) * share);
  std::vector<RangePart> out;
  out.reserve(cuts.size() + 1);
  wide lo = lower;
  std::int64_t rows_before = 0;
  for (const auto& cut : cuts) {
    const auto upto = static_cast<std::int64_t>(std::llround(rows * cut.cumulative / total));
    out.push_back({static_cast<std::int64_t>(lo), static_cast<std::int64_t>(cut.key), upto - rows_before});
    rows_before = upto;
    lo = cut.key + 1;
  }
  out.push_back({static_cast<std::int64_t>(lo), static_cast<std::int64_t>(upper),
                 static_cast<std::int64_t>(std::llround(rows)) - rows_before});
  return out;
}

}  // namespace benchlab

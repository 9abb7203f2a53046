#include "model/estimate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace benchlab {

namespace {

// How much longer a read of size `later` takes than one of size `now`: by their
// server_scan times when both have one, else by their rows.
double scale(const SizeToRead& now, const SizeToRead& later) {
  if (now.server_scan_s && later.server_scan_s && *now.server_scan_s > 0)
    return *later.server_scan_s / *now.server_scan_s;
  if (now.rows > 0) return static_cast<double>(later.rows) / static_cast<double>(now.rows);
  return 1;
}

}  // namespace

std::optional<double> estimate_from_scans(const EstimateShape& shape, const std::vector<SizeToRead>& sizes,
                                          int targets) {
  // A size without a scan is scaled by rows from the first that has one.
  const auto known = std::find_if(sizes.begin(), sizes.end(), [](const SizeToRead& s) { return s.server_scan_s; });
  if (known == sizes.end() || *known->server_scan_s <= 0) return std::nullopt;
  const double read_s = kCeilingPerServerScan * *known->server_scan_s;
  double total = 0;
  for (const SizeToRead& size : sizes) total += shape.reads_per_size() * read_s * scale(*known, size);
  return total * std::max(1, targets);
}

double seconds_per_read(const EstimateShape& shape, double ceiling_s, int rounds_done, double rounds_elapsed_s) {
  if (rounds_done > 0 && rounds_elapsed_s > 0) return rounds_elapsed_s / (rounds_done * shape.reads_per_round());
  return ceiling_s;
}

double remaining_seconds(const EstimateShape& shape, const std::vector<SizeToRead>& sizes, std::size_t index, int round,
                         double read_s, int targets_after) {
  if (index >= sizes.size()) return 0;
  // This size: the round's strategies, then its later rounds.
  double reads = static_cast<double>(shape.strategies) + (shape.runs - round) * shape.reads_per_round();
  double left = reads * read_s;
  for (std::size_t later = index + 1; later < sizes.size(); ++later)
    left += shape.reads_per_size() * read_s * scale(sizes[index], sizes[later]);
  // A later target (profile) reads every size again.
  double whole = 0;
  for (const SizeToRead& size : sizes) whole += shape.reads_per_size() * read_s * scale(sizes[index], size);
  return left + whole * std::max(0, targets_after);
}

std::string about(double seconds) {
  if (!(seconds > 0)) seconds = 1;
  if (seconds < 10) return fmt::format("about {:.0f} s", std::max(1.0, std::ceil(seconds)));
  if (seconds < 60) return fmt::format("about {:.0f} s", std::round(seconds / 5) * 5);
  const double minutes = std::round(seconds / 60);
  if (minutes < 60) return fmt::format("about {:.0f} min", minutes);
  const double tens = std::round(seconds / 600) * 10;  // whole hours and tens of minutes
  const double hours = std::floor(tens / 60), rest = tens - hours * 60;
  return rest > 0 ? fmt::format("about {:.0f} h {:.0f} min", hours, rest) : fmt::format("about {:.0f} h", hours);
}

std::string estimate_shape_text(const RunEstimate& estimate) {
  const EstimateShape& s = estimate.shape;
  std::string text = fmt::format("{} size{}", estimate.sizes, estimate.sizes == 1 ? "" : "s");
  if (estimate.targets > 1) text += fmt::format(" × {} profiles", estimate.targets);
  const std::string ceilings = s.ceilings == 1 ? "wire ceiling" : fmt::format("{} wire ceilings", s.ceilings);
  text += fmt::format(" × ({} + {} strateg{}) × {} run{}", ceilings, s.strategies, s.strategies == 1 ? "y" : "ies",
                      s.runs, s.runs == 1 ? "" : "s");
  if (s.warmup > 0) text += fmt::format(", {} warmup round{}", s.warmup, s.warmup == 1 ? "" : "s");
  return text;
}

}  // namespace benchlab

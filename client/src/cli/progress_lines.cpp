#include "cli/progress_lines.hpp"

#include <fmt/format.h>

#include <cstdio>

#include "model/estimate.hpp"
#include "model/read_spec.hpp"
#include "model/report.hpp"

namespace benchlab::cli {

namespace {

std::string human_bytes(double b) {  // binary units, as the results table
  constexpr double kMiB = 1024.0 * 1024.0;
  if (b >= 1024.0 * kMiB) return fmt::format("{:.2f} GiB", b / (1024.0 * kMiB));
  return fmt::format("{:.1f} MiB", b / kMiB);
}

}  // namespace

std::string progress_line(const LiveProgress& now) {
  std::string line =
      fmt::format("  {}: {} / {} rows, {:.0f} rows/s", now.label, now.rows, now.expected_rows, now.rows_per_sec);
  if (now.peak_rss) line += fmt::format(", peak RSS {}", human_bytes(static_cast<double>(*now.peak_rss)));
  if (!now.workers.empty()) {
    line += ", workers";
    for (std::size_t i = 0; i < now.workers.size(); ++i) {
      line += fmt::format(" {}:{}", i, now.workers[i].rows);
      const std::int64_t through = now.workers[i].read_through;
      if (through != WorkerProgress::kNotYet) line += through == kOpenEnd ? "@end" : fmt::format("@{}", through);
    }
  }
  return line;
}

void StderrProgress::phase(const std::string& line) const {
  if (!phase_lines_) return;
  std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}

// Said as an estimate, with what it counts and what it is from, never as a figure.
std::string estimate_line(const RunEstimate& estimate) {
  const std::string counted = estimate_shape_text(estimate);
  if (!estimate.seconds)
    return fmt::format("benchclient: {}; how long: estimated after the first wire ceiling (no server_scan to go by)",
                       counted);
  return fmt::format("benchclient: {} to measure: {}; estimate from the server_scan", about(*estimate.seconds),
                     counted);
}

void StderrProgress::run_estimated(const RunEstimate& estimate) { phase(estimate_line(estimate)); }

void StderrProgress::size_started(const SizeStarted& event) {
  phase(fmt::format("benchclient: {} rows{}: wire ceiling and {} strategies, {} rounds", event.limit,
                    event.whole_table ? " (the whole table)" : "", event.strategies, event.rounds));
}

void StderrProgress::round_measured(const RoundMeasured& event) {
  phase(fmt::format("  round {}/{}: wire ceiling ({}) {:.0f} rows/s; {} left (estimate)", event.round, event.rounds,
                    to_string(event.format), event.ceiling_rows_per_sec, about(event.remaining_s)));
}

void StderrProgress::strategy_standing(const StrategyStanding& event) {
  if (!event.error.empty()) {
    phase(fmt::format("  {:<18} error: {}", event.strategy, event.error));
    return;
  }
  const std::string check = event.check == StrategyStanding::Check::matched ? ""
                            : event.check == StrategyStanding::Check::expected_mismatch
                                ? fmt::format("  MISMATCH ({})", kExpectedControlMismatch)
                                : std::string("  MISMATCH");
  phase(fmt::format("  {:<18} {:>12.0f} rows/s (median of {}){}", event.strategy, event.median_rows_per_sec, event.runs,
                    check));
}

void StderrProgress::live(const LiveProgress& now) {
  if (!live_line_) return;
  const std::string line = progress_line(now);
  std::fputs(("\r\x1b[K" + line).c_str(), stderr);
  std::fflush(stderr);
  live_width_ = line.size();
}

void StderrProgress::run_ended() {
  if (live_width_ > 0) std::fputs("\r\x1b[K", stderr);
  std::fflush(stderr);
  live_width_ = 0;
}

}  // namespace benchlab::cli

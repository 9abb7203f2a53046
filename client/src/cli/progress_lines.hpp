// The run's phase lines and its live progress line, drawn on stderr (never on
// stdout) from what the run loop and the harness report (model/progress.hpp).
#pragma once

#include <cstddef>
#include <string>

#include "model/progress.hpp"

namespace benchlab::cli {

// The live progress line: "  <label>: <rows> / <expected> rows, <rate> rows/s",
// the peak RSS when measured, and each forked worker's rows ("workers 0:120000
// 1:118000@50000": @ the key its share is read through).
[[nodiscard]] std::string progress_line(const LiveProgress& now);

// "benchclient: about 2 min to measure: 1 size × (2 wire ceilings + 7 strategies) × 3
// runs; estimate from the server_scan" (model/estimate.hpp).
[[nodiscard]] std::string estimate_line(const RunEstimate& estimate);

class StderrProgress final : public ProgressObserver {
 public:
  // `phase_lines`: the duration estimate, one line per size, per round (with what is
  // left, estimated) and per strategy at the end of a size. `live_line`: the live
  // progress line too (only ever on a terminal).
  StderrProgress(bool phase_lines, bool live_line) : phase_lines_(phase_lines), live_line_(live_line) {}

  void run_estimated(const RunEstimate& estimate) override;
  void size_started(const SizeStarted& event) override;
  void round_measured(const RoundMeasured& event) override;
  void strategy_standing(const StrategyStanding& event) override;
  void live(const LiveProgress& now) override;
  void run_ended() override;

 private:
  void phase(const std::string& line) const;

  bool phase_lines_;
  bool live_line_;
  std::size_t live_width_ = 0;  // what the live line covers now (0: nothing drawn)
};

}  // namespace benchlab::cli

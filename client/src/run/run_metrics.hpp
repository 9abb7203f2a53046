// The run's metrics (--metrics-file): a ProgressObserver that turns the live figures
// the harness reports (model/progress.hpp) into the metrics of model/metrics.hpp,
// kept across every run of the command (counters) and for the current one (gauges).
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>

#include "model/progress.hpp"
#include "store/metrics_file.hpp"

namespace benchlab {

// Called from two threads, never at once: live() from the harness's sampler thread
// while a run reads, run_ended() and run_checked() from the run's own thread after
// Harness::finish() has joined the sampler (one harness at a time). The mutex makes
// that independent of the harness's order.
class RunMetrics final : public ProgressObserver {
 public:
  explicit RunMetrics(MetricsFile& file);

  void run_estimated(const RunEstimate& /*estimate*/) override {}
  void size_started(const SizeStarted& /*event*/) override {}
  void round_measured(const RoundMeasured& /*event*/) override {}
  void strategy_standing(const StrategyStanding& /*event*/) override {}
  void live(const LiveProgress& now) override;
  void run_ended() override;
  void run_checked(const RunChecked& run) override;

 private:
  MetricsFile& file_;
  std::mutex mutex_;  // guards everything below
  // What the runs that ended added up to; the current run's figures come on top.
  std::uint64_t rows_before_ = 0, bytes_before_ = 0, retries_before_ = 0;
  std::uint64_t runs_done_ = 0, mismatches_ = 0, errors_ = 0;
  std::uint64_t peak_rss_ = 0;
  std::optional<LiveProgress> current_;  // the current run's last figures
};

}  // namespace benchlab

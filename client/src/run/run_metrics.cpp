#include "run/run_metrics.hpp"

#include <algorithm>
#include <string>

namespace benchlab {

namespace {

// The gauges that describe the current run only: gone between runs, so a stalled
// read is not confused with the pause between two runs.
constexpr const char* kRunGauges[] = {"benchlab_run_rows",
                                      "benchlab_run_expected_rows",
                                      "benchlab_run_rows_per_second",
                                      "benchlab_parts_done",
                                      "benchlab_parts_left",
                                      "benchlab_fallback_tier",
                                      "benchlab_fallback_workers",
                                      "benchlab_workers_alive",
                                      "benchlab_heartbeat_age_seconds",
                                      "benchlab_worker_rows",
                                      "benchlab_worker_heartbeat_age_seconds"};

std::uint64_t retries_of(const LiveProgress& run) {
  return run.chain && run.chain->attempt > 1 ? static_cast<std::uint64_t>(run.chain->attempt - 1) : 0;
}

}  // namespace

RunMetrics::RunMetrics(MetricsFile& file) : file_(file) {
  file_.update([](MetricValues& m) {
    for (const char* name : {"benchlab_rows_read_total", "benchlab_bytes_read_total", "benchlab_runs_done_total",
                             "benchlab_run_mismatches_total", "benchlab_run_errors_total", "benchlab_retries_total"})
      m.set(name, 0);
  });
}

void RunMetrics::live(const LiveProgress& now) {
  std::lock_guard lock(mutex_);
  current_ = now;
  if (now.peak_rss) peak_rss_ = std::max(peak_rss_, *now.peak_rss);
  file_.update([&](MetricValues& m) {
    m.set("benchlab_rows_read_total", static_cast<double>(rows_before_ + now.rows));
    m.set("benchlab_bytes_read_total", static_cast<double>(bytes_before_ + now.bytes));
    m.set("benchlab_retries_total", static_cast<double>(retries_before_ + retries_of(now)));
    if (peak_rss_ > 0) m.set("benchlab_peak_rss_bytes", static_cast<double>(peak_rss_));
    m.set("benchlab_run_rows", static_cast<double>(now.rows));
    m.set("benchlab_run_expected_rows", static_cast<double>(now.expected_rows));
    m.set("benchlab_run_rows_per_second", now.rows_per_sec);
    m.set("benchlab_heartbeat_age_seconds", now.progress_age_s);
    m.set("benchlab_workers_alive", static_cast<double>(now.workers_alive));
    if (now.chain) {
      m.set("benchlab_parts_done", static_cast<double>(now.chain->parts_confirmed));
      m.set("benchlab_parts_left", static_cast<double>(now.chain->parts - now.chain->parts_confirmed));
      m.set("benchlab_fallback_tier", now.chain->attempt - 1);
      m.set("benchlab_fallback_workers", now.chain->workers);
    }
    m.clear("benchlab_worker_rows");
    m.clear("benchlab_worker_heartbeat_age_seconds");
    for (std::size_t i = 0; i < now.workers.size(); ++i) {
      const MetricLabels worker{{"worker", std::to_string(i)}};
      m.set("benchlab_worker_rows", static_cast<double>(now.workers[i].rows), worker);
      // A worker that has read its share and exited is silent, not stalled.
      if (now.workers[i].running && i < now.worker_progress_age_s.size())
        m.set("benchlab_worker_heartbeat_age_seconds", now.worker_progress_age_s[i], worker);
    }
  });
}

void RunMetrics::run_ended() {
  std::lock_guard lock(mutex_);
  if (current_) {
    rows_before_ += current_->rows;
    bytes_before_ += current_->bytes;
    retries_before_ += retries_of(*current_);
  }
  current_.reset();
  ++runs_done_;
  file_.update([&](MetricValues& m) {
    for (const char* name : kRunGauges) m.clear(name);
    m.set("benchlab_rows_read_total", static_cast<double>(rows_before_));
    m.set("benchlab_bytes_read_total", static_cast<double>(bytes_before_));
    m.set("benchlab_retries_total", static_cast<double>(retries_before_));
    m.set("benchlab_runs_done_total", static_cast<double>(runs_done_));
  });
}

void RunMetrics::run_checked(const RunChecked& run) {
  std::lock_guard lock(mutex_);
  if (run.error) ++errors_;
  if (run.mismatched) ++mismatches_;
  file_.update([&](MetricValues& m) {
    m.set("benchlab_run_errors_total", static_cast<double>(errors_));
    m.set("benchlab_run_mismatches_total", static_cast<double>(mismatches_));
  });
}

}  // namespace benchlab

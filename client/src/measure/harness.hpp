// The concrete RunContext: one Harness per run. It owns the clocks, the client
// CPU accounting (getrusage self + children), the RSS sampler thread, the merged
// batch latency histogram, the server CPU charged by metered connections and the
// live figures for a ProgressObserver. finish() stops everything and returns the run's figures.
#pragma once

#include <sys/types.h>

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <limits>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "measure/run_context.hpp"
#include "model/figures.hpp"
#include "model/progress.hpp"

namespace benchlab {

struct HarnessOptions {
  std::string label;                     // shown on the progress line ("async_stream 2/3")
  bool observe = true;                   // RSS sampler and server CPU accounting (off: measure their cost)
  ProgressObserver* progress = nullptr;  // told the live figures (null: nobody shows them)
  std::chrono::milliseconds sample_interval{5};
  std::uint64_t expected_rows = 0;  // for the progress line
  pg::SessionOptions session;       // read_only, statement timeout, application_name
};

class Harness final : public RunContext {
 public:
  Harness(std::string conninfo, HarnessOptions options);
  ~Harness() override;
  Harness(const Harness&) = delete;
  Harness& operator=(const Harness&) = delete;

  // Starts the clocks, the CPU accounting and the sampler thread.
  void start();
  // Stops the sampler and computes the figures. Call once, after the strategy returned or threw.
  RunFigures finish();
  // The readers' totals added so far (after finish(): the run's), e.g. its --digest sha256 sum.
  [[nodiscard]] DecodeTotals totals() const;

  MeteredConnection connect() override;
  void mark_query_sent() override;
  void mark_first_row() override;
  void mark_query_sent(TimePoint at) override;
  void mark_first_row(TimePoint at) override;
  void add_progress(std::uint64_t rows, std::uint64_t bytes) override;
  void chain_progress(const ChainProgress& now) override;
  void worker_ended(std::size_t index) override;
  void set_worker_progress(std::size_t index, std::uint64_t rows, std::optional<std::int64_t> read_through) override;
  void add_worker_peak_rss(std::uint64_t bytes) override;
  void add_worker_private_peak(std::uint64_t bytes) override;
  void record_batch(std::uint64_t rows, std::uint64_t bytes, std::chrono::nanoseconds latency) override;
  void add_totals(const DecodeTotals& totals) override;
  void add_part(const PartFigures& part) override;
  void add_latency(const LatencyHistogram& histogram) override;
  void add_server_cpu(const ServerCpu& cpu) override;
  void add_pool_wait(std::chrono::nanoseconds waited) override;
  void watch_process(pid_t pid) override;
  void unwatch_process(pid_t pid) override;
  void note(const std::string& text) override;
  void check_interrupted() override;
  [[nodiscard]] bool meter_server_cpu() const override { return options_.observe; }

  // Current resident set of this process alone and with the watched ones, in bytes.
  struct RssSample {
    std::uint64_t self = 0;   // this process
    std::uint64_t total = 0;  // plus the watched processes
  };
  [[nodiscard]] RssSample sample_rss_parts() const;

 private:
  using Clock = std::chrono::steady_clock;
  void sampler_loop();
  // One RSS sample into the peaks (the sampler's, and a last one in finish()).
  void take_rss_sample();
  void report_progress();
  [[nodiscard]] std::int64_t since_start_ns() const;

  std::string conninfo_;
  HarnessOptions options_;
  Clock::time_point start_{};
  std::atomic<std::int64_t> query_sent_ns_{-1};
  std::atomic<std::int64_t> first_row_ns_{-1};
  std::atomic<std::uint64_t> rows_seen_{0};
  std::atomic<std::uint64_t> bytes_seen_{0};
  std::atomic<std::int64_t> progress_ns_{-1};  // since start_: the last batch or worker rows (-1: none yet)
  static constexpr std::size_t kShownWorkers = 16;
  std::array<std::atomic<std::uint64_t>, kShownWorkers> worker_rows_{};
  std::array<std::atomic<std::int64_t>, kShownWorkers> worker_through_{};
  std::array<std::atomic<std::int64_t>, kShownWorkers> worker_progress_ns_{};
  std::array<std::atomic<bool>, kShownWorkers> worker_ended_{};
  std::atomic<std::size_t> workers_seen_{0};
  std::atomic<std::uint64_t> peak_rss_{0};
  std::atomic<std::uint64_t> peak_self_rss_{0};

  mutable std::mutex mutex_;  // guards everything below
  LatencyHistogram latency_;
  DecodeTotals totals_;
  ServerCpu server_cpu_;
  bool server_cpu_seen_ = false;
  std::int64_t pool_wait_ns_ = 0;
  std::set<pid_t> watched_;
  std::vector<std::string> notes_;
  std::vector<std::uint64_t> worker_peak_rss_;
  std::vector<std::uint64_t> worker_private_peak_;
  std::vector<PartFigures> parts_;
  std::optional<ChainProgress> chain_;

  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  bool stop_ = false;
  std::thread sampler_;
  bool finished_ = false;
  struct Usage {
    double user_s = 0, sys_s = 0;
  } usage_start_;
  int self_statm_fd_ = -1;  // /proc/self/statm, open while observing
};

// Whole seconds and microseconds of a timeval, as seconds.
[[nodiscard]] double seconds_of(long sec, long usec);

}  // namespace benchlab

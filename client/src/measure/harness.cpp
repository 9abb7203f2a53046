#include "measure/harness.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "process/interrupt.hpp"
#include "process/memory.hpp"

namespace benchlab {

namespace {

struct UsagePair {
  double user_s = 0, sys_s = 0;
};

UsagePair usage_now() {
  UsagePair u;
  for (int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
    rusage ru{};
    if (getrusage(who, &ru) == 0) {
      u.user_s += seconds_of(ru.ru_utime.tv_sec, ru.ru_utime.tv_usec);
      u.sys_s += seconds_of(ru.ru_stime.tv_sec, ru.ru_stime.tv_usec);
    }
  }
  return u;
}

std::uint64_t maxrss_of(int who) {
  rusage ru{};
  if (getrusage(who, &ru) != 0) return 0;
  return static_cast<std::uint64_t>(ru.ru_maxrss) * 1024;  // Linux reports KiB
}

// Resident bytes from an open /proc/<pid>/statm ("size resident ..." in pages):
// one pread, no stdio buffer, no allocation. 0 if the process is gone.
std::uint64_t resident_bytes_fd(int fd) {
  char buf[128];
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return 0;
  buf[n] = '\0';
  char* end = nullptr;
  std::strtoul(buf, &end, 10);  // size
  if (end == buf) return 0;
  char* rest = end;
  const unsigned long resident = std::strtoul(rest, &end, 10);
  if (end == rest) return 0;
  static const auto page = static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
  return static_cast<std::uint64_t>(resident) * page;
}

std::uint64_t resident_bytes(const char* path) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  const std::uint64_t r = resident_bytes_fd(fd);
  ::close(fd);
  return r;
}

void store_max(std::atomic<std::uint64_t>& field, std::uint64_t value) {
  std::uint64_t seen = field.load(std::memory_order_relaxed);
  while (value > seen && !field.compare_exchange_weak(seen, value)) {
  }
}

// Keeps the earliest time: -1 means none yet.
void store_earliest(std::atomic<std::int64_t>& field, std::int64_t value) {
  std::int64_t seen = field.load(std::memory_order_relaxed);
  while ((seen < 0 || value < seen) && !field.compare_exchange_weak(seen, value)) {
  }
}

}  // namespace

double seconds_of(long sec, long usec) { return static_cast<double>(sec) + static_cast<double>(usec) / 1e6; }

Harness::Harness(std::string conninfo, HarnessOptions options)
    : conninfo_(std::move(conninfo)), options_(std::move(options)) {}

Harness::~Harness() {
  if (!finished_) {
    try {
      finish();
    } catch (...) {
    }
  }
  if (self_statm_fd_ >= 0) ::close(self_statm_fd_);
}

std::int64_t Harness::since_start_ns() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start_).count();
}

void Harness::start() {
  return_freed_heap();
  const UsagePair u = usage_now();
  usage_start_ = {u.user_s, u.sys_s};
  if (options_.observe) {
    // Opened once: the sampler re-reads it with pread every interval.
    if (self_statm_fd_ < 0) self_statm_fd_ = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    const RssSample r = sample_rss_parts();
    peak_rss_.store(r.total);
    peak_self_rss_.store(r.self);
  }
  start_ = Clock::now();
  if (options_.observe || options_.progress != nullptr) sampler_ = std::thread([this] { sampler_loop(); });
}

Harness::RssSample Harness::sample_rss_parts() const {
  RssSample out;
  out.self = self_statm_fd_ >= 0 ? resident_bytes_fd(self_statm_fd_) : resident_bytes("/proc/self/statm");
  std::uint64_t total = out.self;
  std::vector<pid_t> pids;
  {
    std::lock_guard lock(mutex_);
    pids.assign(watched_.begin(), watched_.end());
  }
  char path[64];
  for (pid_t pid : pids) {
    std::snprintf(path, sizeof path, "/proc/%d/statm", static_cast<int>(pid));
    total += resident_bytes(path);
  }
  out.total = total;
  return out;
}

void Harness::take_rss_sample() {
  const RssSample rss = sample_rss_parts();
  store_max(peak_rss_, rss.total);
  store_max(peak_self_rss_, rss.self);
}

void Harness::sampler_loop() {
  const auto interval = options_.observe ? options_.sample_interval : std::chrono::milliseconds(250);
  auto next_draw = Clock::now();
  std::unique_lock lock(stop_mutex_);
  while (!stop_) {
    if (options_.observe) {
      take_rss_sample();
    }
    if (options_.progress != nullptr && Clock::now() >= next_draw) {
      try {
        report_progress();
      } catch (...) {  // an observer's failure (out of memory) must not terminate the read
      }
      next_draw = Clock::now() + std::chrono::milliseconds(250);  // at most 4 refreshes a second
    }
    stop_cv_.wait_for(lock, interval, [this] { return stop_; });
  }
}

void Harness::report_progress() {
  LiveProgress now;
  now.label = options_.label;
  now.rows = rows_seen_.load(std::memory_order_relaxed);
  now.bytes = bytes_seen_.load(std::memory_order_relaxed);
  now.expected_rows = options_.expected_rows;
  const std::int64_t elapsed_ns = since_start_ns();
  const double elapsed = static_cast<double>(elapsed_ns) / 1e9;
  now.rows_per_sec = elapsed > 0 ? static_cast<double>(now.rows) / elapsed : 0;
  if (options_.observe) now.peak_rss = peak_rss_.load();
  const auto age = [elapsed_ns](std::int64_t at_ns) {
    return static_cast<double>(elapsed_ns - std::max<std::int64_t>(at_ns, 0)) / 1e9;
  };
  now.progress_age_s = age(progress_ns_.load(std::memory_order_relaxed));
  now.workers.resize(workers_seen_.load(std::memory_order_relaxed));
  now.worker_progress_age_s.resize(now.workers.size());
  for (std::size_t i = 0; i < now.workers.size(); ++i) {
    now.workers[i] = {worker_rows_[i].load(std::memory_order_relaxed),
                      worker_through_[i].load(std::memory_order_relaxed),
                      !worker_ended_[i].load(std::memory_order_relaxed)};
    now.worker_progress_age_s[i] = age(worker_progress_ns_[i].load(std::memory_order_relaxed));
  }
  {
    std::lock_guard lock(mutex_);
    now.workers_alive = watched_.size();
    now.chain = chain_;
  }
  options_.progress->live(now);
}

RunFigures Harness::finish() {
  RunFigures f;
  if (finished_) return f;
  finished_ = true;
  const std::int64_t wall_ns = since_start_ns();
  const UsagePair u = usage_now();
  {
    std::lock_guard lock(stop_mutex_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  if (sampler_.joinable()) sampler_.join();
  // One last sample: a run shorter than the sampling interval (or one whose
  // sampler thread was not scheduled in time) still has its peak measured.
  if (options_.observe) {
    take_rss_sample();
  }
  if (options_.progress != nullptr) {
    try {
      report_progress();  // the run's last figures, for observers that keep totals
    } catch (...) {       // as in the sampler: the figures of the run matter more
    }
    options_.progress->run_ended();
  }

  std::lock_guard lock(mutex_);
  f.wall_s = static_cast<double>(wall_ns) / 1e9;
  f.rows = totals_.rows;
  f.bytes = totals_.bytes;
  f.unknown_values = totals_.unknown_values;
  f.checksum = totals_.checksum.sum;
  if (f.wall_s > 0) {
    f.rows_per_sec = static_cast<double>(f.rows) / f.wall_s;
    f.mb_per_sec = static_cast<double>(f.bytes) / 1e6 / f.wall_s;
  }
  const std::int64_t sent = query_sent_ns_.load();
  const std::int64_t first = first_row_ns_.load();
  if (first >= 0) f.ttfr_ms = static_cast<double>(first - std::max<std::int64_t>(sent, 0)) / 1e6;
  f.cpu_user_s = u.user_s - usage_start_.user_s;
  f.cpu_sys_s = u.sys_s - usage_start_.sys_s;
  if (server_cpu_seen_) {
    f.server_cpu_user_s = static_cast<double>(server_cpu_.user_us) / 1e6;
    f.server_cpu_sys_s = static_cast<double>(server_cpu_.sys_us) / 1e6;
  }
  if (options_.observe) {
    f.peak_rss_bytes = peak_rss_.load();
    f.parent_peak_rss_bytes = peak_self_rss_.load();
  }
  f.worker_peak_rss = worker_peak_rss_;
  f.worker_private_peak = worker_private_peak_;
  if (!worker_peak_rss_.empty())
    f.worker_peak_rss_bytes = *std::max_element(worker_peak_rss_.begin(), worker_peak_rss_.end());
  f.maxrss_bytes = maxrss_of(RUSAGE_SELF);
  f.maxrss_children_bytes = maxrss_of(RUSAGE_CHILDREN);
  f.batches = latency_.total;
  f.latency_p50_ms = static_cast<double>(latency_.percentile(0.50)) / 1e6;
  f.latency_p95_ms = static_cast<double>(latency_.percentile(0.95)) / 1e6;
  f.latency_p99_ms = static_cast<double>(latency_.percentile(0.99)) / 1e6;
  f.latency_max_ms = static_cast<double>(latency_.max_ns) / 1e6;
  f.pool_wait_s = static_cast<double>(pool_wait_ns_) / 1e9;
  f.notes = notes_;
  f.parts = parts_;
  std::sort(f.parts.begin(), f.parts.end(),
            [](const PartFigures& a, const PartFigures& b) { return a.index < b.index; });
  return f;
}

MeteredConnection Harness::connect() {
  return MeteredConnection(pg::Connection::open(conninfo_, options_.session), *this);
}

void Harness::mark_query_sent() { store_earliest(query_sent_ns_, since_start_ns()); }

void Harness::mark_first_row() { store_earliest(first_row_ns_, since_start_ns()); }

void Harness::mark_query_sent(TimePoint at) {
  store_earliest(query_sent_ns_,
                 std::max<std::int64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(at - start_).count(), 0));
}

void Harness::mark_first_row(TimePoint at) {
  store_earliest(first_row_ns_,
                 std::max<std::int64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(at - start_).count(), 0));
}

void Harness::add_progress(std::uint64_t rows, std::uint64_t bytes) {
  bytes_seen_.fetch_add(bytes, std::memory_order_relaxed);
  rows_seen_.fetch_add(rows, std::memory_order_relaxed);
  progress_ns_.store(since_start_ns(), std::memory_order_relaxed);
}

void Harness::chain_progress(const ChainProgress& now) {
  std::lock_guard lock(mutex_);
  if (!chain_ || chain_->attempt != now.attempt) {
    // A new attempt's workers are numbered anew: the last attempt's are gone.
    workers_seen_.store(0, std::memory_order_relaxed);
    for (auto& ended : worker_ended_) ended.store(false, std::memory_order_relaxed);
  }
  chain_ = now;
}

void Harness::worker_ended(std::size_t index) {
  if (index < kShownWorkers) worker_ended_[index].store(true, std::memory_order_relaxed);
}

void Harness::set_worker_progress(std::size_t index, std::uint64_t rows, std::optional<std::int64_t> read_through) {
  if (index >= kShownWorkers) return;
  worker_progress_ns_[index].store(since_start_ns(), std::memory_order_relaxed);
  worker_rows_[index].store(rows, std::memory_order_relaxed);
  worker_through_[index].store(read_through.value_or(WorkerProgress::kNotYet), std::memory_order_relaxed);
  std::size_t seen = workers_seen_.load(std::memory_order_relaxed);
  while (seen < index + 1 && !workers_seen_.compare_exchange_weak(seen, index + 1, std::memory_order_relaxed)) {
  }
}

void Harness::add_worker_peak_rss(std::uint64_t bytes) {
  std::lock_guard lock(mutex_);
  worker_peak_rss_.push_back(bytes);
}

void Harness::add_worker_private_peak(std::uint64_t bytes) {
  std::lock_guard lock(mutex_);
  worker_private_peak_.push_back(bytes);
}

void Harness::record_batch(std::uint64_t rows, std::uint64_t bytes, std::chrono::nanoseconds latency) {
  bytes_seen_.fetch_add(bytes, std::memory_order_relaxed);
  rows_seen_.fetch_add(rows, std::memory_order_relaxed);
  progress_ns_.store(since_start_ns(), std::memory_order_relaxed);
  const auto ns = static_cast<std::uint64_t>(std::max<std::int64_t>(latency.count(), 0));
  std::lock_guard lock(mutex_);  // once per batch (thousands of rows): no contention to speak of
  latency_.record(ns);
}

void Harness::add_totals(const DecodeTotals& totals) {
  std::lock_guard lock(mutex_);
  totals_.merge(totals);
}

DecodeTotals Harness::totals() const {
  std::lock_guard lock(mutex_);
  return totals_;
}

void Harness::add_part(const PartFigures& part) {
  std::lock_guard lock(mutex_);  // once per part: a handful per run
  parts_.push_back(part);
}

void Harness::add_latency(const LatencyHistogram& histogram) {
  std::lock_guard lock(mutex_);
  latency_.merge(histogram);
}

void Harness::add_server_cpu(const ServerCpu& cpu) {
  if (!options_.observe) return;
  std::lock_guard lock(mutex_);
  server_cpu_ += cpu;
  server_cpu_seen_ = true;
}

void Harness::add_pool_wait(std::chrono::nanoseconds waited) {
  std::lock_guard lock(mutex_);
  pool_wait_ns_ += waited.count();
}

void Harness::watch_process(pid_t pid) {
  std::lock_guard lock(mutex_);
  watched_.insert(pid);
}

void Harness::unwatch_process(pid_t pid) {
  std::lock_guard lock(mutex_);
  watched_.erase(pid);
}

void Harness::note(const std::string& text) {
  std::lock_guard lock(mutex_);
  for (const auto& n : notes_)
    if (n == text) return;  // the same fallback taken by every worker: once
  notes_.push_back(text);
}

void Harness::check_interrupted() { throw_if_interrupted(); }

}  // namespace benchlab

// What the strategies with forked workers (multiprocessing, decoupled) share: the
// children of one run as RAII, a worker's view of the harness in its shared-memory
// slot, and how the parent judges a slot (failed, died, hung).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "measure/run_context.hpp"
#include "process/child.hpp"
#include "process/memory.hpp"
#include "strategies/worker_slots.hpp"

namespace benchlab {

// steady_clock nanoseconds (CLOCK_MONOTONIC: one clock in every process).
[[nodiscard]] std::int64_t now_ns();
[[nodiscard]] inline RunContext::TimePoint at_ns(std::int64_t ns) {
  return RunContext::TimePoint(std::chrono::nanoseconds(ns));
}

// The child's view of the harness: everything lands in its shared memory slot.
class SlotContext final : public RunContext {
 public:
  SlotContext(shm::WorkerSlot& slot, shm::WorkerSlots& slots) : slot_(slot), slots_(slots) {}
  MeteredConnection connect() override { throw std::logic_error("a forked worker opens its own connection"); }
  void mark_query_sent() override { store_first(slot_.query_sent_ns); }
  void mark_first_row() override { store_first(slot_.first_row_ns); }
  void record_batch(std::uint64_t rows, std::uint64_t bytes, std::chrono::nanoseconds latency) override {
    slot_.latency.record(static_cast<std::uint64_t>(latency.count()));
    slot_.bytes_so_far.fetch_add(bytes, std::memory_order_relaxed);
    slot_.rows_so_far.fetch_add(rows, std::memory_order_release);  // publishes the bytes before it
    slot_.heartbeat_ns.store(now_ns(), std::memory_order_relaxed);
    if (latency.count() > slot_.max_batch_ns.load(std::memory_order_relaxed))
      slot_.max_batch_ns.store(latency.count(), std::memory_order_relaxed);
    // The worker's own memory, at most every 5 ms (smaps_rollup walks the mappings).
    if (const std::int64_t now = now_ns(); now - last_sample_ns_ >= 5'000'000) {
      last_sample_ns_ = now;
      sample_private();
    }
  }
  void sample_private() {
    const auto kb = static_cast<std::int64_t>(own_private_bytes() / 1024);
    if (kb > slot_.private_peak_kb) slot_.private_peak_kb = kb;
  }
  void add_totals(const DecodeTotals& totals) override { slot_.totals.merge(totals); }
  // The part's record in shared memory (the parent adds relation and bounds from its plan).
  void add_part(const PartFigures& part) override {
    shm::PartRecord& record = slots_.part(part.index);
    record.rows = part.rows;
    record.bytes = part.bytes;
    record.wall_ns = static_cast<std::int64_t>(part.wall_s * 1e9);
    record.checksum = part.checksum;
    record.unknown_values = part.unknown_values;
    record.digest = part.digest;
    record.done.store(1, std::memory_order_release);
    slot_.read_through.store(part.hi, std::memory_order_relaxed);
    slot_.parts_done.fetch_add(1, std::memory_order_release);
  }
  void add_latency(const LatencyHistogram& histogram) override { slot_.latency.merge(histogram); }
  void add_server_cpu(const ServerCpu& cpu) override {
    slot_.server_cpu += cpu;
    slot_.has_server_cpu = 1;
  }
  void add_pool_wait(std::chrono::nanoseconds) override {}
  void watch_process(pid_t) override {}
  void unwatch_process(pid_t) override {}
  void note(const std::string&) override {}
  // SIGTERM/SIGINT have their default action in the child: they end it.
  void check_interrupted() override {}

 private:
  static void store_first(std::atomic<std::int64_t>& field) {
    std::int64_t expected = 0;
    field.compare_exchange_strong(expected, now_ns(), std::memory_order_relaxed);
  }
  shm::WorkerSlot& slot_;
  shm::WorkerSlots& slots_;
  std::int64_t last_sample_ns_ = 0;
};

// The children of one run: stopped (SIGTERM, then SIGKILL), reaped and unwatched
// if still running when this goes away.
class ForkedWorkers {
 public:
  explicit ForkedWorkers(RunContext& context) : context_(context) {}
  ~ForkedWorkers() {
    for (std::size_t i = 0; i < children_.size(); ++i) {
      if (children_[i].running()) children_[i].stop(SIGTERM, std::chrono::seconds(5));
      if (pids_[i] > 0) context_.unwatch_process(pids_[i]);  // pids_: a reaped child forgets its pid
    }
  }
  ForkedWorkers(const ForkedWorkers&) = delete;
  ForkedWorkers& operator=(const ForkedWorkers&) = delete;
  ForkedWorkers(ForkedWorkers&&) = delete;
  ForkedWorkers& operator=(ForkedWorkers&&) = delete;

  void add(ChildProcess child) {
    children_.push_back(std::move(child));
    pids_.push_back(children_.back().pid());
    exits_.emplace_back();
    context_.watch_process(pids_.back());
  }
  // A hung child: SIGKILL at once (a stopped process would not act on SIGTERM).
  void kill(std::size_t i) {
    if (i < children_.size() && children_[i].running()) children_[i].stop(SIGKILL, std::chrono::seconds(5));
  }
  // Reaps whichever children ended; returns how many are still running.
  std::size_t reap() {
    std::size_t running = 0;
    for (std::size_t i = 0; i < children_.size(); ++i) {
      if (exits_[i]) continue;
      if (auto status = children_[i].poll()) {
        exits_[i] = status;
        context_.unwatch_process(pids_[i]);
      } else {
        ++running;
      }
    }
    return running;
  }
  [[nodiscard]] const std::optional<ExitStatus>& exit_of(std::size_t i) const { return exits_[i]; }

 private:
  RunContext& context_;
  std::vector<ChildProcess> children_;
  std::vector<pid_t> pids_;
  std::vector<std::optional<ExitStatus>> exits_;
};

// The run's error for worker `index` whose slot says it failed or that ended without
// reporting (`role`: "worker" or "decoder", as the message names it).
[[noreturn]] void throw_worker_error(std::size_t index, const shm::WorkerSlot& slot,
                                     const std::optional<ExitStatus>& exit, std::uint64_t memory_limit,
                                     std::string_view role = "worker");

// --hang-timeout, or derived from the worker's slowest batch so far: 50 times it, at least 10 s.
[[nodiscard]] std::chrono::nanoseconds hang_timeout(const ReadSpec& spec, const shm::WorkerSlot& slot);

// Every worker reported done: their figures, from shared memory, into the run — the
// children's own clock readings (CLOCK_MONOTONIC, shared across fork: the earliest
// query sent and first row of any child, not when the parent saw them), peak and
// private memory, totals, latency, and server CPU where a worker metered it.
void collect_slots(RunContext& context, shm::WorkerSlots& slots);

// In a forked worker, once its work is done: its peak memory into the slot, then
// status done (release: everything written before it is the parent's to read).
void report_done(shm::WorkerSlot& slot, SlotContext& context);
// In a forked worker's catch (...): the error in flight, typed as the parent rethrows
// it, into the slot, then status failed. Returns the worker's exit status (1).
int report_failure(shm::WorkerSlot& slot) noexcept;

// A worker silent past its hang timeout: its query cancelled on the server (when it
// has a backend; `coordinator` sends the cancel), the worker killed, the run failed
// with the reason.
void check_heartbeat(std::size_t i, const shm::WorkerSlot& slot, const ReadSpec& spec,
                     const MeteredConnection& coordinator, ForkedWorkers& workers, std::string_view role = "worker");

}  // namespace benchlab

// multiprocessing: spec.workers forked processes. The parent exports a snapshot
// and creates the shared memory slots BEFORE forking; each child connects anew
// (a PGconn never crosses fork), imports the snapshot, reads its partitions with
// the shared pipelined cursor (CursorStream), writes its results into its slot
// and _exit()s. The parent watches the children (RSS sampler), polls the slots
// for the first query/row, reaps the children and aggregates from shared memory
// only, the parts each child read included (one record per part of the plan).
// On error or interruption the children are stopped and reaped, and the
// segment is unlinked, by RAII.
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <malloc.h>

#include <fmt/format.h>
#include <chrono>
#include <csignal>
#include <stdexcept>
#include <thread>
#include <vector>

#include "decode/row_decoder.hpp"
#include "measure/run_context.hpp"
#include "model/memory_plan.hpp"
#include "pg/connection.hpp"
#include "pg/snapshot.hpp"
#include "process/child.hpp"
#include "process/memory.hpp"
#include "strategies/cursor_stream.hpp"
#include "strategies/fault_point.hpp"
#include "strategies/strategy.hpp"
#include "strategies/worker_slots.hpp"

namespace benchlab {

namespace {

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

RunContext::TimePoint at_ns(std::int64_t ns) { return RunContext::TimePoint(std::chrono::nanoseconds(ns)); }

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

// Runs in the child. Every object it makes is destroyed before it returns, so
// the caller can _exit() with nothing of the child's left open.
int child_work(const ReadSpec& spec, int worker, const std::vector<DealtPart>& parts, const std::string& snapshot_id,
               bool meter_server_cpu, shm::WorkerSlot& slot, shm::WorkerSlots& slots) noexcept {
  try {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a parent killed with SIGKILL
    if (getppid() == 1) return 1;
    slot.status.store(static_cast<std::int32_t>(shm::SlotStatus::running), std::memory_order_relaxed);
    // --memory-budget: this worker may grow by its share and no more; beyond it an
    // allocation fails here and only this worker fails.
    if (spec.worker_memory_limit_bytes > 0 && !limit_address_space_growth(spec.worker_memory_limit_bytes))
      throw std::runtime_error("cannot set the worker's memory ceiling (RLIMIT_AS)");
    pg::SessionOptions session;
    session.read_only = true;
    session.statement_timeout_ms = spec.statement_timeout_ms;
    session.application_name = "benchclient-worker";
    pg::Connection conn = pg::Connection::open(spec.conninfo, session);
    slot.backend_pid.store(conn.backend_pid(), std::memory_order_relaxed);
    slot.heartbeat_ns.store(now_ns(), std::memory_order_relaxed);
    const auto cpu_before = meter_server_cpu ? read_backend_cpu(conn) : std::nullopt;
    SlotContext context(slot, slots);
    RowDecoder decoder(spec.types, spec.digest, spec.masks);
    FaultPoint fault(spec, worker, true);
    for (std::size_t i = 0; i < parts.size(); ++i) {
      fault.before_part(conn.raw());
      CursorStreamOptions options;
      options.fault = &fault;
      if (i == 0) options.prologue = pg::worker_begin_statements(snapshot_id);
      if (i + 1 == parts.size()) options.epilogue = {"COMMIT"};
      options.query = spec.range_query(parts[i].range);
      options.batch_rows = spec.batch_rows;
      options.format = spec.format;
      const RunContext::PartMark part = context.begin_part(parts[i].index, parts[i].range, decoder.totals());
      CursorStream stream(conn.raw(), std::move(options), decoder, context);
      stream.run();
      context.end_part(part, decoder.totals());
    }
    slot.totals = decoder.totals();
    context.sample_private();
    if (cpu_before) {
      if (const auto cpu_after = read_backend_cpu(conn)) context.add_server_cpu(*cpu_after - *cpu_before);
    }
    rusage usage{};
    if (getrusage(RUSAGE_SELF, &usage) == 0) slot.peak_rss_kb = usage.ru_maxrss;
    slot.status.store(static_cast<std::int32_t>(shm::SlotStatus::done), std::memory_order_release);
    return 0;
  } catch (const pg::BrokenConnection& e) {
    slot.set_error(shm::SlotError::broken_connection, e.what(), e.sqlstate());
  } catch (const pg::SqlError& e) {
    slot.set_error(shm::SlotError::sql, e.what(), e.sqlstate());
  } catch (const std::exception& e) {
    slot.set_error(shm::SlotError::other, e.what());
  } catch (...) {
    slot.set_error(shm::SlotError::other, "unknown error");
  }
  slot.status.store(static_cast<std::int32_t>(shm::SlotStatus::failed), std::memory_order_release);
  return 1;
}

// The children of one run: stopped (SIGTERM, then SIGKILL), reaped and unwatched
// if still running when this goes away.
class Workers {
 public:
  explicit Workers(RunContext& context) : context_(context) {}
  ~Workers() {
    for (std::size_t i = 0; i < children_.size(); ++i) {
      if (children_[i].running()) children_[i].stop(SIGTERM, std::chrono::seconds(5));
      if (pids_[i] > 0) context_.unwatch_process(pids_[i]);  // pids_: a reaped child forgets its pid
    }
  }
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;
  Workers(Workers&&) = delete;
  Workers& operator=(Workers&&) = delete;

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

[[noreturn]] void throw_worker_error(std::size_t index, const shm::WorkerSlot& slot,
                                     const std::optional<ExitStatus>& exit, std::uint64_t memory_limit) {
  const auto status = static_cast<shm::SlotStatus>(slot.status.load(std::memory_order_acquire));
  if (status == shm::SlotStatus::failed) {
    std::string text = fmt::format("worker {}: {}", index, slot.error);
    if (memory_limit > 0 &&
        (text.find("out of memory") != std::string::npos || text.find("bad_alloc") != std::string::npos ||
         text.find("cannot allocate") != std::string::npos))
      text += fmt::format(
          " (the worker hit its --memory-budget ceiling of {}: its rows need more than the "
          "sampled row width suggested; give a larger --memory-budget)",
          format_bytes(memory_limit));
    switch (static_cast<shm::SlotError>(slot.error_kind)) {
      case shm::SlotError::broken_connection:
        throw pg::BrokenConnection(text, slot.sqlstate);
      case shm::SlotError::sql:
        pg::throw_sql_error(text, slot.sqlstate);
      default:
        throw pg::Error(text);
    }
  }
  throw pg::Error(fmt::format("worker {} ended without reporting (exit status {}{})", index, exit ? exit->code : -1,
                              exit && exit->signaled ? ", killed by a signal" : ""));
}

// --hang-timeout, or derived from the worker's slowest batch so far: 50 times it, at least 10 s.
std::chrono::nanoseconds hang_timeout(const ReadSpec& spec, const shm::WorkerSlot& slot) {
  if (spec.hang_timeout_ms > 0) return std::chrono::milliseconds(spec.hang_timeout_ms);
  return std::max<std::chrono::nanoseconds>(
      std::chrono::seconds(10), std::chrono::nanoseconds(50 * slot.max_batch_ns.load(std::memory_order_relaxed)));
}

class Multiprocessing final : public Strategy {
  // A worker silent past its hang timeout: its query cancelled on the server, the
  // worker killed, the run failed with the reason.
  template <typename Children>
  static void check_heartbeat(std::size_t i, const shm::WorkerSlot& slot, const ReadSpec& spec,
                              const MeteredConnection& coordinator, Children& workers) {
    const auto status = static_cast<shm::SlotStatus>(slot.status.load(std::memory_order_acquire));
    if (status == shm::SlotStatus::done || status == shm::SlotStatus::failed) return;
    const std::chrono::nanoseconds silent(now_ns() - slot.heartbeat_ns.load(std::memory_order_relaxed));
    const std::chrono::nanoseconds limit = hang_timeout(spec, slot);
    if (silent < limit) return;
    if (const std::int32_t backend = slot.backend_pid.load(std::memory_order_relaxed); backend != 0) {
      try {
        coordinator.connection().query_value("SELECT pg_cancel_backend($1::int)", {std::to_string(backend)});
      } catch (const pg::Error&) {
        // the backend may be gone already; the kill below ends its session either way
      }
    }
    workers.kill(i);
    throw pg::Error(fmt::format(
        "worker {} hung: no heartbeat for {:.1f} s (hang timeout {:.1f} s{}); its query was cancelled and it was "
        "killed",
        i, std::chrono::duration<double>(silent).count(), std::chrono::duration<double>(limit).count(),
        spec.hang_timeout_ms > 0 ? ", --hang-timeout" : ": 50 x its slowest batch, at least 10 s"));
  }

 public:
  [[nodiscard]] std::string_view name() const override { return "multiprocessing"; }
  [[nodiscard]] PartList part_list() const override { return PartList::partitions; }

  void run(const ReadSpec& spec, RunContext& context) override {
    const std::vector<KeyRange> parts = spec.partitions.empty() ? std::vector<KeyRange>{spec.all} : spec.partitions;
    std::vector<std::vector<DealtPart>> shares;
    for (auto& share : deal_indexed(parts, spec.workers < 1 ? 1 : spec.workers)) {
      if (!share.empty()) shares.push_back(std::move(share));
    }

    MeteredConnection coordinator = context.connect();
    pg::ExportedSnapshot snapshot(coordinator.connection(), spec.snapshot_id);
    // --no-shared-snapshot (the broken control): workers take snapshots of their own.
    const std::string shared = spec.shared_snapshot ? snapshot.id() : std::string();
    context.snapshot_exported();
    shm::WorkerSlots slots(shares.size(), parts.size());  // before fork: the children inherit the mapping
    Workers workers(context);                             // destroyed first: children stopped before the segment goes
    // Hand free heap pages back to the kernel before forking (e.g. what an earlier
    // run's big results left in malloc's arenas): every child inherits the parent's
    // resident pages, and they count in its ru_maxrss (about 15 MiB instead of 9 here).
    malloc_trim(0);
    context.check_interrupted();
    for (std::size_t i = 0; i < shares.size(); ++i) {
      shm::WorkerSlot& slot = slots[i];
      const std::vector<DealtPart>& share = shares[i];
      const std::string& id = shared;
      const bool meter = context.meter_server_cpu();
      slot.heartbeat_ns.store(now_ns(), std::memory_order_relaxed);  // a worker stuck before connecting hangs too
      const int worker = static_cast<int>(i);
      workers.add(ChildProcess::spawn([&spec, worker, &share, &id, meter, &slot, &slots] {
        _exit(child_work(spec, worker, share, id, meter, slot, slots));  // never returns into the parent's frames
      }));
    }

    // Every part a worker read to its end is reported as soon as the parent sees it
    // (a --checkpoint records it then), also when another worker failed: the
    // fallback chain keeps those parts and reads only the rest again.
    std::vector<bool> reported(parts.size(), false);
    auto report_parts = [&] {
      for (std::size_t i = 0; i < parts.size(); ++i) {
        const shm::PartRecord& record = slots.part(i);
        if (reported[i] || record.done.load(std::memory_order_acquire) == 0) continue;
        reported[i] = true;
        context.add_part(PartFigures{i, parts[i].relation_sql, parts[i].lo, parts[i].hi, record.rows, record.bytes,
                                     static_cast<double>(record.wall_ns) / 1e9, record.checksum, record.unknown_values,
                                     record.digest});
      }
    };
    try {
      watch(spec, context, coordinator, slots, workers, report_parts);
    } catch (...) {
      report_parts();
      throw;
    }
    report_parts();
    collect(context, slots);
    snapshot.release();
    coordinator.finish();
  }

 private:
  // Polls the workers until all ended: progress, deaths, failures, hangs.
  template <typename Children, typename ReportParts>
  static void watch(const ReadSpec& spec, RunContext& context, const MeteredConnection& coordinator,
                    shm::WorkerSlots& slots, Children& workers, ReportParts& report_parts) {
    std::vector<std::uint64_t> rows_reported(slots.size(), 0), bytes_reported(slots.size(), 0);
    std::vector<bool> ended(slots.size(), false);
    for (;;) {
      const std::size_t running = workers.reap();
      report_parts();
      // Before judging a dead child: a Ctrl-C reaches the whole process group, so
      // a child killed by it is an interruption, not a worker failure.
      context.check_interrupted();
      for (std::size_t i = 0; i < slots.size(); ++i) {
        // The progress line follows the children's rows as they arrive.
        const std::uint64_t rows = slots[i].rows_so_far.load(std::memory_order_acquire);
        if (rows > rows_reported[i]) {
          const std::uint64_t bytes = slots[i].bytes_so_far.load(std::memory_order_relaxed);
          context.add_progress(rows - rows_reported[i], bytes - std::min(bytes, bytes_reported[i]));
          bytes_reported[i] = std::max(bytes, bytes_reported[i]);
          const bool any_part = slots[i].parts_done.load(std::memory_order_acquire) > 0;
          context.set_worker_progress(
              i, rows, any_part ? std::optional(slots[i].read_through.load(std::memory_order_relaxed)) : std::nullopt);
          rows_reported[i] = rows;
        }
        const bool failed =
            slots[i].status.load(std::memory_order_acquire) == static_cast<std::int32_t>(shm::SlotStatus::failed);
        const auto& exit = workers.exit_of(i);
        const bool died = exit && (exit->code != 0 || slots[i].status.load(std::memory_order_acquire) !=
                                                          static_cast<std::int32_t>(shm::SlotStatus::done));
        if (failed || died)
          throw_worker_error(i, slots[i], exit, spec.worker_memory_limit_bytes);  // the others are stopped by ~Workers
        if (!exit) check_heartbeat(i, slots[i], spec, coordinator, workers);
        if (exit && !ended[i]) {
          ended[i] = true;
          context.worker_ended(i);  // its silence from now on is not a stall
        }
      }
      if (running == 0) break;
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }

    for (std::size_t i = 0; i < slots.size(); ++i) {
      const shm::WorkerSlot& slot = slots[i];
      const auto& exit = workers.exit_of(i);
      if (slot.status.load(std::memory_order_acquire) != static_cast<std::int32_t>(shm::SlotStatus::done) || !exit ||
          exit->code != 0) {
        throw_worker_error(i, slot, exit, spec.worker_memory_limit_bytes);
      }
    }
  }

  // Every worker reported done: their figures, from shared memory.
  static void collect(RunContext& context, shm::WorkerSlots& slots) {
    for (std::size_t i = 0; i < slots.size(); ++i) {
      const shm::WorkerSlot& slot = slots[i];
      // The children's own clock readings (CLOCK_MONOTONIC, shared across fork):
      // the earliest query sent and first row of any child, not when the parent saw them.
      if (const std::int64_t sent = slot.query_sent_ns.load(std::memory_order_relaxed); sent != 0)
        context.mark_query_sent(at_ns(sent));
      if (const std::int64_t first = slot.first_row_ns.load(std::memory_order_relaxed); first != 0)
        context.mark_first_row(at_ns(first));
      if (slot.peak_rss_kb > 0) context.add_worker_peak_rss(static_cast<std::uint64_t>(slot.peak_rss_kb) * 1024);
      if (slot.private_peak_kb > 0)
        context.add_worker_private_peak(static_cast<std::uint64_t>(slot.private_peak_kb) * 1024);
      context.add_totals(slot.totals);
      context.add_latency(slot.latency);
      if (slot.has_server_cpu != 0) context.add_server_cpu(slot.server_cpu);
    }
  }
};

}  // namespace

std::unique_ptr<Strategy> make_multiprocessing() { return std::make_unique<Multiprocessing>(); }

}  // namespace benchlab

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
#include "strategies/forked_workers.hpp"
#include "strategies/strategy.hpp"
#include "strategies/worker_slots.hpp"

namespace benchlab {

namespace {

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
    if (cpu_before) {
      if (const auto cpu_after = read_backend_cpu(conn)) context.add_server_cpu(*cpu_after - *cpu_before);
    }
    report_done(slot, context);
    return 0;
  } catch (...) {
    return report_failure(slot);
  }
}

class Multiprocessing final : public Strategy {
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
    ForkedWorkers workers(context);                       // destroyed first: children stopped before the segment goes
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
    collect_slots(context, slots);
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
          throw_worker_error(i, slots[i], exit,
                             spec.worker_memory_limit_bytes);  // the others are stopped by ~ForkedWorkers
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
};

}  // namespace

std::unique_ptr<Strategy> make_multiprocessing() { return std::make_unique<Multiprocessing>(); }

}  // namespace benchlab

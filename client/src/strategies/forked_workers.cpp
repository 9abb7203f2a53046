#include "strategies/forked_workers.hpp"

#include <fmt/format.h>

#include <sys/resource.h>

#include <algorithm>

#include "model/memory_plan.hpp"
#include "pg/error.hpp"

namespace benchlab {

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

[[noreturn]] void throw_worker_error(std::size_t index, const shm::WorkerSlot& slot,
                                     const std::optional<ExitStatus>& exit, std::uint64_t memory_limit,
                                     std::string_view role) {
  const auto status = static_cast<shm::SlotStatus>(slot.status.load(std::memory_order_acquire));
  if (status == shm::SlotStatus::failed) {
    std::string text = fmt::format("{} {}: {}", role, index, slot.error);
    if (memory_limit > 0 &&
        (text.find("out of memory") != std::string::npos || text.find("bad_alloc") != std::string::npos ||
         text.find("cannot allocate") != std::string::npos))
      text += fmt::format(
          " (the {} hit its --memory-budget ceiling of {}: its rows need more than the "
          "sampled row width suggested; give a larger --memory-budget)",
          role, format_bytes(memory_limit));
    switch (static_cast<shm::SlotError>(slot.error_kind)) {
      case shm::SlotError::broken_connection:
        throw pg::BrokenConnection(text, slot.sqlstate);
      case shm::SlotError::sql:
        pg::throw_sql_error(text, slot.sqlstate);
      default:
        throw pg::Error(text);
    }
  }
  throw pg::Error(fmt::format("{} {} ended without reporting (exit status {}{})", role, index, exit ? exit->code : -1,
                              exit && exit->signaled ? ", killed by a signal" : ""));
}

std::chrono::nanoseconds hang_timeout(const ReadSpec& spec, const shm::WorkerSlot& slot) {
  if (spec.hang_timeout_ms > 0) return std::chrono::milliseconds(spec.hang_timeout_ms);
  return std::max<std::chrono::nanoseconds>(
      std::chrono::seconds(10), std::chrono::nanoseconds(50 * slot.max_batch_ns.load(std::memory_order_relaxed)));
}

void check_heartbeat(std::size_t i, const shm::WorkerSlot& slot, const ReadSpec& spec,
                     const MeteredConnection& coordinator, ForkedWorkers& workers, std::string_view role) {
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
  throw pg::Error(
      fmt::format("{} {} hung: no heartbeat for {:.1f} s (hang timeout {:.1f} s{}); {}it was killed", role, i,
                  std::chrono::duration<double>(silent).count(), std::chrono::duration<double>(limit).count(),
                  spec.hang_timeout_ms > 0 ? ", --hang-timeout" : ": 50 x its slowest batch, at least 10 s",
                  slot.backend_pid.load(std::memory_order_relaxed) != 0 ? "its query was cancelled and " : ""));
}

void report_done(shm::WorkerSlot& slot, SlotContext& context) {
  context.sample_private();
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) == 0) slot.peak_rss_kb = usage.ru_maxrss;
  slot.status.store(static_cast<std::int32_t>(shm::SlotStatus::done), std::memory_order_release);
}

int report_failure(shm::WorkerSlot& slot) noexcept {
  try {
    throw;
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

void collect_slots(RunContext& context, shm::WorkerSlots& slots) {
  for (std::size_t i = 0; i < slots.size(); ++i) {
    const shm::WorkerSlot& slot = slots[i];
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

}  // namespace benchlab

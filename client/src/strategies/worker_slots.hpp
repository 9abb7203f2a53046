// The multiprocessing strategy's shared memory layout: one fixed-size slot per
// forked worker, in a SharedSegment the parent creates before forking. Everything
// in a slot is trivially copyable or a lock-free atomic (address-free across
// processes), so no constructor or destructor ever runs in shared memory beyond
// the parent's placement-new of zeroed slots.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>
#include <stdexcept>
#include <string_view>
#include <type_traits>

#include "model/figures.hpp"
#include "model/latency_histogram.hpp"
#include "process/shared_segment.hpp"

namespace benchlab::shm {

enum class SlotStatus : std::int32_t { pending = 0, running = 1, done = 2, failed = 3 };
enum class SlotError : std::int32_t { none = 0, broken_connection = 1, sql = 2, other = 3 };

struct WorkerSlot {
  static constexpr std::size_t kErrorBytes = 512;

  // Written by the worker while it runs; the parent polls these.
  std::atomic<std::int32_t> status{0};         // SlotStatus
  std::atomic<std::int64_t> query_sent_ns{0};  // steady_clock (CLOCK_MONOTONIC: same clock in every process)
  std::atomic<std::int64_t> first_row_ns{0};
  std::atomic<std::uint64_t> rows_so_far{0};
  std::atomic<std::uint64_t> bytes_so_far{0};  // value bytes, added before rows_so_far (the parent reads rows first)
  // The heartbeat: set by the parent at fork, then by the worker when connected and
  // after every batch (steady_clock ns). Silence past the hang timeout: hung.
  std::atomic<std::int64_t> heartbeat_ns{0};
  std::atomic<std::int64_t> max_batch_ns{0};  // the slowest batch so far, for the derived hang timeout
  std::atomic<std::int32_t> backend_pid{0};   // the worker's backend, for pg_cancel_backend
  // Where the worker stands: parts finished, and the upper key (or block) of the last
  // one — its share is read through there. Written as each part ends.
  std::atomic<std::int32_t> parts_done{0};
  std::atomic<std::int64_t> read_through{0};
  // Written once before status becomes done/failed (release); read after (acquire).
  DecodeTotals totals;
  LatencyHistogram latency;
  ServerCpu server_cpu;
  std::int32_t has_server_cpu = 0;
  std::int32_t error_kind = 0;       // SlotError
  std::int64_t peak_rss_kb = 0;      // getrusage(RUSAGE_SELF).ru_maxrss
  std::int64_t private_peak_kb = 0;  // the largest own_private_bytes() sampled (pages not shared with the parent)
  char error[kErrorBytes] = {};
  char sqlstate[6] = {};  // the server's SQLSTATE of the error, if it was one

  void set_error(SlotError kind, std::string_view text, std::string_view state = {}) {
    error_kind = static_cast<std::int32_t>(kind);
    for (std::size_t i = 0; i < 5; ++i) sqlstate[i] = i < state.size() ? state[i] : '\0';
    const std::size_t n = text.size() < kErrorBytes - 1 ? text.size() : kErrorBytes - 1;
    for (std::size_t i = 0; i < n; ++i) error[i] = text[i];
    error[n] = '\0';
  }
};

// One part of the plan, as the worker that read it measured it (RunContext::end_part).
// Indexed by the part's position in the plan: each worker writes only its own
// parts' records, before its status becomes done (release); the parent reads
// them after (acquire).
// A record whose `done` is set is whole, also when its worker dies right after: the
// worker writes the figures, then stores done with release.
struct PartRecord {
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;
  std::int64_t wall_ns = 0;
  std::uint64_t checksum = 0;  // the part's own SetChecksum sum
  std::uint64_t unknown_values = 0;
  SetDigest digest;                   // --digest sha256: the part's own share of the digest (32 bytes; zero otherwise)
  std::atomic<std::int32_t> done{0};  // 1: read to its end
};

static_assert(std::atomic<std::int64_t>::is_always_lock_free && std::atomic<std::int32_t>::is_always_lock_free,
              "slots need address-free atomics");
static_assert(std::is_trivially_copyable_v<DecodeTotals> && std::is_trivially_copyable_v<LatencyHistogram> &&
                  std::is_trivially_copyable_v<ServerCpu>,
              "slot payloads must be trivially copyable");

static_assert(sizeof(WorkerSlot) % alignof(PartRecord) == 0, "part records follow the slots, aligned");

// `count` slots, then `parts` part records, in a segment of their own.
class WorkerSlots {
 public:
  explicit WorkerSlots(std::size_t count, std::size_t parts = 0)
      : count_(count),
        parts_(parts),
        segment_(sizeof(WorkerSlot) * (count == 0 ? 1 : count) + sizeof(PartRecord) * parts) {
    // The children inherit the mapping at fork and never open the segment by name,
    // so the name goes at once: even a SIGKILL of this process (which runs no
    // destructor) leaves nothing in /dev/shm; the memory goes with the last mapping.
    segment_.remove();
    auto* base = static_cast<WorkerSlot*>(segment_.address());
    for (std::size_t i = 0; i < count_; ++i) new (base + i) WorkerSlot();
    for (std::size_t i = 0; i < parts_; ++i) new (part_base() + i) PartRecord();
  }
  [[nodiscard]] WorkerSlot& operator[](std::size_t i) {
    if (i >= count_) throw std::out_of_range("worker slot index");
    return static_cast<WorkerSlot*>(segment_.address())[i];
  }
  [[nodiscard]] PartRecord& part(std::size_t i) {
    if (i >= parts_) throw std::out_of_range("part record index");
    return part_base()[i];
  }
  [[nodiscard]] std::size_t size() const { return count_; }
  [[nodiscard]] std::size_t parts() const { return parts_; }

 private:
  [[nodiscard]] PartRecord* part_base() const {
    return reinterpret_cast<PartRecord*>(static_cast<WorkerSlot*>(segment_.address()) + (count_ == 0 ? 1 : count_));
  }
  std::size_t count_;
  std::size_t parts_;
  SharedSegment segment_;
};

}  // namespace benchlab::shm

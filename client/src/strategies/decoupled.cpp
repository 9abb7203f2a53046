// decoupled: reading and decoding in different processes. This process holds
// --workers connections on one exported snapshot, each COPYing its partitions
// (dealt round-robin), and does nothing with a row but copy its bytes into a
// shared-memory ring: one ring per decoder, --decoders forked processes that
// decode, checksum and hash every row. A full ring stops the reading (the
// connection's socket is not read, so the server waits too): backpressure, not
// memory growth. Rows go to whichever ring has room, so decoders share the work
// of every connection; the checksum and digest are sums, indifferent to order.
//
// It exists to show when decoupling pays: a reader that decodes wide rows itself
// (large jsonb) stalls its connection while it parses; here the reader only
// copies. With narrow rows the extra copy and the hand-over cost more than they
// free. The reader strips each binary COPY's header and drops its trailer, so a
// decoder sees one row per record whichever connection it came from.
//
// A part is confirmed once its COPY ended and every row it sent was decoded (each
// decoder adds its share of the part's rows, bytes, checksum and digest to the
// part's records in shared memory before counting them decoded). On error or
// interruption the decoders are stopped and reaped, and the segments unlinked, by
// RAII. --mask is refused: the ring would hold the values before any mask.
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <malloc.h>
#include <poll.h>

#include <fmt/format.h>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <memory>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <vector>

#include "decode/row_decoder.hpp"
#include "measure/run_context.hpp"
#include "pg/copy_out.hpp"
#include "pg/error.hpp"
#include "pg/read_pacer.hpp"
#include "pg/snapshot.hpp"
#include "process/byte_ring.hpp"
#include "process/shared_segment.hpp"
#include "strategies/fault_point.hpp"
#include "strategies/forked_workers.hpp"
#include "strategies/strategy.hpp"
#include "strategies/worker_slots.hpp"

namespace benchlab {

namespace {

// Each decoder's ring: room for a few thousand standard rows or a few wide ones;
// a row larger than a quarter of it travels in chunks.
constexpr std::size_t kRingBytes = std::size_t{4} << 20;

// One decoder's share of one part: written only by that decoder, before it counts
// the rows decoded (release); read by the parent after it sees them all (acquire).
struct PartShare {
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;
  std::uint64_t checksum = 0;
  std::uint64_t unknown_values = 0;
  SetDigest digest;
};

DecodeTotals since(const DecodeTotals& now, const DecodeTotals& then) {
  DecodeTotals d;
  d.rows = now.rows - then.rows;
  d.bytes = now.bytes - then.bytes;
  d.unknown_values = now.unknown_values - then.unknown_values;
  d.checksum.rows = now.checksum.rows - then.checksum.rows;
  d.checksum.sum = now.checksum.sum - then.checksum.sum;
  d.digest = now.digest.minus(then.digest);
  return d;
}

// The rings, then one count of decoded rows per part, then decoders x parts shares,
// in one segment created before fork (the children inherit the mapping).
class DecoupledMemory {
 public:
  DecoupledMemory(std::size_t decoders, std::size_t parts, std::size_t ring_bytes)
      : decoders_(decoders),
        parts_(parts),
        ring_stride_(round_up(shm::ByteRing::footprint(ring_bytes))),
        counts_at_(ring_stride_ * decoders),
        shares_at_(round_up(counts_at_ + sizeof(std::atomic<std::uint64_t>) * parts)),
        segment_(shares_at_ + sizeof(PartShare) * decoders * parts + 64) {
    segment_.remove();  // as WorkerSlots: nothing left in /dev/shm even after a SIGKILL
    for (std::size_t d = 0; d < decoders_; ++d) shm::ByteRing::create(base() + ring_stride_ * d, ring_bytes);
    for (std::size_t p = 0; p < parts_; ++p) new (&decoded(p)) std::atomic<std::uint64_t>(0);
    for (std::size_t i = 0; i < decoders_ * parts_; ++i) new (share_base() + i) PartShare();
  }
  [[nodiscard]] shm::ByteRing& ring(std::size_t d) {
    return *reinterpret_cast<shm::ByteRing*>(base() + ring_stride_ * d);
  }
  [[nodiscard]] std::atomic<std::uint64_t>& decoded(std::size_t part) {
    return reinterpret_cast<std::atomic<std::uint64_t>*>(base() + counts_at_)[part];
  }
  [[nodiscard]] PartShare& share(std::size_t decoder, std::size_t part) {
    return share_base()[decoder * parts_ + part];
  }
  [[nodiscard]] std::size_t decoders() const { return decoders_; }

 private:
  static std::size_t round_up(std::size_t n) { return (n + 63) & ~std::size_t{63}; }
  // The segment's mapping is page-aligned, so 64-aligned offsets are 64-aligned addresses.
  [[nodiscard]] char* base() const { return static_cast<char*>(segment_.address()); }
  [[nodiscard]] PartShare* share_base() const { return reinterpret_cast<PartShare*>(base() + shares_at_); }
  std::size_t decoders_;
  std::size_t parts_;
  std::size_t ring_stride_;
  std::size_t counts_at_;
  std::size_t shares_at_;
  shm::SharedSegment segment_;
};

// A decoder's accounting of parts: rows are added to a part's share as they
// decode, and counted decoded (the parent's cue) in lumps, at least before the
// decoder waits for more.
class PartAccounts {
 public:
  PartAccounts(DecoupledMemory& memory, std::size_t decoder) : memory_(memory), decoder_(decoder) {}
  // The row about to decode belongs to `part`.
  void row_of(std::size_t part, const DecodeTotals& totals) {
    if (part != current_) {
      settle(totals);
      current_ = part;
    }
  }
  void decoded(std::size_t part) {
    for (auto& [p, n] : pending_) {
      if (p == part) {
        ++n;
        return;
      }
    }
    pending_.emplace_back(part, 1);
  }
  // Shares first, then the counts (release): the parent that sees a part's count
  // complete sees every share of it.
  void publish(const DecodeTotals& totals) {
    settle(totals);
    for (const auto& [p, n] : pending_) memory_.decoded(p).fetch_add(n, std::memory_order_release);
    pending_.clear();
  }

 private:
  void settle(const DecodeTotals& totals) {
    // Nothing decoded since: the share stays untouched (the parent may be reading a
    // confirmed part's shares).
    if (current_ != kNone && totals.rows != at_settle_.rows) {
      const DecodeTotals d = since(totals, at_settle_);
      PartShare& share = memory_.share(decoder_, current_);
      share.rows += d.rows;
      share.bytes += d.bytes;
      share.checksum += d.checksum.sum;
      share.unknown_values += d.unknown_values;
      share.digest.merge(d.digest);
    }
    at_settle_ = totals;
  }
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  DecoupledMemory& memory_;
  std::size_t decoder_;
  std::size_t current_ = kNone;
  DecodeTotals at_settle_;
  std::vector<std::pair<std::size_t, std::uint64_t>> pending_;
};

// Runs in a forked decoder. Every object it makes is destroyed before it returns,
// so the caller can _exit() with nothing of the child's left open.
int decoder_work(const ReadSpec& spec, int index, const std::vector<std::uint32_t>& columns, DecoupledMemory& memory,
                 shm::WorkerSlot& slot, shm::WorkerSlots& slots) noexcept {
  try {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a parent killed with SIGKILL
    if (getppid() == 1) return 1;
    // The parent's connections were open at fork: their sockets are not this
    // process's to hold (a server must see them close when the parent closes them).
    if (::close_range(3, ~0U, 0) != 0) {
      rlimit files{};
      const rlim_t limit =
          getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY ? files.rlim_cur : 4096;
      for (rlim_t fd = 3; fd < limit; ++fd) ::close(static_cast<int>(fd));
    }
    slot.status.store(static_cast<std::int32_t>(shm::SlotStatus::running), std::memory_order_relaxed);
    if (spec.worker_memory_limit_bytes > 0 && !limit_address_space_growth(spec.worker_memory_limit_bytes))
      throw std::runtime_error("cannot set the decoder's memory ceiling (RLIMIT_AS)");
    slot.heartbeat_ns.store(now_ns(), std::memory_order_relaxed);
    SlotContext context(slot, slots);
    RowDecoder decoder(spec.types, spec.digest, spec.masks);
    decoder.expect_copy_rows(columns, spec.format);
    // kill and stop strike a decoder (a process of its own); the connection faults
    // strike the readers in the parent.
    FaultPoint fault;
    if (spec.fault && (spec.fault->kind == FaultKind::kill || spec.fault->kind == FaultKind::stop))
      fault = FaultPoint(spec, index, true);
    PartAccounts accounts(memory, static_cast<std::size_t>(index));
    shm::ByteRing& ring = memory.ring(static_cast<std::size_t>(index));
    const auto batch_rows = static_cast<std::uint64_t>(spec.batch_rows < 1 ? 1 : spec.batch_rows);
    std::uint64_t in_batch = 0, since_publish = 0, bytes_at_mark = 0;
    auto last_mark = std::chrono::steady_clock::now();
    std::string assembled;  // a row that came in chunks
    shm::ByteRing::Record record;
    for (;;) {
      if (!ring.peek(record)) {
        accounts.publish(decoder.totals());
        since_publish = 0;
        slot.heartbeat_ns.store(now_ns(), std::memory_order_relaxed);  // idle, not hung
        if (ring.drained()) break;
        ring.wait_for_data(std::chrono::milliseconds(100));
        continue;
      }
      std::string_view row = record.bytes;
      if (!(record.first && record.last)) {
        if (record.first) assembled.clear();
        assembled.append(record.bytes);
        if (!record.last) {
          ring.release();
          continue;
        }
        row = assembled;
      }
      accounts.row_of(record.tag, decoder.totals());
      const std::uint64_t n = decoder.consume_copy(row.data(), row.size());
      ring.release();
      accounts.decoded(record.tag);
      if (n > 0 && in_batch == 0 && slot.first_row_ns.load(std::memory_order_relaxed) == 0) context.mark_first_row();
      in_batch += n;
      if (++since_publish >= 256) {
        accounts.publish(decoder.totals());
        since_publish = 0;
      }
      if (in_batch >= batch_rows) {
        const auto now = std::chrono::steady_clock::now();
        const std::uint64_t bytes = decoder.totals().bytes;
        context.record_batch(in_batch, bytes - bytes_at_mark, now - last_mark);
        bytes_at_mark = bytes;
        last_mark = now;
        in_batch = 0;
        fault.after_batch(nullptr);
      }
    }
    if (in_batch > 0) {
      const std::uint64_t bytes = decoder.totals().bytes;
      context.record_batch(in_batch, bytes - bytes_at_mark, std::chrono::steady_clock::now() - last_mark);
    }
    slot.totals = decoder.totals();
    report_done(slot, context);
    return 0;
  } catch (...) {
    return report_failure(slot);
  }
}

// One reader connection and the part it is COPYing.
struct Reader {
  Reader(MeteredConnection c, std::vector<DealtPart> p, const ReadSpec& spec, int index)
      : conn(std::move(c)), fault(spec, index, false), parts(std::move(p)) {}
  MeteredConnection conn;
  FaultPoint fault;
  std::vector<DealtPart> parts;
  std::size_t next = 0;
  std::size_t part = 0;               // index in the plan of the part being read
  std::unique_ptr<pg::CopyOut> copy;  // destroyed before conn (declared after it)
  bool header_due = false;            // binary: the next message begins with the COPY header
  std::uint64_t sent = 0;             // rows of this part handed to the rings
  std::uint64_t in_batch = 0;         // rows since the last batch (fault injection counts batches)
  // A row the rings had no room for: it stays in libpq's buffer (the view is valid
  // until the next read) and the socket is not read until it is handed over.
  std::string_view held;
  std::size_t held_offset = 0;
  std::size_t held_ring = 0;
  bool holding = false;
  bool ready = false;  // the last pump stopped at its limit: more is buffered
};

// A part whose COPY ended: confirmed when the decoders have counted all its rows.
struct Unconfirmed {
  std::size_t part = 0;
  std::uint64_t rows = 0;
  RunContext::TimePoint started{};
};

class Decoupled final : public Strategy {
 public:
  [[nodiscard]] std::string_view name() const override { return "decoupled"; }
  [[nodiscard]] PartList part_list() const override { return PartList::partitions; }

  void run(const ReadSpec& spec, RunContext& context) override {
    if (spec.masks.any())
      throw std::invalid_argument("decoupled cannot mask: its rings hold rows before they are decoded");
    const std::vector<KeyRange> parts = spec.partitions.empty() ? std::vector<KeyRange>{spec.all} : spec.partitions;
    const std::size_t decoders =
        static_cast<std::size_t>(spec.decoders > 0 ? spec.decoders : std::max(1, spec.workers));
    if (parts.size() > shm::ByteRing::kMaxTag) throw std::invalid_argument("decoupled: too many parts for a ring tag");

    MeteredConnection coordinator = context.connect();
    pg::ExportedSnapshot snapshot(coordinator.connection(), spec.snapshot_id);
    const std::string shared = spec.shared_snapshot ? snapshot.id() : std::string();
    context.snapshot_exported();

    // Connection faults strike a reader; kill and stop strike a decoder (above).
    ReadSpec reader_spec = spec;
    if (spec.fault && (spec.fault->kind == FaultKind::kill || spec.fault->kind == FaultKind::stop))
      reader_spec.fault.reset();
    std::vector<std::unique_ptr<Reader>> readers;
    for (auto& share : deal_indexed(parts, spec.workers < 1 ? 1 : spec.workers)) {
      if (share.empty()) continue;
      readers.push_back(
          std::make_unique<Reader>(context.connect(), std::move(share), reader_spec, static_cast<int>(readers.size())));
      pg::begin_worker(readers.back()->conn.connection(), shared);
    }
    // Every part has the same columns: one describe gives the decoders their types.
    context.mark_query_sent();
    const std::vector<std::uint32_t> columns =
        pg::describe_columns(readers.front()->conn.raw(), spec.range_query(readers.front()->parts.front().range));

    DecoupledMemory memory(decoders, parts.size(), kRingBytes);
    shm::WorkerSlots slots(decoders, 0);
    ForkedWorkers workers(context);  // destroyed first: decoders stopped before the segments go
    malloc_trim(0);                  // as multiprocessing: children inherit resident pages
    context.check_interrupted();
    for (std::size_t d = 0; d < decoders; ++d) {
      shm::WorkerSlot& slot = slots[d];
      slot.heartbeat_ns.store(now_ns(), std::memory_order_relaxed);
      const int index = static_cast<int>(d);
      workers.add(ChildProcess::spawn([&spec, index, &columns, &memory, &slot, &slots] {
        _exit(decoder_work(spec, index, columns, memory, slot, slots));  // never returns into the parent's frames
      }));
    }

    Pump pump{spec, context, coordinator, memory, slots, workers, parts};
    pump.read(readers);

    for (auto& r : readers) r->conn.finish();
    collect_slots(context, slots);
    snapshot.release();
    coordinator.finish();
  }

 private:
  // The parent's loop: read every connection, hand rows to the rings, confirm parts
  // as the decoders finish them, watch the decoders.
  struct Pump {
    const ReadSpec& spec;
    RunContext& context;
    const MeteredConnection& coordinator;
    DecoupledMemory& memory;
    shm::WorkerSlots& slots;
    ForkedWorkers& workers;
    const std::vector<KeyRange>& parts;
    std::vector<Unconfirmed> unconfirmed = {};
    std::vector<std::uint64_t> rows_reported = std::vector<std::uint64_t>(slots.size(), 0);
    std::vector<std::uint64_t> bytes_reported = std::vector<std::uint64_t>(slots.size(), 0);
    std::vector<bool> ended = std::vector<bool>(slots.size(), false);
    std::size_t next_ring = 0;

    // Ends the reader's part (if any) and starts its next one; false (after
    // COMMIT) when it has none left.
    bool start_next(Reader& r) {
      if (r.copy) {
        unconfirmed.push_back({r.part, r.sent, started_of(r)});
        flush_rings();  // its last rows reach the decoders now
      }
      r.copy.reset();
      if (r.next >= r.parts.size()) {
        r.conn.connection().exec("COMMIT");
        return false;
      }
      const DealtPart& part = r.parts[r.next++];
      r.fault.before_part(r.conn.raw());
      r.part = part.index;
      r.sent = 0;
      r.header_due = spec.format == WireFormat::binary;
      part_started_[part.index] = std::chrono::steady_clock::now();
      r.copy = std::make_unique<pg::CopyOut>(r.conn.raw(), spec.range_query(part.range), spec.format);
      return true;
    }
    RunContext::TimePoint started_of(const Reader& r) { return part_started_[r.part]; }

    // Hands the held row to a ring: any ring with room when none of it is in one
    // yet, else the ring its first chunks went to. False: no room now.
    bool hand_over(Reader& r) {
      const auto tag = static_cast<std::uint32_t>(r.part);
      if (r.held_offset > 0) return finish_hand_over(r, memory.ring(r.held_ring).try_push(tag, r.held, r.held_offset));
      for (std::size_t k = 0; k < memory.decoders(); ++k) {
        const std::size_t d = (next_ring + k) % memory.decoders();
        // A ring holding the first chunks of another reader's row takes nothing else
        // until its last chunk: a decoder puts one row together at a time.
        if (partial_owner_[d] != nullptr) continue;
        const bool whole = memory.ring(d).try_push(tag, r.held, r.held_offset);
        if (whole || r.held_offset > 0) {
          r.held_ring = d;
          next_ring = d + 1;
          if (!whole) partial_owner_[d] = &r;
          return finish_hand_over(r, whole);
        }
      }
      r.held_ring = next_ring % memory.decoders();
      return false;
    }
    bool finish_hand_over(Reader& r, bool whole) {
      if (!whole) return false;
      if (partial_owner_[r.held_ring] == &r) partial_owner_[r.held_ring] = nullptr;
      r.holding = false;
      r.held_offset = 0;
      ++r.sent;
      unflushed_bytes_ += r.held.size();
      if (++unflushed_ >= 256 || unflushed_bytes_ >= (std::size_t{256} << 10)) flush_rings();
      if (++r.in_batch >= static_cast<std::uint64_t>(spec.batch_rows < 1 ? 1 : spec.batch_rows)) {
        r.in_batch = 0;
        r.fault.after_batch(r.conn.raw());
      }
      return true;
    }

    // Publishes what was written since the last flush: a lump of rows per wake-up.
    void flush_rings() {
      unflushed_ = 0;
      unflushed_bytes_ = 0;
      for (std::size_t d = 0; d < memory.decoders(); ++d) memory.ring(d).flush();
    }

    enum class Step { more, would_block, blocked, done };
    // Reads what the connection has buffered, at most `limit` messages, each handed
    // to a ring; stops when the rings are full (blocked) and keeps that row.
    Step step(Reader& r, int limit) {
      if (r.holding && !hand_over(r)) return Step::blocked;
      for (int i = 0; i < limit; ++i) {
        std::string_view message;
        switch (r.copy->next(message)) {
          case pg::CopyOut::Next::would_block:
            return Step::would_block;
          case pg::CopyOut::Next::done:
            return Step::done;
          case pg::CopyOut::Next::message:
            break;
        }
        bytes_read_ += message.size();
        if (r.header_due) {
          r.header_due = false;
          message.remove_prefix(copy_binary_header_size(message.data(), message.size()));
          if (message.empty()) continue;  // a header sent on its own
        }
        if (spec.format == WireFormat::binary && is_copy_binary_trailer(message.data(), message.size())) continue;
        if (!first_row_seen_) {
          first_row_seen_ = true;
          context.mark_first_row();
        }
        r.held = message;
        r.held_offset = 0;
        r.holding = true;
        if (!hand_over(r)) return Step::blocked;
      }
      return Step::more;
    }

    void read(std::vector<std::unique_ptr<Reader>>& readers) {
      try {
        read_all(readers);
      } catch (...) {
        // Parts whose rows were all decoded are whole (shares are written before the
        // counts): the fallback chain keeps them and reads only the rest again.
        confirm_parts();
        throw;
      }
    }

    void read_all(std::vector<std::unique_ptr<Reader>>& readers) {
      std::size_t active = 0;
      for (auto& r : readers) active += start_next(*r) ? 1 : 0;
      std::vector<pollfd> fds;
      pg::ReadPacer pacer;
      while (active > 0) {
        bool any_ready = false, any_blocked = false;
        std::size_t blocked_ring = 0;
        for (auto& rp : readers) {
          Reader& r = *rp;
          if (!r.copy) continue;
          const std::uint64_t before = bytes_read_;
          const Step s = step(r, 4096);
          pacer.consumed(static_cast<std::size_t>(bytes_read_ - before));
          r.ready = s == Step::more;
          any_ready = any_ready || r.ready;
          if (s == Step::blocked && !any_blocked) {
            any_blocked = true;
            blocked_ring = r.held_ring;
          }
          if (s == Step::done && !start_next(r)) --active;
        }
        watch();
        if (active == 0 || any_ready) continue;
        if (any_blocked) {
          // Backpressure: the decoders are behind. Wait for room (the sockets are
          // left unread meanwhile, which is the point).
          flush_rings();  // every ring's rows, not only the full one's: no decoder idles on unpublished rows
          memory.ring(blocked_ring).wait_for_space(std::chrono::milliseconds(2));
          ++backpressure_waits_;
          continue;
        }
        fds.clear();
        for (auto& r : readers)
          if (r->copy) fds.push_back(pollfd{r->copy->socket(), POLLIN, 0});
        pacer.before_wait(fds);
        // Rows held back for a lump are published if the sockets stay quiet a
        // millisecond: a flush per socket read would wake a decoder per few rows.
        const int n = ::poll(fds.data(), static_cast<nfds_t>(fds.size()), unflushed_ > 0 ? 1 : 100);
        if (n < 0 && errno != EINTR)
          throw pg::BrokenConnection("poll failed: " + std::generic_category().message(errno));
        if (n == 0) flush_rings();
      }
      for (std::size_t d = 0; d < memory.decoders(); ++d) memory.ring(d).close();
      // The decoders drain their rings and exit; each part is confirmed as its last rows decode.
      for (;;) {
        const std::size_t running = workers.reap();
        watch();
        if (running == 0) break;
        std::this_thread::sleep_for(std::chrono::microseconds(500));
      }
      confirm_parts();
      if (!unconfirmed.empty())
        throw std::logic_error("decoupled: every decoder ended but a part's rows were not all decoded");
      if (backpressure_waits_ > 0)
        context.note(
            fmt::format("decoupled: the reader waited for the decoders {} times (rings full: decoding was "
                        "the bottleneck)",
                        backpressure_waits_));
    }

    // Confirms every part whose rows the decoders have all counted.
    void confirm_parts() {
      for (auto it = unconfirmed.begin(); it != unconfirmed.end();) {
        if (memory.decoded(it->part).load(std::memory_order_acquire) != it->rows) {
          ++it;
          continue;
        }
        PartFigures figures{it->part, parts[it->part].relation_sql, parts[it->part].lo, parts[it->part].hi};
        for (std::size_t d = 0; d < memory.decoders(); ++d) {
          const PartShare& share = memory.share(d, it->part);
          figures.rows += share.rows;
          figures.bytes += share.bytes;
          figures.checksum += share.checksum;
          figures.unknown_values += share.unknown_values;
          figures.digest.merge(share.digest);
        }
        figures.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - it->started).count();
        context.add_part(figures);
        it = unconfirmed.erase(it);
      }
    }

    // The decoders: progress, deaths, failures, hangs; then the parts they finished.
    void watch() {
      workers.reap();
      context.check_interrupted();  // a Ctrl-C reaches the decoders too: an interruption, not a failure
      for (std::size_t i = 0; i < slots.size(); ++i) {
        shm::WorkerSlot& slot = slots[i];
        const std::uint64_t rows = slot.rows_so_far.load(std::memory_order_acquire);
        if (rows > rows_reported[i]) {
          const std::uint64_t bytes = slot.bytes_so_far.load(std::memory_order_relaxed);
          context.add_progress(rows - rows_reported[i], bytes - std::min(bytes, bytes_reported[i]));
          bytes_reported[i] = std::max(bytes, bytes_reported[i]);
          rows_reported[i] = rows;
        }
        const auto status = static_cast<shm::SlotStatus>(slot.status.load(std::memory_order_acquire));
        const auto& exit = workers.exit_of(i);
        if (status == shm::SlotStatus::failed || (exit && (exit->code != 0 || status != shm::SlotStatus::done)))
          throw_worker_error(i, slot, exit, spec.worker_memory_limit_bytes, "decoder");
        if (!exit) check_heartbeat(i, slot, spec, coordinator, workers, "decoder");
        if (exit && !ended[i]) {
          ended[i] = true;
          context.worker_ended(i);
        }
      }
      confirm_parts();
    }

    std::unordered_map<std::size_t, RunContext::TimePoint> part_started_ = {};
    std::vector<const Reader*> partial_owner_ = std::vector<const Reader*>(memory.decoders(), nullptr);
    std::uint64_t bytes_read_ = 0;
    std::uint64_t backpressure_waits_ = 0;
    int unflushed_ = 0;  // rows written to rings and not yet published
    std::size_t unflushed_bytes_ = 0;
    bool first_row_seen_ = false;
  };
};

}  // namespace

std::unique_ptr<Strategy> make_decoupled() { return std::make_unique<Decoupled>(); }

}  // namespace benchlab

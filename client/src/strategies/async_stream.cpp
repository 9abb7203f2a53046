// async_stream: ONE thread, K = spec.workers non-blocking connections. Each
// streams its share of spec.partitions through the shared pipelined cursor
// (CursorStream: the next FETCH is in flight while the current batch decodes);
// poll() on every PQsocket wakes the thread for whichever connection has data.
// All connections imported the coordinator's snapshot. On error or interruption
// every stream's Pipeline cancels its server work and every connection closes.
#include <poll.h>

#include <fmt/format.h>
#include <cerrno>
#include <memory>
#include <system_error>
#include <vector>

#include "decode/row_decoder.hpp"
#include "measure/run_context.hpp"
#include "pg/snapshot.hpp"
#include "strategies/cursor_stream.hpp"
#include "strategies/fault_point.hpp"
#include "strategies/strategy.hpp"

namespace benchlab {

namespace {

struct Reader {
  Reader(MeteredConnection c, std::vector<DealtPart> p, const ReadSpec& spec, int index)
      : conn(std::move(c)),
        decoder(spec.types, spec.digest, spec.masks),
        fault(spec, index, false),
        parts(std::move(p)) {}
  MeteredConnection conn;
  RowDecoder decoder;
  FaultPoint fault;
  std::vector<DealtPart> parts;
  std::size_t next = 0;
  RunContext::PartMark part;             // the part being read
  std::unique_ptr<CursorStream> stream;  // destroyed before conn (declared after it)
};

class AsyncStream final : public Strategy {
 public:
  [[nodiscard]] std::string_view name() const override { return "async_stream"; }
  [[nodiscard]] PartList part_list() const override { return PartList::partitions; }

  void run(const ReadSpec& spec, RunContext& context) override {
    const std::vector<KeyRange> parts = spec.partitions.empty() ? std::vector<KeyRange>{spec.all} : spec.partitions;
    MeteredConnection coordinator = context.connect();
    pg::ExportedSnapshot snapshot(coordinator.connection(), spec.snapshot_id);
    // --no-shared-snapshot (the broken control): workers take snapshots of their own.
    const std::string shared = spec.shared_snapshot ? snapshot.id() : std::string();
    context.snapshot_exported();

    std::vector<std::unique_ptr<Reader>> readers;
    for (auto& share : deal_indexed(parts, spec.workers < 1 ? 1 : spec.workers)) {
      if (share.empty()) continue;
      readers.push_back(
          std::make_unique<Reader>(context.connect(), std::move(share), spec, static_cast<int>(readers.size())));
      if (const pg::Connection& c = readers.back()->conn.connection(); !c.set_nonblocking(true))
        throw pg::BrokenConnection(fmt::format("cannot make connection non-blocking: {}", c.error_message()));
    }

    // Ends the reader's part (if any) and starts its next one; false when it has
    // none left. One transaction per connection: the snapshot import opens it,
    // COMMIT ends it.
    auto start_next = [&](Reader& r) {
      if (r.stream) context.end_part(r.part, r.decoder.totals());
      r.stream.reset();
      if (r.next >= r.parts.size()) return false;
      r.fault.before_part(r.conn.raw());
      CursorStreamOptions options;
      options.fault = &r.fault;
      if (r.next == 0) options.prologue = pg::worker_begin_statements(shared);
      if (r.next + 1 == r.parts.size()) options.epilogue = {"COMMIT"};
      const DealtPart& part = r.parts[r.next];
      options.query = spec.range_query(part.range);
      options.batch_rows = spec.batch_rows;
      options.format = spec.format;
      ++r.next;
      r.part = context.begin_part(part.index, part.range, r.decoder.totals());
      r.stream = std::make_unique<CursorStream>(r.conn.raw(), std::move(options), r.decoder, context);
      r.stream->start();
      return true;
    };

    std::size_t active = 0;
    for (auto& r : readers) active += start_next(*r) ? 1 : 0;
    std::vector<pollfd> fds;
    std::vector<Reader*> polled;
    while (active > 0) {
      fds.clear();
      polled.clear();
      for (auto& r : readers) {
        if (!r->stream) continue;
        fds.push_back(pollfd{r->stream->socket(), r->stream->poll_events(), 0});
        polled.push_back(r.get());
      }
      const int n = ::poll(fds.data(), static_cast<nfds_t>(fds.size()), 100);
      if (n < 0 && errno != EINTR)
        throw pg::BrokenConnection(fmt::format("poll failed: {}", std::generic_category().message(errno)));
      for (std::size_t i = 0; i < fds.size(); ++i) {
        // On a timeout every stream is pumped: libpq may have read input while
        // flushing output, leaving complete results buffered behind a quiet socket.
        if (fds[i].revents == 0 && n != 0) continue;
        Reader& r = *polled[i];
        if ((fds[i].revents & POLLOUT) != 0) r.stream->on_writable();
        if (r.stream->pump() && !start_next(r)) --active;
      }
      context.check_interrupted();
    }

    for (auto& r : readers) {
      context.add_totals(r->decoder.totals());
      (void)r->conn.connection().set_nonblocking(false);
      r->conn.finish();
    }
    snapshot.release();
    coordinator.finish();
  }
};

}  // namespace

std::unique_ptr<Strategy> make_async_stream() { return std::make_unique<AsyncStream>(); }

}  // namespace benchlab

// parallel_copy: --workers connections on one exported snapshot, each COPYing its
// partitions (dealt round-robin) in the run's format, all driven by this one
// thread with poll(): a COPY reader costs the client only parsing and decoding,
// so a thread per connection would add context switches on a 2-core machine and
// buy nothing. Parts add up to exactly what one query returns, also while other
// sessions write (every connection reads the coordinator's snapshot).
#include <poll.h>

#include <cerrno>
#include <memory>
#include <system_error>
#include <vector>

#include "decode/row_decoder.hpp"
#include "measure/run_context.hpp"
#include "pg/error.hpp"
#include "pg/read_pacer.hpp"
#include "pg/snapshot.hpp"
#include "strategies/copy_reader.hpp"
#include "strategies/fault_point.hpp"
#include "strategies/strategy.hpp"

namespace benchlab {

namespace {

struct Worker {
  Worker(MeteredConnection c, std::vector<DealtPart> p, const ReadSpec& spec, int index)
      : conn(std::move(c)),
        decoder(spec.types, spec.digest, spec.masks),
        fault(spec, index, false),
        parts(std::move(p)) {}
  MeteredConnection conn;
  RowDecoder decoder;
  FaultPoint fault;
  std::vector<DealtPart> parts;
  std::size_t next = 0;
  RunContext::PartMark part;           // the part being read
  std::unique_ptr<CopyReader> reader;  // destroyed before conn (declared after it)
  bool ready = false;                  // the last pump stopped at its limit: more is buffered
};

class ParallelCopy final : public Strategy {
 public:
  [[nodiscard]] std::string_view name() const override { return "parallel_copy"; }
  [[nodiscard]] PartList part_list() const override { return PartList::partitions; }

  void run(const ReadSpec& spec, RunContext& context) override {
    const std::vector<KeyRange> parts = spec.partitions.empty() ? std::vector<KeyRange>{spec.all} : spec.partitions;
    MeteredConnection coordinator = context.connect();
    pg::ExportedSnapshot snapshot(coordinator.connection(), spec.snapshot_id);
    // --no-shared-snapshot (the broken control): workers take snapshots of their own.
    const std::string shared = spec.shared_snapshot ? snapshot.id() : std::string();
    context.snapshot_exported();

    std::vector<std::unique_ptr<Worker>> workers;
    for (auto& share : deal_indexed(parts, spec.workers < 1 ? 1 : spec.workers)) {
      if (share.empty()) continue;
      workers.push_back(
          std::make_unique<Worker>(context.connect(), std::move(share), spec, static_cast<int>(workers.size())));
      pg::begin_worker(workers.back()->conn.connection(), shared);
    }

    // Ends the worker's part (if any) and starts its next one; false (after
    // COMMIT) when it has none left.
    auto start_next = [&](Worker& w) {
      if (w.reader) context.end_part(w.part, w.decoder.totals());
      w.reader.reset();
      if (w.next >= w.parts.size()) {
        w.conn.connection().exec("COMMIT");
        return false;
      }
      const DealtPart& part = w.parts[w.next++];
      w.fault.before_part(w.conn.raw());
      w.part = context.begin_part(part.index, part.range, w.decoder.totals());
      w.reader = std::make_unique<CopyReader>(w.conn.raw(), spec.range_query(part.range), spec.format, spec.batch_rows,
                                              w.decoder, context);
      w.reader->set_fault(&w.fault);
      return true;
    };

    std::size_t active = 0;
    for (auto& w : workers) active += start_next(*w) ? 1 : 0;
    std::vector<pollfd> fds;
    std::vector<Worker*> polled;
    pg::ReadPacer pacer;
    while (active > 0) {
      fds.clear();
      polled.clear();
      bool any_ready = false;
      for (auto& w : workers) {
        if (!w->reader) continue;
        fds.push_back(pollfd{w->reader->socket(), POLLIN, 0});
        polled.push_back(w.get());
        any_ready = any_ready || w->ready;
      }
      // Buffered data needs no wait: poll only to learn which sockets have more.
      // Before a wait, a nap while slower servers queue more (pg/read_pacer.hpp).
      if (!any_ready) pacer.before_wait(fds);
      const int n = ::poll(fds.data(), static_cast<nfds_t>(fds.size()), any_ready ? 0 : 100);
      if (n < 0 && errno != EINTR) throw pg::BrokenConnection("poll failed: " + std::generic_category().message(errno));
      for (std::size_t i = 0; i < fds.size(); ++i) {
        Worker& w = *polled[i];
        // On a timeout every reader is pumped: libpq may hold complete messages
        // behind a quiet socket.
        if (fds[i].revents == 0 && !w.ready && n != 0) continue;
        const std::uint64_t before = w.reader->bytes();
        const CopyReader::Progress progress = w.reader->pump();
        pacer.consumed(static_cast<std::size_t>(w.reader->bytes() - before));
        w.ready = progress == CopyReader::Progress::more;
        if (progress == CopyReader::Progress::done && !start_next(w)) --active;
      }
      context.check_interrupted();
    }

    for (auto& w : workers) {
      context.add_totals(w->decoder.totals());
      w->conn.finish();
    }
    snapshot.release();
    coordinator.finish();
  }
};

}  // namespace

std::unique_ptr<Strategy> make_parallel_copy() { return std::make_unique<ParallelCopy>(); }

}  // namespace benchlab

#include "fanout/worker.hpp"

#include <poll.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <memory>
#include <optional>
#include <system_error>
#include <vector>

#include "decode/row_decoder.hpp"
#include "fanout/manifest.hpp"
#include "measure/run_context.hpp"
#include "pg/copy_out.hpp"
#include "pg/error.hpp"
#include "pg/read_pacer.hpp"
#include "pg/snapshot.hpp"
#include "plan/table.hpp"
#include "process/interrupt.hpp"
#include "strategies/copy_reader.hpp"
#include "strategies/fault_point.hpp"

namespace benchlab::fanout {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// What CopyReader reports to: the worker keeps its own figures per part (the
// decoder's totals), so batches and latencies go nowhere; interruptions are looked
// for between batches as in a run.
class WorkerContext final : public RunContext {
 public:
  MeteredConnection connect() override { throw std::logic_error("a fan-out worker opens its own connections"); }
  void mark_query_sent() override {}
  void mark_first_row() override {}
  void record_batch(std::uint64_t, std::uint64_t, std::chrono::nanoseconds) override {}
  void add_totals(const DecodeTotals&) override {}
  void add_part(const PartFigures&) override {}
  void add_latency(const LatencyHistogram&) override {}
  void add_server_cpu(const ServerCpu&) override {}
  void add_pool_wait(std::chrono::nanoseconds) override {}
  void watch_process(pid_t) override {}
  void unwatch_process(pid_t) override {}
  void note(const std::string&) override {}
  void check_interrupted() override { throw_if_interrupted(); }
};

// One of the worker's connections, and the part it reads.
struct Slot {
  pg::Connection conn;
  std::optional<RowDecoder> decoder;
  std::optional<Claim> claim;
  FaultPoint fault;                    // inert unless BENCHLAB_INJECT_FAULT names this connection
  std::unique_ptr<CopyReader> reader;  // destroyed before conn is reused
  DecodeTotals so_far;                 // the decoder's totals when the part began
  Clock::time_point started{};
  Clock::time_point renewed{};
  double setup_s = 0;
  bool ready = false;  // the last pump stopped at its limit: more is buffered
};

pg::SessionOptions reader_session() {
  pg::SessionOptions s;
  s.read_only = true;
  s.statement_timeout_ms = 0;
  s.application_name = "benchclient-worker";
  return s;
}

bool is_snapshot_gone(const pg::Error& e) {
  // 22023 invalid_parameter_value: "invalid snapshot identifier" (the exporting
  // transaction ended: PostgreSQL says the same for an id that never existed).
  return e.sqlstate() == "22023" && std::string_view(e.what()).find("snapshot") != std::string_view::npos;
}

class Worker {
 public:
  explicit Worker(const WorkerOptions& o)
      : o_(o), control_(pg::Connection::open(o.conninfo, manifest_session("benchclient-worker"))) {
    summary_.host = this_host();
    summary_.name = o.name.empty() ? fmt::format("{}:{}", summary_.host, ::getpid()) : o.name;
  }

  WorkerSummary run() {
    if (!check_job()) {
      summary_.finished_before_start = true;
      return summary_;
    }
    ReadSpec fault_spec;  // what FaultPoint reads of a run's spec: where, and the fault
    fault_spec.conninfo = o_.conninfo;
    fault_spec.fault = o_.fault;
    for (int i = 0; i < std::max(1, o_.connections); ++i) {
      Slot& slot = slots_.emplace_back();
      slot.conn = pg::Connection::open(o_.conninfo, reader_session());
      slot.fault = FaultPoint(fault_spec, i, /*forked=*/true);  // the worker is a process of its own
    }
    try {
      loop();
    } catch (...) {
      give_back_claims();
      throw;
    }
    return summary_;
  }

 private:
  void say(const std::string& line) const {
    if (o_.progress) o_.progress(fmt::format("worker {}: {}", summary_.name, line));
  }

  // Everything that would make the worker useless, before it claims a part; false:
  // the job has finished and --if-finished ok says that is no error.
  bool check_job() {
    const std::string db = control_.query_value("SELECT current_database()");
    if (!manifest_present(control_))
      throw JobRefused(fmt::format(
          "database {} has no fan-out manifest (the benchlab extension is not installed there, or predates fanout): "
          "point --dsn at the job's source database, where benchclient fanout start ran",
          db));
    const std::string user = control_.user();
    // (has_table_privilege with a list of privileges asks for any of them: one at a time.)
    if (control_.query_value("SELECT has_table_privilege('benchlab.fanout_part', 'SELECT') AND "
                             "has_table_privilege('benchlab.fanout_part', 'UPDATE') AND "
                             "has_table_privilege('benchlab.fanout_job', 'SELECT')") != "t")
      throw JobRefused(fmt::format(
          "role {} may not use the fan-out manifest in database {}: GRANT SELECT ON benchlab.fanout_job TO {}; GRANT "
          "SELECT, UPDATE ON benchlab.fanout_part TO {}",
          user, db, user, user));
    job_ = find_job(control_, o_.job);
    if (!job_)
      throw JobRefused(
          fmt::format("no fan-out job '{}' in database {}: start it with benchclient fanout start --job {} (see "
                      "docs/fanout.md)",
                      o_.job, db, o_.job));
    if (job_->state == "done" && o_.finished_ok) return false;
    if (job_->state != "running")
      throw JobRefused(fmt::format("fan-out job '{}' has {} (state {}): there is nothing to read; start a new job",
                                   o_.job, job_->state == "done" ? "finished" : "ended", job_->state));
    check_relations(user);
    return true;
  }

  // The worker's role may read every relation the parts read (the table, and leaf
  // partitions a page split reads directly), and sees the rows the coordinator's
  // check sees: under row-level security only the coordinator's own role does.
  void check_relations(const std::string& user) {
    const pg::Result r = control_.exec_params(
        "SELECT DISTINCT coalesce(nullif(relation, ''), $2) FROM benchlab.fanout_part WHERE job = $1",
        {o_.job, job_->relation});
    std::vector<std::string> relations{job_->relation};
    for (int i = 0; i < r.rows(); ++i)
      if (std::string rel(r.value(i, 0)); rel != job_->relation) relations.push_back(rel);
    for (const std::string& rel : relations) {
      std::string readable, secured;
      try {
        const pg::Result p = control_.exec_params(
            "SELECT has_table_privilege(c.oid, 'SELECT'), c.relrowsecurity FROM pg_class c WHERE c.oid = "
            "$1::regclass",
            {rel});
        p.expect_rows(1, "the job's relation");
        readable = std::string(p.value(0, 0));
        secured = std::string(p.value(0, 1));
      } catch (const pg::SqlError& e) {  // no USAGE on its schema, or the table gone since
        throw JobRefused(
            fmt::format("role {} cannot use {} (fan-out job '{}'): {}", user, rel, o_.job, pg::one_line(e.what())));
      }
      if (readable != "t")
        throw JobRefused(fmt::format("role {} may not read table {} (fan-out job '{}'): GRANT SELECT ON {} TO {}", user,
                                     rel, o_.job, rel, user));
      if (secured == "t" && user != job_->role)
        throw JobRefused(fmt::format(
            "table {} has row-level security: role {} may see other rows than the coordinator's role {}, whose "
            "check the job's sum must pass (fan-out job '{}'); run the worker as {}",
            rel, user, job_->role, o_.job, job_->role));
    }
  }

  void loop() {
    Clock::time_point last_claim_try{};
    Clock::time_point last_job_look = Clock::now();
    const auto lease = std::chrono::milliseconds(std::max(1, job_->lease_ms));
    const auto renew_every = lease / 3;
    std::vector<pollfd> fds;
    std::vector<Slot*> polled;
    for (;;) {
      throw_if_interrupted();
      // Idle connections claim parts; after a claim found none, again no sooner than
      // a quarter second (or a lease's tenth) later.
      const auto retry = std::min<Clock::duration>(std::chrono::milliseconds(250), lease / 10);
      bool none_left = false;
      if (Clock::now() - last_claim_try >= retry) {
        for (Slot& s : slots_)
          if (!s.claim && !start_part(s)) {
            last_claim_try = Clock::now();
            none_left = true;
            break;
          }
      }
      bool busy = false;
      for (const Slot& s : slots_) busy = busy || s.claim.has_value();
      if (!busy && none_left && job_finished()) return;
      // Leases of the parts being read, renewed at a third of the lease; the job's
      // state looked at every second meanwhile (its coordinator may have given up).
      for (Slot& s : slots_)
        if (s.claim && Clock::now() - s.renewed >= renew_every) renew(s);
      if (busy && Clock::now() - last_job_look >= std::chrono::seconds(1)) {
        last_job_look = Clock::now();
        stop_if_job_ended();
      }

      fds.clear();
      polled.clear();
      bool any_ready = false;
      for (Slot& s : slots_) {
        if (!s.reader) continue;
        fds.push_back(pollfd{s.reader->socket(), POLLIN, 0});
        polled.push_back(&s);
        any_ready = any_ready || s.ready;
      }
      // Before a wait, a nap while slower servers queue more (pg/read_pacer.hpp), as
      // parallel_copy does: without it a reader wakes for every 8 KiB the server writes.
      if (!any_ready && !fds.empty()) pacer_.before_wait(fds);
      const int wait_ms = any_ready ? 0
                                    : static_cast<int>(std::min<long long>(
                                          100, std::chrono::duration_cast<std::chrono::milliseconds>(retry).count()));
      const int n = ::poll(fds.data(), static_cast<nfds_t>(fds.size()), wait_ms);
      if (n < 0 && errno != EINTR) throw pg::BrokenConnection("poll failed: " + std::generic_category().message(errno));
      for (std::size_t i = 0; i < fds.size(); ++i) {
        Slot& s = *polled[i];
        if (fds[i].revents == 0 && !s.ready && n != 0) continue;
        const std::uint64_t before = s.reader->bytes();
        const CopyReader::Progress progress = s.reader->pump();
        pacer_.consumed(static_cast<std::size_t>(s.reader->bytes() - before));
        s.ready = progress == CopyReader::Progress::more;
        if (progress == CopyReader::Progress::done) end_part(s);
      }
    }
  }

  // Throws SnapshotGone when the job was dropped or its coordinator gave it up; the
  // job as it stands otherwise.
  JobRow stop_if_job_ended() {
    const auto job = find_job(control_, o_.job);
    if (!job) throw SnapshotGone(fmt::format("fan-out job '{}' was dropped while this worker ran", o_.job));
    if (job->state == "abandoned")
      throw SnapshotGone(fmt::format(
          "fan-out job '{}' was abandoned by its coordinator: its snapshot is gone; start a new job and its workers",
          o_.job));
    return *job;
  }

  // Whether no part is left to read by anyone (all done), or the job ended.
  bool job_finished() {
    const JobRow job = stop_if_job_ended();
    if (job.state != "running") return true;
    const Standing s = read_standing(control_, o_.job);
    return s.pending == 0 && s.reading == 0;
  }

  bool start_part(Slot& s) {
    const auto t0 = Clock::now();
    auto claim = claim_part(control_, o_.job, summary_.name, summary_.host, static_cast<int>(slots_.size()));
    if (!claim) return false;
    s.claim = std::move(claim);
    try {
      pg::begin_worker(s.conn, job_->snapshot);
    } catch (const pg::Error& e) {
      if (is_snapshot_gone(e))
        throw SnapshotGone(fmt::format(
            "fan-out job '{}': its snapshot {} is gone (the coordinator's transaction ended: it stopped or was "
            "killed); the job cannot go on in that snapshot: start a new job and its workers",
            o_.job, job_->snapshot));
      throw;
    }
    if (!types_) {
      // The job's columns' non-scalar types, described once (every part reads the same columns).
      types_ = plan::describe_types(control_, pg::describe_columns(control_.raw(), s.claim->query));
    }
    if (!s.decoder) s.decoder.emplace(*types_, job_->digest);
    s.setup_s = seconds_since(t0);
    s.so_far = s.decoder->totals();
    s.started = Clock::now();
    s.renewed = s.started;
    s.fault.before_part(s.conn.raw());
    s.reader =
        std::make_unique<CopyReader>(s.conn.raw(), s.claim->query, job_->format, o_.batch_rows, *s.decoder, context_);
    s.reader->set_fault(&s.fault);
    return true;
  }

  void end_part(Slot& s) {
    const double read_s = seconds_since(s.started);
    s.reader.reset();
    s.conn.exec("COMMIT");
    const DecodeTotals& now = s.decoder->totals();
    PartResult r;
    r.rows = now.rows - s.so_far.rows;
    r.bytes = now.bytes - s.so_far.bytes;
    r.checksum = now.checksum.sum - s.so_far.checksum.sum;
    r.unknown_values = now.unknown_values - s.so_far.unknown_values;
    if (job_->digest == DigestAlgorithm::sha256) r.digest = now.digest.minus(s.so_far.digest);
    r.read_s = read_s;
    r.setup_s = s.setup_s;
    const Claim claim = *s.claim;
    const bool confirmed = confirm_part(control_, o_.job, claim, r);
    s.claim.reset();
    if (!confirmed) (void)stop_if_job_ended();  // not the part's any more, or the job ended
    if (confirmed) {
      ++summary_.parts_confirmed;
      summary_.rows_confirmed += r.rows;
      say(fmt::format("part {} confirmed: {} rows in {:.2f} s", claim.part, r.rows, read_s));
    } else {
      ++summary_.parts_lost;
      say(
          fmt::format("part {} was re-offered while this worker read it (its lease had expired): another worker's "
                      "read counts, not this one's",
                      claim.part));
    }
  }

  void renew(Slot& s) {
    const std::uint64_t rows = s.decoder->totals().rows - s.so_far.rows;
    s.renewed = Clock::now();
    if (renew_lease(control_, o_.job, *s.claim, rows)) return;
    (void)stop_if_job_ended();  // the job's end, rather than this part's re-offer
    // The part is no longer ours: stop reading it (the COPY cancelled), on a fresh connection.
    ++summary_.parts_lost;
    say(fmt::format("part {} was re-offered (this worker's lease had expired): stopped reading it", s.claim->part));
    s.reader.reset();
    s.claim.reset();
    s.ready = false;
    s.conn = pg::Connection::open(o_.conninfo, reader_session());
  }

  // An interrupted worker gives its parts back at once rather than at its leases' end.
  void give_back_claims() noexcept {
    for (Slot& s : slots_) {
      if (!s.claim) continue;
      try {
        release_claim(control_, o_.job, *s.claim);
      } catch (...) {  // the lease expires anyway
      }
    }
  }

  const WorkerOptions& o_;
  pg::Connection control_;
  std::optional<JobRow> job_;
  std::optional<TypeCatalog> types_;
  std::vector<Slot> slots_;
  WorkerContext context_;
  pg::ReadPacer pacer_;
  WorkerSummary summary_;
};

}  // namespace

WorkerSummary run_worker(const WorkerOptions& options) { return Worker(options).run(); }

}  // namespace benchlab::fanout

#include "fanout/coordinator.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <map>

#include "fanout/manifest.hpp"
#include "fanout/worker.hpp"
#include "pg/connection.hpp"
#include "pg/snapshot.hpp"
#include "plan/read_plan.hpp"
#include "process/interrupt.hpp"

namespace benchlab::fanout {

namespace {

using Clock = std::chrono::steady_clock;

std::string database_of(const pg::Connection& conn) { return conn.query_value("SELECT current_database()"); }

void require_manifest(const pg::Connection& conn) {
  if (!manifest_present(conn))
    throw JobRefused(fmt::format(
        "database {} has no fan-out manifest: the benchlab extension is not installed there (CREATE EXTENSION "
        "benchlab), or it predates fanout (DROP EXTENSION benchlab; CREATE EXTENSION benchlab)",
        database_of(conn)));
}

// Until finished: the job is marked abandoned when the coordinator leaves early (an
// error, Ctrl-C), so that its workers stop instead of waiting for a snapshot that is gone.
class JobGuard {
 public:
  JobGuard(const pg::Connection& conn, std::string job) : conn_(conn), job_(std::move(job)) {}
  ~JobGuard() {
    if (finished_) return;
    try {
      finish_job(conn_, job_, "abandoned");
    } catch (...) {  // the server is gone: the workers find the snapshot gone instead
    }
  }
  JobGuard(const JobGuard&) = delete;
  JobGuard& operator=(const JobGuard&) = delete;
  void finish(const std::string& state) {
    finish_job(conn_, job_, state);
    finished_ = true;
  }

 private:
  const pg::Connection& conn_;
  std::string job_;
  bool finished_ = false;
};

// Per worker, and per host when there are several: parts confirmed and rows, for the progress lines.
std::string by_worker_and_host(const std::vector<FanoutPart>& parts) {
  std::map<std::string, std::pair<int, std::uint64_t>> workers, hosts;
  for (const auto& p : parts)
    if (p.state == "done")
      for (auto* by : {&workers[p.worker], &hosts[p.host]}) {
        ++by->first;
        by->second += p.rows;
      }
  const auto list = [](const auto& by) {
    std::string out;
    for (const auto& [name, figures] : by)
      out += fmt::format("{}{} {} part{} ({} rows)", out.empty() ? "" : ", ", name, figures.first,
                         figures.first == 1 ? "" : "s", figures.second);
    return out;
  };
  return hosts.size() > 1 ? list(workers) + "; by host: " + list(hosts) : list(workers);
}

}  // namespace

FanoutFigures run_coordinator(const CoordinatorOptions& o) {
  const auto say = [&](const std::string& line) {
    if (!o.progress) return;
    // The planner's phase lines name benchclient already.
    constexpr std::string_view kPrefix = "benchclient: ";
    o.progress(line.starts_with(kPrefix) ? line.substr(kPrefix.size()) : line);
  };
  const pg::Connection control = pg::Connection::open(o.conninfo, manifest_session("benchclient-fanout"));
  require_manifest(control);
  if (const auto existing = find_job(control, o.fanout.job))
    throw JobRefused(fmt::format(
        "fan-out job '{}' exists in database {} (state {}, started {}): choose another --job, or remove it with "
        "benchclient fanout drop --job {}",
        o.fanout.job, database_of(control), existing->state, existing->created_at, o.fanout.job));

  // The snapshot, held by a connection of its own for the whole read.
  pg::SessionOptions holder_session;
  holder_session.read_only = true;
  holder_session.statement_timeout_ms = 0;
  holder_session.application_name = "benchclient-fanout-snapshot";
  const pg::Connection holder = pg::Connection::open(o.conninfo, holder_session);
  // Idle in its transaction for the whole read, by design: a server's
  // idle_in_transaction_session_timeout would end it, and the snapshot with it.
  holder.exec("SET idle_in_transaction_session_timeout = 0");
  pg::ExportedSnapshot snapshot(holder);

  ReadOptions read = o.read;
  read.workers = o.fanout.parts;
  read.part_rows = 0;  // one part per --parts
  read.snapshot_id = snapshot.id();
  plan::PlanScope scope;
  scope.parallel = false;        // the workers' connections are theirs, on their hosts
  scope.server_figures = false;  // taken at the end, in the same snapshot
  const BenchmarkPlan plan = plan::make_plan(o.conninfo, read, say, std::nullopt, scope);
  const SizePlan& size = plan.sizes.front();
  const ReadSpec& spec = size.spec;
  const std::vector<KeyRange> parts = spec.partitions.empty() ? std::vector<KeyRange>{spec.all} : spec.partitions;

  FanoutFigures f;
  f.job = o.fanout.job;
  f.table = plan.table.display_name;
  f.split = std::string(to_string(spec.split));
  f.format = spec.format;
  f.snapshot = snapshot.id();
  f.server_version = control.query_value("SHOW server_version");
  f.shared_snapshot = o.fanout.shared_snapshot;
  f.lease_ms = o.fanout.lease_ms;
  f.notes = size.notes;

  JobRow row;
  row.job = o.fanout.job;
  row.snapshot = o.fanout.shared_snapshot ? snapshot.id() : std::string();
  row.relation = plan.table.relation_sql;
  row.format = spec.format;
  row.digest = spec.digest;
  row.lease_ms = o.fanout.lease_ms;
  row.coordinator_host = this_host();
  row.coordinator_pid = static_cast<int>(::getpid());
  if (!create_job(control, row, spec, parts))
    throw JobRefused(
        fmt::format("fan-out job '{}' was created by someone else meanwhile: choose another --job", o.fanout.job));
  JobGuard guard(control, o.fanout.job);
  f.parts.resize(parts.size());
  if (o.started) o.started(f);

  // Wait for every part, waking every quarter second (and when the snapshot's session
  // ends: its connection is watched).
  const auto t0 = Clock::now();
  int last_done = -1;
  auto last_line = Clock::now();
  for (;;) {
    throw_if_interrupted();
    for (const Reoffered& r : reoffer_expired(control, o.fanout.job))
      say(fmt::format("fanout {}: part {} re-offered: the lease of worker {} ({}) expired", o.fanout.job, r.part,
                      r.worker, r.host));
    const auto job = find_job(control, o.fanout.job);
    if (!job) throw std::runtime_error(fmt::format("fan-out job '{}' was dropped while it ran", o.fanout.job));
    const Standing s = read_standing(control, o.fanout.job);
    if (s.done != last_done || Clock::now() - last_line >= std::chrono::seconds(10)) {
      const std::string workers = s.done > 0 ? by_worker_and_host(read_parts(control, o.fanout.job)) : std::string();
      say(fmt::format("fanout {}: {}/{} parts confirmed, {} reading, {} pending; {} rows confirmed{}", o.fanout.job,
                      s.done, parts.size(), s.reading, s.pending, s.rows_done,
                      workers.empty() ? std::string() : "; " + workers));
      last_done = s.done;
      last_line = Clock::now();
    }
    if (s.done == static_cast<int>(parts.size())) break;
    try {
      holder.wait_input(std::chrono::milliseconds(250));
    } catch (const pg::BrokenConnection& e) {
      throw pg::BrokenConnection(fmt::format(
          "fan-out job '{}': the session holding its snapshot ended ({}); the job cannot go on in that snapshot",
          o.fanout.job, e.what()));
    }
  }
  const double waited_s = std::chrono::duration<double>(Clock::now() - t0).count();

  // The server's own figures for the same rows, in the same snapshot.
  say(
      fmt::format("fanout {}: every part confirmed after {:.1f} s; the server's rows and checksum in the job's "
                  "snapshot",
                  o.fanout.job, waited_s));
  // spec.snapshot_id is the job's snapshot: the planner read in it, and so does the check.
  const ServerExpectation server = plan::expect_from_server(o.conninfo, plan.table, spec, f.notes);
  f.expected_rows = server.rows;
  f.expected_checksum = server.checksum;
  f.expected_digest = server.digest;
  f.checksum_source = server.checksum_source;
  f.parts = read_parts(control, o.fanout.job);
  summarise_fanout(f);
  // A sum that differs from the server's, or that could not be checked, is a failed job.
  guard.finish(f.exact() ? "done" : "failed");
  snapshot.release();
  return f;
}

bool drop_fanout_job(const std::string& conninfo, const std::string& job) {
  const pg::Connection control = pg::Connection::open(conninfo, manifest_session("benchclient-fanout"));
  require_manifest(control);
  return drop_job(control, job);
}

}  // namespace benchlab::fanout

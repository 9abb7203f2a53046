#include "queue/workload.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "measure/host_facts.hpp"
#include "model/errors.hpp"
#include "pg/connection.hpp"
#include "plan/server_facts.hpp"
#include "process/interrupt.hpp"
#include "queue/bound.hpp"
#include "queue/crash_test.hpp"
#include "queue/dequeue.hpp"
#include "queue/enqueue.hpp"
#include "queue/jobs_table.hpp"

namespace benchlab::queue {

namespace {

// One profile on its own server: enqueue methods, then the dequeue samples.
void run_profile(const Workload& w, const std::function<void(const std::string&)>& say, const std::string& profile,
                 const std::string& conninfo, cluster::ThrowawayCluster* cluster, QueueArtifact& artifact) {
  const QueueOptions& q = w.options;
  {
    const pg::Connection admin = pg::Connection::open(conninfo, queue_session());
    // The free connections, as a benchmark run counts them (plan/server_facts).
    const ConnectionRoom room = plan::read_connection_room(admin);
    const int widest = *std::max_element(q.concurrency.begin(), q.concurrency.end());
    if (widest + 3 > room.free())
      throw SettingFailed(
          SettingFailed::Problem::concurrency_over_connections, std::to_string(widest),
          fmt::format("profile {} allows max_connections {}, of which {} are reserved for superusers and {} in use: {} "
                      "free (3 are benchclient's own); give at most {} or a profile with more (tuned, async_commit: "
                      "200)",
                      profile, room.max_connections, room.reserved, room.in_use, room.free(),
                      std::max(0, room.free() - 3)));
    migrate(admin);
  }
  for (const auto& method : enqueue_methods()) {
    throw_if_interrupted();
    EnqueueResult e = enqueue(conninfo, method, q.jobs, q.invalid_every);
    e.profile = profile;
    artifact.enqueue.push_back(e);
    say(fmt::format("  {} enqueue {:<17} {:>10.0f} rows/s{}", profile, method, e.rows_per_sec,
                    e.rejected ? fmt::format(" ({} refused by the CHECK, rolled back to their savepoints)", e.rejected)
                               : std::string()));
  }
  const pg::Connection admin = pg::Connection::open(conninfo, queue_session());
  for (const int payload : q.payload_bytes) {
    // The bound first, once per sample, on a queue seeded alike: the samples that
    // follow are read against it, measured within the same minute on the same server.
    // It is one job per claim; workers that claim several per statement have no bound
    // here (their fraction would not be of a ceiling), and the reports say "—".
    for (int s = 1; q.dequeue_batch == 1 && s <= q.samples; ++s) {
      throw_if_interrupted();
      reset(admin);
      (void)seed(admin, q.jobs, payload);
      QueueBound bound = measure_bound(conninfo, q.jobs, q.lease_ms);
      bound.profile = profile;
      bound.payload_bytes = payload;
      artifact.bounds.push_back(bound);
      say(fmt::format("  {} bound (payload {}), two UPDATEs by primary key per job, sample {}/{}: {:>8.0f} jobs/s",
                      profile, payload_label(payload), s, q.samples, bound.jobs_per_sec));
    }
    const double bound = bound_of(artifact.bounds, profile, payload).mean;
    for (const int c : q.concurrency)
      for (int s = 1; s <= q.samples; ++s) {
        throw_if_interrupted();
        reset(admin);
        const std::uint64_t seed_wal = seed(admin, q.jobs, payload);  // a fresh queue for every sample
        const std::string wal_before = wal_position(admin);
        QueueSample sample = run_sample(conninfo, c, q.jobs, q.dequeue_batch, q.lease_ms);
        const std::uint64_t wal = wal_bytes_since(admin, wal_before);
        sample.profile = profile;
        sample.payload_bytes = payload;
        sample.seed_wal_bytes_per_job = static_cast<double>(seed_wal) / static_cast<double>(q.jobs);
        sample.wal_bytes_per_job = static_cast<double>(wal) / static_cast<double>(q.jobs);
        artifact.samples.push_back(sample);
        say(fmt::format("  {} dequeue payload {} concurrency {:>2} sample {}/{}: {:>8.0f} jobs/s{}{}", profile,
                        payload_label(payload), c, s, q.samples, sample.jobs_per_sec,
                        bound > 0 ? fmt::format(" ({:.2f} of the bound)", sample.jobs_per_sec / bound) : "",
                        !sample.error.empty()  ? "  FAILED: " + sample.error
                        : !sample.exactly_once ? "  NOT EXACTLY ONCE"
                                               : ""));
      }
  }
  if (q.crash_test && cluster != nullptr) {
    say(fmt::format("  {} crash test: {} crashes, the server SIGKILLed mid-run each time", profile, q.crashes));
    CrashResult r = crash_test(*cluster, conninfo, q);
    r.profile = profile;
    artifact.crash_test.push_back(r);
    say(fmt::format("  {} crash test (synchronous_commit {}): {} commits confirmed, {} lost", profile,
                    r.synchronous_commit, r.confirmed_commits, r.lost_commits));
  }
}

}  // namespace

void run_workload(const Workload& w, QueueArtifact& artifact, const std::function<void(const std::string&)>& say) {
  artifact.options = w.options;
  artifact.context.date = utc_now("%Y-%m-%dT%H:%M:%SZ");
  artifact.context.command = w.command;
  artifact.context.host = read_host_facts();
  artifact.context.build = build_facts();
  artifact.context.table_name = kJobsTable;
  artifact.context.standard_table = true;
  artifact.context.key = "id";
  if (w.dsn) {
    artifact.options.profiles = {"dsn"};
    artifact.context.server = plan::read_server_facts(*w.dsn);
    artifact.context.target.dsn_redacted = pg::redact_conninfo(*w.dsn);
    artifact.profile_settings.emplace_back("dsn", artifact.context.server.settings);
    say("benchclient queue: on your server (no throwaway cluster)");
    run_profile(w, say, "dsn", *w.dsn, nullptr, artifact);
    return;
  }
  for (const auto& profile : w.options.profiles) {
    throw_if_interrupted();
    cluster::ClusterOptions options = w.cluster;
    options.profile = profile;
    say(fmt::format("benchclient queue: profile {}: a fresh throwaway cluster", profile));
    cluster::ThrowawayCluster server(options);  // removed when this profile is done
    const ServerFacts facts = plan::read_server_facts(server.conninfo());
    if (artifact.profile_settings.empty()) {
      artifact.context.server = facts;
      artifact.context.target.throwaway = true;
      artifact.context.target.dsn_redacted = "throwaway cluster";
      artifact.context.target.profile = profile;
    }
    artifact.profile_settings.emplace_back(profile, facts.settings);
    run_profile(w, say, profile, server.conninfo(), &server, artifact);
  }
}

}  // namespace benchlab::queue

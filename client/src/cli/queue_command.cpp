#include "cli/queue_command.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <iostream>
#include <stdexcept>

#include "cli/exit_codes.hpp"
#include "cli/usage_error.hpp"
#include "measure/host_facts.hpp"
#include "pg/connection.hpp"
#include "plan/server_facts.hpp"
#include "process/interrupt.hpp"
#include "queue/crash_test.hpp"
#include "queue/dequeue.hpp"
#include "queue/enqueue.hpp"
#include "queue/jobs_table.hpp"
#include "store/artifact_file.hpp"
#include "store/queue_artifact.hpp"

namespace benchlab::cli {

namespace {

void say(const QueueCommandOptions& o, const std::string& line) {
  if (!o.progress) return;
  std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}

// One profile on its own server: enqueue methods, then the dequeue samples.
void run_profile(const QueueCommandOptions& o, const std::string& profile, const std::string& conninfo,
                 cluster::ThrowawayCluster* cluster, QueueArtifact& artifact) {
  const QueueOptions& q = o.queue;
  {
    const pg::Connection admin = pg::Connection::open(conninfo, queue::queue_session());
    const int max_connections = std::stoi(admin.query_value("SHOW max_connections"));
    const int widest = *std::max_element(q.concurrency.begin(), q.concurrency.end());
    if (widest + 3 > max_connections)
      throw std::runtime_error(fmt::format(
          "--concurrency {}: profile {} allows max_connections {} (3 are benchclient's own); give at most {} or a "
          "profile with more (tuned, async_commit: 200)",
          widest, profile, max_connections, max_connections - 3));
    queue::migrate(admin);
  }
  for (const auto& method : queue::enqueue_methods()) {
    throw_if_interrupted();
    EnqueueResult e = queue::enqueue(conninfo, method, q.jobs, q.invalid_every);
    e.profile = profile;
    say(o,
        fmt::format("  {} enqueue {:<17} {:>10.0f} rows/s{}", profile, method, e.rows_per_sec,
                    e.rejected ? fmt::format(" ({} refused by the CHECK, rolled back to their savepoints)", e.rejected)
                               : std::string()));
    artifact.enqueue.push_back(e);
  }
  const pg::Connection admin = pg::Connection::open(conninfo, queue::queue_session());
  for (const int c : q.concurrency)
    for (int s = 1; s <= q.samples; ++s) {
      throw_if_interrupted();
      queue::reset(admin);
      queue::seed(admin, q.jobs);  // a fresh queue for every sample
      QueueSample sample = queue::run_sample(conninfo, c, q.jobs, q.dequeue_batch, q.lease_ms);
      sample.profile = profile;
      say(o, fmt::format("  {} dequeue concurrency {:>2} sample {}/{}: {:>8.0f} jobs/s{}", profile, c, s, q.samples,
                         sample.jobs_per_sec,
                         !sample.error.empty()  ? "  FAILED: " + sample.error
                         : !sample.exactly_once ? "  NOT EXACTLY ONCE"
                                                : ""));
      artifact.samples.push_back(sample);
    }
  if (o.queue.crash_test && cluster != nullptr) {
    say(o, fmt::format("  {} crash test: {} crashes, the server SIGKILLed mid-run each time", profile, q.crashes));
    CrashResult r = queue::crash_test(*cluster, conninfo, q);
    r.profile = profile;
    say(o, fmt::format("  {} crash test (synchronous_commit {}): {} commits confirmed, {} lost", profile,
                       r.synchronous_commit, r.confirmed_commits, r.lost_commits));
    artifact.crash_test.push_back(r);
  }
}

}  // namespace

int run_queue_command(const QueueCommandOptions& o) {
  const std::string date = utc_now("%Y-%m-%dT%H:%M:%SZ");
  bool created = false;
  try {
    created = ensure_writable_dir(o.results_dir);
  } catch (const std::runtime_error& e) {
    throw UsageError(fmt::format("queue {}", e.what()));  // the directory the command line names: bad input
  }
  QueueArtifact artifact;
  artifact.options = o.queue;
  artifact.context.date = date;
  artifact.context.command = o.command;
  artifact.context.host = read_host_facts();
  artifact.context.build = build_facts();
  artifact.context.table_name = queue::kJobsTable;
  artifact.context.standard_table = true;
  artifact.context.key = "id";
  try {
    if (o.target.dsn) {
      artifact.options.profiles = {"dsn"};
      ServerTarget target(o.target);
      artifact.context.server = plan::read_server_facts(target.conninfo());
      artifact.context.target.dsn_redacted = pg::redact_conninfo(target.conninfo());
      artifact.profile_settings.emplace_back("dsn", artifact.context.server.settings);
      say(o, "benchclient queue: on the server of --dsn");
      run_profile(o, "dsn", target.conninfo(), nullptr, artifact);
    } else {
      for (const auto& profile : o.queue.profiles) {
        throw_if_interrupted();
        TargetOptions t = o.target;
        t.cluster.profile = profile;
        say(o, fmt::format("benchclient queue: profile {}: a fresh throwaway cluster", profile));
        ServerTarget target(t);  // removed when this profile is done
        const ServerFacts facts = plan::read_server_facts(target.conninfo());
        if (artifact.profile_settings.empty()) {
          artifact.context.server = facts;
          artifact.context.target.throwaway = true;
          artifact.context.target.dsn_redacted = "throwaway cluster";
          artifact.context.target.profile = profile;
        }
        artifact.profile_settings.emplace_back(profile, facts.settings);
        run_profile(o, profile, target.conninfo(), target.cluster(), artifact);
      }
    }
  } catch (const Interrupted&) {
    artifact.complete = false;
    if (!artifact.samples.empty() || !artifact.enqueue.empty()) {
      const auto file = write_queue_artifact(artifact, o.results_dir);
      std::fprintf(stderr, "benchclient: interrupted; what was measured is in %s\n", file.c_str());
    } else if (created) {
      std::error_code ec;
      std::filesystem::remove(o.results_dir, ec);
    }
    throw;
  } catch (...) {
    if (created) {
      std::error_code ec;
      if (std::filesystem::is_empty(o.results_dir, ec)) std::filesystem::remove(o.results_dir, ec);
    }
    throw;
  }
  std::FILE* display = o.json ? stderr : stdout;
  print_queue_tables(display, artifact);
  const auto file = write_queue_artifact(artifact, o.results_dir);
  if (o.json) std::cout << queue_artifact_json(artifact).dump(2) << "\n";
  std::fprintf(stderr, "benchclient: queue artifact written to %s\n", file.c_str());
  int failed = 0;
  for (const auto& s : artifact.samples) failed += s.exactly_once ? 0 : 1;
  for (const auto& c : artifact.crash_test) failed += c.synchronous_commit == "on" && c.lost_commits > 0 ? 1 : 0;
  if (failed > 0) {
    std::fprintf(stderr, "benchclient: %d queue check%s failed (see above); exit status %d\n", failed,
                 failed == 1 ? "" : "s", kExitStrategyFailed);
    return kExitStrategyFailed;
  }
  return kExitOk;
}

}  // namespace benchlab::cli

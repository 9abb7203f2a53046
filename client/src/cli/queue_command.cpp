#include "cli/queue_command.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdio>
#include <iostream>
#include <stdexcept>

#include "cli/diagnostics.hpp"
#include "cli/error_wording.hpp"
#include "cli/exit_codes.hpp"
#include "cli/option_builders.hpp"
#include "cli/usage_error.hpp"
#include "cli/value_parsers.hpp"
#include "process/interrupt.hpp"
#include "process/memory.hpp"
#include "queue/workload.hpp"
#include "store/artifact_file.hpp"
#include "store/queue_artifact.hpp"

namespace benchlab::cli {

QueueCommand::QueueCommand(CLI::App& app, RunCommand& run)
    : queue_(app.add_subcommand(
          "queue",
          "the job-queue workload on a fresh throwaway cluster per profile: enqueue measured seven ways, dequeue "
          "samples per concurrency (exactly once checked), and --crash-test")),
      run_(run) {
  CLI::App& q = *queue_;
  QueueOptions& o = queue_options_;
  q.footer(kQueueExitStatusHelp);
  dsn_opt_ = q.add_option("--dsn", dsn_, "a server of your own instead (no --crash-test)");
  profile_opt_ =
      q.add_option("--profile", profiles_, "profiles, each on a fresh throwaway cluster (e.g. default,async_commit)")
          ->capture_default_str();
  q.add_option("--concurrency", concurrency_, "workers per sample, a list")->capture_default_str();
  q.add_option("--payload-bytes", payload_bytes_,
               "each job's payload in bytes of JSON text, a list, each size measured alike (64 to 1000000); 0: the "
               "standard payload, a small object of about 40 bytes")
      ->capture_default_str();
  add_integer_option(q, "--jobs", o.jobs, {1, 100000000, "jobs", "2000"}, "jobs per sample and per enqueue method",
                     "queue --jobs");
  add_integer_option(q, "--samples", o.samples, {1, 1000, "samples", "3"}, "samples per (profile, concurrency)",
                     "queue --samples");
  add_integer_option(q, "--dequeue-batch", o.dequeue_batch, {1, 100000, "jobs per statement", "10"},
                     "jobs claimed per statement", "queue --dequeue-batch");
  add_integer_option(q, "--lease-ms", o.lease_ms, {1, 86400000, "milliseconds", "30000"},
                     "a claimed job's lease: after it, a job whose worker died is claimed again", "queue --lease-ms");
  q.add_flag("--crash-test", o.crash_test,
             "per profile, kill the server mid-run (SIGKILL, no shutdown) and count confirmed commits lost");
  add_integer_option(q, "--crashes", o.crashes, {1, 1000, "crashes", "5"}, "crashes per profile", "queue --crashes");
  q.add_option("--pg-set", target_flags_.pg_set, "a server setting name=value on top of each profile (repeatable)");
  q.add_option("--server-cpus", target_flags_.server_cpus, "pin each throwaway server to these CPUs");
  q.add_option("--results-dir", results_dir_, "where the queue artifact goes")->capture_default_str();
  q.add_flag("--json", json_, "print the artifact on stdout (the tables go to stderr)");
  q.add_flag("--no-progress", quiet_, "no progress lines on stderr");
  metrics_.declare(q, "queue ");
}

void QueueCommand::validate() {
  QueueOptions& q = queue_options_;
  q.profiles = split_list(profiles_);
  if (q.profiles.empty()) throw UsageError("queue --profile: give one or more profiles, e.g. default,async_commit");
  for (const auto& p : q.profiles) {
    try {
      (void)cluster::find_profile(p);
    } catch (const std::invalid_argument& e) {
      throw UsageError(fmt::format("queue --profile: {}", e.what()));
    }
  }
  q.concurrency.clear();
  for (const auto& c : split_list(concurrency_)) {
    int n = 0;
    const auto [end, ec] = std::from_chars(c.data(), c.data() + c.size(), n);
    if (ec != std::errc() || end != c.data() + c.size() || n < 1 || n > 1000)
      throw UsageError(fmt::format("queue --concurrency '{}': give workers per sample, 1 to 1000, e.g. 1,2,4", c));
    q.concurrency.push_back(n);
  }
  if (q.concurrency.empty()) throw UsageError("queue --concurrency: give one or more worker counts, e.g. 1,2,4");
  q.payload_bytes.clear();
  for (const auto& p : split_list(payload_bytes_)) {
    int n = 0;
    const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), n);
    if (ec != std::errc() || end != p.data() + p.size() || (n != 0 && (n < kMinPayloadBytes || n > kMaxPayloadBytes)))
      throw UsageError(fmt::format(
          "queue --payload-bytes '{}': give payload sizes in bytes, {} to {} (or 0: the standard payload), e.g. "
          "64,1024,10240",
          p, kMinPayloadBytes, kMaxPayloadBytes));
    q.payload_bytes.push_back(n);
  }
  if (q.payload_bytes.empty())
    throw UsageError("queue --payload-bytes: give one or more payload sizes in bytes, e.g. 64,1024,10240");
  // --jobs, --samples, --dequeue-batch, --lease-ms and --crashes: checked as parsed (add_integer_option).
  if (dsn_opt_->count() > 0) {
    if (q.crash_test)
      throw UsageError("queue --crash-test kills the server: it runs on throwaway clusters only, never on --dsn");
    if (profile_opt_->count() > 0)
      throw UsageError("queue --profile applies to throwaway clusters; with --dsn the server's own settings are used");
    target_.dsn = dsn_;
  }
  target_.cluster = run_.target().cluster;
  validate_target_options(target_, target_flags_);  // --pg-set, --server-cpus
  if (results_dir_.empty()) throw UsageError("queue --results-dir: give a directory");
  results_dir_path_ = results_dir_;
}

namespace {

// The queue's metrics, from what the artifact holds so far.
void queue_metrics(const QueueArtifact& artifact, MetricValues& m) {
  double jobs = 0, failures = 0, enqueued = 0, lost = 0;
  for (const QueueSample& s : artifact.samples) {
    jobs += static_cast<double>(s.acknowledged);
    failures += s.exactly_once && s.error.empty() ? 0 : 1;
  }
  for (const EnqueueResult& e : artifact.enqueue) enqueued += static_cast<double>(e.rows);
  for (const CrashResult& c : artifact.crash_test) lost += static_cast<double>(c.lost_commits);
  m.set("benchlab_queue_samples_done_total", static_cast<double>(artifact.samples.size()));
  m.set("benchlab_queue_jobs_done_total", jobs);
  m.set("benchlab_queue_exactly_once_failures_total", failures);
  m.set("benchlab_queue_enqueue_rows_total", enqueued);
  m.set("benchlab_queue_crash_lost_commits_total", lost);
  if (!artifact.samples.empty()) m.set("benchlab_queue_jobs_per_second", artifact.samples.back().jobs_per_sec);
  m.set("benchlab_peak_rss_bytes", static_cast<double>(own_peak_rss_bytes()));
}

}  // namespace

int QueueCommand::run() {
  const std::filesystem::path& dir = results_dir_path_;
  bool created = false;
  try {
    created = ensure_writable_dir(dir);
  } catch (const std::runtime_error& e) {
    throw UsageError(fmt::format("queue {}", error_message(e)));  // the directory the command line names: bad input
  }
  queue::Workload workload{target_.dsn, target_.cluster, queue_options_, run_.options().command};
  const bool progress = !quiet_;
  QueueArtifact artifact;
  MetricsFile* metrics = metrics_.file();
  const auto measure = [metrics, &artifact] {
    if (metrics != nullptr) metrics->update([&artifact](MetricValues& m) { queue_metrics(artifact, m); });
  };
  measure();
  auto say = [progress, &measure](const std::string& line) {
    measure();
    if (!progress) return;
    std::fprintf(stderr, "%s\n", line.c_str());
    std::fflush(stderr);
  };
  try {
    queue::run_workload(workload, artifact, say);
  } catch (const Interrupted&) {
    artifact.complete = false;
    if (!artifact.samples.empty() || !artifact.enqueue.empty()) {
      const auto file = write_queue_artifact(artifact, dir);
      print_note(fmt::format("interrupted; what was measured is in {}", file.string()));
    } else if (created) {
      std::error_code ec;
      std::filesystem::remove(dir, ec);
    }
    throw;
  } catch (...) {
    if (created) {
      std::error_code ec;
      if (std::filesystem::is_empty(dir, ec)) std::filesystem::remove(dir, ec);
    }
    throw;
  }
  std::FILE* display = json_ ? stderr : stdout;
  print_queue_tables(display, artifact);
  const auto file = write_queue_artifact(artifact, dir);
  if (json_) std::cout << queue_artifact_json(artifact).dump(2) << "\n";
  print_note(fmt::format("queue artifact written to {}", file.string()));
  int failed = 0;
  for (const auto& s : artifact.samples) failed += s.exactly_once ? 0 : 1;
  for (const auto& c : artifact.crash_test) failed += c.synchronous_commit == "on" && c.lost_commits > 0 ? 1 : 0;
  if (failed > 0) {
    print_note(fmt::format("{} queue check{} failed (see above); exit status {}", failed, failed == 1 ? "" : "s",
                           kExitStrategyFailed));
    return kExitStrategyFailed;
  }
  return kExitOk;
}

}  // namespace benchlab::cli

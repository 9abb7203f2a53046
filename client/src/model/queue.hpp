// The job-queue workload (enqueue, dequeue samples, the crash test) as plain data: what to run and what
// every sample, enqueue method and crash measured.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace benchlab {

// The smallest payload size that can be asked for: the standard object with its
// padding key and the largest job number fits in it.
inline constexpr int kMinPayloadBytes = 64;
inline constexpr int kMaxPayloadBytes = 1000000;

struct QueueOptions {
  std::vector<std::string> profiles = {"default"};  // throwaway clusters, one fresh one each
  std::vector<int> concurrency = {1, 2, 4, 8, 16};
  std::uint64_t jobs = 2000;
  int samples = 3;
  int dequeue_batch = 1;   // jobs claimed per statement
  int lease_ms = 30000;    // a claimed job is another worker's after this long
  int invalid_every = 10;  // the savepoint batch: every n-th payload breaks the CHECK
  bool crash_test = false;
  int crashes = 5;
  // Each job's payload, as the text of its jsonb, this many bytes (each size measured
  // alike); 0: the standard payload, a small object of about 40 bytes.
  std::vector<int> payload_bytes = {0};
  friend bool operator==(const QueueOptions&, const QueueOptions&) = default;
};

// One dequeue sample: `concurrency` workers drain a freshly seeded queue of `jobs`.
struct QueueSample {
  std::string profile;
  int concurrency = 0;
  int payload_bytes = 0;  // QueueOptions::payload_bytes
  std::uint64_t jobs = 0;
  double wall_s = 0;  // from the barrier's release to the last job acknowledged
  double jobs_per_sec = 0;
  // Round trip of one claim and of one completion as a worker saw it (mean, µs).
  double claim_us = 0;
  double complete_us = 0;
  // WAL the server wrote during the sample (claims and completions) and while seeding
  // its queue (the INSERT of the jobs), per job.
  double wal_bytes_per_job = 0;
  double seed_wal_bytes_per_job = 0;
  // Every job succeeded exactly once: by the server's table (each row succeeded, one
  // claim each) and by the workers' acknowledgements (each id once, none missing).
  bool exactly_once = false;
  std::uint64_t acknowledged = 0;    // acknowledgements the workers recorded
  std::uint64_t duplicate_acks = 0;  // ids acknowledged more than once
  std::uint64_t succeeded_rows = 0;  // rows the server has in state succeeded
  std::uint64_t reclaimed = 0;       // jobs claimed more than once (a lease ran out)
  std::string error;                 // set: the sample failed (its siblings were stopped)
  friend bool operator==(const QueueSample&, const QueueSample&) = default;
};

// The least a claim and a completion can cost on the same table: one connection, per
// job two prepared UPDATEs by primary key (the claim's writes, then the completion's),
// each its own transaction, with no search for the next job and no lock skipped.
// Measured on a freshly seeded queue of the same jobs beside the samples, so a
// sample's jobs/s divided by it says how far the queue is from its bound on this
// server at this moment.
struct QueueBound {
  std::string profile;
  int payload_bytes = 0;
  std::uint64_t jobs = 0;
  double wall_s = 0;
  double jobs_per_sec = 0;
  double claim_us = 0;  // one claim UPDATE's round trip (mean)
  double complete_us = 0;
  double wal_bytes_per_job = 0;
  friend bool operator==(const QueueBound&, const QueueBound&) = default;
};

// One way of enqueueing the same jobs.
struct EnqueueResult {
  std::string profile;
  std::string method;          // per_transaction, pipelined, multirow, copy, savepoints, savepoints_clean, outbox
  std::uint64_t rows = 0;      // jobs committed
  std::uint64_t rejected = 0;  // jobs the CHECK refused (the savepoint batch)
  double wall_s = 0;
  double rows_per_sec = 0;
  friend bool operator==(const EnqueueResult&, const EnqueueResult&) = default;
};

// The crash test of one profile: commits the server confirmed, and how many of them
// were gone after the server was killed and restarted.
struct CrashResult {
  std::string profile;
  std::string synchronous_commit;
  std::string wal_writer_delay;
  int crashes = 0;
  std::uint64_t confirmed_commits = 0;
  std::uint64_t lost_commits = 0;
  friend bool operator==(const CrashResult&, const CrashResult&) = default;
};

// mean and population standard deviation of the samples' jobs/s (failed ones left out).
struct MeanStddev {
  double mean = 0;
  double stddev = 0;
  int count = 0;
};
[[nodiscard]] MeanStddev jobs_per_sec_of(const std::vector<QueueSample>& samples, const std::string& profile,
                                         int concurrency, int payload_bytes);
// The bound's jobs/s for (profile, payload size), over its samples.
[[nodiscard]] MeanStddev bound_of(const std::vector<QueueBound>& bounds, const std::string& profile, int payload_bytes);

// The fraction of its bound the queue must reach at concurrency 1 (under async_commit,
// where no flush sets the pace).
inline constexpr double kQueueBoundTarget = 0.7;

// One (profile, payload size, concurrency) level of the samples, in the order first
// measured: its jobs/s, how many of its samples there were and were exactly once, and
// beside it the bound of its profile and payload size.
struct QueueLevel {
  std::string profile;
  int payload_bytes = 0;
  int concurrency = 0;
  MeanStddev jobs_per_sec;
  int samples = 0;
  int exactly_once = 0;
  MeanStddev bound;              // jobs/s of the bound (count 0: not measured)
  double fraction_of_bound = 0;  // jobs_per_sec.mean / bound.mean; 0 without a bound
  double wal_bytes_per_job = 0;  // means over the samples that finished
  double seed_wal_bytes_per_job = 0;
  double claim_us = 0, complete_us = 0;
  double bound_claim_us = 0, bound_complete_us = 0;
  double bound_wal_bytes_per_job = 0;
};
[[nodiscard]] std::vector<QueueLevel> queue_levels(const std::vector<QueueSample>& samples,
                                                   const std::vector<QueueBound>& bounds = {});

// "standard" for 0, else "1024 B".
[[nodiscard]] std::string payload_label(int payload_bytes);

// The queue table of every report: its headers and one level's cells, formatted once
// here so the Markdown and HTML reports print the same figures ("—": not measured).
[[nodiscard]] const std::vector<std::string>& queue_level_headers();
[[nodiscard]] std::vector<std::string> queue_level_cells(const QueueLevel& l);

// At concurrency 1, whether the queue reached kQueueBoundTarget of its bound, and
// where the rest went: each statement's round trip beside the bound's, computed from
// the level's figures (empty when the level has no bound).
[[nodiscard]] std::string bound_verdict(const QueueLevel& level);
// At concurrency 1, per job: each statement's round trip beside the bound's, and the
// time in the worker between them (a level with jobs/s and a bound).
[[nodiscard]] std::string round_trips_per_job(const QueueLevel& level);

}  // namespace benchlab

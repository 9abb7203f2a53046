// The job-queue workload (enqueue, dequeue samples, the crash test) as plain data: what to run and what
// every sample, enqueue method and crash measured.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace benchlab {

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
  friend bool operator==(const QueueOptions&, const QueueOptions&) = default;
};

// One dequeue sample: `concurrency` workers drain a freshly seeded queue of `jobs`.
struct QueueSample {
  std::string profile;
  int concurrency = 0;
  std::uint64_t jobs = 0;
  double wall_s = 0;  // from the barrier's release to the last job acknowledged
  double jobs_per_sec = 0;
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
                                         int concurrency);

// One (profile, concurrency) level of the samples, in the order first measured: its
// jobs/s, and how many of its samples there were and were exactly once.
struct QueueLevel {
  std::string profile;
  int concurrency = 0;
  MeanStddev jobs_per_sec;
  int samples = 0;
  int exactly_once = 0;
};
[[nodiscard]] std::vector<QueueLevel> queue_levels(const std::vector<QueueSample>& samples);

}  // namespace benchlab

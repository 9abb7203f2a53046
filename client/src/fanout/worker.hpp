// `benchclient worker`: one worker of a fan-out job, on any host. It claims parts from
// the job's manifest, reads each with parallel_copy's reader (COPY in the job's
// format, every row decoded and hashed) on `connections` connections driven by one
// thread, each part in the job's snapshot (imported per part), renews its leases while
// it reads, and confirms each part with its figures. It ends when no part of the job
// is left to read.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include "model/recovery.hpp"

namespace benchlab::fanout {

// The worker cannot start on this job (exit 2, nothing claimed): no manifest, no
// such job, a finished one, a table or manifest its role may not use.
class JobRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The job's snapshot is gone (its coordinator ended): nothing more can be read in it.
class SnapshotGone : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct WorkerOptions {
  std::string conninfo;
  std::string job;
  int connections = 1;
  std::string name;  // empty: <host>:<pid>
  int batch_rows = 5000;
  // A job that has finished (state done) is no error: the worker ends at once, reading
  // nothing (a launcher's late worker). Otherwise such a job is refused (JobRefused).
  bool finished_ok = false;
  // BENCHLAB_INJECT_FAULT (tests): kill or stop strikes this worker's own process after
  // `after` batches of connection `worker`'s reading (mid-part, by construction);
  // terminate ends that connection's backend.
  std::optional<InjectedFault> fault;
  // One line per event (a part confirmed, a part lost to a re-offer); null: quiet.
  std::function<void(const std::string&)> progress;
};

struct WorkerSummary {
  std::string name;
  std::string host;
  int parts_confirmed = 0;
  int parts_lost = 0;  // read, but re-offered meanwhile: another worker's read counts
  std::uint64_t rows_confirmed = 0;
  bool finished_before_start = false;  // --if-finished ok, and the job had finished: nothing read
};

// Reads the job's parts until none is left; throws JobRefused before claiming
// anything, SnapshotGone, pg errors, Interrupted (its claims given back first).
WorkerSummary run_worker(const WorkerOptions& options);

}  // namespace benchlab::fanout

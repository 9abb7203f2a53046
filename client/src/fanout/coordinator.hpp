// `benchclient fanout start`: the coordinator of a read fanned out over workers on
// many hosts. It exports one snapshot and holds its transaction for the whole read,
// plans the parts in that snapshot, writes them into the manifest, then waits: it
// re-offers a part whose lease expired, follows the workers, and once every part is
// confirmed takes the server's rows and checksum in the same snapshot to judge the
// parts' sum. Ctrl-C (or any error) marks the job abandoned and releases the snapshot.
#pragma once

#include <functional>
#include <string>

#include "model/fanout.hpp"
#include "model/options.hpp"

namespace benchlab::fanout {

struct CoordinatorOptions {
  std::string conninfo;
  ReadOptions read;  // the table, key, split, format, rows and digest (workers and part_rows are set from parts)
  FanoutOptions fanout;
  // Phase and progress lines (null: quiet).
  std::function<void(const std::string&)> progress;
  // The manifest is written: workers may start (the CLI prints their command).
  std::function<void(const FanoutFigures&)> started;
};

// Runs the job to its end; the figures are summarised (model/fanout.hpp). Throws
// JobRefused (fanout/worker.hpp) for a job that exists or a database without the
// manifest, the planner's errors, pg errors, Interrupted.
FanoutFigures run_coordinator(const CoordinatorOptions& options);

// `fanout drop`: removes a job's manifest rows; false when there was no such job.
// Throws JobRefused for a database without the manifest.
bool drop_fanout_job(const std::string& conninfo, const std::string& job);

}  // namespace benchlab::fanout

// The fallback chain of the parallel strategies (a fault costs only the unconfirmed
// parts) and the part ledger that --checkpoint builds on.
//
// A parallel strategy's units of work are the parts of one of the plan's lists
// (Strategy::part_list). Every part read to its end is confirmed with its own rows,
// bytes and checksum; the run's totals are the sum of its confirmed parts. When a
// worker faults (crash, OOM kill, hang, lost connection, terminated backend,
// statement timeout), the strategy's attempt ends with an error, the parts it
// confirmed are kept, and after a backoff the strategy reads only the parts left —
// in the same snapshot, which a connection of the chain's own holds open for the
// whole run, so nothing is read twice or skipped and the checksum is exact.
// Retry 1 keeps the width, each later retry halves it, and the last reads in one
// worker (tier_workers). A part is the unit of resumption: a fault loses at most
// the part each faulted worker was reading (--part-rows sets their size).
#pragma once

#include <string>
#include <vector>

#include "model/figures.hpp"
#include "model/read_spec.hpp"
#include "model/recovery.hpp"

namespace benchlab {

class RunContext;
class Strategy;

// Where confirmed parts are kept beyond the process (--checkpoint): parts an earlier
// run confirmed are not read again; each part confirmed now is recorded before the
// chain goes on (the file is written atomically by its implementation).
class PartJournal {
 public:
  virtual ~PartJournal() = default;
  [[nodiscard]] virtual std::vector<PartFigures> confirmed_before() const = 0;
  // The run reads in this snapshot (recorded so that a resume can tell whether it is gone).
  virtual void started(const std::string& snapshot_id) = 0;
  virtual void confirm(const PartFigures& part) = 0;
  virtual void finished() = 0;
};

// Reads `spec` with `strategy` through `context`, re-reading what faults left.
// Throws the last fault's error, saying how many attempts were made at which
// widths, once --retries are spent, or at once for an error retrying cannot fix
// (a malformed query, a missing privilege, a snapshot that is gone, a decode error).
RecoveryFigures read_with_recovery(Strategy& strategy, const ReadSpec& spec, RunContext& context,
                                   const RecoveryOptions& options, PartJournal* journal);

// Whether a failed attempt is worth another: connection, server-resource and
// cancellation errors and worker deaths are; errors in the statement itself are not.
[[nodiscard]] bool retryable(const std::exception& error);

}  // namespace benchlab

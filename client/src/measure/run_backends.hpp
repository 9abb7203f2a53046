// A benchclient run's backends as a separate connection sees them in
// pg_stat_activity: every client backend (and parallel worker) of the run's
// database. What Ctrl-C must leave behind is none of them; the interrupt
// benchmark (client/bench/interrupt_bench.cpp) and the CLI tests watch them here.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "pg/connection.hpp"

namespace benchlab {

struct RunBackend {
  int pid = 0;
  std::string backend_type;  // "client backend" or "parallel worker"
  std::string application_name;
  std::string state;  // "active", "idle in transaction", ...
  std::string query;  // the current (or last) statement
};

// True when `b` is running a strategy's read: an active FETCH, COPY or SELECT of
// rows (not one of benchlab's own functions, which planning and metering call, nor
// the coordinator's pg_export_snapshot(), which comes before any read).
[[nodiscard]] bool is_active_read(const RunBackend& b);

// True when the read of `strategy` is in progress among `backends`: at least one
// active read, and for multiprocessing also `workers` forked workers connected
// (application_name benchclient-worker) with at least one of them reading.
// The wire ceiling's COPY looks like copy_stream's read: tell them apart by when
// (after the round's ceiling line on stderr), not here.
[[nodiscard]] bool read_in_progress(const std::vector<RunBackend>& backends, std::string_view strategy, int workers);

// One line per backend ("pid application state: query…"), for a failure message.
[[nodiscard]] std::string describe(const std::vector<RunBackend>& backends);

class RunBackendObserver {
 public:
  // Connects with `conninfo` (application_name benchlab-observer, read-only) to
  // watch the backends of `database`. Connect it to another database than the
  // run's so it is never one of them; its own backend is left out in any case.
  RunBackendObserver(const std::string& conninfo, std::string database);

  // The run's backends now.
  [[nodiscard]] std::vector<RunBackend> backends() const;
  // How many there are now (one small query: for polling at a fine interval).
  [[nodiscard]] std::size_t count() const;
  [[nodiscard]] const pg::Connection& connection() const { return conn_; }

 private:
  pg::Connection conn_;
  std::string database_;
};

}  // namespace benchlab

// A benchmark's plan, made before any strategy runs: the table, and per size the
// key range and its split (the ReadSpec every strategy gets) and what the server
// says those rows are.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/memory_plan.hpp"
#include "model/read_spec.hpp"
#include "model/report.hpp"
#include "model/table.hpp"

namespace benchlab {

struct SizePlan {
  std::uint64_t limit = 0;
  ReadSpec spec;
  ServerExpectation server;
  std::vector<std::string> notes;  // for the report: a key with duplicates, a server figure unavailable
};

// The server's connection slots as a run finds them before it starts: what
// max_connections leaves to ordinary roles, less the connections already open.
struct ConnectionRoom {
  int max_connections = 0;
  int reserved = 0;  // superuser_reserved_connections (and reserved_connections, PostgreSQL 16+)
  int in_use = 0;    // client backends open now, besides the one that asked
  [[nodiscard]] int free() const { return std::max(0, max_connections - reserved - in_use); }
};

// The connections a run holds open at once, at its widest: a parallel strategy's
// workers and the connection that exports their snapshot (the one connection of a
// serial strategy), and with --concurrent-writes the writer and each measured run's
// held snapshot. The wire ceiling's and the planner's connections close before a
// strategy starts.
struct ConnectionNeed {
  int workers = 0;  // 0: no parallel strategy runs
  int coordinator = 1;
  int writer = 0;
  int snapshot_holder = 0;
  [[nodiscard]] int total() const { return workers + coordinator + writer + snapshot_holder; }
};

struct BenchmarkPlan {
  TableInfo table;
  std::optional<MemoryPlan> memory;  // --memory-budget
  // What every size is read with: --workers and --batch-rows, or what the budget
  // chose, or fewer workers when the whole table holds fewer parts than asked.
  int workers = 0;
  int batch_rows = 0;
  ConnectionNeed connections;  // at the workers asked for (the budget's most), checked against `room`
  ConnectionRoom room;
  std::vector<SizePlan> sizes;
};

}  // namespace benchlab

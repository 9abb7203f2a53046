// A benchmark's plan, made before any strategy runs: the table, and per size the
// key range and its split (the ReadSpec every strategy gets) and what the server
// says those rows are.
#pragma once

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

struct BenchmarkPlan {
  TableInfo table;
  std::optional<MemoryPlan> memory;  // --memory-budget
  std::vector<SizePlan> sizes;
};

}  // namespace benchlab

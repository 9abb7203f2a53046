// --memory-budget: the planner's inputs measured (the budget, the parent's own
// footprint, the table's row width from benchlab.row_width_stats on a sample) and
// handed to plan_memory (model/memory_plan.hpp).
#pragma once

#include <string>

#include "model/memory_plan.hpp"
#include "model/options.hpp"
#include "model/table.hpp"

namespace benchlab::plan {

// A forked worker's own memory besides its batches: libpq's connection, the decoder
// and simdjson's buffers (a worker's private pages, batches included, peaked at
// 1.9 MiB reading the standard table with 5000-row batches; the rest of its RSS is
// the parent's pages, shared after fork).
inline constexpr std::uint64_t kWorkerBaseBytes = 2ULL << 20;

MemoryPlan plan_memory_budget(const std::string& conninfo, const TableInfo& table, const ReadOptions& options);

}  // namespace benchlab::plan

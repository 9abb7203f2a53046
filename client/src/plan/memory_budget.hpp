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
// and the JSON scanner's stack (a worker's private pages, batches included, peaked at
// 1.9 MiB reading the standard table with 5000-row batches; the rest of its RSS is
// the parent's pages, shared after fork).
inline constexpr std::uint64_t kWorkerBaseBytes = 2ULL << 20;

MemoryPlan plan_memory_budget(const std::string& conninfo, const TableInfo& table, const ReadOptions& options);

// Before anything starts (no server, no table yet): refuses a budget too small for
// one worker whatever the table's rows, with plan_memory's own error (the row taken
// as narrow as a row can be: one empty column). A budget that passes may still be
// refused once the table's row width is measured, if it is only just above this.
void check_budget_before_reading(const ReadOptions& options);

// The CPUs benchclient may run on: the budget never plans more workers than these.
int usable_cores();

}  // namespace benchlab::plan

// The memory-budget planner's arithmetic (--memory-budget): how many workers and
// how large a batch fit a client memory budget, from the table's measured row
// width. Pure: the inputs are measured elsewhere (plan/memory_budget.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace benchlab {

struct MemoryPlan {
  std::uint64_t budget_bytes = 0;
  std::string budget_source;            // "--memory-budget", "cgroup memory.max", "MemAvailable"
  std::uint64_t reserve_bytes = 0;      // the parent's own footprint, kept out of the workers' share
  std::uint64_t worker_base_bytes = 0;  // a worker before its first batch (libpq, decoder, runtime)
  double row_bytes = 0;                 // client memory per row in flight (PGresult bytes + per-value overhead)
  int in_flight_batches = 2;            // the cursor pipelines the next FETCH while this batch decodes
  int workers_asked = 0;
  int cores = 0;
  int batch_rows_asked = 0;
  // The plan:
  int workers = 0;
  int batch_rows = 0;
  std::uint64_t per_worker_bytes = 0;    // worker_base + in_flight_batches * batch_rows * row_bytes
  std::uint64_t worker_limit_bytes = 0;  // each forked worker's ceiling on growth (RLIMIT_AS)
  std::vector<std::string> arithmetic;   // the steps, as printed by `benchclient plan`
  friend bool operator==(const MemoryPlan&, const MemoryPlan&) = default;
};

// The smallest batch a plan may pick: below it round trips would dominate the read.
inline constexpr int kMinBatchRows = 64;

// workers = min(--workers, cores, floor((budget - reserve) / per_worker)); then the
// batch as large as a worker's share allows (at most --batch-rows). Throws
// std::runtime_error naming the minimum budget when not even one worker with a
// kMinBatchRows batch fits.
MemoryPlan plan_memory(std::uint64_t budget_bytes, std::string budget_source, std::uint64_t reserve_bytes,
                       std::uint64_t worker_base_bytes, double row_bytes, int workers_asked, int cores,
                       int batch_rows_asked);

// "64.0 MiB"
std::string format_bytes(std::uint64_t bytes);

}  // namespace benchlab

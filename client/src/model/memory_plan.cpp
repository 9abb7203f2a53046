#include "model/memory_plan.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace benchlab {

std::string format_bytes(std::uint64_t bytes) {
  char buf[32];
  if (bytes >= (1ULL << 30))
    std::snprintf(buf, sizeof buf, "%.2f GiB", static_cast<double>(bytes) / static_cast<double>(1ULL << 30));
  else
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / static_cast<double>(1ULL << 20));
  return buf;
}

MemoryPlan plan_memory(std::uint64_t budget_bytes, std::string budget_source, std::uint64_t reserve_bytes,
                       std::uint64_t worker_base_bytes, double row_bytes, int workers_asked, int cores,
                       int batch_rows_asked) {
  MemoryPlan p;
  p.budget_bytes = budget_bytes;
  p.budget_source = std::move(budget_source);
  p.reserve_bytes = reserve_bytes;
  p.worker_base_bytes = worker_base_bytes;
  p.row_bytes = row_bytes;
  p.workers_asked = std::max(1, workers_asked);
  p.cores = std::max(1, cores);
  p.batch_rows_asked = std::max(1, batch_rows_asked);
  const double batch_cost = p.in_flight_batches * row_bytes;  // bytes per batch row, all in-flight batches
  auto per_worker = [&](int batch) {
    return worker_base_bytes + static_cast<std::uint64_t>(std::ceil(batch_cost * batch));
  };
  const int min_batch = std::min(kMinBatchRows, p.batch_rows_asked);
  const std::uint64_t minimum = reserve_bytes + per_worker(min_batch);
  p.arithmetic.push_back("budget " + format_bytes(budget_bytes) + " (" + p.budget_source +
                         "), reserve for the parent " + format_bytes(reserve_bytes) + ": " +
                         format_bytes(budget_bytes > reserve_bytes ? budget_bytes - reserve_bytes : 0) +
                         " for workers");
  char line[256];
  std::snprintf(line, sizeof line, "per worker: %s base + %d batches in flight x %d rows x %.0f bytes/row = %s",
                format_bytes(worker_base_bytes).c_str(), p.in_flight_batches, p.batch_rows_asked, row_bytes,
                format_bytes(per_worker(p.batch_rows_asked)).c_str());
  p.arithmetic.emplace_back(line);
  if (budget_bytes < minimum) {
    throw std::runtime_error("--memory-budget " + format_bytes(budget_bytes) + " is too small for even one worker: " +
                             "it needs at least " + format_bytes(minimum) + " (" + format_bytes(reserve_bytes) +
                             " for the parent + " + format_bytes(per_worker(min_batch)) + " for one worker with a " +
                             std::to_string(min_batch) + "-row batch); give a larger budget");
  }
  const std::uint64_t available = budget_bytes - reserve_bytes;
  const auto fit = static_cast<int>(std::min<std::uint64_t>(available / per_worker(p.batch_rows_asked), 1 << 20));
  p.workers = std::max(1, std::min({p.workers_asked, p.cores, fit}));
  std::snprintf(line, sizeof line, "workers = min(--workers %d, cores %d, floor(%s / %s) = %d) = %d", p.workers_asked,
                p.cores, format_bytes(available).c_str(), format_bytes(per_worker(p.batch_rows_asked)).c_str(), fit,
                p.workers);
  p.arithmetic.emplace_back(line);
  if (fit == 0) p.arithmetic.back() += " (at least one, with a smaller batch)";
  // A worker's share, and the largest batch it holds (at most --batch-rows).
  const std::uint64_t share = available / static_cast<std::uint64_t>(p.workers);
  const double rows_fit = share > worker_base_bytes ? static_cast<double>(share - worker_base_bytes) / batch_cost : 0;
  p.batch_rows = std::max(min_batch, std::min(p.batch_rows_asked, static_cast<int>(std::min(rows_fit, 1e9))));
  p.per_worker_bytes = per_worker(p.batch_rows);
  p.worker_limit_bytes = share;
  std::snprintf(line, sizeof line,
                "share per worker %s: batch = min(--batch-rows %d, %.0f rows) = %d rows, %s per worker",
                format_bytes(share).c_str(), p.batch_rows_asked, rows_fit, p.batch_rows,
                format_bytes(p.per_worker_bytes).c_str());
  p.arithmetic.emplace_back(line);
  p.arithmetic.push_back("each forked worker's growth is capped at its share, " + format_bytes(share) +
                         " (RLIMIT_AS over its address space at fork)");
  return p;
}

}  // namespace benchlab

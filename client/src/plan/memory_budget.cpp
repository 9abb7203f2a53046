#include "plan/memory_budget.hpp"

#include <fmt/format.h>
#include <sched.h>

#include <algorithm>
#include <thread>

#include "pg/connection.hpp"
#include "pg/error.hpp"
#include "pg/wait.hpp"
#include "process/memory.hpp"

namespace benchlab::plan {
namespace {

// The parent: what it holds now plus room for its sampler, reporters and the
// result summaries of a run.
std::uint64_t parent_reserve_bytes() {
  return std::max<std::uint64_t>(own_resident_bytes(), 8ULL << 20) + (8ULL << 20);
}

// Client bytes per row in flight: the row's DataRow bytes plus libpq's 16-byte
// PGresAttValue per value and the tuple pointer, with a quarter more for malloc's
// own overhead.
double in_flight_row_bytes(double width, std::size_t columns) {
  return (width + 16.0 * static_cast<double>(columns) + 16.0) * 1.25;
}

struct Budget {
  std::uint64_t bytes = 0;
  std::string source;
};

Budget budget_of(const ReadOptions& options) {
  if (options.memory_budget_auto) {
    const MachineBudget machine = machine_memory_budget();
    return {machine.bytes, machine.source};
  }
  return {options.memory_budget_bytes, "--memory-budget"};
}

}  // namespace

int usable_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1U, std::thread::hardware_concurrency());
}

void check_budget_before_reading(const ReadOptions& options) {
  if (options.memory_budget_bytes == 0 && !options.memory_budget_auto) return;
  const Budget budget = budget_of(options);
  (void)plan_memory(budget.bytes, budget.source, parent_reserve_bytes(), kWorkerBaseBytes, in_flight_row_bytes(0, 1),
                    options.workers, usable_cores(), options.batch_rows);
}

MemoryPlan plan_memory_budget(const std::string& conninfo, const TableInfo& table, const ReadOptions& options) {
  const Budget b = budget_of(options);
  const std::uint64_t budget = b.bytes;
  const std::string& source = b.source;
  const std::uint64_t reserve = parent_reserve_bytes();

  // Client bytes per row in flight: the row's DataRow bytes (benchlab.row_width_stats,
  // sampled on big tables) plus libpq's 16-byte PGresAttValue per value and the
  // tuple pointer, with a quarter more for malloc's own overhead.
  pg::SessionOptions session;
  session.read_only = true;
  pg::Connection conn = pg::Connection::open(conninfo, session);
  double width = 0;
  std::string width_note;
  try {
    const double tuples = std::stod(
        conn.query_value("SELECT GREATEST(reltuples, 0)::float8 FROM pg_catalog.pg_class WHERE oid = $1::regclass",
                         {table.relation_sql}));
    const double percent = tuples > 100000 ? std::max(0.1, 100.0 * 100000 / tuples) : 100.0;
    const pg::Result r =
        pg::exec_interruptible(conn, "SELECT text_avg, rows FROM benchlab.row_width_stats($1::regclass, $2::float8)",
                               {table.relation_sql, fmt::format("{}", percent)});
    r.expect_rows(1, "row_width_stats");
    if (!r.is_null(0, 0)) width = std::stod(std::string(r.text(0, 0, "text_avg")));
    width_note = fmt::format("row width {:.0f} bytes (benchlab.row_width_stats over {} sampled rows)", width,
                             r.text(0, 1, "rows"));
  } catch (const pg::BrokenConnection&) {
    throw;
  } catch (const std::exception& e) {
    width = 0;
    width_note = fmt::format("row width unknown ({}); assuming 512 bytes", pg::one_line(e.what()));
  }
  if (width <= 0) {
    width = 512;
    if (width_note.empty()) width_note = "no rows sampled; assuming 512 bytes per row";
  }
  const double row_bytes = in_flight_row_bytes(width, table.columns.size());
  MemoryPlan p = plan_memory(budget, source, reserve, kWorkerBaseBytes, row_bytes, options.workers, usable_cores(),
                             options.batch_rows);
  p.arithmetic.insert(p.arithmetic.begin() + 1,
                      fmt::format("{}; in flight per row: ({:.0f} + 16 x {} columns + 16) x 1.25 = {:.0f} bytes",
                                  width_note, width, table.columns.size(), row_bytes));
  return p;
}

}  // namespace benchlab::plan

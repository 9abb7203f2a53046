#include "cli/plan_command.hpp"

#include <fmt/format.h>

#include <cstdio>

#include "cli/exit_codes.hpp"
#include "cli/server_target.hpp"
#include "model/memory_plan.hpp"
#include "plan/memory_budget.hpp"
#include "plan/read_plan.hpp"
#include "plan/table.hpp"
#include "process/interrupt.hpp"

namespace benchlab::cli {

PlanCommand::PlanCommand(CLI::App& app, RunCommand& run)
    : plan_(app.add_subcommand(
          "plan",
          "print what a run with the same options would do — the memory budget's arithmetic, the workers and batch "
          "size it picks, each size's split — without reading rows")),
      run_(run) {
  plan_->footer(kPlanExitStatusHelp);
  plan_->fallthrough();  // the run's own options, before or after `plan`
}

int PlanCommand::run() {
  const RunOptions& options = run_.options();
  ReadOptions read = options.read;
  if (read.memory_budget_bytes == 0) read.memory_budget_auto = true;  // plan always shows the budget
  ServerTarget target(options.target);
  target.ensure_extension();
  const std::vector<std::uint64_t> limits = read.all_rows ? std::vector<std::uint64_t>{0} : read.row_counts;
  const std::uint64_t max_rows = *std::max_element(limits.begin(), limits.end());
  const TableInfo table = plan::prepare_table(target.conninfo(), read, max_rows);
  fmt::print("table {} ({} columns), key {}, split {}\n", table.display_name, table.columns.size(),
             table.key_name.empty() ? std::string("none") : table.key_name, to_string(table.split));
  const MemoryPlan memory = plan::plan_memory_budget(target.conninfo(), table, read);
  fmt::print("memory plan:\n");
  for (const auto& line : memory.arithmetic) fmt::print("  {}\n", line);
  fmt::print("  => {} workers, batches of {} rows, {} per worker (ceiling {}), within {}\n", memory.workers,
             memory.batch_rows, format_bytes(memory.per_worker_bytes), format_bytes(memory.worker_limit_bytes),
             format_bytes(memory.budget_bytes));
  read.workers = memory.workers;
  read.batch_rows = memory.batch_rows;
  for (const std::uint64_t limit : limits) {
    throw_if_interrupted();
    const ReadSpec spec = plan::plan_read(target.conninfo(), table, limit, read);
    fmt::print("{}: {} parts for {} workers, {} batches (pooled_sync)\n",
               limit == 0 ? std::string("the whole table") : fmt::format("{} rows", limit), spec.partitions.size(),
               spec.workers, spec.batches.size());
  }
  std::fflush(stdout);
  return 0;
}

}  // namespace benchlab::cli

#include "cli/plan_command.hpp"

#include <fmt/format.h>

#include <cstdio>

#include "cli/error_wording.hpp"
#include "cli/exit_codes.hpp"
#include "cli/server_target.hpp"
#include "cli/usage_error.hpp"
#include "model/memory_plan.hpp"
#include "plan/read_plan.hpp"
#include "process/interrupt.hpp"

namespace benchlab::cli {

PlanCommand::PlanCommand(CLI::App& app, RunCommand& run)
    : plan_(app.add_subcommand(
          "plan",
          "print what a run with the same options would do — the workers and batch size (with --memory-budget, the "
          "budget's arithmetic), the connections it holds, each size's split — and refuse what it would refuse, "
          "without reading rows (the table is seeded as a run seeds it)")),
      run_(run) {
  plan_->footer(kPlanExitStatusHelp);
  run.add_options_to(*plan_);  // the run's own options, before or after `plan`
  plan_->fallthrough();
}

int PlanCommand::run() {
  const RunOptions& options = run_.options();
  ServerTarget target(options.target);
  target.ensure_extension();
  plan::PlanScope scope = plan_scope_of(options);
  scope.server_figures = false;  // they read every row
  BenchmarkPlan plan;
  try {
    plan = plan::make_plan(
        target.conninfo(), options.read, [](const std::string&) {}, options.expected_schema, scope);
  } catch (const plan::ConnectionsRefused& e) {
    throw UsageError(word(e, target.is_throwaway()));
  }
  const TableInfo& table = plan.table;
  const auto& strategies = options.schedule.strategies;
  fmt::print("strategies: {}\n", strategies.empty() ? std::string("none given, so counted as --all")
                                                    : fmt::format("{}", fmt::join(strategies, ", ")));
  fmt::print("table {} ({} columns), key {}, split {}\n", table.display_name, table.columns.size(),
             table.key_name.empty() ? std::string("none") : table.key_name, to_string(table.split));
  if (plan.memory) {
    const MemoryPlan& memory = *plan.memory;
    fmt::print("memory plan:\n");
    for (const auto& line : memory.arithmetic) fmt::print("  {}\n", line);
    fmt::print("  => {} workers, batches of {} rows, {} per worker (ceiling {}), within {}\n", memory.workers,
               memory.batch_rows, format_bytes(memory.per_worker_bytes), format_bytes(memory.worker_limit_bytes),
               format_bytes(memory.budget_bytes));
  }
  std::string why = "--workers and --batch-rows";
  if (plan.memory)
    why = "the memory budget's choice";
  else if (plan.workers != options.read.workers)
    why = fmt::format("fewer than --workers {}: see the note", options.read.workers);
  fmt::print("workers {}, batches of {} rows ({})\n", plan.workers, plan.batch_rows, why);
  fmt::print(
      "connections: at most {} at once ({}); the server has {} free (max_connections {} - {} reserved - {} in "
      "use)\n",
      plan.connections.total(), connection_parts(plan.connections), plan.room.free(), plan.room.max_connections,
      plan.room.reserved, plan.room.in_use);
  for (const SizePlan& size : plan.sizes) {
    throw_if_interrupted();
    const ReadSpec& spec = size.spec;
    fmt::print("{}: split {}, {} workers, batches of {} rows, {} partitions, {} batches\n",
               spec.whole_table ? std::string("the whole table") : fmt::format("{} rows", size.limit),
               to_string(spec.split), spec.workers, spec.batch_rows, spec.partitions.size(), spec.batches.size());
    for (const auto& note : size.notes) fmt::print("  note: {}\n", note);
  }
  std::fflush(stdout);
  return 0;
}

}  // namespace benchlab::cli

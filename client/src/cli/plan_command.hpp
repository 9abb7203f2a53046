// `benchclient plan …` (the options of a run): what a run would do — the table,
// the memory budget's arithmetic (--memory-budget, default auto here), the workers
// and batch size it picks and each size's split — without reading any row.
#pragma once

#include "cli/run_options.hpp"

namespace benchlab::cli {

int run_plan_command(const RunOptions& options);

}  // namespace benchlab::cli

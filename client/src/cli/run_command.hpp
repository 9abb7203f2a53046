// The benchmark command: results directory check, server target (throwaway cluster
// or --dsn), dataset preparation, the run loop, the console table and the artifact.
#pragma once

#include "cli/run_options.hpp"

namespace benchlab::cli {

// Returns the exit code (cli/exit_codes.hpp): 0 all runs ok; 3 when a strategy
// failed or mismatched (tolerant: after the whole run; strict: at the first);
// 128 + signal when interrupted (after printing and writing what was measured).
// Throws one-line errors for everything found before measuring starts (nothing is
// left behind); on --expect-schema drift, first prints the differences, one a line.
int run_benchmark_command(const RunOptions& options);

}  // namespace benchlab::cli

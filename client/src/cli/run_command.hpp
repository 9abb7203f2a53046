// The benchmark command: results directory check, server target (throwaway cluster
// or --dsn), dataset preparation, the run loop, the console table and the artifact.
#pragma once

#include "cli/run_options.hpp"

namespace benchlab::cli {

// Returns the exit code: 0; 1 when the strict policy failed; 128 + signal when
// interrupted (after printing and writing what was measured). Throws one-line
// errors for everything found before measuring starts (nothing is left behind).
int run_benchmark_command(const RunOptions& options);

}  // namespace benchlab::cli

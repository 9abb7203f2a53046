// The console report: one table per size, strategies as rows, like the Python lab
// (rows/s per size, peak RSS) with hyperfine touches (median ± spread, min … max).
#pragma once

#include <cstdio>

#include "cli/run_options.hpp"
#include "measure/run_loop.hpp"

namespace benchlab::results {

void print_table(std::FILE* out, const cli::RunOptions& options, const BenchmarkReport& report);

}  // namespace benchlab::results

// Everything a benchmark invocation asks for, parsed and validated before anything starts.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cli/server_target.hpp"
#include "strategies/strategy.hpp"

namespace benchlab::cli {

enum class MismatchPolicy { strict, tolerant };

struct RunOptions {
  TargetOptions target;
  std::vector<std::string> strategies;    // validated names, in table order
  std::vector<std::uint64_t> row_counts;  // --rows 100000,500000,1000000
  std::string table;                      // empty: the standard table (seeded)
  std::string key = "id";
  WireFormat format = WireFormat::text;
  int runs = 3;
  int warmup = 0;
  int workers = 2;
  int batch_rows = 5000;  // ~0.9 MB of standard rows: memory stays flat, round trips stay negligible
  int statement_timeout_ms = 0;
  MismatchPolicy policy = MismatchPolicy::tolerant;
  std::filesystem::path results_dir = "results";
  bool json_to_stdout = false;
  bool progress = true;          // only ever drawn on a terminal
  bool measure_observer = true;  // sampler and accounting on (off: to measure their cost)
};

}  // namespace benchlab::cli

// The run loop: for each size, plan the read and the server-only cost, then
// interleave: warmup rounds (each strategy once), then --runs rounds of the COPY
// wire ceiling followed by each strategy once, each run with a fresh Harness, so
// the machine's drift hits the ceiling and the strategies alike. Every run's rows
// and checksum are compared with the server's.
// Everything measured lands in BenchmarkReport as it is measured, so a SIGINT or a
// strict-policy failure still leaves a report to print and write.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/run_options.hpp"
#include "dataset/read_plan.hpp"
#include "measure/harness.hpp"
#include "measure/stats.hpp"

namespace benchlab {

// COPY (<the same query>) TO STDOUT over one connection, drained and discarded:
// the most rows/s the server and the wire can deliver, with no client decoding.
struct WireCeiling {
  WireFormat format = WireFormat::text;
  std::vector<double> wall_s;             // one per round
  std::vector<double> rows_per_sec_each;  // one per round
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;  // COPY data bytes received
  Summary rows_per_sec;
  Summary mb_per_sec;
};

// benchlab.server_scan(query, format): the server's own cost of producing the rows.
struct ServerScan {
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;
  double elapsed_s = 0;
  double cpu_user_s = 0;
  double cpu_sys_s = 0;
  std::uint64_t checksum = 0;
};

struct StrategyResult {
  std::string strategy;
  std::vector<RunFigures> runs;
  std::vector<std::string> errors;  // a run that threw (tolerant: recorded, the others go on)
  int warmups = 0;
  [[nodiscard]] bool any_mismatch() const;
  // Each run's rows/s ÷ its own round's wire ceiling (runs without one are skipped).
  [[nodiscard]] std::vector<double> round_ratios() const;
};

// The ratio to the wire ceiling reported for a strategy: the median of its per-round
// ratios; without per-round ceilings (older callers), median rows/s ÷ `ceiling_median`.
[[nodiscard]] std::optional<double> ratio_to_wire_ceiling(const StrategyResult& s, double ceiling_median);
// The former figure, kept for comparison: median rows/s ÷ median ceiling.
[[nodiscard]] std::optional<double> ratio_of_medians(const StrategyResult& s, double ceiling_median);

struct SizeResult {
  std::uint64_t limit = 0;
  KeyRange all;
  std::size_t partitions = 0;
  std::size_t batches = 0;
  std::map<std::string, WireCeiling> wire_ceiling;  // by format name
  std::optional<ServerScan> server_scan;
  std::optional<std::uint64_t> server_rows;
  std::optional<std::uint64_t> server_checksum;
  std::string server_checksum_source;  // "range_checksum" or "server_scan"
  std::vector<StrategyResult> strategies;
  std::vector<std::string> notes;
};

struct BenchmarkReport {
  std::vector<SizeResult> sizes;
  int interrupted_signal = 0;  // set: stopped by SIGINT/SIGTERM; what was measured is kept
  std::string strict_failure;  // set: a strict-policy failure stopped the run
};

// Progress and phase lines on stderr (when enabled), never on stdout.
struct LoopOutput {
  bool progress_line = false;  // live line: a terminal and not --no-progress
  bool phase_lines = true;     // one line per finished strategy
};

void run_benchmark(const std::string& conninfo, const cli::RunOptions& options, const dataset::TableInfo& table,
                   const LoopOutput& output, BenchmarkReport& report);

// One wire-ceiling run: COPY (query) TO STDOUT in `format`, drained; returns seconds, adds to rows/bytes.
double copy_drain(const std::string& conninfo, const std::string& query, WireFormat format, std::uint64_t& rows,
                  std::uint64_t& bytes);

}  // namespace benchlab

// The report of a benchmark: per size, the wire ceiling, the server's own cost
// and checksum, and every strategy's runs. Filled by the run loop as it measures
// (so an interruption still leaves a report), read back from artifacts by
// `benchclient report`, and summarized here (StrategySummary), once per artifact
// (model/artifact_summary.hpp), for every reader.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/figures.hpp"
#include "model/read_spec.hpp"
#include "model/strategy_shape.hpp"
#include "model/summary.hpp"
#include "model/wire_format.hpp"

namespace benchlab {

// COPY (<the same query>) TO STDOUT over one connection, drained and discarded:
// the most rows/s the server and the wire can deliver, with no client decoding.
struct WireCeiling {
  WireFormat format = WireFormat::text;
  std::vector<double> wall_s;  // one per round
  std::uint64_t rows = 0;      // per drain
  std::uint64_t bytes = 0;     // COPY data bytes received per drain

  [[nodiscard]] std::vector<double> rows_per_sec_each() const;  // one per round
  [[nodiscard]] Summary rows_per_sec() const;
  [[nodiscard]] Summary mb_per_sec() const;
  friend bool operator==(const WireCeiling&, const WireCeiling&) = default;
};

// benchlab.server_scan(query, format): the server's own cost of producing the rows.
struct ServerScan {
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;
  double elapsed_s = 0;
  double cpu_user_s = 0;
  double cpu_sys_s = 0;
  std::uint64_t checksum = 0;
  std::optional<SetDigest> digest = {};  // algorithm sha256 asked (and a format that hashes)
  friend bool operator==(const ServerScan&, const ServerScan&) = default;
};

// What every strategy must arrive at for one size: the server's rows and checksum
// (benchlab.range_checksum, else server_scan's), found while planning.
struct ServerExpectation {
  std::optional<ServerScan> scan;
  std::optional<std::uint64_t> rows;
  std::optional<std::uint64_t> checksum;
  std::optional<SetDigest> digest = {};  // --digest sha256: the set digest, from the same source as the checksum
  std::string checksum_source;           // "range_checksum" or "server_scan"
  friend bool operator==(const ServerExpectation&, const ServerExpectation&) = default;
};

struct StrategyResult {
  std::string strategy;
  std::vector<RunFigures> runs;
  std::vector<std::string> errors;  // a run that threw (tolerant: recorded, the others go on)
  int warmups = 0;
  [[nodiscard]] bool any_mismatch() const;
  // Over its runs: what the run loop's progress line shows before the size is summarized.
  [[nodiscard]] Summary rows_per_sec() const;
  // Each run's rows/s ÷ its own round's wire ceiling (runs without one are skipped).
  [[nodiscard]] std::vector<double> round_ratios() const;
  friend bool operator==(const StrategyResult&, const StrategyResult&) = default;
};

struct SizeResult {
  std::uint64_t limit = 0;  // rows asked for; of a whole-table read, the rows the server counted
  std::string profile;      // the throwaway cluster's settings profile it was measured on (empty: --dsn)
  bool whole_table = false;
  Split split = Split::key;
  KeyRange all;
  std::size_t partitions = 0;
  std::size_t batches = 0;
  std::map<std::string, WireCeiling> wire_ceiling;  // by format name
  ServerExpectation server;
  std::vector<StrategyResult> strategies;
  std::vector<std::string> notes;

  [[nodiscard]] const WireCeiling* ceiling(WireFormat format) const;
  [[nodiscard]] const StrategyResult* strategy(std::string_view name) const;
  friend bool operator==(const SizeResult&, const SizeResult&) = default;
};

struct BenchmarkReport {
  std::vector<SizeResult> sizes;
  int interrupted_signal = 0;  // set: stopped by SIGINT/SIGTERM; what was measured is kept
  std::string strict_failure;  // set: a strict-policy failure stopped the run
  [[nodiscard]] bool complete() const { return interrupted_signal == 0 && strict_failure.empty(); }
  friend bool operator==(const BenchmarkReport&, const BenchmarkReport&) = default;
};

// A strategy's standing at one size, in the order a reader should worry about it.
enum class Status { ok, unverified, incomplete, mismatch, error };
[[nodiscard]] std::string_view to_string(Status status);

// What a status means for this strategy when it needs saying beside it, else empty:
// a control's (NAME/unshared) mismatch is what it is built to show.
inline constexpr std::string_view kExpectedControlMismatch = "expected: control without a shared snapshot";
[[nodiscard]] std::string_view status_caveat(std::string_view strategy, Status status);

// What `cores` cores' time per row (cores × wall time ÷ rows) neither process spent
// on a CPU: waiting on the network, scheduling, locks, idle cores. 0 when the cores
// are not counted (0: the server runs elsewhere) or the CPUs used them all.
[[nodiscard]] double neither_ns_per_row(unsigned cores, double wall_ns_per_row, double server_cpu_ns_per_row,
                                        double client_cpu_ns_per_row);

// Per row, in nanoseconds, at the medians: the cores' time split into the server
// backends' CPU, the client's CPU and what neither used.
struct CoreTimePerRow {
  unsigned cores = 0;                   // the cores counted (0: the server is elsewhere, neither is not known)
  double wall_ns = 0;                   // 1e9 / median rows/s
  std::optional<double> server_cpu_ns;  // nullopt: not measured
  double client_cpu_ns = 0;
  double neither_ns = 0;
};

// A run the fallback chain recovered, beside the same strategy's clean runs: what
// the fault cost, and how much of it the work it threw away and the backoff explain.
struct RecoveredRun {
  std::size_t run = 0;              // its index in StrategyResult::runs
  std::optional<double> restart_s;  // measured, summed over its faults (nullopt: none measured)
  // Against the clean runs' median wall time (nullopt: no clean run, or no rows read):
  // the loss (wall − clean median), the work thrown away (rows discarded × the clean
  // time per row), and the rest none of it explains (loss − lost work − backoff − restart).
  std::optional<double> loss_s, lost_work_s, rest_s;
};

// Everything readers show of one strategy at one size, computed once from its runs.
struct StrategySummary {
  Summary rows_per_sec, peak_rss_bytes, parent_peak_rss_bytes, worker_peak_rss_bytes, mb_per_sec, wall_s, ttfr_ms,
      cpu_user_s, cpu_sys_s, server_cpu_user_s, server_cpu_sys_s, latency_p99_ms;
  Summary bytes_per_row;  // value bytes as received per row: how wide the rows are on the wire
  Summary client_cpu_ns_per_row, server_cpu_ns_per_row, cpu_bound_rows_per_sec;
  // Each run's rows/s ÷ its own CPU bound (on `cores` cores): how close the
  // architecture came to what the CPU the rows cost allows on the whole machine.
  Summary fraction_of_cpu_bound;
  // The strategy's shape (nullopt: a strategy this build does not know, or workers
  // not known), each run's bound at that shape (model/strategy_shape.hpp) and rows/s
  // ÷ it, and which limit binds at the medians of the CPU per row (nullopt: no bound).
  std::optional<StrategyShape> shape;
  Summary shape_bound_rows_per_sec, fraction_of_shape_bound;
  std::optional<BoundLimit> shape_limit;
  // Skew of the runs' parts (units of work): each run's coefficient of variation of
  // its parts' rows and of their times (count 0: no parts, a single-connection strategy).
  Summary part_rows_cv, part_time_cv;
  // --concurrent-writes: the rows the writer inserted and updated while each measured
  // run read (count 0: no writer).
  Summary writer_rows_inserted, writer_rows_updated;
  std::size_t parts = 0;           // the most parts one run read
  std::size_t forked_workers = 0;  // the most worker RSS figures one run reported
  // nullopt: no client CPU figure or no rows/s.
  std::optional<CoreTimePerRow> time_per_row;
  // The runs the fallback chain recovered from faults (their time includes it), and
  // the wall time of the others, the clean runs.
  std::vector<RecoveredRun> recovered;
  Summary clean_wall_s;
  // Median of the per-round ratios (without per-round ceilings: median rows/s ÷
  // median ceiling), and the former figure, median rows/s ÷ median ceiling.
  std::optional<double> ratio_to_wire_ceiling, ratio_of_medians;
  std::optional<bool> rows_match, checksum_match;  // over all runs; nullopt: no runs
  std::optional<bool> digest_match;                // --digest sha256, over all runs; nullopt: none compared
  Status status = Status::ok;
  // Every run read exactly the server's rows: row count, checksum and (sha256) digest.
  [[nodiscard]] bool exact() const {
    return rows_match.value_or(false) && checksum_match.value_or(false) && digest_match.value_or(true);
  }
  // Some run read other rows than the server's, by any of the three.
  [[nodiscard]] bool wrong() const { return rows_match == false || checksum_match == false || digest_match == false; }
};

// `runs_asked`: the runs the schedule asked for (fewer completed: incomplete);
// `cores`: the machine's, for the CPU bound (0: not known); `workers`: the run's
// --workers, for the strategy's shape (0: not known). A helper of
// summary_of(Artifact) (model/context.hpp), which every reader reads.
[[nodiscard]] StrategySummary summarize(const StrategyResult& result, const SizeResult& size, WireFormat format,
                                        int runs_asked, unsigned cores = 0, int workers = 0);

}  // namespace benchlab

// benchclient advise: what each strategy would do reading a whole table, predicted
// from a calibration on a sample of its pages, within a time budget. The model,
// written out in docs/advise.md:
//   Each strategy reads the same sample (block spans spread over the whole table)
//   once per format, through its own code, and once more a sample of one page: that
//   second read is its fixed cost F (connecting, forking, exporting the snapshot,
//   the first query), which does not grow with the rows. With n rows read in wall
//   time W, its steady rate is r = n ÷ (W − F), and a whole table of N rows takes
//   F + N ÷ r: N ÷ (F + N ÷ r) rows/s.
//   Peak RSS does not grow with the rows for a strategy that holds a batch at a time
//   (its sample's peak), and grows with them for one that holds the whole result
//   (naive): base + (peak − base) × N ÷ n.
//   What limits it is the shape bound's binding term (model/strategy_shape.hpp) at
//   the CPU per row it spent on both sides — server backends, client workers, or
//   every core — unless the sample read at well under that bound (round trips: the
//   reader waits) or its peak RSS does not fit the memory (memory).
// Pure: the calibration is measured elsewhere (advise/), this only computes.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/context.hpp"
#include "model/strategy_shape.hpp"
#include "model/strategy_table.hpp"
#include "model/wire_format.hpp"

namespace benchlab {

// The server producing the sample's rows alone (benchlab.server_scan), in one format.
struct FormatCalibration {
  WireFormat format = WireFormat::text;
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;  // DataRow bytes
  double elapsed_s = 0;
  double cpu_ns_per_row = 0;
  std::uint64_t checksum = 0;
  friend bool operator==(const FormatCalibration&, const FormatCalibration&) = default;
};

// One strategy reading the sample once in one format, through its own code.
struct StrategyCalibration {
  std::string strategy;
  WireFormat format = WireFormat::text;
  std::string parts;       // the plan's list its workers read: "partitions", "batches", or empty (one query)
  std::uint64_t rows = 0;  // rows it read of the sample
  int reads = 0;           // reads of the whole sample (rounds), each matched with the server's rows
  double wall_s = 0;       // the median read's
  // The fastest and slowest of its reads (0: one read, or an artifact from before they
  // were kept): how far this machine's noise moves a read of the same rows.
  double fastest_wall_s = 0, slowest_wall_s = 0;
  double fixed_s = 0;  // the same strategy reading a sample of one page
  std::optional<double> client_cpu_ns_per_row;
  std::optional<double> server_cpu_ns_per_row;
  std::uint64_t peak_rss_bytes = 0;
  std::uint64_t base_rss_bytes = 0;                // this process just before the read
  std::optional<bool> rows_match, checksum_match;  // against server_scan of the sample
  std::string error;                               // set: not calibrated, and why
  friend bool operator==(const StrategyCalibration&, const StrategyCalibration&) = default;
};

struct AdviseCalibration {
  std::string table;  // as the user named it (the standard table's name when none)
  std::uint64_t table_pages = 0;
  std::uint64_t table_rows = 0;   // estimated from the sample: its rows per page × the table's pages
  bool table_rows_exact = false;  // the sample was the whole table
  std::uint64_t sample_pages = 0;
  std::uint64_t sample_rows = 0;
  std::uint64_t spans = 0;  // block spans the sample's pages are in
  double seconds = 0;       // the whole calibration, connecting and planning included
  double time_budget_s = 0;
  double round_trip_ms = 0;          // median of a trivial query's round trips
  unsigned cores = 0;                // this machine's usable cores
  bool server_shares_cores = false;  // the server runs on this machine
  int workers = 0;
  int batch_rows = 0;
  std::uint64_t memory_limit_bytes = 0;  // what a prediction must fit (the budget, else the memory available)
  std::string memory_limit_source;       // "--memory-budget", "MemAvailable"
  std::vector<FormatCalibration> formats;
  // The whole read's own queries of one part (the middle partition, the middle batch),
  // run by the server alone in the first format: their server CPU per row ÷ the
  // sample's. A key split's part is a range of the key, which the server may read by
  // its index or by a scan of the whole table that filters it, at another cost per
  // row than the sample's page ranges (nullopt: not probed, or it did not finish).
  std::optional<double> partition_server_ratio, batch_server_ratio;
  std::vector<StrategyCalibration> strategies;
  std::vector<std::string> notes;
  friend bool operator==(const AdviseCalibration&, const AdviseCalibration&) = default;
};

// What limits a strategy reading the whole table.
enum class AdviseLimit { server, client, cores, round_trips, memory };
[[nodiscard]] std::string_view to_string(AdviseLimit limit);
[[nodiscard]] std::optional<AdviseLimit> advise_limit_from(std::string_view text);

// Below this share of its shape bound a strategy is waiting, not working: its
// round trips limit it (the reference run's streaming strategies reach 0.85 or more).
inline constexpr double kWaitingBelowBound = 0.6;

struct Prediction {
  std::string strategy;
  WireFormat format = WireFormat::text;
  double rows_per_sec = 0;
  double wall_s = 0;
  std::uint64_t peak_rss_bytes = 0;
  AdviseLimit limited_by = AdviseLimit::client;
  bool fits_memory = true;
  bool rss_grows_with_rows = false;
  std::optional<double> fraction_of_bound;  // the sample's steady rate ÷ its shape bound
  // The prediction scaled by how far the slowest and the fastest of the calibration's
  // reads were from the median one: the range this machine's noise alone puts around
  // it (nullopt: one read).
  std::optional<double> rows_per_sec_low, rows_per_sec_high;
  friend bool operator==(const Prediction&, const Prediction&) = default;
};

struct Recommendation {
  std::string strategy;
  WireFormat format = WireFormat::text;
  std::string why;
  std::string runner_up;  // empty: nothing else fits
  std::optional<WireFormat> runner_up_format;
  // The runner-up's range reaches the recommended one's: the calibration cannot tell
  // them apart on this machine, and `why` says to measure both.
  bool tie_with_runner_up = false;
  friend bool operator==(const Recommendation&, const Recommendation&) = default;
};

// Accuracy targets of a check: predicted rows/s within ±15% of the measured median,
// peak RSS within ±25% or 8 MiB.
inline constexpr double kRowsTolerance = 0.15;
inline constexpr double kRssTolerance = 0.25;
inline constexpr std::uint64_t kRssSlackBytes = 8ULL << 20;

// One strategy's prediction against the medians of its full reads.
struct StrategyCheck {
  std::string strategy;
  WireFormat format = WireFormat::text;
  double predicted_rows_per_sec = 0;
  double measured_rows_per_sec = 0;  // median
  // The slowest and fastest of its runs (0: unknown): the measurement's own noise.
  double measured_rows_per_sec_min = 0, measured_rows_per_sec_max = 0;
  std::optional<double> predicted_rows_per_sec_low, predicted_rows_per_sec_high;
  std::uint64_t predicted_rss_bytes = 0;
  std::uint64_t measured_rss_bytes = 0;  // median
  std::size_t runs = 0;
  bool read_exactly = true;                  // every run's rows and checksum equal the server's
  [[nodiscard]] double rows_error() const {  // signed: (predicted − measured) ÷ measured
    return measured_rows_per_sec > 0 ? predicted_rows_per_sec / measured_rows_per_sec - 1 : 0;
  }
  [[nodiscard]] double rss_error() const {
    return measured_rss_bytes > 0
               ? static_cast<double>(predicted_rss_bytes) / static_cast<double>(measured_rss_bytes) - 1
               : 0;
  }
  [[nodiscard]] bool rows_within() const {
    return measured_rows_per_sec > 0 && std::abs(rows_error()) <= kRowsTolerance;
  }
  [[nodiscard]] bool rss_within() const;
  // The measured runs' spread around their median, (max − min) ÷ median (nullopt: unknown).
  [[nodiscard]] std::optional<double> measured_spread() const {
    if (measured_rows_per_sec <= 0 || measured_rows_per_sec_max <= 0) return std::nullopt;
    return (measured_rows_per_sec_max - measured_rows_per_sec_min) / measured_rows_per_sec;
  }
  // The predicted range (the calibration's slowest to fastest read; without one, the
  // prediction) meets the measured runs' range: the miss, if any, is no larger than the
  // two measurements' noise.
  [[nodiscard]] bool ranges_meet() const {
    if (measured_rows_per_sec_max <= 0) return false;
    const double low = predicted_rows_per_sec_low.value_or(predicted_rows_per_sec);
    const double high = predicted_rows_per_sec_high.value_or(predicted_rows_per_sec);
    return low <= measured_rows_per_sec_max && high >= measured_rows_per_sec_min;
  }
  friend bool operator==(const StrategyCheck&, const StrategyCheck&) = default;
};

struct AdviseCheck {
  std::vector<std::string> run_files;  // the run artifacts of the full reads
  std::uint64_t rows = 0;              // the full read's rows (the server's count)
  double benchmark_s = 0;              // the full reads' wall time (every strategy, every run, the ceilings)
  std::vector<StrategyCheck> strategies;
  // The recommended strategy's measured median ÷ the best measured among those that
  // fit the memory limit (nullopt: the recommended one was not measured).
  std::optional<double> recommended_share_of_best;
  std::string best_measured;  // "parallel_copy binary"
  friend bool operator==(const AdviseCheck&, const AdviseCheck&) = default;
};

// Aggregates of a check, for the summary line and the report.
struct CheckSummary {
  std::size_t strategies = 0, rows_within = 0, rss_within = 0;
  std::size_t ranges_meet = 0;          // predicted range meets the measured runs' range
  std::optional<double> widest_spread;  // the largest measured_spread of any strategy
  std::string widest_spread_strategy;
  std::optional<double> worst_rows_error;  // signed, the largest in size
  std::string worst_rows_strategy;
  std::optional<double> worst_rss_error;
  std::string worst_rss_strategy;
  std::optional<double> calibration_share;  // calibration seconds ÷ the full benchmark's
};
[[nodiscard]] CheckSummary summarize_check(const AdviseCheck& check, double calibration_s);

// The same full reads measured by two checks (the same table and rows): how far apart
// their medians are — what a perfect prediction could at best achieve against either,
// on this machine.
struct RepeatedCheck {
  std::string table;
  std::uint64_t rows = 0;
  std::string earlier, later;                // their files
  std::size_t compared = 0;                  // strategies and formats both measured
  std::size_t within = 0;                    // medians within ±kRowsTolerance of each other
  std::optional<double> largest_difference;  // later ÷ earlier − 1, the largest in size
  std::string largest_strategy;
  friend bool operator==(const RepeatedCheck&, const RepeatedCheck&) = default;
};

struct AdviseResult {
  AdviseCalibration calibration;
  std::vector<Prediction> predictions;
  std::optional<Recommendation> recommendation;  // nullopt: no strategy was calibrated, or none fits
  std::optional<AdviseCheck> check;
  friend bool operator==(const AdviseResult&, const AdviseResult&) = default;
};

// Whether a strategy holds every row of the result at once (its RSS grows with them).
[[nodiscard]] bool holds_whole_result(std::string_view strategy);

// Each calibrated strategy's prediction for the calibration's table_rows.
[[nodiscard]] std::vector<Prediction> predict(const AdviseCalibration& calibration);

// The fastest prediction that fits the memory limit, why in one sentence, and the
// runner-up. nullopt: none fits (or none was calibrated).
[[nodiscard]] std::optional<Recommendation> recommend(const std::vector<Prediction>& predictions,
                                                      const AdviseCalibration& calibration);

// Each prediction against the medians of the full reads in its format: `runs` are
// the run artifacts (file, artifact) of advise --check, whose first size is the
// whole table; `benchmark_s` their wall time together.
[[nodiscard]] AdviseCheck check_predictions(const AdviseResult& advice,
                                            const std::vector<std::pair<std::string, Artifact>>& runs,
                                            double benchmark_s);

// The later check's medians against the earlier's (nullopt: different tables or row
// counts, or nothing measured by both).
[[nodiscard]] std::optional<RepeatedCheck> compare_checks(const AdviseResult& earlier, const std::string& earlier_file,
                                                          const AdviseResult& later, const std::string& later_file);
[[nodiscard]] std::string repeated_check_text(const RepeatedCheck& repeated);

// What the reporters show of an advise result, computed here once: the predictions
// (a row per strategy and format, the recommended one marked), the calibration in
// a sentence, and, after a check, predicted against measured and its summary line.
[[nodiscard]] StrategyTable predictions_table(const AdviseResult& advice);
[[nodiscard]] std::string calibration_text(const AdviseCalibration& calibration);
[[nodiscard]] std::string recommendation_text(const AdviseResult& advice);
[[nodiscard]] StrategyTable check_table(const AdviseResult& advice);
[[nodiscard]] std::string check_summary_text(const AdviseResult& advice);

// "parallel_copy binary" / "naive" (a single format's run names no format).
[[nodiscard]] std::string strategy_label(std::string_view strategy, WireFormat format, bool both_formats);

}  // namespace benchlab

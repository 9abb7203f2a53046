// Targets: what a set of artifacts was meant to show (a CPU per row at most this,
// a fraction of a bound at least that), judged from the artifacts' own figures,
// each finding stated met or not with the measured figures that explain it. The
// targets themselves are written by hand (results/targets.json, read by
// store/targets_file); every value and every cause here comes from an artifact.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/queue.hpp"
#include "model/strategy_table.hpp"
#include "model/wire_format.hpp"

namespace benchlab {

struct Artifact;

// What a target measures: a strategy's median over its runs at one size of a read
// artifact, or a queue level's figure at concurrency, profile and payload.
enum class TargetMetric {
  client_cpu_ns_per_row,
  server_cpu_ns_per_row,
  rows_per_sec,
  peak_rss_bytes,
  fraction_of_shape_bound,
  fraction_of_cpu_bound,
  ratio_to_wire_ceiling,
  queue_jobs_per_sec,
  queue_fraction_of_bound,
};
[[nodiscard]] std::string_view to_string(TargetMetric metric);
[[nodiscard]] std::optional<TargetMetric> target_metric_named(std::string_view name);
[[nodiscard]] bool is_queue_metric(TargetMetric metric);
// Every metric's name, for the error that names the ones there are.
[[nodiscard]] const std::vector<std::string_view>& target_metric_names();

struct Target {
  std::string title;  // what it promises, as the report heads it
  TargetMetric metric = TargetMetric::rows_per_sec;
  std::optional<double> at_most, at_least;  // at least one of them
  // Read metrics: which strategies, wire format and sizes (empty: any).
  std::vector<std::string> strategies;
  std::optional<WireFormat> format;
  std::vector<std::uint64_t> rows;
  // Queue metrics: which profiles, concurrency levels and payload sizes (empty: any).
  std::vector<std::string> profiles;
  std::vector<int> concurrency;
  std::vector<int> payload_bytes;
  // An ECMAScript regular expression the artifact's recorded command must contain a
  // match of (empty: any artifact): which sweep the target is about.
  std::string command;
};

// One measured figure against a target: a strategy at one size of one artifact, or
// one queue level.
struct TargetFinding {
  std::string file;     // the artifact it comes from
  std::string subject;  // "parallel_copy, binary, 1,000,000 rows" / "async_commit, concurrency 1, payload standard"
  double value = 0;     // the median (queue: the mean of its samples)
  double low = 0, high = 0;  // the runs' min … max (queue: mean ∓ σ)
  // false: a strategy, size or level the target names that nothing in the files
  // measured (value, low and high mean nothing; met is false).
  bool measured = false;
  // Met: the value meets the threshold, and every run read exactly the server's rows
  // (every queue sample ran each job exactly once): a run that read other rows
  // measured another read.
  bool met = false;
  // The runs fall on both sides of the threshold: met or not is within their spread.
  bool within_spread = false;
  std::string cause;  // the measured figures that explain the value, in one sentence
};

struct TargetOutcome {
  Target target;
  // One per strategy at size (queue: level) it covers, and one not measured for each
  // strategy, size or level it names that the files do not hold; none: nothing matched.
  std::vector<TargetFinding> findings;
  [[nodiscard]] bool met() const;  // every finding met, and at least one
};

// A read artifact or the queue levels of a queue artifact, by file name.
struct NamedArtifactRef {
  std::string file;
  const Artifact* artifact = nullptr;
};
struct NamedQueueLevels {
  std::string file;
  std::string command;  // the queue artifact's recorded command
  std::vector<QueueLevel> levels;
};

[[nodiscard]] std::vector<TargetOutcome> evaluate_targets(const std::vector<Target>& targets,
                                                          const std::vector<NamedArtifactRef>& reads,
                                                          const std::vector<NamedQueueLevels>& queues);

// How a target reads in a report: "client CPU per row ≤ 250 ns", "fraction of shape bound ≥ 0.9".
[[nodiscard]] std::string threshold_text(const Target& target);
// A value of the target's metric as the report prints it ("291 ns", "0.87", "1.2 M rows/s");
// `extra` more decimals where the unit has them.
[[nodiscard]] std::string metric_value_text(TargetMetric metric, double value, int extra = 0);
// The value as printed beside `target`: with more decimals when it would otherwise
// print as the threshold itself ("0.90 not met" against "≥ 0.90" says nothing).
[[nodiscard]] std::string value_beside(const Target& target, double value);
// "met", "not met", "not met (within the runs' spread)", "not measured".
[[nodiscard]] std::string finding_status_text(const TargetFinding& finding);
// "met", "not met (3 of 12 missed)", "not met (1 of 6 not measured)", "not measured".
[[nodiscard]] std::string outcome_status_text(const TargetOutcome& outcome);
// The measured finding nearest to missing the target, or furthest past it: the least
// margin to a bound (at_most − value, value − at_least); nullptr: none measured.
[[nodiscard]] const TargetFinding* worst_finding(const TargetOutcome& outcome);

// What every report says before the targets' table, one wording for all.
inline constexpr std::string_view kTargetsLegend =
    "Each target as the targets file states it, judged from the figures of these artifacts: the median of a "
    "strategy's runs (the queue: the mean of a level's samples). A target is met when every strategy, size and "
    "artifact it covers meets it, and never by what was not measured; \"within the runs' spread\" when the runs "
    "fall on both sides of it. The worst finding is the one nearest to missing it, or furthest past it.";

// The tables every report prints, made once here: one row per target (its
// threshold, status and worst finding), and one row per finding of a target.
[[nodiscard]] StrategyTable targets_overview(const std::vector<TargetOutcome>& outcomes);
[[nodiscard]] StrategyTable target_findings_table(const TargetOutcome& outcome);

}  // namespace benchlab

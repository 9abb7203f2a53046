// The verdict of one size of a read artifact, derived from its figures and never
// typed: the fastest strategy, the lowest memory, the best within the memory
// budget (when the run had one), and where the fastest one's time went.
//
// It compares like with like, and says on what it rests (docs/report.md, "The
// verdict"):
//   - only strategies whose every run read exactly the server's rows are candidates;
//   - a control (NAME/unshared, --no-shared-snapshot) never is: it is built to drift;
//   - a strategy with a run resumed from a --checkpoint never is: that rate is not a
//     measurement of the whole read;
//   - the candidates are compared on the rounds every one of them completed: when a
//     run ended early (Ctrl-C, the strict policy) and some strategies have more runs
//     than others, the extra runs are left out, and the verdict names them;
//   - a strategy scheduled but not measured at the size is named as not compared;
//   - an empty read (0 rows) has no verdict at all.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/report.hpp"

namespace benchlab {

struct Artifact;
struct Context;

struct VerdictPick {
  std::string strategy;
  double value = 0;          // rows/s or bytes, median over the runs compared
  double low = 0, high = 0;  // those runs' min … max
  // The runner-up, and whether the two overlap run for run (min … max): then the
  // order between them is within the noise of this many runs.
  std::optional<std::string> next;
  double next_value = 0;
  bool within_noise = false;
};

// Per row, in nanoseconds, of the strategy named: what the cores' time went to.
struct TimeSplit {
  std::string strategy;
  unsigned cores = 0;                // the cores it is counted on (0: the server is elsewhere)
  double wall_ns_per_row = 0;        // 1e9 / rows/s
  double server_cpu_ns_per_row = 0;  // the backends' CPU charged to the run's connections
  double client_cpu_ns_per_row = 0;  // benchclient's (and its workers') CPU: decoding, checksumming, libpq
  // cores × wall − both CPUs: no process of the run was on a core (network, scheduling, locks, idle cores).
  [[nodiscard]] double waiting_ns_per_row() const {
    return neither_ns_per_row(cores, wall_ns_per_row, server_cpu_ns_per_row, client_cpu_ns_per_row);
  }
  enum class Bottleneck { server, client, waiting };
  [[nodiscard]] Bottleneck bottleneck() const;
};

// Why a strategy of the size is not a candidate.
enum class LeftOut {
  control,       // NAME/unshared: a control without a shared snapshot
  failed,        // a run threw (tolerant policy)
  not_exact,     // a run read other rows or another checksum than the server's
  unverified,    // the server's figures were not known: its rows could not be checked
  resumed,       // a run resumed from a --checkpoint: its rates are not of the whole read
  not_measured,  // scheduled, but no run at this size (the run ended first)
};

struct LeftOutStrategy {
  std::string strategy;
  LeftOut why = LeftOut::not_measured;
  friend bool operator==(const LeftOutStrategy&, const LeftOutStrategy&) = default;
};

// Runs of one candidate outside the rounds every candidate completed: left out.
struct RoundsLeftOut {
  std::string strategy;
  std::vector<int> rounds;
  friend bool operator==(const RoundsLeftOut&, const RoundsLeftOut&) = default;
};

struct SizeVerdict {
  std::uint64_t rows = 0;
  std::string profile;
  std::size_t verified = 0;  // candidates: strategies that read exactly the server's rows, every run complete
  std::size_t measured = 0;  // strategies (controls aside) with runs
  // What the figures rest on: each candidate's runs of these rounds (1-based), the
  // rounds every candidate completed; the runs the schedule asked for; the runs left
  // out because not every candidate has their round; the strategies not compared.
  std::vector<int> rounds;
  int runs_asked = 0;
  std::vector<RoundsLeftOut> rounds_left_out;
  std::vector<LeftOutStrategy> left_out;
  // Of the strategies that are no control, only one was scheduled: its figures stand
  // alone (a single-strategy run), there is nothing to compare them with.
  bool single_strategy = false;
  std::optional<VerdictPick> fastest, lowest_memory, within_budget;
  std::uint64_t budget_bytes = 0;  // --memory-budget (0: none)
  std::optional<TimeSplit> time;   // of the fastest; nullopt: the server's CPU was not measured
  // A comparison is made: two candidates or more, or the one strategy the schedule had.
  [[nodiscard]] bool compared() const { return fastest.has_value() && (verified > 1 || single_strategy); }
};

// True when the size read no rows (an empty table, or a size of 0): it has no verdict.
[[nodiscard]] bool empty_read(const SizeResult& size);

// The verdict of one size from its strategies' summaries (`summaries`, one per
// size.strategies, in its order): computed once, by summary_of(Artifact).
[[nodiscard]] SizeVerdict verdict_of(const Context& context, const SizeResult& size,
                                     const std::vector<StrategySummary>& summaries);

// One per size (and profile) of the artifact, in its order; none for an empty read
// (read from its summary).
[[nodiscard]] std::vector<SizeVerdict> verdicts(const Artifact& artifact);

}  // namespace benchlab

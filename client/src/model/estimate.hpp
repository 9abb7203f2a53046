// How long a run will take: an estimate from the plan, refined from the run's own
// pace as rounds complete. It is for the user to plan their time by: printed before
// and during the run, never saved in an artifact, and always worded as an estimate.
//
// The model: every read the run loop makes of a size (a wire ceiling, a strategy's
// run, a warm pass) costs about as long as one wire ceiling of that size. Before
// anything is read, the wire ceiling is estimated from the plan's server_scan (the
// server producing the same rows alone): kCeilingPerServerScan × its time. Once a
// size's first wire ceiling is measured, its time is the cost of a read; once a round
// is complete, the rounds' own pace is. A later size costs what the current one does,
// scaled by their server_scan times (else by their rows).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace benchlab {

// A wire ceiling is the server_scan's work plus the protocol and a client's drain, so
// it takes longer than the scan; 1.5× is a rough first guess, replaced by the measured
// ceiling after round 1 (docs/methodology.md says so).
inline constexpr double kCeilingPerServerScan = 1.5;

// What the run loop reads at every size, each a full read of the size's rows.
struct EstimateShape {
  std::size_t strategies = 0;
  int runs = 0;
  int warmup = 0;
  int ceilings = 1;  // wire ceilings per round (2: the other wire format beside)

  [[nodiscard]] double reads_per_round() const {
    return static_cast<double>(ceilings) + static_cast<double>(strategies);
  }
  // The warm passes (one per ceiling format), the warmup rounds and the measured rounds.
  [[nodiscard]] double reads_per_size() const {
    return static_cast<double>(ceilings) + warmup * static_cast<double>(strategies) + runs * reads_per_round();
  }
};

// A size as the plan knows it before any read.
struct SizeToRead {
  std::uint64_t rows = 0;
  std::optional<double> server_scan_s;  // nullopt: no server_scan (the extension's function unavailable)
};

// The estimate said before the first read.
struct RunEstimate {
  std::optional<double> seconds;  // nullopt: nothing to estimate from until the first wire ceiling
  std::size_t sizes = 0;
  EstimateShape shape;
  int targets = 1;  // settings profiles, each measured on its own cluster (--profile a,b)
};

// Before any read: from the sizes' server_scan times (nullopt when no size has one).
// `targets`: this many clusters are measured alike, one after another.
[[nodiscard]] std::optional<double> estimate_from_scans(const EstimateShape& shape,
                                                        const std::vector<SizeToRead>& sizes, int targets = 1);

// The cost of one read at a size, from what its rounds measured: after round 1's
// wire ceiling its time; after more, the time the complete rounds took per read.
[[nodiscard]] double seconds_per_read(const EstimateShape& shape, double ceiling_s, int rounds_done,
                                      double rounds_elapsed_s);

// What is left once the wire ceiling of round `round` of size `index` is measured (the
// round's strategies, the size's later rounds, the later sizes and the later
// targets), each read costing `read_s` at this size.
[[nodiscard]] double remaining_seconds(const EstimateShape& shape, const std::vector<SizeToRead>& sizes,
                                       std::size_t index, int round, double read_s, int targets_after = 0);

// A duration as an estimate reads: "about 40 s", "about 2 min", "about 1 h 10 min".
[[nodiscard]] std::string about(double seconds);

// "1 size × (wire ceiling + 7 strategies) × 3 runs": what the estimate counts.
[[nodiscard]] std::string estimate_shape_text(const RunEstimate& estimate);

}  // namespace benchlab

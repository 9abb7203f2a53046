// The verdict of one size of a read artifact, derived from its figures and never
// typed: the fastest strategy, the lowest memory, the best within the memory
// budget (when the run had one), and where the fastest one's time went. Only
// strategies whose every run read exactly the server's rows count.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/context.hpp"

namespace benchlab {

struct VerdictPick {
  std::string strategy;
  double value = 0;          // rows/s or bytes, median over the runs
  double low = 0, high = 0;  // the runs' min … max
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
    const double capacity = static_cast<double>(cores) * wall_ns_per_row;
    return capacity > server_cpu_ns_per_row + client_cpu_ns_per_row
               ? capacity - server_cpu_ns_per_row - client_cpu_ns_per_row
               : 0;
  }
  enum class Bottleneck { server, client, waiting };
  [[nodiscard]] Bottleneck bottleneck() const;
};

struct SizeVerdict {
  std::uint64_t rows = 0;
  std::string profile;
  std::size_t verified = 0;  // strategies that read exactly the server's rows
  std::size_t measured = 0;  // strategies with runs
  std::optional<VerdictPick> fastest, lowest_memory, within_budget;
  std::uint64_t budget_bytes = 0;  // --memory-budget (0: none)
  std::optional<TimeSplit> time;   // of the fastest; nullopt: the server's CPU was not measured
};

// One per size (and profile) of the artifact, in its order.
[[nodiscard]] std::vector<SizeVerdict> verdicts(const Artifact& artifact);

}  // namespace benchlab

// The figures one run measures: what readers consumed, the server CPU they
// caused, and everything the harness adds (clocks, CPU, RSS, latency).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "benchlab/row_checksum.hpp"
#include "benchlab/set_digest.hpp"
#include "model/recovery.hpp"

namespace benchlab {

// Server backend CPU (benchlab.backend_cpu), charged connection by connection.
struct ServerCpu {
  std::int64_t user_us = 0;
  std::int64_t sys_us = 0;
  ServerCpu& operator+=(const ServerCpu& o) {
    user_us += o.user_us;
    sys_us += o.sys_us;
    return *this;
  }
  friend ServerCpu operator-(ServerCpu a, const ServerCpu& b) { return {a.user_us - b.user_us, a.sys_us - b.sys_us}; }
};

// What a reader consumed. Trivially copyable: forked workers put it in shared memory.
struct DecodeTotals {
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;           // value bytes as received (no length words)
  std::uint64_t unknown_values = 0;  // values of types the decoder does not know (kept as raw bytes)
  SetChecksum checksum;
  SetDigest digest;  // --digest sha256 (all zero otherwise)
  void merge(const DecodeTotals& o) {
    rows += o.rows;
    bytes += o.bytes;
    unknown_values += o.unknown_values;
    checksum.merge(o.checksum);
    digest.merge(o.digest);
  }
};

// One part (unit of work) a multi-connection strategy read in a run: a part of the
// plan (spec.partitions; pooled_sync: spec.batches), which relation and bounds it
// is, what it delivered and how long it took from its query sent to its last row
// decoded (with several parts in flight on one thread, their times overlap).
struct PartFigures {
  std::size_t index = 0;  // position in the plan's list (0-based)
  std::string relation;   // a leaf partition, quoted; empty: the benchmark's table
  std::int64_t lo = 0;    // key or block bounds, inclusive (kOpenStart / kOpenEnd: none)
  std::int64_t hi = 0;
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;  // value bytes as received
  double wall_s = 0;
  // The part's own share of the run's checksum (SetChecksum sum of its rows) and of
  // its unknown values: a run recovered from faults, or resumed from a checkpoint,
  // adds up its parts instead of its readers.
  std::uint64_t checksum = 0;
  std::uint64_t unknown_values = 0;
  SetDigest digest = {};  // --digest sha256: the part's share of the run's digest (all zero otherwise)
  friend bool operator==(const PartFigures&, const PartFigures&) = default;
};

// Coefficient of variation (population standard deviation ÷ mean) of `values`:
// how unevenly the work was cut. nullopt with no values or a mean of 0.
[[nodiscard]] inline std::optional<double> coefficient_of_variation(const std::vector<double>& values) {
  if (values.empty()) return std::nullopt;
  double sum = 0;
  for (const double v : values) sum += v;
  const double mean = sum / static_cast<double>(values.size());
  if (mean <= 0) return std::nullopt;
  double squares = 0;
  for (const double v : values) squares += (v - mean) * (v - mean);
  return std::sqrt(squares / static_cast<double>(values.size())) / mean;
}

// --concurrent-writes during one run: what the writer did while it ran, and the
// server's rows and checksum in the snapshot held for the run (what it must match).
struct ConcurrentWriteFigures {
  std::uint64_t rows_inserted = 0;
  std::uint64_t rows_updated = 0;
  std::uint64_t expected_rows = 0;
  std::uint64_t expected_checksum = 0;
  friend bool operator==(const ConcurrentWriteFigures&, const ConcurrentWriteFigures&) = default;
};

// Everything one run measured (raw figures; the artifact keeps each of them).
struct RunFigures {
  double wall_s = 0;
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;
  std::uint64_t unknown_values = 0;
  std::uint64_t checksum = 0;
  double rows_per_sec = 0;
  double mb_per_sec = 0;  // value bytes as received, 10^6 bytes per second
  std::optional<double> ttfr_ms;
  double cpu_user_s = 0;
  double cpu_sys_s = 0;
  std::optional<double> server_cpu_user_s;  // nullopt: not measured (no extension, or observer off)
  std::optional<double> server_cpu_sys_s;
  std::optional<std::uint64_t> peak_rss_bytes;         // sampler; nullopt with the observer off
  std::uint64_t maxrss_bytes = 0;                      // getrusage ru_maxrss (self, process lifetime high-water mark)
  std::uint64_t maxrss_children_bytes = 0;             // getrusage ru_maxrss of reaped children (largest one)
  std::optional<std::uint64_t> parent_peak_rss_bytes;  // sampler, this process alone; nullopt with the observer off
  std::vector<std::uint64_t> worker_peak_rss;          // forked workers' ru_maxrss, one per worker (empty: none)
  std::optional<std::uint64_t> worker_peak_rss_bytes;  // the largest of worker_peak_rss
  std::vector<std::uint64_t> worker_private_peak;      // forked workers' own private memory, one per worker
  std::uint64_t batches = 0;
  double latency_p50_ms = 0;
  double latency_p95_ms = 0;
  double latency_p99_ms = 0;
  double latency_max_ms = 0;
  double pool_wait_s = 0;
  // Set by the run loop: whether rows and checksum equal the server's (nullopt:
  // server figure unknown), the round this run belongs to (1-based) and that
  // round's wire ceiling (COPY rows/s in the run's format, measured just before it).
  std::optional<bool> rows_match;
  std::optional<bool> checksum_match;
  // --digest sha256: the run's set digest, and whether it equals the server's
  // (nullopt: xxh3 only, or the server's digest unknown). A mismatch counts as one.
  std::optional<SetDigest> digest;
  std::optional<bool> digest_match;
  int round = 0;
  std::optional<double> wire_ceiling_rows_per_sec;
  std::vector<std::string> notes;
  // The parts read, by index (empty: a single-connection strategy, or an older artifact).
  std::vector<PartFigures> parts;
  // The fallback chain of a parallel strategy (nullopt: a single-connection
  // strategy, --retries 0, or an older artifact): attempts, tiers and faults.
  std::optional<RecoveryFigures> recovery;
  std::optional<ConcurrentWriteFigures> concurrent_writes;

  // Skew: the coefficient of variation of the parts' rows and of their times.
  [[nodiscard]] std::optional<double> part_rows_cv() const {
    std::vector<double> v;
    for (const auto& p : parts) v.push_back(static_cast<double>(p.rows));
    return coefficient_of_variation(v);
  }
  [[nodiscard]] std::optional<double> part_time_cv() const {
    std::vector<double> v;
    for (const auto& p : parts) v.push_back(p.wall_s);
    return coefficient_of_variation(v);
  }

  // This run's rows/s ÷ its own round's wire ceiling.
  [[nodiscard]] std::optional<double> ratio_to_wire_ceiling() const {
    if (!wire_ceiling_rows_per_sec || *wire_ceiling_rows_per_sec <= 0) return std::nullopt;
    return rows_per_sec / *wire_ceiling_rows_per_sec;
  }
  [[nodiscard]] bool mismatched() const {
    return rows_match == false || checksum_match == false || digest_match == false;
  }

  // Where the time went, per row: the client's CPU (user + sys, this process and
  // its children) and the server backends' CPU charged to the run's connections.
  [[nodiscard]] std::optional<double> client_cpu_ns_per_row() const {
    if (rows == 0) return std::nullopt;
    return (cpu_user_s + cpu_sys_s) * 1e9 / static_cast<double>(rows);
  }
  [[nodiscard]] std::optional<double> server_cpu_ns_per_row() const {
    if (rows == 0 || !server_cpu_user_s || !server_cpu_sys_s) return std::nullopt;
    return (*server_cpu_user_s + *server_cpu_sys_s) * 1e9 / static_cast<double>(rows);
  }
  // The most rows/s `cores` cores could give if every row cost what this run's own
  // figures say it cost (server + client CPU per row), whatever the architecture:
  // cores ÷ (CPU seconds per row). Unknown without the server's figure.
  [[nodiscard]] std::optional<double> cpu_bound_rows_per_sec(unsigned cores) const {
    const auto client = client_cpu_ns_per_row();
    const auto server = server_cpu_ns_per_row();
    if (!client || !server || *client + *server <= 0 || cores == 0) return std::nullopt;
    return static_cast<double>(cores) * 1e9 / (*client + *server);
  }
  friend bool operator==(const RunFigures&, const RunFigures&) = default;
};

}  // namespace benchlab

// The figures one run measures: what readers consumed, the server CPU they
// caused, and everything the harness adds (clocks, CPU, RSS, latency).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "benchlab/row_checksum.hpp"

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
  void merge(const DecodeTotals& o) {
    rows += o.rows;
    bytes += o.bytes;
    unknown_values += o.unknown_values;
    checksum.merge(o.checksum);
  }
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
  int round = 0;
  std::optional<double> wire_ceiling_rows_per_sec;
  std::vector<std::string> notes;

  // This run's rows/s ÷ its own round's wire ceiling.
  [[nodiscard]] std::optional<double> ratio_to_wire_ceiling() const {
    if (!wire_ceiling_rows_per_sec || *wire_ceiling_rows_per_sec <= 0) return std::nullopt;
    return rows_per_sec / *wire_ceiling_rows_per_sec;
  }
  [[nodiscard]] bool mismatched() const { return rows_match == false || checksum_match == false; }

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

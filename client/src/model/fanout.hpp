// A read fanned out over workers on many hosts (benchclient fanout start / worker):
// the job as the coordinator plans it, each part as the manifest records it, and the
// figures the artifact reports, computed once here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "benchlab/set_digest.hpp"
#include "model/wire_format.hpp"

namespace benchlab {

// A job name: 1 to 63 of [A-Za-z0-9._-], starting with a letter or digit (the
// manifest's CHECK says the same).
[[nodiscard]] bool valid_fanout_job_name(const std::string& name);

// What `fanout start` was asked for, besides the read's own options.
struct FanoutOptions {
  std::string job;
  int parts = 16;
  int lease_ms = 30000;
  bool shared_snapshot = true;  // false: --no-shared-snapshot, each worker's part in a snapshot of its own
};

// One part as the manifest holds it once the job ended.
struct FanoutPart {
  int index = 0;
  std::string relation;  // a leaf partition; empty: the job's table
  std::int64_t lo = 0;
  std::int64_t hi = 0;
  std::string state;  // pending, reading, done
  std::string worker;
  std::string host;
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;
  std::uint64_t checksum = 0;
  std::uint64_t unknown_values = 0;
  std::optional<SetDigest> digest;  // --digest sha256
  double read_s = 0;                // the COPY, from sent to its last row decoded
  double setup_s = 0;               // the claim and the snapshot's import before it
  double claimed_at_s = 0;          // seconds after the job's first claim (the server's clock)
  double confirmed_at_s = 0;
  int connections = 1;  // the worker's connections (parts it reads at once)
  int claims = 0;
  int reoffers = 0;
};

// Throughput of one worker or one host: its parts, from its first claim to its last
// confirmation (the server's clock, so hosts need no clock of their own in step).
struct FanoutShare {
  std::string name;  // worker (its --name, or host:pid) or host
  std::string host;  // the worker's host (empty for a host's own line)
  int parts = 0;
  int connections = 0;  // a worker's; a host's: the sum of its workers'
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;
  double span_s = 0;        // first claim to last confirmation
  double read_s = 0;        // sum of its parts' COPY times
  double rows_per_sec = 0;  // rows / span_s
};

struct FanoutFigures {
  std::string job;
  std::string table;  // as the user named it
  std::string split;  // key or ctid
  WireFormat format = WireFormat::text;
  std::string snapshot;        // the job's exported snapshot
  std::string server_version;  // SHOW server_version
  bool shared_snapshot = true;
  int lease_ms = 0;
  std::vector<FanoutPart> parts;
  // The server's figures in the job's snapshot.
  std::optional<std::uint64_t> expected_rows;
  std::optional<std::uint64_t> expected_checksum;
  std::optional<SetDigest> expected_digest;
  std::string checksum_source;  // range_checksum or server_scan
  // Computed by summarise_fanout.
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;
  std::uint64_t checksum = 0;
  std::optional<SetDigest> digest;
  std::optional<bool> rows_match;
  std::optional<bool> checksum_match;
  std::optional<bool> digest_match;
  double read_wall_s = 0;  // the job's first claim to its last confirmation
  double rows_per_sec = 0;
  int reoffers = 0;
  std::vector<FanoutShare> workers;
  std::vector<FanoutShare> hosts;
  std::optional<double> worker_rows_cv;  // skew: coefficient of variation of the workers' rows
  std::optional<double> worker_span_cv;  //       and of their spans
  // Coordination's cost per part: the time the workers' connections spent outside a
  // COPY within their spans (span x connections - COPY time), per part: claims,
  // snapshot imports, confirmations, and waits for a part to claim.
  double overhead_per_part_s = 0;
  double setup_per_part_s = 0;  // the measured part of it: claim and import, mean
  std::vector<std::string> notes;
  [[nodiscard]] bool mismatch() const {
    return rows_match == false || checksum_match == false || digest_match == false;
  }
  // Checked against the server's figures, and equal to them.
  [[nodiscard]] bool exact() const { return rows_match == true && checksum_match == true && !mismatch(); }
};

// Sums the parts, judges them against the server's figures, and computes the
// per-worker and per-host shares, skew and overhead.
void summarise_fanout(FanoutFigures& figures);

}  // namespace benchlab

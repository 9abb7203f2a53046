// The fan-out manifest: benchlab.fanout_job and benchlab.fanout_part in the source
// database (sql/benchlab.sql, section 6), and every statement that reads or writes
// them. The coordinator creates a job and its parts, re-offers parts whose lease
// expired, and reads the figures; a worker claims a part with FOR UPDATE SKIP LOCKED,
// renews its lease, and confirms it naming its claim, so that a part read twice (its
// first worker silent past the lease, then back) is counted once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "benchlab/set_digest.hpp"
#include "model/fanout.hpp"
#include "model/read_spec.hpp"
#include "pg/connection.hpp"

namespace benchlab::fanout {

// This host's name, as the manifest records coordinators and workers.
[[nodiscard]] std::string this_host();

// A session that writes the manifest (read-write, no statement timeout).
[[nodiscard]] pg::SessionOptions manifest_session(const std::string& application_name);

// Whether the database has the manifest tables (the extension installed, at a version
// with fan-out); a role that cannot see the schema counts as without.
[[nodiscard]] bool manifest_present(const pg::Connection& conn);

struct JobRow {
  std::string job;
  std::string state;     // running, done, abandoned, failed
  std::string snapshot;  // '' : each worker's part in a snapshot of its own
  std::string relation;  // quoted, qualified
  WireFormat format = WireFormat::text;
  DigestAlgorithm digest = DigestAlgorithm::xxh3;
  int lease_ms = 0;
  int parts = 0;
  std::string coordinator_host;
  int coordinator_pid = 0;
  std::string role;        // the coordinator's role (its check sees the rows this role sees)
  std::string created_at;  // as the server prints it
};

// The job, if it exists.
[[nodiscard]] std::optional<JobRow> find_job(const pg::Connection& conn, const std::string& job);

// Inserts the job and its parts (spec.range_query of each) in one transaction.
// false: a job of that name exists (nothing written).
[[nodiscard]] bool create_job(const pg::Connection& conn, const JobRow& job, const ReadSpec& spec,
                              const std::vector<KeyRange>& parts);

// A job's end: its state and finished_at (only a running job changes).
void finish_job(const pg::Connection& conn, const std::string& job, const std::string& state);

// Removes a job and its parts; false when there was none.
[[nodiscard]] bool drop_job(const pg::Connection& conn, const std::string& job);

// Parts whose lease expired while being read go back to pending (reoffers + 1). Returns
// them with the worker and host that held them.
struct Reoffered {
  int part = 0;
  std::string worker, host;
};
[[nodiscard]] std::vector<Reoffered> reoffer_expired(const pg::Connection& conn, const std::string& job);

// The job's standing, for the coordinator's progress.
struct Standing {
  int pending = 0, reading = 0, done = 0;
  std::uint64_t rows_done = 0;
  std::uint64_t rows_reading = 0;  // as of the readers' last lease renewals
};
[[nodiscard]] Standing read_standing(const pg::Connection& conn, const std::string& job);

// Every part, with its figures and times relative to the job's first claim.
[[nodiscard]] std::vector<FanoutPart> read_parts(const pg::Connection& conn, const std::string& job);

// A part a worker has claimed.
struct Claim {
  int part = 0;
  int claim = 0;  // which claim this is: the confirmation names it
  std::string query;
  std::string relation;
  std::int64_t lo = 0, hi = 0;
};
// Claims the lowest pending part of a running job (FOR UPDATE SKIP LOCKED), else one
// whose lease expired (reoffers + 1); nullopt: none to claim now.
[[nodiscard]] std::optional<Claim> claim_part(const pg::Connection& conn, const std::string& job,
                                              const std::string& worker, const std::string& host, int connections);

// Extends the claim's lease by the job's lease, recording the rows read so far; false:
// the claim is no longer this worker's (re-offered, or the job dropped).
[[nodiscard]] bool renew_lease(const pg::Connection& conn, const std::string& job, const Claim& claim,
                               std::uint64_t rows_so_far);

// Gives a claimed part back (pending again, reoffers + 1): a worker stopping early.
void release_claim(const pg::Connection& conn, const std::string& job, const Claim& claim);

struct PartResult {
  std::uint64_t rows = 0, bytes = 0, checksum = 0, unknown_values = 0;
  std::optional<SetDigest> digest;
  double read_s = 0, setup_s = 0;
};
// Marks the part done with its figures, if the claim is still the part's latest, it
// is being read and the job is running; false: it was re-offered meanwhile (the
// figures are dropped, its current reader's count), or the job ended.
[[nodiscard]] bool confirm_part(const pg::Connection& conn, const std::string& job, const Claim& claim,
                                const PartResult& result);

}  // namespace benchlab::fanout

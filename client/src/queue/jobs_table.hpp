// The queue's tables: the migration for benchlab_jobs (and the outbox's business
// table), a fresh queue of N jobs for each sample, and the server's side of the
// exactly-once check.
#pragma once

#include <cstdint>
#include <string>

#include "pg/connection.hpp"

namespace benchlab::queue {

inline constexpr const char* kJobsTable = "public.benchlab_jobs";

// A read-write session for the queue's own connections (never the read benchmark's
// read-only one), with a statement timeout so that no statement can hang a sample.
[[nodiscard]] pg::SessionOptions queue_session(const std::string& application = "benchclient-queue");

// Creates benchlab_jobs and benchlab_outbox_orders if missing (idempotent): the
// partial index on the jobs still to do is what keeps a claim cheap as the table
// fills with finished jobs.
void migrate(const pg::Connection& conn);

// An empty queue (TRUNCATE, identities restarted), then `jobs` queued jobs.
void reset(const pg::Connection& conn);
// `payload_bytes` 0: the standard payload; else each job's payload is exactly that
// many bytes as jsonb text, padded with base64 of chained SHA-256 digests, which no compressor shrinks (checked
// once seeded; at least kMinPayloadBytes). Returns the WAL bytes the
// INSERT wrote.
std::uint64_t seed(const pg::Connection& conn, std::uint64_t jobs, int payload_bytes = 0);

// The server's WAL insert position, and the bytes inserted since one: not the write
// position, which under synchronous_commit off lags behind until the WAL writer runs.
[[nodiscard]] std::string wal_position(const pg::Connection& conn);
[[nodiscard]] std::uint64_t wal_bytes_since(const pg::Connection& conn, const std::string& position);

// A payload the CHECK accepts (a JSON object) or, `valid` false, one it refuses.
[[nodiscard]] std::string payload(std::uint64_t n, bool valid = true);

struct ServerCount {
  std::uint64_t jobs = 0, succeeded = 0, claimed_once = 0, reclaimed = 0;
};
[[nodiscard]] ServerCount count_jobs(const pg::Connection& conn);

}  // namespace benchlab::queue

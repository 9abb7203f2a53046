#include "fanout/manifest.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <array>

#include <charconv>

#include "benchlab/row_checksum.hpp"

namespace benchlab::fanout {

namespace {

using Params = std::vector<std::optional<std::string>>;

double as_double(const pg::Result& r, int row, int col) {
  if (r.is_null(row, col)) return 0;
  const std::string text(r.value(row, col));
  return std::stod(text);
}

int as_int(const pg::Result& r, int row, int col, std::string_view what) {
  return r.is_null(row, col) ? 0 : static_cast<int>(r.int64(row, col, what));
}

std::string as_text(const pg::Result& r, int row, int col) {
  return r.is_null(row, col) ? std::string() : std::string(r.value(row, col));
}

}  // namespace

std::string this_host() {
  std::array<char, 256> buf{};
  if (::gethostname(buf.data(), buf.size() - 1) != 0) return "unknown";
  return buf.data();
}

pg::SessionOptions manifest_session(const std::string& application_name) {
  pg::SessionOptions s;
  s.read_only = false;
  s.statement_timeout_ms = 0;
  s.application_name = application_name;
  return s;
}

bool manifest_present(const pg::Connection& conn) {
  return conn.query_value(
             "SELECT to_regclass('benchlab.fanout_job') IS NOT NULL AND to_regclass('benchlab.fanout_part') IS NOT "
             "NULL") == "t";
}

std::optional<JobRow> find_job(const pg::Connection& conn, const std::string& job) {
  const pg::Result r = conn.exec_params(
      "SELECT job, state, snapshot, relation, format, digest, (extract(epoch FROM lease) * 1000)::bigint, parts, "
      "coordinator_host, coordinator_pid, created_at::text, role FROM benchlab.fanout_job WHERE job = $1",
      {job});
  if (r.rows() == 0) return std::nullopt;
  JobRow j;
  j.job = as_text(r, 0, 0);
  j.state = as_text(r, 0, 1);
  j.snapshot = as_text(r, 0, 2);
  j.relation = as_text(r, 0, 3);
  j.format = as_text(r, 0, 4) == "binary" ? WireFormat::binary : WireFormat::text;
  j.digest = as_text(r, 0, 5) == "sha256" ? DigestAlgorithm::sha256 : DigestAlgorithm::xxh3;
  j.lease_ms = as_int(r, 0, 6, "fanout_job lease");
  j.parts = as_int(r, 0, 7, "fanout_job parts");
  j.coordinator_host = as_text(r, 0, 8);
  j.coordinator_pid = as_int(r, 0, 9, "fanout_job coordinator_pid");
  j.created_at = as_text(r, 0, 10);
  j.role = as_text(r, 0, 11);
  return j;
}

bool create_job(const pg::Connection& conn, const JobRow& job, const ReadSpec& spec,
                const std::vector<KeyRange>& parts) {
  conn.exec("BEGIN");
  try {
    const pg::Result r = conn.exec_params(
        "INSERT INTO benchlab.fanout_job (job, snapshot, relation, format, digest, lease, parts, coordinator_host, "
        "coordinator_pid) VALUES ($1, $2, $3, $4, $5, make_interval(secs => $6::double precision / 1000), $7, $8, $9) "
        "ON CONFLICT (job) DO NOTHING RETURNING job",
        {job.job, job.snapshot, job.relation, std::string(to_string(job.format)),
         std::string(job.digest == DigestAlgorithm::sha256 ? "sha256" : "xxh3"), std::to_string(job.lease_ms),
         std::to_string(parts.size()), job.coordinator_host, std::to_string(job.coordinator_pid)});
    if (r.rows() == 0) {
      conn.exec("ROLLBACK");
      return false;
    }
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const KeyRange& p = parts[i];
      (void)conn.exec_params(
          "INSERT INTO benchlab.fanout_part (job, part, relation, lo, hi, query) VALUES ($1, $2, $3, $4, $5, $6)",
          {job.job, std::to_string(i), p.relation_sql, std::to_string(p.lo), std::to_string(p.hi),
           spec.range_query(p)});
    }
    conn.exec("COMMIT");
    return true;
  } catch (...) {
    (void)conn.exec_unchecked("ROLLBACK");
    throw;
  }
}

void finish_job(const pg::Connection& conn, const std::string& job, const std::string& state) {
  (void)conn.exec_params(
      "UPDATE benchlab.fanout_job SET state = $2, finished_at = clock_timestamp() WHERE job = $1 AND state = "
      "'running'",
      {job, state});
}

bool drop_job(const pg::Connection& conn, const std::string& job) {
  return conn.exec_params("DELETE FROM benchlab.fanout_job WHERE job = $1 RETURNING job", {job}).rows() > 0;
}

std::vector<Reoffered> reoffer_expired(const pg::Connection& conn, const std::string& job) {
  const pg::Result r = conn.exec_params(
      "UPDATE benchlab.fanout_part p SET state = 'pending', reoffers = p.reoffers + 1, lease_until = NULL, "
      "rows_read = NULL WHERE p.job = $1 AND p.state = 'reading' AND p.lease_until < clock_timestamp() "
      "RETURNING p.part, p.worker, p.host",  // the worker and host that held it (a new claim overwrites them)
      {job});
  std::vector<Reoffered> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({as_int(r, i, 0, "fanout_part part"), as_text(r, i, 1), as_text(r, i, 2)});
  return out;
}

Standing read_standing(const pg::Connection& conn, const std::string& job) {
  const pg::Result r = conn.exec_params(
      "SELECT count(*) FILTER (WHERE state = 'pending'), count(*) FILTER (WHERE state = 'reading'), "
      "count(*) FILTER (WHERE state = 'done'), coalesce(sum(rows) FILTER (WHERE state = 'done'), 0), "
      "coalesce(sum(rows_read) FILTER (WHERE state = 'reading'), 0) FROM benchlab.fanout_part WHERE job = $1",
      {job});
  Standing s;
  s.pending = as_int(r, 0, 0, "pending");
  s.reading = as_int(r, 0, 1, "reading");
  s.done = as_int(r, 0, 2, "done");
  s.rows_done = r.uint64(0, 3, "rows done");
  s.rows_reading = r.uint64(0, 4, "rows reading");
  return s;
}

std::vector<FanoutPart> read_parts(const pg::Connection& conn, const std::string& job) {
  const pg::Result r = conn.exec_params(
      "SELECT part, relation, lo, hi, state, coalesce(worker, ''), coalesce(host, ''), coalesce(rows, 0), "
      "coalesce(bytes, 0), coalesce(checksum, 0), coalesce(unknown_values, 0), digest, coalesce(read_s, 0), "
      "coalesce(setup_s, 0), "
      "coalesce(extract(epoch FROM claimed_at - min(claimed_at) OVER ()), 0), "
      "coalesce(extract(epoch FROM confirmed_at - min(claimed_at) OVER ()), 0), claim, reoffers, "
      "coalesce(connections, 1) FROM benchlab.fanout_part WHERE job = $1 ORDER BY part",
      {job});
  std::vector<FanoutPart> parts;
  for (int i = 0; i < r.rows(); ++i) {
    FanoutPart p;
    p.index = as_int(r, i, 0, "part");
    p.relation = as_text(r, i, 1);
    p.lo = r.int64(i, 2, "lo");
    p.hi = r.int64(i, 3, "hi");
    p.state = as_text(r, i, 4);
    p.worker = as_text(r, i, 5);
    p.host = as_text(r, i, 6);
    p.rows = r.uint64(i, 7, "rows");
    p.bytes = r.uint64(i, 8, "bytes");
    p.checksum = checksum_from_sql(r.int64(i, 9, "checksum"));
    p.unknown_values = r.uint64(i, 10, "unknown_values");
    if (!r.is_null(i, 11)) p.digest = SetDigest::from_hex(r.value(i, 11));
    p.read_s = as_double(r, i, 12);
    p.setup_s = as_double(r, i, 13);
    p.claimed_at_s = as_double(r, i, 14);
    p.confirmed_at_s = as_double(r, i, 15);
    p.claims = as_int(r, i, 16, "claim");
    p.reoffers = as_int(r, i, 17, "reoffers");
    p.connections = as_int(r, i, 18, "connections");
    parts.push_back(std::move(p));
  }
  return parts;
}

std::optional<Claim> claim_part(const pg::Connection& conn, const std::string& job, const std::string& worker,
                                const std::string& host, int connections) {
  // The lowest pending part no other worker is claiming right now, else one whose
  // lease expired (its worker died or hangs: re-offered here, should the coordinator
  // not have done so yet); the job must be running (a finished or abandoned job's
  // parts are never claimed).
  const pg::Result r = conn.exec_params(
      "UPDATE benchlab.fanout_part p SET state = 'reading', claim = p.claim + 1, worker = $2, host = $3, "
      "connections = $4, claimed_at = clock_timestamp(), lease_until = clock_timestamp() + j.lease, rows_read = 0, "
      "reoffers = p.reoffers + CASE WHEN p.state = 'reading' THEN 1 ELSE 0 END "
      "FROM benchlab.fanout_job j WHERE j.job = p.job AND j.state = 'running' AND p.job = $1 AND p.part = "
      "(SELECT part FROM benchlab.fanout_part WHERE job = $1 AND (state = 'pending' OR (state = 'reading' AND "
      "lease_until < clock_timestamp())) ORDER BY state = 'reading', part LIMIT 1 FOR UPDATE SKIP LOCKED) "
      "AND (p.state = 'pending' OR (p.state = 'reading' AND p.lease_until < clock_timestamp())) "
      "RETURNING p.part, p.claim, p.query, p.relation, p.lo, p.hi",
      {job, worker, host, std::to_string(connections)});
  if (r.rows() == 0) return std::nullopt;
  Claim c;
  c.part = as_int(r, 0, 0, "part");
  c.claim = as_int(r, 0, 1, "claim");
  c.query = as_text(r, 0, 2);
  c.relation = as_text(r, 0, 3);
  c.lo = r.int64(0, 4, "lo");
  c.hi = r.int64(0, 5, "hi");
  return c;
}

bool renew_lease(const pg::Connection& conn, const std::string& job, const Claim& claim, std::uint64_t rows_so_far) {
  return conn.exec_params(
                 "UPDATE benchlab.fanout_part p SET lease_until = clock_timestamp() + j.lease, rows_read = $4 "
                 "FROM benchlab.fanout_job j WHERE j.job = p.job AND j.state = 'running' AND p.job = $1 AND "
                 "p.part = $2 AND p.claim = $3 AND p.state = 'reading' RETURNING p.part",
                 {job, std::to_string(claim.part), std::to_string(claim.claim), std::to_string(rows_so_far)})
             .rows() > 0;
}

void release_claim(const pg::Connection& conn, const std::string& job, const Claim& claim) {
  (void)conn.exec_params(
      "UPDATE benchlab.fanout_part SET state = 'pending', reoffers = reoffers + 1, lease_until = NULL, rows_read = "
      "NULL WHERE job = $1 AND part = $2 AND claim = $3 AND state = 'reading'",
      {job, std::to_string(claim.part), std::to_string(claim.claim)});
}

bool confirm_part(const pg::Connection& conn, const std::string& job, const Claim& claim, const PartResult& result) {
  const Params params{job,
                      std::to_string(claim.part),
                      std::to_string(claim.claim),
                      std::to_string(result.rows),
                      std::to_string(result.bytes),
                      std::to_string(checksum_to_sql(result.checksum)),
                      std::to_string(result.unknown_values),
                      result.digest ? std::optional<std::string>(result.digest->hex()) : std::nullopt,
                      fmt::format("{:.9f}", result.read_s),
                      fmt::format("{:.9f}", result.setup_s)};
  return conn.exec_params(
                 "UPDATE benchlab.fanout_part p SET state = 'done', rows = $4, bytes = $5, checksum = $6, "
                 "unknown_values = $7, digest = $8, read_s = $9, setup_s = $10, confirmed_at = clock_timestamp(), "
                 "lease_until = NULL, rows_read = $4 FROM benchlab.fanout_job j WHERE j.job = p.job AND "
                 "j.state = 'running' AND p.job = $1 AND p.part = $2 AND p.claim = $3 AND p.state = 'reading' "
                 "RETURNING p.part",
                 params)
             .rows() > 0;
}

}  // namespace benchlab::fanout

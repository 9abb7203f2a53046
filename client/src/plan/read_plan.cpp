#include "plan/read_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "benchlab/row_checksum.hpp"
#include "pg/error.hpp"
#include "pg/wait.hpp"
#include "plan/table.hpp"
#include "process/interrupt.hpp"

namespace benchlab::plan {

namespace {

pg::SessionOptions read_only_session() {
  pg::SessionOptions s;
  s.read_only = true;
  return s;
}

// Splits the rows with keys in all.lo..all.hi into `parts` contiguous ranges balanced
// by rows: benchlab.id_ranges with bounds, one index walk that starts at lo and stops
// after hi (exact counts; with a unique key parts differ by at most one row; a key
// value never straddles two parts). Fewer ranges than asked (fewer rows or key values
// than parts) are padded with empty ones.
std::vector<KeyRange> id_ranges(const pg::Connection& conn, const TableInfo& table, const KeyRange& all, int parts) {
  constexpr const char* kSql =
      "SELECT part, lo, hi, rows FROM benchlab.id_ranges($1::regclass, $2::int, $3::name, true, "
      "$4::bigint, $5::bigint) ORDER BY part";
  pg::Result r;
  try {
    r = pg::exec_interruptible(
        conn, kSql,
        {table.relation_sql, std::to_string(parts), table.key_name, std::to_string(all.lo), std::to_string(all.hi)});
  } catch (const pg::SqlError& e) {
    throw pg::SqlError(fmt::format("planning the read with benchlab.id_ranges (with key bounds) failed: {}; is the "
                                   "installed benchlab extension current (make install)?",
                                   e.what()),
                       e.sqlstate(), kSql);
  }
  r.expect_columns(4, "benchlab.id_ranges");
  std::vector<KeyRange> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({r.int64(i, 1, "id_ranges lo"), r.int64(i, 2, "id_ranges hi"), r.uint64(i, 3, "id_ranges rows")});
  while (static_cast<int>(out.size()) < parts) out.push_back(KeyRange{all.hi + 1, all.hi, 0});
  return out;
}

std::uint64_t rows_in(const std::vector<KeyRange>& parts) {
  std::uint64_t sum = 0;
  for (const auto& p : parts) sum += p.rows;
  return sum;
}

// The n-th key (0-based) in key order, through the key's index; nullopt past the end.
std::optional<std::int64_t> nth_key(const pg::Connection& conn, const TableInfo& table, std::uint64_t n) {
  const std::string sql =
      fmt::format("SELECT {0} FROM {1} WHERE {0} IS NOT NULL ORDER BY {0} OFFSET $1::bigint LIMIT 1", table.key_sql,
                  table.relation_sql);
  pg::Result r = pg::exec_interruptible(conn, sql, {std::to_string(n)});
  if (r.rows() == 0) return std::nullopt;
  return r.expect_rows(1, sql).int64(0, 0, sql);
}

}  // namespace

ReadSpec plan_read(const std::string& conninfo, const TableInfo& table, std::uint64_t rows,
                   const ReadOptions& options) {
  if (rows == 0) throw std::invalid_argument("plan_read: rows must be > 0");
  pg::Connection conn = pg::Connection::open(conninfo, read_only_session());
  ReadSpec spec;
  spec.conninfo = conninfo;
  spec.relation_sql = table.relation_sql;
  spec.key_sql = table.key_sql;
  spec.select_list = table.select_list;
  spec.format = options.format;
  spec.workers = options.workers;
  spec.batch_rows = options.batch_rows;
  spec.statement_timeout_ms = options.statement_timeout_ms;

  // One snapshot for the whole plan: bounds, partitions and batches agree even while
  // the table is written to.
  pg::exec_interruptible(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  const auto lo = nth_key(conn, table, 0);
  const auto hi = nth_key(conn, table, rows - 1);
  if (!lo || !hi) {
    throw std::runtime_error(
        fmt::format("table {} holds fewer than {} rows; use --rows with a smaller count", table.display_name, rows));
  }
  spec.all.lo = *lo;
  spec.all.hi = *hi;

  // The partitions' exact counts add up to the rows in lo..hi: exactly `rows` with a
  // unique key; with duplicates of the last key, a few more.
  const int workers = std::max(1, options.workers);
  spec.partitions = id_ranges(conn, table, spec.all, workers);
  spec.all.rows = rows_in(spec.partitions);
  throw_if_interrupted();

  const std::uint64_t per_batch = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(options.batch_rows) * 8);
  const auto batch_parts = static_cast<int>(std::clamp<std::uint64_t>((spec.all.rows + per_batch - 1) / per_batch,
                                                                      static_cast<std::uint64_t>(workers) * 4, 100000));
  spec.batches = id_ranges(conn, table, spec.all, batch_parts);
  pg::exec_interruptible(conn, "COMMIT");
  if (spec.all.rows < rows || rows_in(spec.batches) != spec.all.rows) {
    throw std::runtime_error(
        fmt::format("planning {} rows of {}: id_ranges counted {} rows in keys {}..{} ({} in "
                    "batches); the plan does not add up",
                    rows, table.display_name, spec.all.rows, spec.all.lo, spec.all.hi, rows_in(spec.batches)));
  }
  return spec;
}

ServerExpectation expect_from_server(const std::string& conninfo, const TableInfo& table, const ReadSpec& spec,
                                     std::vector<std::string>& notes) {
  ServerExpectation out;
  pg::SessionOptions session = read_only_session();
  session.statement_timeout_ms = spec.statement_timeout_ms;
  pg::Connection conn = pg::Connection::open(conninfo, session);
  const std::string format(to_string(spec.format));
  try {
    constexpr const char* kScan =
        "SELECT rows, bytes, elapsed_ns, cpu_user_us, cpu_sys_us, checksum FROM benchlab.server_scan($1, $2)";
    pg::Result r = pg::exec_interruptible(conn, kScan, {spec.range_query(spec.all), format});
    r.expect_rows(1, "benchlab.server_scan").expect_columns(6, "benchlab.server_scan");
    ServerScan s;
    s.rows = r.uint64(0, 0, "server_scan rows");
    s.bytes = r.uint64(0, 1, "server_scan bytes");
    s.elapsed_s = static_cast<double>(r.int64(0, 2, "server_scan elapsed_ns")) / 1e9;
    s.cpu_user_s = static_cast<double>(r.int64(0, 3, "server_scan cpu_user_us")) / 1e6;
    s.cpu_sys_s = static_cast<double>(r.int64(0, 4, "server_scan cpu_sys_us")) / 1e6;
    s.checksum = checksum_from_sql(r.int64(0, 5, "server_scan checksum"));
    out.scan = s;
  } catch (const pg::BrokenConnection&) {
    throw;
  } catch (const pg::Error& e) {  // an error, or an answer not of the expected shape
    notes.push_back(fmt::format("server_scan unavailable: {}", e.what()));
  }
  throw_if_interrupted();
  try {
    constexpr const char* kChecksum =
        "SELECT rows, checksum FROM benchlab.range_checksum($1::regclass, $2::name, $3::bigint, $4::bigint, $5)";
    pg::Result r = pg::exec_interruptible(
        conn, kChecksum,
        {table.relation_sql, table.key_name, std::to_string(spec.all.lo), std::to_string(spec.all.hi), format});
    r.expect_rows(1, "benchlab.range_checksum").expect_columns(2, "benchlab.range_checksum");
    out.rows = r.uint64(0, 0, "range_checksum rows");
    out.checksum = checksum_from_sql(r.int64(0, 1, "range_checksum checksum"));
    out.checksum_source = "range_checksum";
  } catch (const pg::BrokenConnection&) {
    throw;
  } catch (const pg::Error& e) {  // an error, or an answer not of the expected shape
    notes.push_back(fmt::format("range_checksum unavailable: {}", e.what()));
  }
  if (!out.checksum && out.scan) {
    out.rows = out.scan->rows;
    out.checksum = out.scan->checksum;
    out.checksum_source = "server_scan";
  }
  if (!out.checksum) notes.push_back("no server checksum: runs are not verified");
  return out;
}

BenchmarkPlan make_plan(const std::string& conninfo, const ReadOptions& options,
                        const std::function<void(const std::string&)>& phase) {
  if (options.row_counts.empty()) throw std::invalid_argument("make_plan: no row counts");
  const std::uint64_t max_rows = *std::max_element(options.row_counts.begin(), options.row_counts.end());
  BenchmarkPlan plan;
  phase(fmt::format("benchclient: {} {} ({} rows)", options.table.empty() ? "seeding" : "checking",
                    options.table.empty() ? kStandardTable : options.table, max_rows));
  plan.table = prepare_table(conninfo, options, max_rows);
  for (const std::uint64_t limit : options.row_counts) {
    throw_if_interrupted();
    phase(fmt::format("benchclient: {} rows: planning, server scan and checksum", limit));
    SizePlan size;
    size.limit = limit;
    size.spec = plan_read(conninfo, plan.table, limit, options);
    if (size.spec.all.rows != limit) {
      size.notes.push_back(fmt::format("key {} has duplicates at the boundary: the range holds {} rows, not {}",
                                       plan.table.key_name, size.spec.all.rows, limit));
    }
    size.server = expect_from_server(conninfo, plan.table, size.spec, size.notes);
    plan.sizes.push_back(std::move(size));
  }
  return plan;
}

}  // namespace benchlab::plan

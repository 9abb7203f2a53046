#include "dataset/read_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "measure/interruptible.hpp"
#include "pg/error.hpp"
#include "process/interrupt.hpp"

namespace benchlab::dataset {

namespace {

pg::SessionOptions session(bool read_only, const cli::RunOptions& options) {
  pg::SessionOptions s;
  s.read_only = read_only;
  s.statement_timeout_ms = 0;  // preparation may legitimately take long (seeding)
  (void)options;
  return s;
}

std::string quote_identifier(PGconn* conn, const std::string& name) {
  char* q = PQescapeIdentifier(conn, name.c_str(), name.size());
  if (q == nullptr) throw pg::Error("cannot quote identifier: " + pg::one_line(PQerrorMessage(conn)));
  std::string out(q);
  PQfreemem(q);
  return out;
}

std::uint64_t to_u64(std::string_view text) { return static_cast<std::uint64_t>(std::stoull(std::string(text))); }
std::int64_t to_i64(std::string_view text) { return std::stoll(std::string(text)); }

// First value of a statement that may run long: interruptible by SIGINT.
std::string value_of(const pg::Connection& conn, const std::string& sql,
                     const std::vector<std::optional<std::string>>& params = {}) {
  pg::Result r = exec_interruptible(conn, sql, params);
  if (r.rows() < 1 || r.columns() < 1) throw pg::SqlError("query returned no value: " + sql);
  return std::string(r.value(0, 0));
}

bool is_integer_type(unsigned oid) { return oid == 20 || oid == 21 || oid == 23; }  // int8, int2, int4

// Columns of `regclass_oid` in table order, with their types.
std::vector<ColumnInfo> read_columns(const pg::Connection& conn, const std::string& oid) {
  pg::Result r =
      exec_interruptible(conn,
                         "SELECT attname, format_type(atttypid, atttypmod), atttypid FROM pg_catalog.pg_attribute "
                         "WHERE attrelid = $1::oid AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                         {oid});
  std::vector<ColumnInfo> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back({std::string(r.value(i, 0)), std::string(r.value(i, 1)),
                   static_cast<unsigned>(std::stoul(std::string(r.value(i, 2))))});
  }
  return out;
}

TableInfo describe_table(const pg::Connection& conn, const std::string& name, const std::string& key,
                         std::uint64_t rows, bool standard) {
  TableInfo t;
  t.display_name = name;
  t.standard = standard;
  // The name travels as a parameter: to_regclass parses it, nothing is interpolated.
  pg::Result reg = exec_interruptible(
      conn,
      "SELECT c.oid, n.nspname, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON "
      "n.oid = c.relnamespace WHERE c.oid = to_regclass($1)",
      {name});
  if (reg.rows() != 1) reg = pg::Result();
  if (!reg) {
    throw std::runtime_error(
        fmt::format("table {} does not exist (or is not visible on the search_path); check --table, e.g. --table "
                    "schema.table",
                    name));
  }
  const std::string oid(reg.value(0, 0));
  pg::Result priv = exec_interruptible(conn, "SELECT has_table_privilege($1::oid, 'SELECT')", {oid});
  if (priv.value(0, 0) != "t") {
    throw std::runtime_error(
        fmt::format("no SELECT privilege on table {} for user {}; GRANT SELECT ON it or use "
                    "another --dsn user",
                    name, PQuser(conn.raw())));
  }
  t.columns = read_columns(conn, oid);
  if (t.columns.empty()) throw std::runtime_error(fmt::format("table {} has no columns to read", name));

  std::vector<std::string> integer_columns;
  for (const auto& c : t.columns)
    if (is_integer_type(c.type_oid)) integer_columns.push_back(c.name);
  const auto key_it =
      std::find_if(t.columns.begin(), t.columns.end(), [&](const ColumnInfo& c) { return c.name == key; });
  const std::string suggestion =
      integer_columns.empty()
          ? std::string("the table has no integer column to use as a key")
          : fmt::format("use --key with one of its integer columns: {}", fmt::join(integer_columns, ", "));
  if (key_it == t.columns.end()) {
    throw std::runtime_error(fmt::format("table {} has no column \"{}\"; {}", name, key, suggestion));
  }
  if (!is_integer_type(key_it->type_oid)) {
    throw std::runtime_error(
        fmt::format("key column \"{}\" of table {} is {}, not an integer (smallint, integer or bigint); {}", key, name,
                    key_it->type, suggestion));
  }

  // Quoting: each column with PQescapeIdentifier; the relation as the server names it.
  t.relation_sql = quote_identifier(conn.raw(), std::string(reg.value(0, 1))) + "." +
                   quote_identifier(conn.raw(), std::string(reg.value(0, 2)));
  t.key_name = key;
  t.key_sql = quote_identifier(conn.raw(), key);
  std::vector<std::string> quoted;
  for (const auto& c : t.columns) quoted.push_back(quote_identifier(conn.raw(), c.name));
  t.select_list = fmt::format("{}", fmt::join(quoted, ", "));

  // At least `rows` rows with a non-null key? Count at most that many (cheap on big tables).
  const std::uint64_t have =
      to_u64(value_of(conn,
                      fmt::format("SELECT count(*) FROM (SELECT 1 FROM {} WHERE {} IS NOT NULL LIMIT $1::bigint) s",
                                  t.relation_sql, t.key_sql),
                      {std::to_string(rows)}));
  if (have < rows) {
    throw std::runtime_error(fmt::format("table {} holds only {} rows (with a non-null key {}); use --rows {} or fewer",
                                         name, have, key, have));
  }
  t.total_rows = have;
  return t;
}

}  // namespace

TableInfo prepare_table(const std::string& conninfo, const cli::RunOptions& options, std::uint64_t rows) {
  if (options.table.empty()) {
    pg::Connection conn = pg::Connection::open(conninfo, session(false, options));
    // Parameters, never interpolated; seeding is idempotent and append-only.
    exec_interruptible(conn, "SELECT benchlab.seed_records($1, $2::bigint)",
                       {std::string(kStandardTable), std::to_string(rows)});
    throw_if_interrupted();
    // VACUUM cannot run inside a transaction block: a statement of its own.
    exec_interruptible(conn,
                       fmt::format("VACUUM (ANALYZE) {}", pg::quote_qualified_identifier(conn.raw(), kStandardTable)));
    return describe_table(conn, kStandardTable, "id", rows, true);
  }
  pg::Connection conn = pg::Connection::open(conninfo, session(true, options));
  return describe_table(conn, options.table, options.key, rows, false);
}

namespace {

// Splits the rows with keys in all.lo..all.hi into `parts` contiguous ranges balanced
// by rows: benchlab.id_ranges with bounds, one index walk that starts at lo and stops
// after hi (exact counts; with a unique key parts differ by at most one row; a key
// value never straddles two parts). Fewer ranges than asked (fewer rows or key values
// than parts) are padded with empty ones.
std::vector<KeyRange> id_ranges(const pg::Connection& conn, const TableInfo& table, const KeyRange& all, int parts) {
  pg::Result r;
  try {
    r = exec_interruptible(
        conn,
        "SELECT part, lo, hi, rows FROM benchlab.id_ranges($1::regclass, $2::int, $3::name, true, "
        "$4::bigint, $5::bigint) ORDER BY part",
        {table.relation_sql, std::to_string(parts), table.key_name, std::to_string(all.lo), std::to_string(all.hi)});
  } catch (const pg::SqlError& e) {
    throw pg::SqlError(
        fmt::format("planning the read with benchlab.id_ranges (with key bounds) failed: {}; is the "
                    "installed benchlab extension current (make install)?",
                    e.what()));
  }
  std::vector<KeyRange> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({to_i64(r.value(i, 1)), to_i64(r.value(i, 2)), to_u64(r.value(i, 3))});
  while (static_cast<int>(out.size()) < parts) out.push_back(KeyRange{all.hi + 1, all.hi, 0});
  return out;
}

std::uint64_t rows_in(const std::vector<KeyRange>& parts) {
  std::uint64_t sum = 0;
  for (const auto& p : parts) sum += p.rows;
  return sum;
}

}  // namespace

ReadSpec plan_read(const std::string& conninfo, const TableInfo& table, std::uint64_t rows,
                   const cli::RunOptions& options) {
  if (rows == 0) throw std::invalid_argument("plan_read: rows must be > 0");
  pg::Connection conn = pg::Connection::open(conninfo, session(true, options));
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
  exec_interruptible(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");

  // Bounds of the first `rows` rows in key order, both through the key's index.
  const std::string lo = value_of(conn, fmt::format("SELECT {0} FROM {1} WHERE {0} IS NOT NULL ORDER BY {0} LIMIT 1",
                                                    table.key_sql, table.relation_sql));
  pg::Result hi = exec_interruptible(conn,
                                     fmt::format("SELECT {0} FROM {1} WHERE {0} IS NOT NULL ORDER BY {0} "
                                                 "OFFSET $1::bigint LIMIT 1",
                                                 table.key_sql, table.relation_sql),
                                     {std::to_string(rows - 1)});
  if (hi.rows() != 1) {
    throw std::runtime_error(
        fmt::format("table {} holds fewer than {} rows; use --rows with a smaller count", table.display_name, rows));
  }
  spec.all.lo = to_i64(lo);
  spec.all.hi = to_i64(hi.value(0, 0));

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
  exec_interruptible(conn, "COMMIT");
  if (spec.all.rows < rows || rows_in(spec.batches) != spec.all.rows) {
    throw std::runtime_error(
        fmt::format("planning {} rows of {}: id_ranges counted {} rows in keys {}..{} ({} in "
                    "batches); the plan does not add up",
                    rows, table.display_name, spec.all.rows, spec.all.lo, spec.all.hi, rows_in(spec.batches)));
  }
  return spec;
}

}  // namespace benchlab::dataset

#include "plan/table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "pg/error.hpp"
#include "pg/wait.hpp"
#include "process/interrupt.hpp"

namespace benchlab::plan {

namespace {

pg::SessionOptions session(bool read_only) {
  pg::SessionOptions s;
  s.read_only = read_only;
  s.statement_timeout_ms = 0;  // preparation may legitimately take long (seeding)
  return s;
}

std::string quote_identifier(PGconn* conn, const std::string& name) {
  char* q = PQescapeIdentifier(conn, name.c_str(), name.size());
  if (q == nullptr) throw pg::Error("cannot quote identifier: " + pg::one_line(PQerrorMessage(conn)));
  std::string out(q);
  PQfreemem(q);
  return out;
}

// First value of a one-row statement that may run long: interruptible by SIGINT.
pg::Result one_row(const pg::Connection& conn, const std::string& sql,
                   const std::vector<std::optional<std::string>>& params = {}) {
  pg::Result r = pg::exec_interruptible(conn, sql, params);
  r.expect_rows(1, sql).expect_columns(1, sql);
  return r;
}

bool is_integer_type(unsigned oid) { return oid == 20 || oid == 21 || oid == 23; }  // int8, int2, int4

// Columns of `regclass_oid` in table order, with their types.
std::vector<ColumnInfo> read_columns(const pg::Connection& conn, const std::string& oid) {
  pg::Result r =
      pg::exec_interruptible(conn,
                             "SELECT attname, format_type(atttypid, atttypmod), atttypid FROM pg_catalog.pg_attribute "
                             "WHERE attrelid = $1::oid AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                             {oid});
  std::vector<ColumnInfo> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back({std::string(r.text(i, 0, "attname")), std::string(r.text(i, 1, "format_type")),
                   static_cast<unsigned>(r.uint64(i, 2, "atttypid"))});
  }
  return out;
}

TableInfo describe_table(const pg::Connection& conn, const std::string& name, const std::string& key,
                         std::uint64_t rows, bool standard) {
  TableInfo t;
  t.display_name = name;
  t.standard = standard;
  // The name travels as a parameter: to_regclass parses it, nothing is interpolated.
  pg::Result reg = pg::exec_interruptible(
      conn,
      "SELECT c.oid, n.nspname, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON "
      "n.oid = c.relnamespace WHERE c.oid = to_regclass($1)",
      {name});
  if (reg.rows() != 1) {
    throw std::runtime_error(
        fmt::format("table {} does not exist (or is not visible on the search_path); check --table, e.g. --table "
                    "schema.table",
                    name));
  }
  const std::string oid(reg.value(0, 0));
  const pg::Result priv = one_row(conn, "SELECT has_table_privilege($1::oid, 'SELECT')", {oid});
  if (priv.text(0, 0, "has_table_privilege") != "t") {
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
  const std::string count_sql = fmt::format(
      "SELECT count(*) FROM (SELECT 1 FROM {} WHERE {} IS NOT NULL LIMIT $1::bigint) s", t.relation_sql, t.key_sql);
  const std::uint64_t have = one_row(conn, count_sql, {std::to_string(rows)}).uint64(0, 0, count_sql);
  if (have < rows) {
    throw std::runtime_error(fmt::format("table {} holds only {} rows (with a non-null key {}); use --rows {} or fewer",
                                         name, have, key, have));
  }
  t.total_rows = have;
  return t;
}

}  // namespace

TableInfo prepare_table(const std::string& conninfo, const ReadOptions& options, std::uint64_t rows) {
  if (options.table.empty()) {
    pg::Connection conn = pg::Connection::open(conninfo, session(false));
    // Parameters, never interpolated; seeding is idempotent and append-only.
    pg::exec_interruptible(conn, "SELECT benchlab.seed_records($1, $2::bigint)",
                           {std::string(kStandardTable), std::to_string(rows)});
    throw_if_interrupted();
    // VACUUM cannot run inside a transaction block: a statement of its own.
    pg::exec_interruptible(
        conn, fmt::format("VACUUM (ANALYZE) {}", pg::quote_qualified_identifier(conn.raw(), kStandardTable)));
    return describe_table(conn, kStandardTable, "id", rows, true);
  }
  pg::Connection conn = pg::Connection::open(conninfo, session(true));
  return describe_table(conn, options.table, options.key, rows, false);
}

}  // namespace benchlab::plan

#include "plan/table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "pg/error.hpp"
#include "pg/snapshot.hpp"
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

// First value of a one-row statement that may run long: interruptible by SIGINT.
pg::Result one_row(const pg::Connection& conn, const std::string& sql,
                   const std::vector<std::optional<std::string>>& params = {}) {
  pg::Result r = pg::exec_interruptible(conn, sql, params);
  r.expect_rows(1, sql).expect_columns(1, sql);
  return r;
}

bool is_integer_type(unsigned oid) { return oid == 20 || oid == 21 || oid == 23; }  // int8, int2, int4

// Columns of `regclass_oid` in table order: name, type, nullability, default and a
// collation other than the type's own. One query for the plan and the schema.
std::vector<ColumnSchema> read_columns(const pg::Connection& conn, const std::string& oid) {
  pg::Result r = pg::exec_interruptible(
      conn,
      "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.atttypid, a.attnotnull, a.atthasdef, "
      "(SELECT co.collname FROM pg_catalog.pg_collation co WHERE co.oid = a.attcollation AND a.attcollation <> "
      "t.typcollation) FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
      "WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
      {oid});
  r.expect_columns(6, "pg_attribute");
  std::vector<ColumnSchema> out;
  for (int i = 0; i < r.rows(); ++i) {
    ColumnSchema c;
    c.name = r.text(i, 0, "attname");
    c.type = r.text(i, 1, "format_type");
    c.type_oid = static_cast<std::uint32_t>(r.uint64(i, 2, "atttypid"));
    c.not_null = r.text(i, 3, "attnotnull") == "t";
    c.has_default = r.text(i, 4, "atthasdef") == "t";
    if (!r.is_null(i, 5)) c.collation = r.text(i, 5, "collname");
    out.push_back(std::move(c));
  }
  return out;
}

// The primary key's columns in key order (empty: no primary key).
std::vector<std::string> primary_key_columns(const pg::Connection& conn, const std::string& oid) {
  const pg::Result r = pg::exec_interruptible(
      conn,
      "SELECT a.attname FROM pg_catalog.pg_index i CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY "
      "AS k(attnum, ord) JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
      "WHERE i.indrelid = $1::oid AND i.indisprimary ORDER BY k.ord",
      {oid});
  std::vector<std::string> out;
  for (int i = 0; i < r.rows(); ++i) out.emplace_back(r.text(i, 0, "primary key column"));
  return out;
}

// The OIDs in an oid[] printed as text: "{23,25}" (NULL: none).
std::vector<std::uint32_t> oid_list(std::string_view text) {
  std::vector<std::uint32_t> out;
  std::uint32_t v = 0;
  bool any = false;
  for (const char c : text) {
    if (c >= '0' && c <= '9') {
      v = v * 10 + static_cast<std::uint32_t>(c - '0');
      any = true;
    } else if (any) {
      out.push_back(v);
      v = 0;
      any = false;
    }
  }
  return out;
}

}  // namespace

TypeCatalog describe_types(const pg::Connection& conn, const std::vector<std::uint32_t>& column_oids) {
  // Breadth first from the columns' types: an array's element, a domain's base, a
  // range's subtype and a composite's fields may be types of their own to describe.
  constexpr const char* kSql =
      "SELECT t.oid, t.typtype, t.typelem, t.typlen, t.typbasetype, r.rngsubtype, e.typdelim, "
      "(SELECT array_agg(a.atttypid ORDER BY a.attnum) FROM pg_catalog.pg_attribute a WHERE a.attrelid = t.typrelid "
      "AND a.attnum > 0 AND NOT a.attisdropped), t.typinput = 'pg_catalog.array_in'::pg_catalog.regproc "
      "FROM pg_catalog.pg_type t LEFT JOIN pg_catalog.pg_range r ON "
      "r.rngtypid = t.oid LEFT JOIN pg_catalog.pg_type e ON e.oid = t.typelem WHERE t.oid = ANY ($1::oid[])";
  TypeCatalog catalog;
  std::vector<std::uint32_t> seen(column_oids), wanted(column_oids);
  for (int round = 0; !wanted.empty() && round < 64; ++round) {
    std::string list = "{";
    for (std::size_t i = 0; i < wanted.size(); ++i) {
      if (i > 0) list += ',';
      list += std::to_string(wanted[i]);
    }
    list += "}";
    wanted.clear();
    const pg::Result r = pg::exec_interruptible(conn, kSql, {list});
    r.expect_columns(9, "pg_type");
    auto want = [&](std::uint32_t oid) {
      if (oid != 0 && std::find(seen.begin(), seen.end(), oid) == seen.end()) {
        seen.push_back(oid);
        wanted.push_back(oid);
      }
    };
    for (int i = 0; i < r.rows(); ++i) {
      TypeDescription t;
      t.oid = static_cast<std::uint32_t>(r.uint64(i, 0, "pg_type.oid"));
      const char typtype = r.text(i, 1, "typtype").front();
      const auto typelem = static_cast<std::uint32_t>(r.uint64(i, 2, "typelem"));
      const auto typlen = r.int64(i, 3, "typlen");
      if (typtype == 'd') {
        t.kind = TypeDescription::Kind::domain;
        t.element_oid = static_cast<std::uint32_t>(r.uint64(i, 4, "typbasetype"));
      } else if (typtype == 'e') {
        t.kind = TypeDescription::Kind::enumeration;
      } else if (typtype == 'r' && !r.is_null(i, 5)) {
        t.kind = TypeDescription::Kind::range;
        t.element_oid = static_cast<std::uint32_t>(r.uint64(i, 5, "rngsubtype"));
      } else if (typtype == 'c') {
        t.kind = TypeDescription::Kind::composite;
        if (!r.is_null(i, 7)) t.field_oids = oid_list(r.text(i, 7, "composite fields"));
      } else if (typtype == 'b' && typelem != 0 && typlen == -1 && r.text(i, 8, "array_in") == "t") {
        // A true array: not name's or point's subscripting, nor int2vector's and
        // oidvector's own text form ("1 2 3"), which the decoder keeps raw.
        t.kind = TypeDescription::Kind::array;
        t.element_oid = typelem;
        if (!r.is_null(i, 6)) t.delimiter = r.text(i, 6, "typdelim").front();
      } else {
        continue;  // a scalar: the decoder knows it by OID, or keeps it raw
      }
      want(t.element_oid);
      for (const std::uint32_t f : t.field_oids) want(f);
      catalog.add(std::move(t));
    }
  }
  return catalog;
}

namespace {

// The primary key's column when it is exactly one integer column ("" otherwise).
std::string integer_primary_key(const std::vector<std::string>& primary_key, const std::vector<ColumnInfo>& columns) {
  if (primary_key.size() != 1) return {};
  for (const auto& c : columns)
    if (c.name == primary_key.front() && is_integer_type(c.type_oid)) return c.name;
  return {};
}

std::vector<std::string> integer_columns(const std::vector<ColumnInfo>& columns) {
  std::vector<std::string> names;
  for (const auto& c : columns)
    if (is_integer_type(c.type_oid)) names.push_back(c.name);
  return names;
}

void check_key_column(const TableInfo& t, const std::string& key) {
  const auto it = std::find_if(t.columns.begin(), t.columns.end(), [&](const ColumnInfo& c) { return c.name == key; });
  if (it == t.columns.end())
    throw ReadRefused(ReadRefused::Problem::key_not_a_column,
                      {.table = t.display_name, .key = key, .integer_columns = integer_columns(t.columns)});
  if (!is_integer_type(it->type_oid))
    throw ReadRefused(
        ReadRefused::Problem::key_not_integer,
        {.table = t.display_name, .key = key, .type = it->type, .integer_columns = integer_columns(t.columns)});
}

// A partitioned table split by ctid reads its leaf partitions, each by its own
// pages: every leaf must have pages. A leaf is read directly, unless row-level
// security is active for this user on the table or on any leaf (a query on a leaf
// skips the table's policies and applies the leaf's own: it would return rows
// that SELECT ... FROM the table hides, or hide rows it returns), or a leaf is
// not readable on its own: then every leaf is read through the table, restricted
// to the leaf by tableoid (TID range scans still run on each leaf's pages).
void check_leaves_readable(const pg::Connection& conn, TableInfo& t, const std::string& oid) {
  const pg::Result leaves = pg::exec_interruptible(
      conn,
      "SELECT format('%I.%I', n.nspname, c.relname), c.relkind, has_table_privilege(c.oid, 'SELECT'), "
      "pg_catalog.row_security_active(c.oid), pg_catalog.row_security_active($1::oid) "
      "FROM pg_catalog.pg_partition_tree($1::oid) p JOIN pg_catalog.pg_class c ON c.oid = p.relid "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE p.isleaf ORDER BY p.level, c.relname",
      {oid});
  std::vector<std::string> secured, unreadable;
  for (int i = 0; i < leaves.rows(); ++i) {
    const std::string leaf(leaves.text(i, 0, "leaf partition"));
    const char relkind = leaves.text(i, 1, "leaf relkind").front();
    if (relkind != 'r' && relkind != 'm')
      throw ReadRefused(
          ReadRefused::Problem::ctid_leaf_without_pages,
          {.table = t.display_name, .part = leaf, .kind = relkind == 'f' ? "a foreign table" : "not a table"});
    if (leaves.text(i, 2, "leaf privilege") != "t") unreadable.push_back(leaf);
    if (leaves.text(i, 3, "leaf row security") == "t") secured.push_back(leaf);
    if (i == 0 && leaves.text(i, 4, "table row security") == "t") secured.insert(secured.begin(), t.display_name);
  }
  if (!secured.empty())
    t.leaves_through_parent =
        fmt::format("row-level security is active on {} for user {}", fmt::join(secured, ", "), conn.user());
  else if (!unreadable.empty())
    t.leaves_through_parent = fmt::format("user {} cannot read {} directly", conn.user(), fmt::join(unreadable, ", "));
}

// TID range scans read the pages of a table or materialized view (a partitioned
// table: of its leaves), on PostgreSQL 14+.
void check_ctid_readable(const pg::Connection& conn, TableInfo& t, const std::string& oid) {
  if (t.relkind != 'r' && t.relkind != 'm' && t.relkind != 'p') {
    const char* what = t.relkind == 'v' ? "a view" : t.relkind == 'f' ? "a foreign table" : "not a table";
    throw ReadRefused(ReadRefused::Problem::ctid_without_pages, {.table = t.display_name, .kind = what});
  }
  if (conn.server_version() < 140000)
    throw ReadRefused(ReadRefused::Problem::ctid_needs_pg14, {.server_version = conn.server_version()});
  if (t.relkind == 'p') check_leaves_readable(conn, t, oid);
}

// Which split the read uses, and its key: the checks of --split, --key and --rows.
void choose_split(const pg::Connection& conn, TableInfo& t, const ReadOptions& o, const std::string& oid,
                  std::uint64_t rows) {
  std::string key = t.standard ? std::string("id") : o.key;
  if (!key.empty()) check_key_column(t, key);
  if (key.empty() && o.split != SplitChoice::ctid) key = t.schema.key;
  const bool whole = rows == 0;
  switch (o.split) {
    case SplitChoice::ctid:
      if (!o.key.empty()) throw ReadRefused(ReadRefused::Problem::key_with_ctid, {});
      if (!whole) throw ReadRefused(ReadRefused::Problem::ctid_with_row_limit, {});
      check_ctid_readable(conn, t, oid);
      t.split = Split::ctid;
      return;
    case SplitChoice::key:
      if (key.empty())
        throw ReadRefused(ReadRefused::Problem::split_key_without_key,
                          {.table = t.display_name, .integer_columns = integer_columns(t.columns)});
      break;
    case SplitChoice::automatic:
      if (key.empty()) {
        if (!whole)
          throw ReadRefused(ReadRefused::Problem::row_limit_without_key,
                            {.table = t.display_name, .integer_columns = integer_columns(t.columns), .rows = rows});
        check_ctid_readable(conn, t, oid);
        t.split = Split::ctid;
        return;
      }
      break;
  }
  t.split = Split::key;
  t.key_name = key;
  t.key_sql = conn.quote_identifier(key);
}

// The columns that cannot travel in binary: their type, or one inside it, has no
// send function (array_send, record_send, range_send and domains call their
// parts' send functions, and fail on the first that has none).
std::vector<ColumnInfo> text_only_columns(const pg::Connection& conn, const std::string& oid,
                                          const std::vector<ColumnInfo>& columns) {
  const pg::Result r = pg::exec_interruptible(conn, R"(
    WITH RECURSIVE parts(attnum, typ) AS (
      SELECT a.attnum, a.atttypid FROM pg_catalog.pg_attribute a
      WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped
      UNION
      SELECT p.attnum, sub.typ FROM parts p JOIN pg_catalog.pg_type t ON t.oid = p.typ
      CROSS JOIN LATERAL (
        SELECT t.typelem WHERE t.typelem <> 0
        UNION ALL SELECT t.typbasetype WHERE t.typtype = 'd'
        UNION ALL SELECT r.rngsubtype FROM pg_catalog.pg_range r WHERE r.rngtypid = t.oid
        UNION ALL SELECT r.rngtypid FROM pg_catalog.pg_range r WHERE r.rngmultitypid = t.oid
        UNION ALL SELECT f.atttypid FROM pg_catalog.pg_attribute f
          WHERE t.typtype = 'c' AND f.attrelid = t.typrelid AND f.attnum > 0 AND NOT f.attisdropped
      ) sub(typ))
    SELECT DISTINCT a.attname FROM parts p JOIN pg_catalog.pg_type t ON t.oid = p.typ
    JOIN pg_catalog.pg_attribute a ON a.attrelid = $1::oid AND a.attnum = p.attnum
    WHERE t.typsend = 0)",
                                              {oid});
  std::vector<ColumnInfo> out;
  for (const auto& c : columns)
    for (int i = 0; i < r.rows(); ++i)
      if (r.text(i, 0, "attname") == c.name) out.push_back(c);
  return out;
}

// What a read and the schema both need of the relation `name`: its identity, the
// SELECT right, its columns and their types, its primary key. Returns its OID.
std::string describe_relation(const pg::Connection& conn, const std::string& name, TableInfo& t) {
  // The name travels as a parameter: to_regclass parses it, nothing is interpolated.
  pg::Result reg;
  try {
    reg = pg::exec_interruptible(
        conn,
        "SELECT c.oid, n.nspname, c.relname, c.relkind, format('%I.%I', n.nspname, c.relname) FROM "
        "pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)",
        {name});
  } catch (const pg::SqlError& e) {
    if (e.sqlstate() != "42602") throw;  // invalid_name
    throw ReadRefused(ReadRefused::Problem::invalid_table_name, {.table = name});
  }
  if (reg.rows() != 1) throw ReadRefused(ReadRefused::Problem::no_such_table, {.table = name});
  const std::string oid(reg.text(0, 0, "pg_class.oid"));
  t.relkind = reg.text(0, 3, "relkind").front();
  const pg::Result priv = one_row(conn, "SELECT has_table_privilege($1::oid, 'SELECT')", {oid});
  if (priv.text(0, 0, "has_table_privilege") != "t") {
    throw ReadRefused(ReadRefused::Problem::no_select_privilege, {.table = name, .user = conn.user()});
  }
  t.schema.table = reg.text(0, 4, "qualified name");
  t.schema.relkind = t.relkind;
  t.schema.columns = read_columns(conn, oid);
  if (t.schema.columns.empty()) throw std::runtime_error(fmt::format("table {} has no columns to read", name));
  std::vector<std::uint32_t> column_oids;
  for (const auto& c : t.schema.columns) {
    t.columns.push_back({c.name, c.type, c.type_oid});
    column_oids.push_back(c.type_oid);
  }
  t.schema.primary_key = primary_key_columns(conn, oid);
  t.schema.key = integer_primary_key(t.schema.primary_key, t.columns);
  t.types = describe_types(conn, column_oids);
  t.text_only_columns = text_only_columns(conn, oid, t.columns);

  // Quoting: each column with PQescapeIdentifier; the relation as the server names it.
  t.relation_sql = conn.quote_identifier(std::string(reg.text(0, 1, "nspname"))) + "." +
                   conn.quote_identifier(std::string(reg.text(0, 2, "relname")));
  std::vector<std::string> quoted;
  for (const auto& c : t.columns) quoted.push_back(conn.quote_identifier(c.name));
  t.select_list = fmt::format("{}", fmt::join(quoted, ", "));
  return oid;
}

// `rows` 0: the whole table.
TableInfo describe_table(const pg::Connection& conn, const std::string& name, const ReadOptions& options,
                         std::uint64_t rows, bool standard, const std::optional<TableSchema>& expected) {
  TableInfo t;
  t.display_name = name;
  t.standard = standard;
  const std::string oid = describe_relation(conn, name, t);
  // Drift is named before any check of the key or the rows, which it may explain.
  if (expected) {
    if (auto diffs = schema_differences(*expected, t.schema); !diffs.empty())
      throw SchemaDrift(std::move(diffs), fmt::format("table {} does not match the expected schema", t.schema.table));
  }
  choose_split(conn, t, options, oid, rows);
  // Can the rows be read at all? Refusals the server finds before reading a row (a
  // privilege on a column or a function, a row-level security policy that recurses,
  // a view referring to what is gone) are the table's own problem: named here, before
  // anything else reads it.
  t.read_as = conn.user();
  try {
    pg::exec_interruptible(conn, fmt::format("SELECT {} FROM {} LIMIT 0", t.select_list, t.relation_sql));
  } catch (const pg::BrokenConnection&) {
    throw;
  } catch (const pg::QueryCanceled&) {
    throw;
  } catch (const pg::SqlError& e) {
    throw table_read_refused(name, t.read_as, e);
  }
  if (rows == 0) return t;  // the whole table: its size is the server's count of the read

  // At least `rows` rows with a non-null key? Count at most that many (cheap on big tables).
  const std::string count_sql = fmt::format(
      "SELECT count(*) FROM (SELECT 1 FROM {} WHERE {} IS NOT NULL LIMIT $1::bigint) s", t.relation_sql, t.key_sql);
  const std::uint64_t have = one_row(conn, count_sql, {std::to_string(rows)}).uint64(0, 0, count_sql);
  if (have == 0) {
    const std::string any_sql = fmt::format("SELECT EXISTS (SELECT 1 FROM {})", t.relation_sql);
    if (one_row(conn, any_sql, {}).text(0, 0, any_sql) != "t")
      throw EmptyTable(fmt::format("table {} has no rows that this user can read: there is nothing to measure", name));
    throw ReadRefused(ReadRefused::Problem::no_keyed_rows, {.table = name, .key = t.key_name, .rows = rows});
  }
  if (have < rows)
    throw ReadRefused(ReadRefused::Problem::too_few_keyed_rows,
                      {.table = name, .key = t.key_name, .rows = rows, .have = have});
  t.total_rows = have;
  return t;
}

}  // namespace

ReadRefused table_read_refused(const std::string& table, const std::string& user, const pg::Error& error) {
  return ReadRefused(
      ReadRefused::Problem::unreadable,
      {.table = table, .user = user, .server_message = error.server_message(), .sqlstate = error.sqlstate()});
}

namespace {

Setting setting_of(ReadRefused::Problem problem) {
  using P = ReadRefused::Problem;
  switch (problem) {
    case P::key_not_a_column:
    case P::key_not_integer:
    case P::key_with_ctid:
    case P::row_limit_without_key:
      return Setting::key;
    case P::ctid_leaf_without_pages:
    case P::ctid_without_pages:
    case P::ctid_needs_pg14:
    case P::split_key_without_key:
      return Setting::split;
    case P::ctid_with_row_limit:
    case P::no_keyed_rows:
    case P::too_few_keyed_rows:
    case P::too_few_rows:
      return Setting::rows;
    case P::invalid_table_name:
    case P::no_such_table:
    case P::unreadable:
      return Setting::table;
    case P::no_select_privilege:
      return Setting::dsn;
    case P::snapshot_unusable:
    case P::rows_after_snapshot:
      return Setting::snapshot;
  }
  return Setting::table;
}

// Without option names: what() for anything below the CLI that logs it.
std::string what_of(ReadRefused::Problem problem, const ReadRefused::Found& f) {
  using P = ReadRefused::Problem;
  switch (problem) {
    case P::key_not_a_column:
      return fmt::format("table {} has no column \"{}\"", f.table, f.key);
    case P::key_not_integer:
      return fmt::format("key column \"{}\" of table {} is {}, not an integer", f.key, f.table, f.type);
    case P::ctid_leaf_without_pages:
      return fmt::format("cannot split table {} by ctid: its partition {} is {}", f.table, f.part, f.kind);
    case P::ctid_without_pages:
      return fmt::format("cannot split {} by ctid: it is {}", f.table, f.kind);
    case P::ctid_needs_pg14:
      return fmt::format("a ctid split needs PostgreSQL 14 or later; this server is {}", f.server_version);
    case P::key_with_ctid:
      return "a key has no use with a ctid split";
    case P::ctid_with_row_limit:
      return "a ctid split has no key order to take the first rows in";
    case P::split_key_without_key:
      return fmt::format("table {} has no integer primary key", f.table);
    case P::row_limit_without_key:
      return fmt::format("table {} has no integer primary key to take the first {} rows in order of", f.table, f.rows);
    case P::invalid_table_name:
      return fmt::format("{}: not a valid table name", f.table);
    case P::no_such_table:
      return fmt::format("table {} does not exist", f.table);
    case P::no_select_privilege:
      return fmt::format("no SELECT privilege on table {} for user {}", f.table, f.user);
    case P::no_keyed_rows:
      return fmt::format("table {} has no row with a non-null key {}", f.table, f.key);
    case P::too_few_keyed_rows:
      return fmt::format("table {} holds only {} rows (with a non-null key {})", f.table, f.have, f.key);
    case P::too_few_rows:
      return fmt::format("table {} holds fewer than {} rows", f.table, f.rows);
    case P::unreadable:
      return fmt::format("table {} cannot be read as user {}: {}", f.table, f.user, f.server_message);
    case P::snapshot_unusable:
      return fmt::format("snapshot {}: cannot read in it: {}", f.snapshot, f.server_message);
    case P::rows_after_snapshot:
      return fmt::format(
          "snapshot {} was taken before table {} held {}: it sees {} rows of it, and cannot see rows written after it "
          "was taken",
          f.snapshot, f.table, f.rows == 0 ? std::string("any rows") : fmt::format("{} rows", f.rows), f.have);
  }
  return "the read is refused";
}

}  // namespace

ReadRefused::ReadRefused(Problem problem, Found found)
    : SettingError(setting_of(problem), what_of(problem, found)), problem_(problem), found_(std::move(found)) {}

OptionRefused::OptionRefused(Setting setting, std::string table, std::string columns)
    : SettingError(setting, fmt::format("table {} has {} with no binary output", table, columns)),
      table_(std::move(table)),
      columns_(std::move(columns)) {}

TableInfo prepare_table(const std::string& conninfo, const ReadOptions& options, std::uint64_t rows,
                        const std::optional<TableSchema>& expected) {
  if (options.table.empty()) {
    pg::Connection conn = pg::Connection::open(conninfo, session(false));
    // What the server's version refuses, before a row is seeded.
    if (options.split == SplitChoice::ctid && conn.server_version() < 140000)
      throw ReadRefused(ReadRefused::Problem::ctid_needs_pg14, {.server_version = conn.server_version()});
    // Parameters, never interpolated; seeding is idempotent and append-only. The
    // whole standard table (--rows all) is whatever it holds, seeded if empty.
    pg::exec_interruptible(conn, "SELECT benchlab.seed_records($1, $2::bigint)",
                           {std::string(kStandardTable), std::to_string(rows == 0 ? kDefaultSeedRows : rows)});
    throw_if_interrupted();
    // VACUUM cannot run inside a transaction block: a statement of its own.
    pg::exec_interruptible(
        conn, fmt::format("VACUUM (ANALYZE) {}", pg::quote_qualified_identifier(conn.raw(), kStandardTable)));
    return describe_table(conn, kStandardTable, options, rows, true, expected);
  }
  pg::Connection conn = pg::Connection::open(conninfo, session(true));
  // --snapshot: the table holds enough rows in the held state, whatever was written since.
  if (!options.snapshot_id.empty()) pg::import_snapshot(conn, options.snapshot_id);
  return describe_table(conn, options.table, options, rows, false, expected);
}

void refuse_rows_after_snapshot(const std::string& conninfo, const ReadOptions& options, const std::string& table,
                                std::uint64_t rows) {
  if (options.snapshot_id.empty()) return;
  pg::Connection conn = pg::Connection::open(conninfo, session(true));
  const std::string sql = fmt::format("SELECT count(*) FROM (SELECT 1 FROM {} LIMIT $1::bigint) s",
                                      pg::quote_qualified_identifier(conn.raw(), table));
  const std::string enough = std::to_string(std::max<std::uint64_t>(rows, 1));
  const std::uint64_t now = one_row(conn, sql, {enough}).uint64(0, 0, sql);
  if (now < std::max<std::uint64_t>(rows, 1)) return;  // too few now as well: the caller's refusal is right
  pg::import_snapshot(conn, options.snapshot_id);
  const std::uint64_t seen = one_row(conn, sql, {enough}).uint64(0, 0, sql);
  pg::exec_interruptible(conn, "COMMIT");
  if (seen >= std::max<std::uint64_t>(rows, 1)) return;
  throw ReadRefused(ReadRefused::Problem::rows_after_snapshot,
                    {.table = table, .rows = rows, .have = seen, .snapshot = options.snapshot_id});
}

TableSchema read_table_schema(const std::string& conninfo, const std::string& table) {
  if (table.empty()) {
    // The standard table as a run reads it: created if missing (no rows added).
    pg::Connection conn = pg::Connection::open(conninfo, session(false));
    pg::exec_interruptible(conn, "SELECT benchlab.seed_records($1, 0)", {std::string(kStandardTable)});
    TableInfo t;
    describe_relation(conn, kStandardTable, t);
    return t.schema;
  }
  pg::Connection conn = pg::Connection::open(conninfo, session(true));
  TableInfo t;
  describe_relation(conn, table, t);
  return t.schema;
}

}  // namespace benchlab::plan

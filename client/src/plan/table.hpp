// Preparing the rows a benchmark reads: the standard table seeded server-side, or
// the user's table and key validated. Runs before any strategy, so bad input is
// reported up front.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/errors.hpp"
#include "model/options.hpp"
#include "model/schema.hpp"
#include "model/table.hpp"
#include "model/type_catalog.hpp"
#include "pg/connection.hpp"

namespace benchlab::plan {

// The user's options cannot read this table (e.g. binary format on a column with
// no binary output): `columns` names the columns, the CLI the option that works.
// A usage error (exit 2), found before anything is measured.
class OptionRefused : public SettingError {
 public:
  OptionRefused(Setting setting, std::string table, std::string columns);
  [[nodiscard]] const std::string& table() const { return table_; }
  // As messages name them: 'column "a" (aclitem)', 'columns "a" (aclitem), "b" (x)'.
  [[nodiscard]] const std::string& columns() const { return columns_; }

 private:
  std::string table_;
  std::string columns_;
};

// The table, its key, the split or the rows asked for cannot be read as asked
// (exit 1): which check failed, and what it found.
class ReadRefused : public SettingError {
 public:
  enum class Problem {
    key_not_a_column,         // table, key, integer_columns
    key_not_integer,          // table, key, type, integer_columns
    ctid_leaf_without_pages,  // table, part (the leaf), kind
    ctid_without_pages,       // table, kind
    ctid_needs_pg14,          // server_version
    key_with_ctid,
    ctid_with_row_limit,
    split_key_without_key,  // table, integer_columns
    row_limit_without_key,  // table, rows, integer_columns
    invalid_table_name,     // table
    no_such_table,          // table
    no_select_privilege,    // table, user
    no_keyed_rows,          // table, key, rows
    too_few_keyed_rows,     // table, key, have
    too_few_rows,           // table, rows
    unreadable,             // table, user, server_message, sqlstate
    snapshot_unusable,      // snapshot, server_message
    rows_after_snapshot,    // table, rows (0: any), have (in the snapshot), snapshot
  };
  struct Found {
    std::string table{};
    std::string key{};
    std::string type{};                          // the key column's type
    std::vector<std::string> integer_columns{};  // what a key could be instead
    std::string part{};                          // a leaf partition
    std::string kind{};                          // what the relation is: "a view", "a foreign table"
    std::uint64_t rows = 0;                      // asked for
    std::uint64_t have = 0;                      // there are
    int server_version = 0;
    std::string user{};
    std::string server_message{};
    std::string sqlstate{};
    std::string snapshot{};
  };
  ReadRefused(Problem problem, Found found);

  [[nodiscard]] Problem problem() const { return problem_; }
  [[nodiscard]] const Found& found() const { return found_; }
  // verify reads two tables: which one ("source", "target"; empty: the run's only one).
  [[nodiscard]] const std::string& side() const { return side_; }
  void set_side(std::string side) { side_ = std::move(side); }

 private:
  Problem problem_;
  Found found_;
  std::string side_;
};

// The read holds no rows: nothing to measure (not an error: exit 0, no artifact).
class EmptyTable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `rows` 0: the whole table (--rows all). Seeds the standard table up to `rows` (benchlab.seed_records, then VACUUM
// ANALYZE so no run pays for hint bits), or validates the user's table and key. Throws ReadRefused saying
// what is wrong: a missing table, a key missing or not an integer type (with the integer columns), fewer rows than
// asked (with how many there are), no SELECT right.
// `expected` set (--expect-schema): the table's schema is compared with it first, and
// any difference throws SchemaDrift before the key, the rows or anything else is checked.
TableInfo prepare_table(const std::string& conninfo, const ReadOptions& options, std::uint64_t rows,
                        const std::optional<TableSchema>& expected = std::nullopt);

// A read in snapshot `options.snapshot_id` found too few rows of `table` (`rows` 0:
// none at all): if the table holds them now, they were written after the snapshot
// was taken (seeded by this very run, say), and that is what is thrown
// (ReadRefused rows_after_snapshot); otherwise it returns and the caller's own
// refusal stands.
void refuse_rows_after_snapshot(const std::string& conninfo, const ReadOptions& options, const std::string& table,
                                std::uint64_t rows);

// The schema of `table` (`benchclient schema`), read with the same queries as a
// plan. Empty `table`: the standard table, created if missing (no rows added).
// Throws the same one-line errors as prepare_table.
TableSchema read_table_schema(const std::string& conninfo, const std::string& table);

// The error for a server error that reading the table `table` (as `user`) ran
// into: the table's own problem (a privilege, a row-level security policy, a view
// whose definition refers to what is gone), named as such, never as the internal
// step that happened to read first.
[[nodiscard]] ReadRefused table_read_refused(const std::string& table, const std::string& user, const pg::Error& error);

// What pg_type says of the given types and every type they are made of (array
// elements, domain bases, range subtypes, composite fields): the decoder's catalog.
TypeCatalog describe_types(const pg::Connection& conn, const std::vector<std::uint32_t>& type_oids);

}  // namespace benchlab::plan

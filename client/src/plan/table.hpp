// Preparing the rows a benchmark reads: the standard table seeded server-side, or
// the user's table and key validated. Runs before any strategy, so bad input is
// reported up front.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/options.hpp"
#include "model/schema.hpp"
#include "model/table.hpp"
#include "model/type_catalog.hpp"
#include "pg/connection.hpp"

namespace benchlab::plan {

// The user's options cannot read this table (e.g. --format binary on a column with
// no binary output): one line naming the column and the option that works. A usage
// error (exit 2), found before anything is measured.
class OptionRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The read holds no rows: nothing to measure (not an error: exit 0, no artifact).
class EmptyTable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `rows` 0: the whole table (--rows all). Seeds the standard table up to `rows` (benchlab.seed_records, then VACUUM
// ANALYZE so no run pays for hint bits), or validates the user's table and key. Throws a one-line std::runtime_error
// naming the problem and the fix: missing table, key missing or not an integer type (suggests --key), fewer rows than
// asked (says how many there are), no SELECT right.
// `expected` set (--expect-schema): the table's schema is compared with it first, and
// any difference throws SchemaDrift before the key, the rows or anything else is checked.
TableInfo prepare_table(const std::string& conninfo, const ReadOptions& options, std::uint64_t rows,
                        const std::optional<TableSchema>& expected = std::nullopt);

// The schema of `table` (`benchclient schema`), read with the same queries as a
// plan. Empty `table`: the standard table, created if missing (no rows added).
// Throws the same one-line errors as prepare_table.
TableSchema read_table_schema(const std::string& conninfo, const std::string& table);

// The one line for a server error that reading the table `table` (as `user`) ran
// into: the table's own problem (a privilege, a row-level security policy, a view
// whose definition refers to what is gone), named as such with what to do, never
// as the internal step that happened to read first.
std::string table_read_refused(const std::string& table, const std::string& user, const pg::Error& error);

// What pg_type says of the given types and every type they are made of (array
// elements, domain bases, range subtypes, composite fields): the decoder's catalog.
TypeCatalog describe_types(const pg::Connection& conn, const std::vector<std::uint32_t>& type_oids);

}  // namespace benchlab::plan

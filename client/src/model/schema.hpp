// A table's schema as a read depends on it: its columns in order (name, type,
// nullability, collation), its primary key and the integer key benchlab would split
// it by. Written by `benchclient schema`, compared by `--expect-schema` before any
// strategy runs, so a table that drifted is refused with the difference named.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace benchlab {

// The schema file's format version (its top-level schema_version).
inline constexpr int kTableSchemaVersion = 1;

struct ColumnSchema {
  std::string name;
  std::string type;  // format_type(atttypid, atttypmod), e.g. "numeric(12,2)"
  std::uint32_t type_oid = 0;
  bool not_null = false;
  bool has_default = false;  // recorded, not compared: a read does not depend on it
  std::string collation;     // empty: the type's default collation
  friend bool operator==(const ColumnSchema&, const ColumnSchema&) = default;
};

struct TableSchema {
  std::string table;   // schema-qualified as the server names it: format('%I.%I', nspname, relname)
  char relkind = 'r';  // pg_class.relkind
  std::vector<ColumnSchema> columns;
  std::string key;                       // the integer primary key column; empty: none (split by ctid)
  std::vector<std::string> primary_key;  // primary key columns in key order; empty: none
  friend bool operator==(const TableSchema&, const TableSchema&) = default;
};

// What differs between the schema a file expects and the table as it is, one
// line each, in a fixed order: the table, its kind, columns removed, added,
// reordered, a type, nullability or collation changed, the key and primary key.
// Type OIDs and defaults are not compared (an enum's OID differs between
// databases; a default does not change what a read returns). Empty: no drift.
[[nodiscard]] std::vector<std::string> schema_differences(const TableSchema& expected, const TableSchema& actual);

// A live table that no longer matches --expect-schema: the differences, and a
// message naming the option and the fix.
struct SchemaDrift : std::runtime_error {
  SchemaDrift(std::vector<std::string> diffs, const std::string& what)
      : std::runtime_error(what), differences(std::move(diffs)) {}
  std::vector<std::string> differences;
};

}  // namespace benchlab

// The table a benchmark reads, as planning found it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/read_spec.hpp"
#include "model/schema.hpp"
#include "model/type_catalog.hpp"

namespace benchlab {

struct ColumnInfo {
  std::string name;
  std::string type;  // format_type() text, e.g. "numeric(12,2)"
  unsigned type_oid = 0;
  friend bool operator==(const ColumnInfo&, const ColumnInfo&) = default;
};

struct TableInfo {
  std::string display_name;  // as the user wrote it (for messages and the artifact)
  std::string relation_sql;  // quoted, qualified
  std::string key_name;      // empty: no key (the read is split by ctid)
  std::string key_sql;       // quoted key column
  std::string select_list;   // quoted columns in table order
  std::vector<ColumnInfo> columns;
  TypeCatalog types;  // the columns' arrays, ranges, domains, enums and composites
  // Columns whose type (or a type inside it: an array's element, a domain's base,
  // a range's subtype, a composite's field) has no binary output (send function):
  // they can be read in text only, and the binary wire ceiling cannot be measured.
  std::vector<ColumnInfo> text_only_columns;
  // A partitioned table split by ctid whose leaves are read through it (not
  // directly): row-level security is active on it or on a leaf for this user,
  // or a leaf is not readable on its own. Names what applies, for the plan's note.
  std::string leaves_through_parent;
  std::uint64_t total_rows = 0;
  bool standard = false;  // the seeded standard table
  char relkind = 'r';     // pg_class.relkind: r table, v view, m materialized view, f foreign, p partitioned
  Split split = Split::key;
  TableSchema schema;   // as `benchclient schema` writes it (and --expect-schema compares it)
  std::string read_as;  // the user the server reads it as (for messages)
};

// The standard table's name on the throwaway cluster (and with --dsn when no --table).
inline constexpr const char* kStandardTable = "public.benchlab_records";

}  // namespace benchlab

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

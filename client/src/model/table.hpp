// The table a benchmark reads, as planning found it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

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
  std::string key_name;
  std::string key_sql;      // quoted key column
  std::string select_list;  // quoted columns in table order
  std::vector<ColumnInfo> columns;
  std::uint64_t total_rows = 0;
  bool standard = false;  // the seeded standard table
};

// The standard table's name on the throwaway cluster (and with --dsn when no --table).
inline constexpr const char* kStandardTable = "public.benchlab_records";

}  // namespace benchlab

// Preparing the rows a benchmark reads, and planning how they are split.
// Everything here runs before any strategy, so bad input is reported up front.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli/run_options.hpp"
#include "pg/connection.hpp"
#include "strategies/strategy.hpp"

namespace benchlab::dataset {

struct ColumnInfo {
  std::string name;
  std::string type;  // format_type() text, e.g. "numeric(12,2)"
  unsigned type_oid = 0;
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

// Seeds the standard table up to `rows` (benchlab.seed_records, then VACUUM ANALYZE
// so no run pays for hint bits), or validates the user's table and key. Throws a
// one-line std::runtime_error naming the problem and the fix: missing table,
// key missing or not an integer type (suggests --key), fewer rows than asked
// (says how many there are), no SELECT right.
TableInfo prepare_table(const std::string& conninfo, const cli::RunOptions& options, std::uint64_t rows);

// The plan for one size: the key bounds holding exactly the first `rows` rows in
// key order, `workers` partitions and finer batches balanced by row count.
ReadSpec plan_read(const std::string& conninfo, const TableInfo& table, std::uint64_t rows,
                   const cli::RunOptions& options);

}  // namespace benchlab::dataset

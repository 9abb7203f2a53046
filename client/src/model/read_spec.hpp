// What a strategy reads: the same rows for every strategy, planned once before any run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/wire_format.hpp"

namespace benchlab {

// An inclusive range of the key, with the rows the server says it holds.
struct KeyRange {
  std::int64_t lo = 0;
  std::int64_t hi = 0;
  std::uint64_t rows = 0;
  friend bool operator==(const KeyRange&, const KeyRange&) = default;
};

struct ReadSpec {
  std::string conninfo;              // where (never printed: may hold a password)
  std::string relation_sql;          // quoted, possibly schema-qualified: safe to splice into SQL
  std::string key_sql;               // quoted key column
  std::string select_list;           // quoted column list in table order
  KeyRange all;                      // the first N rows in key order: lo..hi holds exactly N rows
  std::vector<KeyRange> partitions;  // `workers` contiguous parts of `all`, balanced by rows (benchlab.id_ranges)
  std::vector<KeyRange> batches;     // finer parts of `all` (about batch_rows * 8 rows each) for pooled_sync
  WireFormat format = WireFormat::text;
  int workers = 2;        // connections / threads / processes of the parallel strategies
  int batch_rows = 5000;  // FETCH FORWARD size
  int statement_timeout_ms = 0;

  // SELECT <select_list> FROM <relation> WHERE <key> BETWEEN lo AND hi — the only
  // query shape strategies send (literal integers: never user text).
  [[nodiscard]] std::string range_query(const KeyRange& range) const {
    return "SELECT " + select_list + " FROM " + relation_sql + " WHERE " + key_sql + " BETWEEN " +
           std::to_string(range.lo) + " AND " + std::to_string(range.hi);
  }
};

}  // namespace benchlab

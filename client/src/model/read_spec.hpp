// What a strategy reads: the same rows for every strategy, planned once before any run.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "benchlab/set_digest.hpp"
#include "model/mask.hpp"
#include "model/recovery.hpp"
#include "model/type_catalog.hpp"
#include "model/wire_format.hpp"

namespace benchlab {

// How a read is cut into parts: by ranges of an integer key, or by ranges of the
// table's pages (ctid: TID range scans, for tables without an integer key).
enum class Split { key, ctid };

[[nodiscard]] constexpr std::string_view to_string(Split split) { return split == Split::ctid ? "ctid" : "key"; }

// A part's `hi` with no upper bound: the last ctid part stays open-ended, so pages
// added after planning are still read (the snapshot decides which rows are seen).
inline constexpr std::int64_t kOpenEnd = std::numeric_limits<std::int64_t>::max();
// A key part's `lo` with no lower bound (the first part of a whole-table key split:
// keys written below the planned minimum are still read).
inline constexpr std::int64_t kOpenStart = std::numeric_limits<std::int64_t>::min();

// An inclusive range of the key (Split::key) or of block numbers (Split::ctid),
// with the rows the server says it holds (0 when not counted, as for ctid parts).
struct KeyRange {
  std::int64_t lo = 0;
  std::int64_t hi = 0;
  std::uint64_t rows = 0;
  bool with_nulls = false;  // key split of a whole table: the last part also takes rows whose key is NULL
  // The relation this part reads, quoted and qualified (safe to splice into SQL):
  // a leaf partition of a partitioned table split by ctid (its blocks are the
  // leaf's own). Empty: the spec's relation.
  std::string relation_sql = {};
  // A leaf read through the spec's relation (the partitioned table the user named)
  // rather than directly: row-level security applies to that table or a leaf, and
  // only a query on the named table applies its policies (and not the leaves' own).
  bool through_parent = false;
  // A sampled ctid part (advise's calibration): only these inclusive block spans of
  // lo..hi are read, each by its own TID range scan, their rows appended (UNION ALL).
  // Empty: all of lo..hi.
  std::vector<std::pair<std::int64_t, std::int64_t>> block_spans = {};
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
  Split split = Split::key;
  bool whole_table = false;  // --rows all: `all` is the whole table, NULL keys included
  WireFormat format = WireFormat::text;
  DigestAlgorithm digest = DigestAlgorithm::xxh3;  // sha256: every reader also sums the rows' SHA-256
  int workers = 2;                                 // connections / threads / processes of the parallel strategies
  int decoders = 0;                                // decoupled: decoding processes (0: as many as workers)
  int batch_rows = 5000;                           // FETCH FORWARD size
  int statement_timeout_ms = 0;
  TypeCatalog types;  // for the decoders: the columns' non-scalar types (plan::describe_types)
  ColumnMasks masks;  // --mask: the columns the decoders mask, by position in select_list
  std::uint64_t worker_memory_limit_bytes = 0;  // --memory-budget: each forked worker's growth ceiling (0: none)
  int hang_timeout_ms = 0;                      // --hang-timeout: a forked worker silent this long is hung (0: derived)
  std::string snapshot_id;      // --snapshot, or the run's held snapshot: every connection reads in it (empty: its own)
  bool shared_snapshot = true;  // false: --no-shared-snapshot, each connection in a snapshot of its own
  std::optional<InjectedFault> fault;  // BENCHLAB_INJECT_FAULT: tests and the faults benchmark
  int attempt = 1;                     // which attempt of the fallback chain this read is (1: the first)

  // The query of one part — the only query shapes strategies send (literal
  // integers: never user text):
  //   key:  SELECT <select_list> FROM <relation> WHERE <key> BETWEEN lo AND hi [OR <key> IS NULL]
  //         (a whole table's first part: <key> <= hi; its last: <key> >= lo OR <key> IS NULL)
  //   ctid: SELECT <select_list> FROM <relation> WHERE ctid >= '(lo,0)' [AND ctid < '(hi+1,0)']
  //         (a sampled part: one such query per block span, joined by UNION ALL)
  // where <relation> is the part's own (a leaf partition) when it names one; a leaf
  // read through the table is `FROM <table> WHERE tableoid = '<leaf>'::regclass AND ctid ...`.
  [[nodiscard]] std::string range_query(const KeyRange& range) const {
    if (split == Split::ctid && !range.block_spans.empty()) {
      std::string sql;
      for (const auto& [lo, hi] : range.block_spans) {
        KeyRange span = range;
        span.block_spans.clear();
        span.lo = lo;
        span.hi = hi;
        if (!sql.empty()) sql += " UNION ALL ";
        sql += range_query(span);
      }
      return sql;
    }
    const bool via_table = range.through_parent && !range.relation_sql.empty();
    std::string sql = "SELECT " + select_list + " FROM " +
                      (range.relation_sql.empty() || via_table ? relation_sql : range.relation_sql) + " WHERE ";
    if (via_table) {
      sql += "tableoid = '";
      for (const char c : range.relation_sql) sql += c == '\'' ? std::string("''") : std::string(1, c);
      sql += "'::regclass AND ";
    }
    if (split == Split::ctid) {
      sql += "ctid >= '(" + std::to_string(range.lo) + ",0)'::tid";
      if (range.hi != kOpenEnd) sql += " AND ctid < '(" + std::to_string(range.hi + 1) + ",0)'::tid";
      return sql;
    }
    std::string keys;
    if (range.lo == kOpenStart && range.hi == kOpenEnd)
      keys = key_sql + " IS NOT NULL";
    else if (range.lo == kOpenStart)
      keys = key_sql + " <= " + std::to_string(range.hi);
    else if (range.hi == kOpenEnd)
      keys = key_sql + " >= " + std::to_string(range.lo);
    else
      keys = key_sql + " BETWEEN " + std::to_string(range.lo) + " AND " + std::to_string(range.hi);
    return sql + (range.with_nulls ? "(" + keys + " OR " + key_sql + " IS NULL)" : keys);
  }
  // The query of everything the strategies read: all of the table, or `all`'s range.
  [[nodiscard]] std::string all_query() const {
    return whole_table ? "SELECT " + select_list + " FROM " + relation_sql : range_query(all);
  }
};

}  // namespace benchlab

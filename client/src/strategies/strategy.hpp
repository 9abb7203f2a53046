// The one small interface every read strategy implements. A strategy only
// connects, fetches, decodes and checksums; measurement (clocks, RSS, CPU,
// latency, server CPU) is the harness's, reached through RunContext.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace benchlab {

class RunContext;

enum class WireFormat { text = 0, binary = 1 };  // values = libpq's resultFormat
std::string_view to_string(WireFormat format);

// An inclusive range of the key, with the rows the server says it holds.
struct KeyRange {
  std::int64_t lo = 0;
  std::int64_t hi = 0;
  std::uint64_t rows = 0;
};

// What to read: the same rows for every strategy, planned once before any runs.
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
  [[nodiscard]] std::string range_query(const KeyRange& range) const;
};

class Strategy {
 public:
  virtual ~Strategy() = default;
  [[nodiscard]] virtual std::string_view name() const = 0;
  // Reads every row of spec.all exactly once, reporting through `context`.
  // Throws on error; must release every connection, child and segment it made,
  // also when interrupted (RunContext::check_interrupted throws).
  virtual void run(const ReadSpec& spec, RunContext& context) = 0;
};

// The five strategies, in the order tables list them.
const std::vector<std::string>& strategy_names();
// Throws std::invalid_argument naming the valid strategies.
std::unique_ptr<Strategy> make_strategy(std::string_view name);

}  // namespace benchlab

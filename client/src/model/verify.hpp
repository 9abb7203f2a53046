// What `benchclient verify` compares and what it found: the same table on two
// servers (or two tables on one), cut into key segments compared by row count
// and checksum server-side, differing segments bisected, then the rows of the
// smallest ones compared key by key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "benchlab/set_digest.hpp"
#include "model/mask.hpp"

namespace benchlab {

struct VerifyOptions {
  std::string table;                      // on the source; empty: the standard table
  std::string target_table;               // empty: the same name on the target
  std::string key;                        // empty: the integer primary key
  int segments = 64;                      // first cut of the key range
  std::uint64_t fetch_rows = 2000;        // a differing segment of at most this many rows is compared row by row
  std::uint64_t max_differences = 10000;  // stop after this many (0: no limit)
  // sha256: segments compared by their set digest too (and rows by their SHA-256), so a
  // row forged to keep the xxh3 sum cannot pass (docs/digest.md).
  DigestAlgorithm digest = DigestAlgorithm::xxh3;
  // --mask: rows are compared by a row hash the servers compute, so no column's
  // value is fetched (the masked columns' plaintext never reaches verify); the
  // columns are checked against the source table.
  std::vector<MaskRule> masks;
};

struct RowDifference {
  enum class Kind : std::uint8_t { missing_in_target, extra_in_target, changed };
  std::int64_t key = 0;
  Kind kind = Kind::changed;
  friend bool operator==(const RowDifference&, const RowDifference&) = default;
};

[[nodiscard]] constexpr const char* to_string(RowDifference::Kind kind) {
  switch (kind) {
    case RowDifference::Kind::missing_in_target:
      return "missing_in_target";
    case RowDifference::Kind::extra_in_target:
      return "extra_in_target";
    case RowDifference::Kind::changed:
      return "changed";
  }
  return "changed";
}

struct VerifySide {
  std::string table;   // as the server names it
  std::string server;  // "PostgreSQL 15.20" (never the conninfo: it may hold a password)
  std::uint64_t rows = 0;
  std::uint64_t null_key_rows = 0;       // not comparable by key: counted on both sides
  std::uint64_t checksum = 0;            // the whole table's (the sum of the segments')
  std::optional<SetDigest> digest = {};  // --digest sha256: the whole table's set digest
};

// Rows whose key is NULL cannot be located by their key, so they are never among the
// `differences`. When the two sides' differ (count or checksum), they are compared as
// a multiset of whole rows if each side holds at most --fetch-rows of them: a row only
// in the source is missing in the target, one only in the target extra (a changed row
// is one of each). More of them than that: `compared` is false and only the counts are known.
struct NullKeyDifferences {
  bool compared = false;
  std::uint64_t missing_in_target = 0;
  std::uint64_t extra_in_target = 0;
  [[nodiscard]] std::uint64_t rows() const { return missing_in_target + extra_in_target; }
};

struct VerifyReport {
  VerifySide source, target;
  std::string key;
  std::vector<std::string> schema_differences;             // reported first; rows are not compared when there are any
  std::vector<RowDifference> differences;                  // in key order
  std::vector<std::string> notes;                          // what the differences cannot show
  std::optional<NullKeyDifferences> null_key_differences;  // set when the rows with a NULL key differ
  bool truncated = false;                                  // --max-differences reached
  std::uint64_t segments_compared = 0;                     // every checksum comparison, bisection included
  std::uint64_t segments_differing = 0;
  std::uint64_t rows_fetched = 0;  // rows read back to compare key by key (both sides)
  double elapsed_s = 0;
  [[nodiscard]] bool equal() const {
    return schema_differences.empty() && differences.empty() && !null_key_differences &&
           source.null_key_rows == target.null_key_rows && source.rows == target.rows &&
           source.checksum == target.checksum && source.digest == target.digest;
  }
};

}  // namespace benchlab

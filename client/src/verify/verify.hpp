// Reconciliation: does the target hold exactly the source's rows? The bisection
// data-diff, with benchlab's checksum (64-bit, order-independent, one definition
// on both servers): cut the key range into segments, compare each by row count
// and checksum computed server-side on both servers at once, bisect the segments
// that differ down to a few thousand rows, then fetch those rows from both sides
// and compare them key by key.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "model/table.hpp"
#include "model/verify.hpp"

namespace benchlab::verify {

// Both sides are read in a REPEATABLE READ READ ONLY transaction of their own (one
// snapshot per side for the whole comparison). Throws a one-line std::runtime_error
// on bad input (missing table, no integer key, the extension missing on a side).
// Where a comparison stands, told after every segment of the first cut and every
// segment compared key by key: the report so far and, now and then, a short line.
struct VerifyProgress {
  const VerifyReport& so_far;
  std::uint64_t first_cut_done = 0;  // segments of the first cut compared
  std::uint64_t first_cut = 0;       // segments in the first cut (0: not cut yet)
  std::string line;                  // empty: nothing to say
};

// `progress` may be empty.
VerifyReport verify(const std::string& source_conninfo, const std::string& target_conninfo,
                    const VerifyOptions& options, const std::function<void(const VerifyProgress&)>& progress = {});

// The query that fetches the rows of a key range (or, `null_keys`, the rows whose key
// is NULL) to compare them: the key and every column's text, or with `hashed` (--mask)
// the key and one row hash computed by the server (benchlab.wire_row_hash over each
// column's text bytes), so no value leaves the server. $1, $2: the key range.
std::string rows_query(const TableInfo& table, bool hashed, bool null_keys,
                       DigestAlgorithm digest = DigestAlgorithm::xxh3);

// The baseline the verify figure is measured against: each side's whole table
// hashed once (benchlab.range_checksum over its key range), both servers at once.
// Returns the wall time in seconds.
double hash_both_once(const std::string& source_conninfo, const std::string& target_conninfo,
                      const VerifyOptions& options);

}  // namespace benchlab::verify

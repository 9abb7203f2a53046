// Preparing the rows a benchmark reads: the standard table seeded server-side, or
// the user's table and key validated. Runs before any strategy, so bad input is
// reported up front.
#pragma once

#include <cstdint>
#include <string>

#include "model/options.hpp"
#include "model/table.hpp"

namespace benchlab::plan {

// `rows` 0: the whole table (--rows all). Seeds the standard table up to `rows` (benchlab.seed_records, then VACUUM
// ANALYZE so no run pays for hint bits), or validates the user's table and key. Throws a one-line std::runtime_error
// naming the problem and the fix: missing table, key missing or not an integer type (suggests --key), fewer rows than
// asked (says how many there are), no SELECT right.
TableInfo prepare_table(const std::string& conninfo, const ReadOptions& options, std::uint64_t rows);

}  // namespace benchlab::plan

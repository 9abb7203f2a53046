// Planning a read: for each size, the key bounds holding exactly the first N rows
// in key order, their split into partitions and batches balanced by row count
// (benchlab.id_ranges), and what the server says those rows are — its own cost of
// producing them (benchlab.server_scan) and their count and checksum
// (benchlab.range_checksum). Every strategy then reads the same plan.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/options.hpp"
#include "model/plan.hpp"
#include "model/schema.hpp"
#include "model/table.hpp"

namespace benchlab::plan {

// The plan for one size (throws on a table too small or a plan that does not add up).
ReadSpec plan_read(const std::string& conninfo, const TableInfo& table, std::uint64_t rows, const ReadOptions& options);

// The server's figures for `spec.all`: server_scan and range_checksum (a function
// that is missing or fails leaves a note, and the runs unverified).
ServerExpectation expect_from_server(const std::string& conninfo, const TableInfo& table, const ReadSpec& spec,
                                     std::vector<std::string>& notes);

// The whole benchmark's plan: the table prepared for the largest size, then each size.
// `phase` gets one line per step (seeding, each size), for the progress output.
// `expected` set: the table is compared with it first (SchemaDrift, see prepare_table).
BenchmarkPlan make_plan(const std::string& conninfo, const ReadOptions& options,
                        const std::function<void(const std::string&)>& phase,
                        const std::optional<TableSchema>& expected = std::nullopt);

}  // namespace benchlab::plan

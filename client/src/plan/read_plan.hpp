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

#include "model/errors.hpp"
#include "model/options.hpp"
#include "model/plan.hpp"
#include "model/schema.hpp"
#include "model/table.hpp"
#include "pg/connection.hpp"

namespace benchlab::plan {

// The plan for one size (throws on a table too small or a plan that does not add up).
ReadSpec plan_read(const std::string& conninfo, const TableInfo& table, std::uint64_t rows, const ReadOptions& options);

// benchlab.server_scan of `query` on `conn`: the server producing its rows alone, in
// `format` (with `digest` sha256 also their set digest, its cost included). Throws
// the typed pg error (and Interrupted).
ServerScan scan_on_server(const pg::Connection& conn, const std::string& query, WireFormat format,
                          DigestAlgorithm digest = DigestAlgorithm::xxh3);

// The server's figures for `spec.all`: server_scan and range_checksum (a function
// that is missing or fails leaves a note, and the runs unverified); with
// spec.digest sha256 the digest too, from the same function as the checksum.
ServerExpectation expect_from_server(const std::string& conninfo, const TableInfo& table, const ReadSpec& spec,
                                     std::vector<std::string>& notes);

// What besides the read itself shapes a plan: the connections the run opens beside
// the read's, and whether the server's figures are taken (a run) or not
// (`benchclient plan`, which reads no row).
struct PlanScope {
  bool parallel = true;            // a parallel strategy runs (else one connection reads)
  bool concurrent_writer = false;  // --concurrent-writes: its writer, and each measured run's held snapshot
  bool server_figures = true;      // server_scan and range_checksum per size: they read every row
};

// The connections a run of `options` holds at once, at `workers` workers.
ConnectionNeed connection_need(const ReadOptions& options, int workers, const PlanScope& scope);

// More connections than the server has free: a usage error (exit 2), found before
// the table is seeded or read. `workers`: as asked (with a budget, the most it may pick).
class ConnectionsRefused : public SettingError {
 public:
  ConnectionsRefused(int workers, ConnectionNeed need, ConnectionRoom room);
  [[nodiscard]] int workers() const { return workers_; }
  [[nodiscard]] const ConnectionNeed& need() const { return need_; }
  [[nodiscard]] const ConnectionRoom& room() const { return room_; }
  // The most workers that fit (0: not even one).
  [[nodiscard]] int workers_that_fit() const;

 private:
  int workers_;
  ConnectionNeed need_;
  ConnectionRoom room_;
};

// The whole benchmark's plan, the one decision a run and `benchclient plan` share:
// the server's free connections checked (before anything is seeded), the table
// prepared for the largest size, the memory budget's workers and batch, then each
// size's split (a whole table that splits into fewer parts than workers is read by
// as many workers as parts, said in a note). `phase` gets one line per step
// (seeding, each size), for the progress output. `expected` set: the table is
// compared with it first (SchemaDrift, see prepare_table).
BenchmarkPlan make_plan(const std::string& conninfo, const ReadOptions& options,
                        const std::function<void(const std::string&)>& phase,
                        const std::optional<TableSchema>& expected = std::nullopt, const PlanScope& scope = {});

}  // namespace benchlab::plan

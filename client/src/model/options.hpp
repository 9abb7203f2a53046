// The options of a benchmark, split by the layer that reads them: what to read
// (planning), how to schedule runs (the run loop), where results go (reporters).
// The CLI fills them; nothing below cli/ knows about flags.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "benchlab/set_digest.hpp"
#include "model/mask.hpp"
#include "model/recovery.hpp"
#include "model/wire_format.hpp"

namespace benchlab {

enum class MismatchPolicy { strict, tolerant };

[[nodiscard]] constexpr std::string_view to_string(MismatchPolicy p) {
  return p == MismatchPolicy::strict ? "strict" : "tolerant";
}

// --split: how the parallel strategies cut the read. automatic: by --key when it is
// given, else by the table's primary key when that is one integer column, else by ctid.
enum class SplitChoice { automatic, key, ctid };

[[nodiscard]] constexpr std::string_view to_string(SplitChoice s) {
  return s == SplitChoice::key ? "key" : s == SplitChoice::ctid ? "ctid" : "auto";
}

// --no-shared-snapshot adds, beside each parallel strategy, its deliberately broken
// control "<name>/unshared": the same strategy with every connection in a snapshot of
// its own. A control is expected to drift (that is what it shows): its mismatches
// neither fail a strict run nor set the exit status; its errors do.
inline constexpr std::string_view kUnsharedControlSuffix = "/unshared";
[[nodiscard]] constexpr bool is_unshared_control(std::string_view strategy) {
  return strategy.ends_with(kUnsharedControlSuffix);
}

// The standard table's size when --rows all finds it empty.
inline constexpr std::uint64_t kDefaultSeedRows = 100000;

struct ReadOptions {
  std::vector<std::uint64_t> row_counts;  // --rows 100000,500000,1000000 (empty with all_rows)
  bool all_rows = false;                  // --rows all: the whole table, whatever it holds
  std::string table;                      // empty: the standard table (seeded)
  std::string key;                        // empty: chosen (the standard table's is id)
  SplitChoice split = SplitChoice::automatic;
  WireFormat format = WireFormat::text;
  DigestAlgorithm digest = DigestAlgorithm::xxh3;  // --digest: sha256 adds the audit-grade digest to the checksum
  int workers = 2;
  int decoders = 0;       // --decoders: decoupled's decoding processes (0: as many as --workers)
  int batch_rows = 5000;  // ~0.9 MB of standard rows: memory stays flat, round trips stay negligible
  int statement_timeout_ms = 0;
  // --memory-budget: plan workers and batch size within it (0 and not auto: no planning).
  std::uint64_t memory_budget_bytes = 0;
  bool memory_budget_auto = false;  // --memory-budget auto: the cgroup limit, else MemAvailable
  int hang_timeout_ms = 0;          // --hang-timeout (0: derived from the measured batch latency)
  bool no_shared_snapshot = false;  // --no-shared-snapshot: the /unshared controls run too
  std::string snapshot_id;          // --snapshot ID: plan and read in a snapshot `benchclient snapshot hold` keeps
  // --part-rows: the parallel strategies' partitions hold at most this many rows
  // (a multiple of --workers of them): the unit of work, of resumption after a fault
  // and of checkpoints. 0: one partition per worker.
  std::uint64_t part_rows = 100000;
  std::optional<InjectedFault> fault;  // BENCHLAB_INJECT_FAULT (tests, make bench-faults)
  std::vector<MaskRule> masks;         // --mask: columns masked where they are decoded
  MaskKey mask_key;                    // BENCHLAB_MASK_KEY or --mask-key-file (never printed or stored)
  friend bool operator==(const ReadOptions&, const ReadOptions&) = default;
};

struct ScheduleOptions {
  std::vector<std::string> strategies;  // validated names, in table order
  int runs = 3;
  int warmup = 0;
  MismatchPolicy policy = MismatchPolicy::tolerant;
  bool measure_observer = true;  // sampler and accounting on (off: to measure their cost)
  RecoveryOptions recovery;      // --retries, --retry-backoff-ms: the parallel strategies' fallback chain
  // --concurrent-writes: a writer inserts and updates rows of the table being read at
  // this many rows/s during every run; each measured run reads a snapshot held for it
  // and must match the server's figures in that snapshot (0: no writer).
  double concurrent_writes_per_sec = 0;
  friend bool operator==(const ScheduleOptions&, const ScheduleOptions&) = default;
};

// What the terminal shows of the results (the display), apart from the files.
enum class ConsoleFormat { table, markdown, none };

struct OutputOptions {
  std::filesystem::path results_dir = "results";  // the JSON artifact, always
  bool json_to_stdout = false;                    // the artifact on stdout too (the display moves to stderr)
  ConsoleFormat console = ConsoleFormat::table;
  bool wide_table = false;              // the console table shows every column (default: the compact view, 120 columns)
  std::filesystem::path markdown_file;  // set: the Markdown report of this run, written there too
  bool progress = true;                 // phase lines; the live line only ever on a terminal
};

}  // namespace benchlab

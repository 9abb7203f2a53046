// The artifact: results/run-<UTC timestamp>.json (schema: docs/artifact-schema.md).
// A `context` block first (machine, software, server settings, redacted target,
// options), then `benchmarks` (one entry per size x strategy, with every run's raw
// figures) and `sizes` (per size: wire ceiling, server-only cost, server checksum).
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/run_options.hpp"
#include "dataset/read_plan.hpp"
#include "measure/run_loop.hpp"

namespace benchlab::results {

using Json = nlohmann::ordered_json;

inline constexpr int kSchemaVersion = 1;

// What the context block says about the server and the target (read before any run).
struct ServerFacts {
  std::string version;  // SHOW server_version
  int version_num = 0;
  std::string extension_version;
  std::vector<std::pair<std::string, std::string>> settings;  // name -> setting with unit
};

struct TargetFacts {
  std::string dsn_redacted;  // pg::redact_conninfo: never a password
  bool throwaway = false;
  std::string profile;               // cluster profile when throwaway
  std::string started_at;            // UTC ISO 8601, when the invocation started (empty: now)
  std::vector<double> load_average;  // 1/5/15-minute load averages at the start (empty: now)
};

// Fills started_at and load_average with the present moment.
void stamp_start(TargetFacts& facts);

// Reads the server's version and the settings that shape a bulk read.
ServerFacts read_server_facts(const std::string& conninfo);

// Host fingerprint, compiler, versions, git commit, date.
Json context_block(const cli::RunOptions& options, const TargetFacts& target, const ServerFacts& server,
                   const dataset::TableInfo& table);

// The whole artifact.
Json build_artifact(const cli::RunOptions& options, const TargetFacts& target, const ServerFacts& server,
                    const dataset::TableInfo& table, const BenchmarkReport& report);

// Writes `artifact` to dir/run-<UTC timestamp>.json atomically: a temporary file in
// the same directory, fsync, rename, fsync of the directory. Returns the final path.
std::filesystem::path write_artifact(const std::filesystem::path& dir, const Json& artifact);

// Same, to an explicit final path (tests).
void write_atomically(const std::filesystem::path& path, const std::string& content);

// Checks that `dir` can take an artifact: creates it if missing, then creates and
// removes a probe file. Throws a one-line std::runtime_error otherwise. Returns
// true when it created the directory (so a failed run can remove it again).
bool ensure_writable_dir(const std::filesystem::path& dir);

// "0x" + 16 hex digits.
std::string checksum_hex(std::uint64_t sum);

}  // namespace benchlab::results

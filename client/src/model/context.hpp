// Where and how a benchmark was measured: the context block every artifact opens
// with, and the artifact itself — the context plus the
// report. Secrets never appear: the target is described with its password removed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/artifact_summary.hpp"
#include "model/memory_plan.hpp"
#include "model/options.hpp"
#include "model/report.hpp"
#include "model/table.hpp"

namespace benchlab {

inline constexpr int kArtifactSchemaVersion = 1;

struct HostFacts {
  std::string cpu_model;
  unsigned cores = 0;
  std::uint64_t memory_bytes = 0;
  std::string kernel;
  std::vector<double> load_average;  // 1/5/15-minute load averages when the invocation started
  friend bool operator==(const HostFacts&, const HostFacts&) = default;
};

struct BuildFacts {
  std::string compiler;
  std::string benchlab_version;
  std::string git_commit;  // the commit the binary was built from (git describe --dirty)
  int libpq_version = 0;
  friend bool operator==(const BuildFacts&, const BuildFacts&) = default;
};

struct ServerFacts {
  std::string version;  // SHOW server_version
  int version_num = 0;
  std::string extension_version;
  std::vector<std::pair<std::string, std::string>> settings;  // name -> setting with unit, as the server has them
  // What benchclient's own sessions set over them (jit = off): the figures are of these.
  std::vector<std::pair<std::string, std::string>> session_settings;
  friend bool operator==(const ServerFacts&, const ServerFacts&) = default;
};

struct TargetFacts {
  std::string dsn_redacted;  // never a password
  bool throwaway = false;
  std::string profile;  // cluster profile when throwaway
  friend bool operator==(const TargetFacts&, const TargetFacts&) = default;
};

// True when the server runs on this machine (the throwaway cluster, a Unix socket or
// a loopback address): only then do its backends share the cores the CPU bound counts.
[[nodiscard]] inline bool server_on_this_host(const TargetFacts& t) {
  if (t.throwaway) return true;
  const auto at = t.dsn_redacted.find("host=");
  if (at == std::string::npos) return false;
  const std::string host = t.dsn_redacted.substr(at + 5, t.dsn_redacted.find(' ', at) - at - 5);
  return host.starts_with('/') || host == "localhost" || host.starts_with("127.") || host == "::1";
}

// One settings profile a run measured on its own fresh throwaway cluster (--profile
// a,b): what it asked for (the profile's settings, then --pg-set) and what the server
// had in force, read back from it (current_setting).
struct ProfileFacts {
  std::string name;
  std::string description;
  std::vector<std::pair<std::string, std::string>> requested;
  std::vector<std::pair<std::string, std::string>> settings;
  friend bool operator==(const ProfileFacts&, const ProfileFacts&) = default;
};

// The fixed resources of a run (--client-cpus, --server-cpus, --client-memory): the
// CPUs each side was allowed to run on, as the kernel reports the affinity (empty:
// not pinned, not known), and the client's memory cap and how it was enforced.
struct ResourceFacts {
  std::string client_cpus;  // sched_getaffinity of benchclient, e.g. "0" or "0-1"
  bool client_pinned = false;
  std::string server_cpus;  // of the throwaway postmaster (its backends inherit it)
  bool server_pinned = false;
  std::uint64_t client_memory_bytes = 0;  // 0: no cap
  std::string client_memory_mechanism;    // "RLIMIT_AS" (and why not cgroup v2)
  friend bool operator==(const ResourceFacts&, const ResourceFacts&) = default;
};

struct Context {
  int schema_version = kArtifactSchemaVersion;
  std::string date;     // UTC ISO 8601, when the invocation started
  std::string command;  // the command line it came from, shell-quoted (empty: an artifact from before it was kept)
  HostFacts host;
  BuildFacts build;
  ServerFacts server;
  TargetFacts target;
  std::string table_name;  // as the user wrote it
  bool standard_table = false;
  std::string key;
  std::vector<ColumnInfo> columns;
  ReadOptions read;
  ScheduleOptions schedule;
  std::optional<MemoryPlan> memory_plan;  // --memory-budget: the planner's figures and arithmetic
  std::vector<ProfileFacts> profiles;     // throwaway cluster: each profile measured, in order
  ResourceFacts resources;
  // The cores the CPU bound counts: the host's when the server shares them, else 0 (none).
  [[nodiscard]] unsigned bound_cores() const { return server_on_this_host(target) ? host.cores : 0; }
  friend bool operator==(const Context&, const Context&) = default;
};

struct Artifact {
  Context context;
  BenchmarkReport report;
  // false while the run is still going (the file is rewritten after every size and
  // profile) or when it stopped before the last (killed, crashed): the sizes and
  // profiles it holds are all there is.
  bool complete = true;
  // Derived from the two above by summary_of(), once: by this constructor, by the
  // run after measuring, by the loader. Readers read it, never summarize runs.
  ArtifactSummary summary;

  Artifact() = default;
  Artifact(Context measured_context, BenchmarkReport measured_report);  // summarized
  // What was measured; the summary follows from it.
  friend bool operator==(const Artifact& a, const Artifact& b) {
    return a.context == b.context && a.report == b.report && a.complete == b.complete;
  }
};

// Every figure readers show of `artifact`, from its runs (model/artifact_summary.hpp).
[[nodiscard]] ArtifactSummary summary_of(const Artifact& artifact);

// What every reader says of an artifact with complete false, once.
inline constexpr std::string_view kIncompleteArtifact =
    "incomplete: the run stopped before every size/profile was measured";

}  // namespace benchlab

// Where and how a benchmark was measured: the context block every artifact opens
// with, and the artifact itself — the context plus the
// report. Secrets never appear: the target is described with its password removed.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

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
  std::vector<std::pair<std::string, std::string>> settings;  // name -> setting with unit
  friend bool operator==(const ServerFacts&, const ServerFacts&) = default;
};

struct TargetFacts {
  std::string dsn_redacted;  // never a password
  bool throwaway = false;
  std::string profile;  // cluster profile when throwaway
  friend bool operator==(const TargetFacts&, const TargetFacts&) = default;
};

struct Context {
  int schema_version = kArtifactSchemaVersion;
  std::string date;  // UTC ISO 8601, when the invocation started
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
  friend bool operator==(const Context&, const Context&) = default;
};

struct Artifact {
  Context context;
  BenchmarkReport report;
  friend bool operator==(const Artifact&, const Artifact&) = default;
};

}  // namespace benchlab

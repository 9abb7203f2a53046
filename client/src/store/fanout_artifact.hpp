// The fan-out artifact (results/fanout-<UTC time>.json, `"kind": "fanout"`): the
// header every file has, then the job, `rows_match` and `checksum_match` as a run's
// artifact has them, each part (its worker, host, rows, time, re-offers), the
// per-worker and per-host throughput and the skew (docs/artifact-schema.md).
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "model/fanout.hpp"
#include "store/file_header.hpp"

namespace benchlab {

inline constexpr int kFanoutSchemaVersion = 1;

struct FanoutArtifact {
  FileContext context;
  int parts_asked = 0;
  FanoutFigures figures;
};

[[nodiscard]] nlohmann::ordered_json fanout_artifact_json(const FanoutArtifact& artifact);
// Written atomically under `dir`; returns the file's path.
std::filesystem::path write_fanout_artifact(const FanoutArtifact& artifact, const std::filesystem::path& dir);

}  // namespace benchlab

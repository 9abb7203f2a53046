// The advise artifact (results/advise-<UTC time>.json): the context block every
// artifact has, then `predictions`, `recommendation`, `calibration` and, after
// `advise --check`, `check` (the names docs/advise.md documents, which users'
// scripts read).
#pragma once

#include <filesystem>

#include <nlohmann/json.hpp>

#include "model/advise.hpp"
#include "model/context.hpp"

namespace benchlab {

inline constexpr int kAdviseSchemaVersion = 1;

struct AdviseArtifact {
  Context context;  // host, build, server, target, the table and the options advise ran with
  AdviseResult result;
};

[[nodiscard]] nlohmann::ordered_json advise_artifact_json(const AdviseArtifact& artifact);
// The artifact's body read back (after its header; report_set checks the header).
void from_json(const nlohmann::ordered_json& j, AdviseArtifact& artifact);
// Written atomically to `file`.
void write_advise_artifact(const AdviseArtifact& artifact, const std::filesystem::path& file);

}  // namespace benchlab

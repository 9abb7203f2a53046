// The artifact's JSON, written once: nlohmann-json's to_json/from_json for the
// model types (found by ADL), each pair made from one field list
// (store/field_list.hpp), so the writer and every reader share one schema
// (docs/artifact-schema.md). Derived figures — summaries, status, ratios, warnings
// — are written for people and scripts to read, and recomputed from the raw runs
// when an artifact is read back, never trusted from the file.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "model/context.hpp"

namespace benchlab {

using Json = nlohmann::ordered_json;

// An artifact that cannot be read: one line naming the file, the field and the
// problem ("FILE: missing context.host.memory_bytes", "FILE: not JSON ...").
struct ArtifactError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void to_json(Json& j, const Artifact& artifact);
void from_json(const Json& j, Artifact& artifact);
// The context block every artifact has (the queue artifact's too).
void to_json(Json& j, const Context& context);
void from_json(const Json& j, Context& context);

// "0x" + 16 hex digits.
[[nodiscard]] std::string checksum_hex(std::uint64_t sum);

// Reads an artifact file; ArtifactError names the file: "FILE: no such file",
// "FILE: not JSON (syntax error at byte N)", "FILE: schema version N is not supported".
[[nodiscard]] Artifact read_artifact_file(const std::filesystem::path& path);

}  // namespace benchlab

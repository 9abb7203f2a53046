// The queue artifact (results/queue-<UTC time>.json) and its console tables: the
// context block every artifact has, then `queue_samples`, `queue_bound`, `enqueue`
// and `crash_test` (the names docs/queue.md documents, which users' scripts read).
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/context.hpp"
#include "model/queue.hpp"

namespace benchlab {

struct QueueArtifact {
  Context context;  // host, build, target; context.server: the first profile's server
  QueueOptions options;
  // Each profile's server settings as the server had them (a fresh cluster each).
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> profile_settings;
  std::vector<QueueSample> samples;
  std::vector<QueueBound> bounds;
  std::vector<EnqueueResult> enqueue;
  std::vector<CrashResult> crash_test;
  bool complete = true;
};

[[nodiscard]] nlohmann::ordered_json queue_artifact_json(const QueueArtifact& artifact);
// One level of `queue_summary` (the artifact's and the JSON summary report's): profile,
// payload, concurrency, jobs/s, WAL per job and, when measured, the bound and fraction.
[[nodiscard]] nlohmann::ordered_json queue_level_json(const QueueLevel& level);
// The artifact's body read back (after its header; report_set checks the header).
void from_json(const nlohmann::ordered_json& j, QueueArtifact& artifact);
// Written atomically under `dir`; returns the file's path.
std::filesystem::path write_queue_artifact(const QueueArtifact& artifact, const std::filesystem::path& dir);
// `profile | concurrency | jobs/s mean | stddev | samples`, the enqueue methods and the crash test.
void print_queue_tables(std::FILE* out, const QueueArtifact& artifact);

}  // namespace benchlab

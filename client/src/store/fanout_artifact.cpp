#include "store/fanout_artifact.hpp"

#include <fmt/format.h>

#include "store/artifact_file.hpp"

namespace benchlab {

using Json = nlohmann::ordered_json;

namespace {

Json optional_bool(const std::optional<bool>& b) { return b ? Json(*b) : Json(nullptr); }
Json optional_double(const std::optional<double>& d) { return d ? Json(*d) : Json(nullptr); }

Json share_json(const FanoutShare& s, bool worker) {
  Json out{{worker ? "worker" : "host", s.name}};
  if (worker) out["host"] = s.host;
  out["connections"] = s.connections;
  out["parts"] = s.parts;
  out["rows"] = s.rows;
  out["bytes"] = s.bytes;
  out["span_s"] = s.span_s;
  out["read_s"] = s.read_s;
  out["rows_per_sec"] = s.rows_per_sec;
  return out;
}

}  // namespace

Json fanout_artifact_json(const FanoutArtifact& a) {
  const FanoutFigures& f = a.figures;
  Json doc = file_document(file_kind::fanout, kFanoutSchemaVersion, file_context_json(a.context));
  doc["job"] = f.job;
  doc["table"] = f.table;
  doc["split"] = f.split;
  doc["format"] = std::string(to_string(f.format));
  doc["shared_snapshot"] = f.shared_snapshot;
  doc["lease_ms"] = f.lease_ms;
  doc["parts_asked"] = a.parts_asked;
  doc["rows"] = f.rows;
  doc["bytes"] = f.bytes;
  doc["checksum"] = fmt::format("{:016x}", f.checksum);
  doc["expected_rows"] = f.expected_rows ? Json(*f.expected_rows) : Json(nullptr);
  doc["expected_checksum"] = f.expected_checksum ? Json(fmt::format("{:016x}", *f.expected_checksum)) : Json(nullptr);
  doc["checksum_source"] = f.checksum_source;
  doc["rows_match"] = optional_bool(f.rows_match);
  doc["checksum_match"] = optional_bool(f.checksum_match);
  if (f.digest) {
    doc["digest"] = f.digest->hex();
    doc["expected_digest"] = f.expected_digest ? Json(f.expected_digest->hex()) : Json(nullptr);
    doc["digest_match"] = optional_bool(f.digest_match);
  }
  doc["read_wall_s"] = f.read_wall_s;
  doc["rows_per_sec"] = f.rows_per_sec;
  doc["reoffers"] = f.reoffers;
  doc["overhead_per_part_s"] = f.overhead_per_part_s;
  doc["setup_per_part_s"] = f.setup_per_part_s;
  doc["skew"] = Json{{"worker_rows_cv", optional_double(f.worker_rows_cv)},
                     {"worker_span_cv", optional_double(f.worker_span_cv)}};
  Json workers = Json::array(), hosts = Json::array(), parts = Json::array();
  for (const auto& w : f.workers) workers.push_back(share_json(w, true));
  for (const auto& h : f.hosts) hosts.push_back(share_json(h, false));
  for (const auto& p : f.parts) {
    Json part{{"part", p.index}};
    if (!p.relation.empty()) part["relation"] = p.relation;
    part["lo"] = p.lo;
    part["hi"] = p.hi;
    part["state"] = p.state;
    part["worker"] = p.worker;
    part["host"] = p.host;
    part["rows"] = p.rows;
    part["bytes"] = p.bytes;
    part["checksum"] = fmt::format("{:016x}", p.checksum);
    part["read_s"] = p.read_s;
    part["setup_s"] = p.setup_s;
    part["claimed_at_s"] = p.claimed_at_s;
    part["confirmed_at_s"] = p.confirmed_at_s;
    part["claims"] = p.claims;
    part["reoffers"] = p.reoffers;
    parts.push_back(std::move(part));
  }
  doc["workers"] = std::move(workers);
  doc["hosts"] = std::move(hosts);
  doc["parts"] = std::move(parts);
  doc["notes"] = f.notes;
  return doc;
}

std::filesystem::path write_fanout_artifact(const FanoutArtifact& a, const std::filesystem::path& dir) {
  const std::filesystem::path file = fresh_result_path(dir, "fanout");
  write_atomically(file, fanout_artifact_json(a).dump(2) + "\n");
  return file;
}

}  // namespace benchlab

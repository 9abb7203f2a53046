#include "run/checkpoint_file.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "model/errors.hpp"
#include "store/artifact_file.hpp"
#include "store/file_header.hpp"
#include "store/json_fields.hpp"
#include "store/schema_json.hpp"

namespace benchlab {

namespace {

using json_fields::Json;
using json_fields::maybe;
using json_fields::need;

std::string hex(std::uint64_t v) { return fmt::format("{:016x}", v); }

std::uint64_t from_hex(const std::string& text) {
  std::size_t used = 0;
  std::uint64_t v = 0;
  try {
    v = std::stoull(text, &used, 16);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty()) json_fields::fail(json_fields::current_path() + " is not a hex checksum");
  return v;
}

Json range_json(const KeyRange& r) {
  return Json{{"lo", r.lo}, {"hi", r.hi}, {"relation", r.relation_sql}, {"with_nulls", r.with_nulls}};
}

KeyRange range_of(const Json& j) {
  KeyRange r;
  need(j, "lo", r.lo);
  need(j, "hi", r.hi);
  maybe(j, "relation", r.relation_sql);
  maybe(j, "with_nulls", r.with_nulls);
  return r;
}

std::string bound(std::int64_t v) { return v == kOpenStart ? "-inf" : v == kOpenEnd ? "+inf" : std::to_string(v); }

}  // namespace

CheckpointFile::CheckpointFile(std::filesystem::path path) : path_(std::move(path)) {
  std::error_code ec;
  if (!std::filesystem::exists(path_, ec)) return;
  const Json j = json_fields::read_json_file<CheckpointError>(path_, "a checkpoint file", "");
  try {
    const FileHeader header = read_file_header(j);
    if (header.kind != file_kind::checkpoint && !(j.is_object() && j.contains("benchlab_checkpoint")))
      json_fields::fail("not a benchlab checkpoint file (its kind is not \"checkpoint\")");
    int version = header.schema_version;
    if (header.kind.empty()) need(j, "benchlab_checkpoint", version);  // its version before the header
    if (version != kCheckpointVersion)
      json_fields::fail(fmt::format("checkpoint version {} (this benchclient reads {})", version, kCheckpointVersion));
    CheckpointFacts facts;
    need(j, "strategy", facts.strategy);
    need(j, "table", facts.table);
    need(j, "key", facts.key);
    std::string split, format;
    need(j, "split", split);
    need(j, "format", format);
    facts.split = split == "ctid" ? Split::ctid : Split::key;
    facts.format = format == "binary" ? WireFormat::binary : WireFormat::text;
    std::string digest = "xxh3";  // a file from before --digest: xxh3
    maybe(j, "digest", digest);
    const std::optional<DigestAlgorithm> algorithm = digest_algorithm_named(digest);
    if (!algorithm) json_fields::fail(fmt::format("digest '{}' is neither xxh3 nor sha256", digest));
    facts.digest = *algorithm;
    need(j, "rows", facts.rows);
    need(j, "schema", facts.schema);
    {
      json_fields::PathSegment s("parts");
      if (!j.contains("parts") || !j["parts"].is_array()) json_fields::fail("missing parts");
      for (std::size_t i = 0; i < j["parts"].size(); ++i) {
        json_fields::PathSegment at(fmt::format("[{}]", i));
        facts.parts.push_back(range_of(j["parts"][i]));
      }
    }
    maybe(j, "snapshot_id", snapshot_id_);
    maybe(j, "complete", complete_);
    json_fields::PathSegment s("done");
    if (!j.contains("done") || !j["done"].is_array()) json_fields::fail("missing done");
    for (std::size_t i = 0; i < j["done"].size(); ++i) {
      json_fields::PathSegment at(fmt::format("[{}]", i));
      const Json& d = j["done"][i];
      PartFigures p;
      need(d, "index", p.index);
      if (p.index >= facts.parts.size()) json_fields::fail(json_fields::current_path() + ".index is not a part");
      need(d, "rows", p.rows);
      need(d, "bytes", p.bytes);
      maybe(d, "unknown_values", p.unknown_values);
      std::string sum;
      need(d, "checksum", sum);
      p.checksum = from_hex(sum);
      if (facts.digest == DigestAlgorithm::sha256) {
        json_fields::PathSegment at_digest("digest");
        std::string hex_digest;
        need(d, "digest", hex_digest);
        const std::optional<SetDigest> part_digest = SetDigest::from_hex(hex_digest);
        if (!part_digest) json_fields::fail(json_fields::current_path() + " is not a sha256 digest (64 hex digits)");
        p.digest = *part_digest;
      }
      p.lo = facts.parts[p.index].lo;
      p.hi = facts.parts[p.index].hi;
      p.relation = facts.parts[p.index].relation_sql;
      before_.push_back(p);
    }
    facts_ = std::move(facts);
  } catch (const json_fields::FieldError& e) {
    throw SettingFailed(SettingFailed::Problem::checkpoint_unreadable, path_.string(), e.what());
  }
  done_ = before_;
  resuming_ = true;
}

void CheckpointFile::bind(const CheckpointFacts& facts) {
  std::lock_guard lock(mutex_);
  if (!resuming_) {
    facts_ = facts;
    write();
    return;
  }
  const CheckpointFacts& was = *facts_;
  std::vector<std::string> diffs;
  if (was.strategy != facts.strategy)
    diffs.push_back(fmt::format("strategy {} (was {})", facts.strategy, was.strategy));
  if (was.table != facts.table) diffs.push_back(fmt::format("table {} (was {})", facts.table, was.table));
  if (was.key != facts.key) diffs.push_back(fmt::format("key '{}' (was '{}')", facts.key, was.key));
  if (was.split != facts.split)
    diffs.push_back(fmt::format("split {} (was {})", to_string(facts.split), to_string(was.split)));
  if (was.format != facts.format)
    diffs.push_back(fmt::format("format {} (was {})", to_string(facts.format), to_string(was.format)));
  if (was.digest != facts.digest)
    diffs.push_back(fmt::format("digest {} (was {})", to_string(facts.digest), to_string(was.digest)));
  if (was.rows != facts.rows) diffs.push_back(fmt::format("rows {} (was {})", facts.rows, was.rows));
  if (was.parts.size() != facts.parts.size()) {
    diffs.push_back(fmt::format("{} parts (was {})", facts.parts.size(), was.parts.size()));
  } else {
    for (std::size_t i = 0; i < was.parts.size(); ++i) {
      const KeyRange &a = was.parts[i], &b = facts.parts[i];
      if (a.lo != b.lo || a.hi != b.hi || a.relation_sql != b.relation_sql || a.with_nulls != b.with_nulls) {
        diffs.push_back(fmt::format("part {} is {}{}..{} (was {}{}..{})", i,
                                    b.relation_sql.empty() ? "" : b.relation_sql + " ", bound(b.lo), bound(b.hi),
                                    a.relation_sql.empty() ? "" : a.relation_sql + " ", bound(a.lo), bound(a.hi)));
        break;  // one is enough to say the plan moved
      }
    }
  }
  for (const auto& d : schema_differences(was.schema, facts.schema)) diffs.push_back("schema: " + d);
  if (!diffs.empty()) {
    std::string all;
    for (const auto& d : diffs) all += (all.empty() ? "" : "; ") + d;
    throw SettingFailed(SettingFailed::Problem::checkpoint_other_read, path_.string(), all);
  }
}

std::optional<CheckpointFile::Kept> CheckpointFile::kept() const {
  std::lock_guard lock(mutex_);
  if (!facts_) return std::nullopt;
  return Kept{done_.size(), facts_->parts.size(), facts_->strategy, facts_->rows};
}

std::vector<PartFigures> CheckpointFile::confirmed_before() const {
  std::lock_guard lock(mutex_);
  return before_;
}

void CheckpointFile::started(const std::string& snapshot_id) {
  std::lock_guard lock(mutex_);
  snapshot_id_ = snapshot_id;
  write();
}

void CheckpointFile::confirm(const PartFigures& part) {
  std::lock_guard lock(mutex_);
  done_.push_back(part);
  write();
}

void CheckpointFile::finished() {
  std::lock_guard lock(mutex_);
  complete_ = true;
  write();
}

void CheckpointFile::write() const {
  if (!facts_) return;
  const CheckpointFacts& f = *facts_;
  Json parts = Json::array();
  for (const auto& p : f.parts) parts.push_back(range_json(p));
  std::vector<PartFigures> sorted = done_;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
  Json done = Json::array();
  std::uint64_t rows = 0;
  for (const auto& p : sorted) {
    rows += p.rows;
    Json part{{"index", p.index},
              {"rows", p.rows},
              {"bytes", p.bytes},
              {"unknown_values", p.unknown_values},
              {"checksum", hex(p.checksum)}};
    if (f.digest == DigestAlgorithm::sha256) part["digest"] = p.digest.hex();
    done.push_back(std::move(part));
  }
  Json schema;
  to_json(schema, f.schema);
  // The header without a context: a journal of one read, kept beside the run that owns it.
  const Json j{{"kind", file_kind::checkpoint},
               {"schema_version", kCheckpointVersion},
               {"strategy", f.strategy},
               {"table", f.table},
               {"key", f.key},
               {"split", to_string(f.split)},
               {"format", to_string(f.format)},
               {"digest", to_string(f.digest)},
               {"rows", f.rows},
               {"snapshot_id", snapshot_id_},
               {"complete", complete_},
               {"parts_done", sorted.size()},
               {"parts_total", f.parts.size()},
               {"rows_done", rows},
               {"parts", parts},
               {"done", done},
               {"schema", schema}};
  write_atomically(path_, j.dump(1) + "\n");
}

}  // namespace benchlab

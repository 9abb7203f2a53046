#include "store/report_set.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

#include "model/secrets.hpp"
#include "store/artifact_json.hpp"
#include "store/file_header.hpp"
#include "store/json_fields.hpp"

namespace benchlab {

namespace {

using namespace json_fields;

Summary summary_of(const Json& j) {
  Summary s;
  maybe(j, "median", s.median);
  maybe(j, "min", s.min);
  maybe(j, "max", s.max);
  s.count = 1;
  return s;
}

Provenance provenance_of(const Json& c) {
  Provenance p;
  maybe(c, "date", p.date);
  maybe(c, "command", p.command);
  p.command = redact_command_line(p.command);  // written before commands were redacted: no password shown
  if (const auto h = c.find("host"); h != c.end() && h->is_object()) {
    maybe(*h, "cpu_model", p.cpu_model);
    maybe(*h, "cores", p.cores);
  }
  maybe(c, "git_commit", p.git_commit);
  if (const auto b = c.find("build"); b != c.end() && b->is_object()) maybe(*b, "git_commit", p.git_commit);
  if (const auto s = c.find("server"); s != c.end() && s->is_object()) maybe(*s, "version", p.server_version);
  return p;
}

FaultsArtifact faults_of(const Json& j) {
  int version = 0;
  need(j, "schema_version", version);
  check_schema_version(version, kFaultsSchemaVersion);
  FaultsArtifact f;
  {
    PathSegment seg("context");
    const auto c = j.find("context");
    if (c == j.end() || !c->is_object()) fail("missing context");
    f.provenance = provenance_of(*c);
  }
  maybe(j, "ok", f.ok);
  if (const auto s = j.find("settings"); s != j.end() && s->is_object()) {
    maybe(*s, "rows", f.rows);
    maybe(*s, "repetitions", f.repetitions);
    maybe(*s, "workers", f.workers);
  }
  const auto strategies = j.find("strategies");
  if (strategies == j.end() || !strategies->is_array()) fail("missing strategies");
  for (const auto& s : *strategies) {
    FaultsArtifact::Strategy st;
    need(s, "strategy", st.name);
    if (const auto e = s.find("exit_ms"); e != s.end() && e->is_object()) st.exit_ms = summary_of(*e);
    if (const auto g = s.find("backends_gone_ms"); g != s.end() && g->is_object()) st.backends_gone_ms = summary_of(*g);
    if (const auto runs = s.find("runs"); runs != s.end() && runs->is_array()) {
      st.runs = static_cast<int>(runs->size());
      for (const auto& r : *runs) st.ok_runs += r.value("ok", false) ? 1 : 0;
    }
    f.strategies.push_back(std::move(st));
  }
  return f;
}

VerifyArtifact verify_of(const Json& j) {
  VerifyArtifact v;
  need(j, "equal", v.equal);
  std::string server;
  if (const auto s = j.find("source"); s != j.end() && s->is_object()) {
    maybe(*s, "rows", v.source_rows);
    maybe(*s, "server", server);  // "PostgreSQL 15.20 (Debian …)"
  }
  if (const auto t = j.find("target"); t != j.end() && t->is_object()) maybe(*t, "rows", v.target_rows);
  if (const auto d = j.find("differences"); d != j.end() && d->is_array()) v.differences = d->size();
  maybe(j, "segments_compared", v.segments_compared);
  maybe(j, "segments_differing", v.segments_differing);
  maybe(j, "rows_fetched", v.rows_fetched);
  maybe(j, "elapsed_s", v.elapsed_s);
  if (const auto b = j.find("baseline_hash_both_s"); b != j.end() && b->is_number()) v.baseline_s = b->get<double>();
  if (const auto c = j.find("context"); c != j.end() && c->is_object()) v.provenance = provenance_of(*c);
  if (v.provenance.server_version.empty() && server.starts_with("PostgreSQL "))
    v.provenance.server_version = server.substr(11);
  return v;
}

// pg_test_fsync's "Compare file sync methods using one 8kB write" block: its fdatasync line.
FsyncArtifact fsync_of(const std::string& file, const std::string& text) {
  const auto block = text.find("using one 8kB write");
  if (block == std::string::npos)
    throw ArtifactError(fmt::format("{}: not pg_test_fsync output (no \"one 8kB write\" section)", file));
  static const std::regex line(R"(\n\s*fdatasync\s+([0-9.]+) ops/sec\s+([0-9.]+) usecs/op)");
  std::smatch m;
  const std::string tail = text.substr(block);
  if (!std::regex_search(tail, m, line))
    throw ArtifactError(fmt::format("{}: pg_test_fsync output without an fdatasync figure", file));
  FsyncArtifact f;
  f.ops_per_sec = std::stod(m[1].str());
  f.usecs_per_op = std::stod(m[2].str());
  return f;
}

// The kind of a file written before the header, by its keys; empty: none of them.
std::string kind_by_content(const Json& doc) {
  if (doc.contains("source") && doc.contains("target") && doc.contains("differences"))
    return std::string(file_kind::verify);
  if (doc.contains("context") || doc.contains("benchmarks")) return std::string(file_kind::run);
  return {};
}

}  // namespace

ReportSet load_report_set(const std::vector<std::string>& files) {
  ReportSet set;
  for (const auto& file : files) {
    const std::filesystem::path path(file);
    if (path.extension() == ".txt") {
      std::ifstream in(path, std::ios::binary);
      if (!in) throw ArtifactError(fmt::format("{}: cannot read it", file));
      std::stringstream ss;
      ss << in.rdbuf();
      set.fsyncs.push_back({file, fsync_of(file, ss.str())});
      continue;
    }
    const Json doc = read_json_file<ArtifactError>(path, "an artifact", "");
    t_path.clear();
    try {
      if (!doc.is_object())
        throw ArtifactError(fmt::format("{}: not a benchclient artifact (a JSON object is expected)", file));
      const FileHeader header = read_file_header(doc);
      const std::string kind = header.kind.empty() ? kind_by_content(doc) : header.kind;
      if (kind == file_kind::run) {
        set.runs.push_back({file, doc.get<Artifact>()});
      } else if (kind == file_kind::queue) {
        if (doc.contains("schema_version")) check_schema_version(header.schema_version, kQueueSchemaVersion);
        set.queues.push_back({file, doc.get<QueueArtifact>()});
      } else if (kind == file_kind::faults) {
        set.faults.push_back({file, faults_of(doc)});
      } else if (kind == file_kind::verify) {
        if (doc.contains("schema_version")) check_schema_version(header.schema_version, kVerifySchemaVersion);
        set.verifies.push_back({file, verify_of(doc)});
      } else if (kind == file_kind::advise) {
        check_schema_version(header.schema_version, kAdviseSchemaVersion);
        set.advises.push_back({file, doc.get<AdviseArtifact>()});
      } else if (kind == file_kind::schema || kind == file_kind::checkpoint || kind == file_kind::fanout) {
        throw ArtifactError(fmt::format(
            "{}: a {} file, which benchclient report does not read (give it run, queue, faults, verify or advise "
            "files)",
            file, kind));
      } else if (!kind.empty()) {
        throw ArtifactError(
            fmt::format("{}: an artifact of kind \"{}\", which this benchclient does not know", file, kind));
      } else {
        throw ArtifactError(fmt::format(
            "{}: not a benchclient artifact (neither a run, queue, faults nor verify file: no context, no kind)",
            file));
      }
    } catch (const FieldError& e) {
      t_path.clear();
      throw ArtifactError(fmt::format("{}: {}", file, e.what()));
    } catch (const nlohmann::json::exception& e) {
      t_path.clear();
      throw ArtifactError(fmt::format("{}: unexpected content ({})", file, e.what()));
    }
  }
  return set;
}

std::vector<TargetOutcome> judge_targets(const ReportSet& set, const std::vector<Target>& targets) {
  std::vector<NamedArtifactRef> reads;
  for (const auto& r : set.runs) reads.push_back({r.file, &r.artifact});
  std::vector<NamedQueueLevels> queues;
  for (const auto& q : set.queues)
    queues.push_back({q.file, q.artifact.context.command, queue_levels(q.artifact.samples, q.artifact.bounds)});
  return evaluate_targets(targets, reads, queues);
}

std::vector<RepeatedCheck> repeated_checks(const ReportSet& set) {
  // In the order they were measured; a repeat is the same table and rows, checked on
  // the same machine (another machine's figures are another measurement).
  std::vector<const Named<AdviseArtifact>*> checked;
  for (const auto& a : set.advises)
    if (a.artifact.result.check) checked.push_back(&a);
  std::stable_sort(checked.begin(), checked.end(),
                   [](const auto* a, const auto* b) { return a->artifact.context.date < b->artifact.context.date; });
  std::vector<RepeatedCheck> out;
  for (std::size_t i = 1; i < checked.size(); ++i)
    for (std::size_t j = i; j-- > 0;) {
      const auto& earlier = *checked[j];
      const auto& later = *checked[i];
      if (earlier.artifact.context.host.cpu_model != later.artifact.context.host.cpu_model ||
          earlier.artifact.context.host.cores != later.artifact.context.host.cores)
        continue;
      if (auto r = compare_checks(earlier.artifact.result, earlier.file, later.artifact.result, later.file)) {
        out.push_back(std::move(*r));
        break;
      }
    }
  return out;
}

}  // namespace benchlab

#include "store/artifact_json.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <type_traits>

#include "model/secrets.hpp"
#include "model/verdict_text.hpp"
#include "model/warnings.hpp"
#include "store/file_header.hpp"
#include "store/json_fields.hpp"

namespace benchlab {

namespace {

using namespace json_fields;  // need(), maybe(), PathSegment: errors that name the field

std::uint64_t checksum_of(const std::string& hex) {
  std::uint64_t v = 0;
  const char* begin = hex.data() + (hex.starts_with("0x") ? 2 : 0);
  const auto [end, ec] = std::from_chars(begin, hex.data() + hex.size(), v, 16);
  if (ec != std::errc() || end != hex.data() + hex.size() || !hex.starts_with("0x"))
    fail(fmt::format("{} is not a checksum (0x and 16 hex digits)", current_path()));
  return v;
}

void need_checksum(const Json& obj, const char* key, std::uint64_t& out) {
  std::string hex;
  need(obj, key, hex);
  PathSegment segment(key);
  out = checksum_of(hex);
}

void maybe_checksum(const Json& obj, const char* key, std::optional<std::uint64_t>& out) {
  std::optional<std::string> hex;
  maybe(obj, key, hex);
  PathSegment segment(key);
  if (hex) out = checksum_of(*hex);
}

template <typename T>
Json nullable(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

Json summary_json(const Summary& s) { return Json{{"median", s.median}, {"min", s.min}, {"max", s.max}}; }
Json summary_or_null(const Summary& s) { return s.count ? summary_json(s) : Json(nullptr); }

}  // namespace

// ---- the model types ---------------------------------------------------------

void to_json(Json& j, const ColumnInfo& c) { j = Json{{"name", c.name}, {"type", c.type}, {"type_oid", c.type_oid}}; }
void from_json(const Json& j, ColumnInfo& c) {
  need(j, "name", c.name);
  need(j, "type", c.type);
  maybe(j, "type_oid", c.type_oid);
}

Json options_json(const ReadOptions& r, const ScheduleOptions& s) {
  return Json{
      {"strategies", s.strategies},
      {"rows", r.row_counts},
      {"all_rows", r.all_rows},  // --rows all (rows is then empty)
      {"split", std::string(to_string(r.split))},
      {"runs", s.runs},
      {"warmup", s.warmup},
      {"format", std::string(to_string(r.format))},
      {"workers", r.workers},
      {"batch_rows", r.batch_rows},
      {"statement_timeout_ms", r.statement_timeout_ms},
      {"hang_timeout_ms", r.hang_timeout_ms},
      {"snapshot", r.snapshot_id.empty() ? Json(nullptr) : Json(r.snapshot_id)},
      {"shared_snapshot", true},  // every strategy shares one; the /unshared controls do not
      {"unshared_control", r.no_shared_snapshot},
      {"memory_budget", r.memory_budget_auto        ? Json("auto")
                        : r.memory_budget_bytes > 0 ? Json(r.memory_budget_bytes)
                                                    : Json(nullptr)},
      {"policy", std::string(to_string(s.policy))},
      {"table", r.table.empty() ? Json(nullptr) : Json(r.table)},
      {"key", r.key.empty() ? Json(nullptr) : Json(r.key)},
      {"measure_observer", s.measure_observer},
      {"retries", s.recovery.retries},
      {"retry_backoff_ms", s.recovery.backoff_ms},
      {"part_rows", r.part_rows},
      {"concurrent_writes", s.concurrent_writes_per_sec > 0 ? Json(s.concurrent_writes_per_sec) : Json(nullptr)},
      {"injected_fault", r.fault ? Json{{"kind", std::string(to_string(r.fault->kind))},
                                        {"worker", r.fault->worker},
                                        {"after_batches", r.fault->after_batches},
                                        {"attempts", r.fault->attempts},
                                        {"run", r.fault->run}}
                                 : Json(nullptr)}};
}

void read_options(const Json& j, ReadOptions& r, ScheduleOptions& s) {
  maybe(j, "strategies", s.strategies);
  maybe(j, "rows", r.row_counts);
  maybe(j, "all_rows", r.all_rows);
  std::string split = "auto";
  maybe(j, "split", split);
  r.split = split == "key" ? SplitChoice::key : split == "ctid" ? SplitChoice::ctid : SplitChoice::automatic;
  need(j, "runs", s.runs);
  maybe(j, "warmup", s.warmup);
  std::string format;
  need(j, "format", format);
  const auto f = wire_format_named(format);
  if (!f) fail(fmt::format("context.options.format '{}' is neither text nor binary", format));
  r.format = *f;
  need(j, "workers", r.workers);
  maybe(j, "batch_rows", r.batch_rows);
  maybe(j, "statement_timeout_ms", r.statement_timeout_ms);
  maybe(j, "hang_timeout_ms", r.hang_timeout_ms);
  maybe(j, "snapshot", r.snapshot_id);
  bool shared = true;
  maybe(j, "shared_snapshot", shared);  // false: an artifact from before the controls
  r.no_shared_snapshot = !shared;
  maybe(j, "unshared_control", r.no_shared_snapshot);
  if (const auto b = j.find("memory_budget"); b != j.end()) {
    if (b->is_string()) r.memory_budget_auto = true;
    if (b->is_number_unsigned()) r.memory_budget_bytes = b->get<std::uint64_t>();
  }
  std::string policy = "tolerant";
  maybe(j, "policy", policy);
  s.policy = policy == "strict" ? MismatchPolicy::strict : MismatchPolicy::tolerant;
  maybe(j, "table", r.table);
  maybe(j, "key", r.key);
  maybe(j, "measure_observer", s.measure_observer);
  maybe(j, "retries", s.recovery.retries);
  maybe(j, "retry_backoff_ms", s.recovery.backoff_ms);
  maybe(j, "part_rows", r.part_rows);
  maybe(j, "concurrent_writes", s.concurrent_writes_per_sec);
  if (const auto fi = j.find("injected_fault"); fi != j.end() && fi->is_object()) {
    PathSegment fault("injected_fault");
    std::string kind;
    need(*fi, "kind", kind);
    InjectedFault injected;
    try {
      injected = parse_injected_fault(kind);
    } catch (const std::invalid_argument& e) {
      fail(fmt::format("{}.kind: {}", current_path(), e.what()));
    }
    maybe(*fi, "worker", injected.worker);
    maybe(*fi, "after_batches", injected.after_batches);
    maybe(*fi, "attempts", injected.attempts);
    maybe(*fi, "run", injected.run);
    r.fault = injected;
  }
}

Json memory_plan_json(const MemoryPlan& m) {
  return Json{{"budget_bytes", m.budget_bytes},
              {"budget_source", m.budget_source},
              {"reserve_bytes", m.reserve_bytes},
              {"worker_base_bytes", m.worker_base_bytes},
              {"row_bytes", m.row_bytes},
              {"in_flight_batches", m.in_flight_batches},
              {"workers_asked", m.workers_asked},
              {"cores", m.cores},
              {"batch_rows_asked", m.batch_rows_asked},
              {"workers", m.workers},
              {"batch_rows", m.batch_rows},
              {"per_worker_bytes", m.per_worker_bytes},
              {"worker_limit_bytes", m.worker_limit_bytes},
              {"worker_limit", "RLIMIT_AS"},
              {"arithmetic", m.arithmetic}};
}

void read_memory_plan(const Json& j, MemoryPlan& m) {
  need(j, "budget_bytes", m.budget_bytes);
  maybe(j, "budget_source", m.budget_source);
  maybe(j, "reserve_bytes", m.reserve_bytes);
  maybe(j, "worker_base_bytes", m.worker_base_bytes);
  maybe(j, "row_bytes", m.row_bytes);
  maybe(j, "in_flight_batches", m.in_flight_batches);
  maybe(j, "workers_asked", m.workers_asked);
  maybe(j, "cores", m.cores);
  maybe(j, "batch_rows_asked", m.batch_rows_asked);
  need(j, "workers", m.workers);
  need(j, "batch_rows", m.batch_rows);
  maybe(j, "per_worker_bytes", m.per_worker_bytes);
  maybe(j, "worker_limit_bytes", m.worker_limit_bytes);
  maybe(j, "arithmetic", m.arithmetic);
}

void to_json(Json& j, const Context& c) {
  Json settings = Json::object();
  for (const auto& [k, v] : c.server.settings) settings[k] = v;
  Json session_settings = Json::object();
  for (const auto& [k, v] : c.server.session_settings) session_settings[k] = v;
  const Json options = options_json(c.read, c.schedule);
  j = Json{
      {"schema_version", c.schema_version},
      {"date", c.date},
      {"command", c.command},
      {"host", Json{{"cpu_model", c.host.cpu_model},
                    {"cores", c.host.cores},
                    {"memory_bytes", c.host.memory_bytes},
                    {"kernel", c.host.kernel},
                    {"load_average", c.host.load_average}}},
      {"compiler", c.build.compiler},
      {"benchlab_version", c.build.benchlab_version},
      {"git_commit", c.build.git_commit},
      {"libpq_version", c.build.libpq_version},
      {"postgresql", Json{{"version", c.server.version},
                          {"version_num", c.server.version_num},
                          {"extension_version", c.server.extension_version},
                          {"settings", settings},
                          {"session_settings", session_settings}}},
      {"target", Json{{"dsn", c.target.dsn_redacted},
                      {"throwaway_cluster", c.target.throwaway},
                      {"profile", c.target.throwaway ? Json(c.target.profile) : Json(nullptr)}}},
      {"table", Json{{"name", c.table_name}, {"standard", c.standard_table}, {"key", c.key}, {"columns", c.columns}}},
      {"options", options}};
  if (c.memory_plan) j["memory_plan"] = memory_plan_json(*c.memory_plan);
  Json profiles = Json::array();
  for (const auto& p : c.profiles) {
    Json requested = Json::object(), in_force = Json::object();
    for (const auto& [k, v] : p.requested) requested[k] = v;
    for (const auto& [k, v] : p.settings) in_force[k] = v;
    profiles.push_back(
        Json{{"name", p.name}, {"description", p.description}, {"requested", requested}, {"settings", in_force}});
  }
  j["profiles"] = profiles;
  const ResourceFacts& r = c.resources;
  j["resources"] = Json{
      {"client_cpus", r.client_cpus},
      {"client_pinned", r.client_pinned},
      {"server_cpus", r.server_cpus.empty() ? Json(nullptr) : Json(r.server_cpus)},
      {"server_pinned", r.server_pinned},
      {"client_memory_bytes", r.client_memory_bytes == 0 ? Json(nullptr) : Json(r.client_memory_bytes)},
      {"client_memory_mechanism", r.client_memory_mechanism.empty() ? Json(nullptr) : Json(r.client_memory_mechanism)}};
}

void from_json(const Json& j, Context& c) {
  need(j, "schema_version", c.schema_version);
  if (c.schema_version != kArtifactSchemaVersion)
    fail(fmt::format("schema version {} is not supported (this benchclient reads version {})", c.schema_version,
                     kArtifactSchemaVersion));
  need(j, "date", c.date);
  maybe(j, "command", c.command);
  c.command = redact_command_line(c.command);  // written before commands were redacted: no password shown
  {
    PathSegment host_path("host");
    const auto host = j.find("host");
    if (host == j.end() || !host->is_object())
      fail(host == j.end() ? "missing " + current_path() : current_path() + " is not an object");
    need(*host, "cpu_model", c.host.cpu_model);
    need(*host, "cores", c.host.cores);
    need(*host, "memory_bytes", c.host.memory_bytes);
    maybe(*host, "kernel", c.host.kernel);
    maybe(*host, "load_average", c.host.load_average);
  }
  maybe(j, "compiler", c.build.compiler);
  maybe(j, "benchlab_version", c.build.benchlab_version);
  maybe(j, "git_commit", c.build.git_commit);
  maybe(j, "libpq_version", c.build.libpq_version);
  {
    Json pg;
    need(j, "postgresql", pg);
    PathSegment pg_path("postgresql");
    need(pg, "version", c.server.version);
    maybe(pg, "version_num", c.server.version_num);
    maybe(pg, "extension_version", c.server.extension_version);
    if (const auto s = pg.find("settings"); s != pg.end() && s->is_object())
      for (const auto& [k, v] : s->items())
        c.server.settings.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
    if (const auto ss = pg.find("session_settings"); ss != pg.end() && ss->is_object())
      for (const auto& [k, v] : ss->items())
        c.server.session_settings.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
  }
  {
    Json target;
    need(j, "target", target);
    PathSegment target_path("target");
    need(target, "dsn", c.target.dsn_redacted);
    c.target.dsn_redacted = redact_argument(c.target.dsn_redacted);
    maybe(target, "throwaway_cluster", c.target.throwaway);
    maybe(target, "profile", c.target.profile);
  }
  if (const auto t = j.find("table"); t != j.end() && t->is_object()) {
    PathSegment table_path("table");
    maybe(*t, "name", c.table_name);
    maybe(*t, "standard", c.standard_table);
    maybe(*t, "key", c.key);
    maybe(*t, "columns", c.columns);
  }
  Json options;
  need(j, "options", options);
  {
    PathSegment options_path("options");
    read_options(options, c.read, c.schedule);
  }
  if (const auto m = j.find("memory_plan"); m != j.end() && m->is_object()) {
    PathSegment memory_path("memory_plan");
    c.memory_plan.emplace();
    read_memory_plan(*m, *c.memory_plan);
  }
  auto pairs_of = [](const Json& obj, const char* key, std::vector<std::pair<std::string, std::string>>& out) {
    if (const auto s = obj.find(key); s != obj.end() && s->is_object())
      for (const auto& [k, v] : s->items()) out.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
  };
  if (const auto ps = j.find("profiles"); ps != j.end() && ps->is_array()) {
    for (std::size_t i = 0; i < ps->size(); ++i) {
      PathSegment at(fmt::format("profiles[{}]", i));
      const Json& p = (*ps)[i];
      if (!p.is_object()) fail(current_path() + " is not an object");
      ProfileFacts f;
      need(p, "name", f.name);
      maybe(p, "description", f.description);
      pairs_of(p, "requested", f.requested);
      pairs_of(p, "settings", f.settings);
      c.profiles.push_back(std::move(f));
    }
  }
  if (const auto r = j.find("resources"); r != j.end() && r->is_object()) {
    PathSegment at("resources");
    maybe(*r, "client_cpus", c.resources.client_cpus);
    maybe(*r, "client_pinned", c.resources.client_pinned);
    maybe(*r, "server_cpus", c.resources.server_cpus);
    maybe(*r, "server_pinned", c.resources.server_pinned);
    maybe(*r, "client_memory_bytes", c.resources.client_memory_bytes);
    maybe(*r, "client_memory_mechanism", c.resources.client_memory_mechanism);
  }
}

// One part of a run (a unit of work): bounds null where open, relation null for the table itself.
void to_json(Json& j, const PartFigures& p) {
  j = Json{{"index", p.index},
           {"relation", p.relation.empty() ? Json(nullptr) : Json(p.relation)},
           {"lo", p.lo == kOpenStart ? Json(nullptr) : Json(p.lo)},
           {"hi", p.hi == kOpenEnd ? Json(nullptr) : Json(p.hi)},
           {"rows", p.rows},
           {"bytes", p.bytes},
           {"wall_s", p.wall_s},
           {"checksum", checksum_hex(p.checksum)}};
  if (p.unknown_values != 0) j["unknown_values"] = p.unknown_values;
}

void from_json(const Json& j, PartFigures& p) {
  need(j, "index", p.index);
  maybe(j, "relation", p.relation);
  if (const auto lo = j.find("lo"); lo != j.end() && lo->is_null()) p.lo = kOpenStart;
  if (const auto hi = j.find("hi"); hi != j.end() && hi->is_null()) p.hi = kOpenEnd;
  maybe(j, "lo", p.lo);
  maybe(j, "hi", p.hi);
  need(j, "rows", p.rows);
  maybe(j, "bytes", p.bytes);
  need(j, "wall_s", p.wall_s);
  if (j.contains("checksum")) need_checksum(j, "checksum", p.checksum);
  maybe(j, "unknown_values", p.unknown_values);
}

// The fallback chain a run went through (issue #9 §3).
void to_json(Json& j, const FaultRecord& f) {
  j = Json{{"attempt", f.attempt},
           {"workers", f.workers},
           {"at_s", f.at_s},
           {"error", f.error},
           {"parts_done", f.parts_done},
           {"parts_left", f.parts_left},
           {"backoff_s", f.backoff_s},
           {"resumed_at_s", nullable(f.resumed_at_s)},
           {"restart_s", nullable(f.restart_s())}};  // derived: not read back
}

void from_json(const Json& j, FaultRecord& f) {
  need(j, "attempt", f.attempt);
  need(j, "workers", f.workers);
  maybe(j, "at_s", f.at_s);
  need(j, "error", f.error);
  maybe(j, "parts_done", f.parts_done);
  maybe(j, "parts_left", f.parts_left);
  maybe(j, "backoff_s", f.backoff_s);
  maybe(j, "resumed_at_s", f.resumed_at_s);
}

void to_json(Json& j, const RecoveryFigures& r) {
  j = Json{{"recovered", r.recovered()},
           {"attempts", r.attempts()},
           {"retries_allowed", r.retries_allowed},
           {"tiers", r.tiers},
           {"faults", r.faults},
           {"backoff_s", r.backoff_s},
           {"rows_discarded", r.rows_discarded},
           {"parts_from_checkpoint", r.parts_from_checkpoint},
           {"rows_from_checkpoint", r.rows_from_checkpoint}};
}

void from_json(const Json& j, RecoveryFigures& r) {
  need(j, "retries_allowed", r.retries_allowed);
  need(j, "tiers", r.tiers);
  need(j, "faults", r.faults);
  maybe(j, "backoff_s", r.backoff_s);
  maybe(j, "rows_discarded", r.rows_discarded);
  maybe(j, "parts_from_checkpoint", r.parts_from_checkpoint);
  maybe(j, "rows_from_checkpoint", r.rows_from_checkpoint);
}

void to_json(Json& j, const RunFigures& r) {
  j = Json{
      {"wall_s", r.wall_s},
      {"rows", r.rows},
      {"bytes", r.bytes},
      {"rows_per_sec", r.rows_per_sec},
      {"mb_per_sec", r.mb_per_sec},
      {"ttfr_ms", nullable(r.ttfr_ms)},
      {"cpu_user_s", r.cpu_user_s},
      {"cpu_sys_s", r.cpu_sys_s},
      {"server_cpu_user_s", nullable(r.server_cpu_user_s)},
      {"server_cpu_sys_s", nullable(r.server_cpu_sys_s)},
      {"peak_rss_bytes", nullable(r.peak_rss_bytes)},
      {"maxrss_bytes", r.maxrss_bytes},
      {"maxrss_children_bytes", r.maxrss_children_bytes},
      {"parent_peak_rss_bytes", nullable(r.parent_peak_rss_bytes)},
      {"worker_peak_rss_bytes", nullable(r.worker_peak_rss_bytes)},
      {"worker_peak_rss_bytes_each", r.worker_peak_rss},
      {"worker_private_bytes_each", r.worker_private_peak},
      {"batches", r.batches},
      {"latency_ms",
       Json{
           {"p50", r.latency_p50_ms}, {"p95", r.latency_p95_ms}, {"p99", r.latency_p99_ms}, {"max", r.latency_max_ms}}},
      {"pool_wait_s", r.pool_wait_s},
      {"checksum", checksum_hex(r.checksum)},
      {"rows_match", nullable(r.rows_match)},
      {"checksum_match", nullable(r.checksum_match)},
      {"unknown_values", r.unknown_values},
      {"notes", r.notes},
      {"round", r.round},
      {"wire_ceiling_rows_per_sec", nullable(r.wire_ceiling_rows_per_sec)},
      {"ratio_to_wire_ceiling", nullable(r.ratio_to_wire_ceiling())},
      {"client_cpu_ns_per_row", nullable(r.client_cpu_ns_per_row())},
      {"server_cpu_ns_per_row", nullable(r.server_cpu_ns_per_row())},
      {"parts", r.parts},
      {"part_rows_cv", nullable(r.part_rows_cv())},  // derived from parts: not read back
      {"part_time_cv", nullable(r.part_time_cv())}};
  if (r.recovery) j["recovery"] = *r.recovery;
  if (const auto& w = r.concurrent_writes) {
    j["concurrent_writes"] =
        Json{{"rows_inserted", w->rows_inserted},
             {"rows_updated", w->rows_updated},
             {"expected_rows", w->expected_rows},
             {"expected_checksum", checksum_hex(w->expected_checksum)},
             {"row_drift", static_cast<std::int64_t>(r.rows) - static_cast<std::int64_t>(w->expected_rows)}};
  }
}

void from_json(const Json& j, RunFigures& r) {
  need(j, "wall_s", r.wall_s);
  need(j, "rows", r.rows);
  maybe(j, "bytes", r.bytes);
  need(j, "rows_per_sec", r.rows_per_sec);
  maybe(j, "mb_per_sec", r.mb_per_sec);
  maybe(j, "ttfr_ms", r.ttfr_ms);
  maybe(j, "cpu_user_s", r.cpu_user_s);
  maybe(j, "cpu_sys_s", r.cpu_sys_s);
  maybe(j, "server_cpu_user_s", r.server_cpu_user_s);
  maybe(j, "server_cpu_sys_s", r.server_cpu_sys_s);
  maybe(j, "peak_rss_bytes", r.peak_rss_bytes);
  maybe(j, "maxrss_bytes", r.maxrss_bytes);
  maybe(j, "maxrss_children_bytes", r.maxrss_children_bytes);
  maybe(j, "parent_peak_rss_bytes", r.parent_peak_rss_bytes);
  maybe(j, "worker_peak_rss_bytes", r.worker_peak_rss_bytes);
  maybe(j, "worker_peak_rss_bytes_each", r.worker_peak_rss);
  maybe(j, "worker_private_bytes_each", r.worker_private_peak);
  maybe(j, "batches", r.batches);
  if (const auto lat = j.find("latency_ms"); lat != j.end() && lat->is_object()) {
    PathSegment latency("latency_ms");
    maybe(*lat, "p50", r.latency_p50_ms);
    maybe(*lat, "p95", r.latency_p95_ms);
    maybe(*lat, "p99", r.latency_p99_ms);
    maybe(*lat, "max", r.latency_max_ms);
  }
  maybe(j, "pool_wait_s", r.pool_wait_s);
  need_checksum(j, "checksum", r.checksum);
  maybe(j, "rows_match", r.rows_match);
  maybe(j, "checksum_match", r.checksum_match);
  maybe(j, "unknown_values", r.unknown_values);
  maybe(j, "notes", r.notes);
  maybe(j, "round", r.round);
  maybe(j, "wire_ceiling_rows_per_sec", r.wire_ceiling_rows_per_sec);
  maybe(j, "parts", r.parts);
  maybe(j, "recovery", r.recovery);
  if (const auto w = j.find("concurrent_writes"); w != j.end() && w->is_object()) {
    PathSegment writes("concurrent_writes");
    ConcurrentWriteFigures f;
    need(*w, "rows_inserted", f.rows_inserted);
    need(*w, "rows_updated", f.rows_updated);
    need(*w, "expected_rows", f.expected_rows);
    need_checksum(*w, "expected_checksum", f.expected_checksum);
    r.concurrent_writes = f;
  }
}

namespace {

// One entry of "benchmarks": a strategy at one size, its summaries and every run.
Json benchmark_json(const Context& c, const SizeResult& size, const StrategyResult& s) {
  const StrategySummary sum = summarize(s, size, c.read.format, c.schedule.runs, c.bound_cores());
  return Json{{"limit", size.limit},
              {"profile", size.profile.empty() ? Json(nullptr) : Json(size.profile)},
              {"strategy", s.strategy},
              {"format", std::string(to_string(c.read.format))},
              {"workers", c.read.workers},
              {"batch_rows", c.read.batch_rows},
              {"runs_completed", s.runs.size()},
              {"warmups", s.warmups},
              {"status", std::string(to_string(sum.status))},
              {"throughput_rows_per_sec", summary_json(sum.rows_per_sec)},
              {"peak_rss_bytes", summary_json(sum.peak_rss_bytes)},
              {"parent_peak_rss_bytes", summary_json(sum.parent_peak_rss_bytes)},
              {"worker_peak_rss_bytes", summary_or_null(sum.worker_peak_rss_bytes)},
              {"mb_per_sec", summary_json(sum.mb_per_sec)},
              {"wall_s", summary_json(sum.wall_s)},
              {"ttfr_ms", summary_json(sum.ttfr_ms)},
              {"cpu_user_s", summary_json(sum.cpu_user_s)},
              {"cpu_sys_s", summary_json(sum.cpu_sys_s)},
              {"server_cpu_user_s", summary_json(sum.server_cpu_user_s)},
              {"server_cpu_sys_s", summary_json(sum.server_cpu_sys_s)},
              {"client_cpu_ns_per_row", summary_or_null(sum.client_cpu_ns_per_row)},
              {"server_cpu_ns_per_row", summary_or_null(sum.server_cpu_ns_per_row)},
              {"cpu_bound_rows_per_sec", summary_or_null(sum.cpu_bound_rows_per_sec)},  // cores ÷ CPU per row
              {"fraction_of_cpu_bound", summary_or_null(sum.fraction_of_cpu_bound)},
              {"part_rows_cv", summary_or_null(sum.part_rows_cv)},  // skew: over the runs' own CVs
              {"part_time_cv", summary_or_null(sum.part_time_cv)},
              {"ratio_to_wire_ceiling", nullable(sum.ratio_to_wire_ceiling)},  // median of per-round ratios
              {"ratio_of_medians_to_wire_ceiling", nullable(sum.ratio_of_medians)},
              {"rows_match", nullable(sum.rows_match)},
              {"checksum_match", nullable(sum.checksum_match)},
              {"errors", s.errors},
              {"runs", s.runs}};
}

// The raw part of a "benchmarks" entry (its summaries are recomputed).
StrategyResult read_benchmark(const Json& j, std::uint64_t& limit, std::string& profile) {
  StrategyResult s;
  need(j, "limit", limit);
  maybe(j, "profile", profile);
  need(j, "strategy", s.strategy);
  Json throughput;
  need(j, "throughput_rows_per_sec", throughput);  // every artifact has it: a file without it is not one
  maybe(j, "runs", s.runs);
  maybe(j, "errors", s.errors);
  maybe(j, "warmups", s.warmups);
  return s;
}

Json size_json(const SizeResult& size) {
  Json wire = Json::object();
  for (const auto& [name, w] : size.wire_ceiling) {
    wire[name] = Json{{"rows_per_sec", summary_json(w.rows_per_sec())},
                      {"mb_per_sec", summary_json(w.mb_per_sec())},
                      {"rows", w.rows},
                      {"bytes", w.bytes},
                      {"wall_s", w.wall_s},
                      {"rows_per_sec_each", w.rows_per_sec_each()}};
  }
  Json scan = nullptr;
  if (const auto& s = size.server.scan) {
    scan = Json{{"rows", s->rows},           {"bytes", s->bytes},
                {"elapsed_s", s->elapsed_s}, {"cpu_user_s", s->cpu_user_s},
                {"cpu_sys_s", s->cpu_sys_s}, {"checksum", checksum_hex(s->checksum)}};
  }
  const auto& server = size.server;
  return Json{{"limit", size.limit},
              {"profile", size.profile.empty() ? Json(nullptr) : Json(size.profile)},
              {"whole_table", size.whole_table},
              {"split", std::string(to_string(size.split))},
              // key bounds (split key) or blocks (split ctid); null: no bound
              {"key_range", Json{{"lo", size.all.lo == kOpenStart ? Json(nullptr) : Json(size.all.lo)},
                                 {"hi", size.all.hi == kOpenEnd ? Json(nullptr) : Json(size.all.hi)},
                                 {"rows", size.all.rows}}},
              {"partitions", size.partitions},
              {"batches", size.batches},
              {"wire_ceiling", wire},
              {"server_scan", scan},
              {"server_rows", nullable(server.rows)},
              {"server_checksum", server.checksum ? Json(checksum_hex(*server.checksum)) : Json(nullptr)},
              {"server_checksum_source", server.checksum ? Json(server.checksum_source) : Json(nullptr)},
              {"notes", size.notes}};
}

SizeResult read_size(const Json& j) {
  SizeResult size;
  need(j, "limit", size.limit);
  maybe(j, "profile", size.profile);
  maybe(j, "whole_table", size.whole_table);
  std::string split = "key";
  maybe(j, "split", split);
  size.split = split == "ctid" ? Split::ctid : Split::key;
  if (const auto k = j.find("key_range"); k != j.end() && k->is_object()) {
    PathSegment key_range("key_range");
    if (const auto lo = k->find("lo"); lo != k->end() && lo->is_null()) size.all.lo = kOpenStart;
    if (const auto hi = k->find("hi"); hi != k->end() && hi->is_null()) size.all.hi = kOpenEnd;
    maybe(*k, "lo", size.all.lo);
    maybe(*k, "hi", size.all.hi);
    maybe(*k, "rows", size.all.rows);
  }
  maybe(j, "partitions", size.partitions);
  maybe(j, "batches", size.batches);
  Json wire;
  need(j, "wire_ceiling", wire);
  {
    PathSegment wire_path("wire_ceiling");
    for (const auto& [name, w] : wire.items()) {
      PathSegment format_path(name);
      const auto format = wire_format_named(name);
      if (!format) fail(fmt::format("{} is not a wire format (text or binary)", current_path()));
      if (!w.is_object()) fail(current_path() + " is not an object");
      WireCeiling c;
      c.format = *format;
      need(w, "wall_s", c.wall_s);
      need(w, "rows", c.rows);
      maybe(w, "bytes", c.bytes);
      size.wire_ceiling[name] = std::move(c);
    }
  }
  if (const auto s = j.find("server_scan"); s != j.end() && !s->is_null()) {
    PathSegment scan_path("server_scan");
    if (!s->is_object()) fail(current_path() + " is not an object");
    ServerScan scan;
    need(*s, "rows", scan.rows);
    maybe(*s, "bytes", scan.bytes);
    need(*s, "elapsed_s", scan.elapsed_s);
    need(*s, "cpu_user_s", scan.cpu_user_s);
    need(*s, "cpu_sys_s", scan.cpu_sys_s);
    std::optional<std::uint64_t> sum;
    maybe_checksum(*s, "checksum", sum);
    scan.checksum = sum.value_or(0);
    size.server.scan = scan;
  }
  maybe(j, "server_rows", size.server.rows);
  maybe_checksum(j, "server_checksum", size.server.checksum);
  maybe(j, "server_checksum_source", size.server.checksum_source);
  maybe(j, "notes", size.notes);
  return size;
}

}  // namespace

void to_json(Json& j, const Artifact& a) {
  const BenchmarkReport& report = a.report;
  j = file_document(file_kind::run, kArtifactSchemaVersion, a.context);
  j["status"] =
      Json{{"complete", report.complete()},
           {"interrupted_by_signal", report.interrupted_signal == 0 ? Json(nullptr) : Json(report.interrupted_signal)},
           {"strict_failure", report.strict_failure.empty() ? Json(nullptr) : Json(report.strict_failure)}};
  Json warnings = Json::array();
  for (const auto& w : warnings_of(a)) warnings.push_back(w.text());
  j["warnings"] = warnings;
  // Derived like the warnings, and worded by the code the console prints it with.
  j["verdict"] = console_verdict(a);
  Json benchmarks = Json::array();
  Json sizes = Json::array();
  for (const auto& size : report.sizes) {
    sizes.push_back(size_json(size));
    for (const auto& s : size.strategies) benchmarks.push_back(benchmark_json(a.context, size, s));
  }
  j["benchmarks"] = benchmarks;
  j["sizes"] = sizes;
}

void from_json(const Json& j, Artifact& a) {
  if (!j.is_object()) fail("not a benchclient artifact (the top level is not an object)");
  const FileHeader header = read_file_header(j);  // none: written before the header
  if (!header.kind.empty() && header.kind != file_kind::run)
    fail(fmt::format("a {} file, not a run artifact", header.kind));
  if (j.contains("schema_version")) check_schema_version(header.schema_version, kArtifactSchemaVersion);
  need(j, "context", a.context);
  if (const auto st = j.find("status"); st != j.end() && st->is_object()) {
    PathSegment status("status");
    maybe(*st, "interrupted_by_signal", a.report.interrupted_signal);
    maybe(*st, "strict_failure", a.report.strict_failure);
  }
  std::vector<Json> benchmarks, sizes;
  need(j, "benchmarks", benchmarks);
  need(j, "sizes", sizes);
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    PathSegment at(fmt::format("sizes[{}]", i));
    if (!sizes[i].is_object()) fail(current_path() + " is not an object");
    a.report.sizes.push_back(read_size(sizes[i]));
  }
  for (std::size_t i = 0; i < benchmarks.size(); ++i) {
    PathSegment at(fmt::format("benchmarks[{}]", i));
    if (!benchmarks[i].is_object()) fail(current_path() + " is not an object");
    std::uint64_t limit = 0;
    std::string profile;
    StrategyResult s = read_benchmark(benchmarks[i], limit, profile);
    auto size = std::find_if(a.report.sizes.begin(), a.report.sizes.end(),
                             [&](const SizeResult& x) { return x.limit == limit && x.profile == profile; });
    if (size == a.report.sizes.end()) {
      a.report.sizes.push_back(SizeResult{});
      a.report.sizes.back().limit = limit;
      a.report.sizes.back().profile = profile;
      size = a.report.sizes.end() - 1;
    }
    size->strategies.push_back(std::move(s));
  }
}

std::string checksum_hex(std::uint64_t sum) { return fmt::format("0x{:016x}", sum); }

Artifact read_artifact_file(const std::filesystem::path& path) {
  const std::string file = path.string();
  auto fail_file = [&](const std::string& what) -> void { throw ArtifactError(fmt::format("{}: {}", file, what)); };
  const Json doc = json_fields::read_json_file<ArtifactError>(path, "an artifact", "");
  t_path.clear();
  try {
    return doc.get<Artifact>();
  } catch (const json_fields::FieldError& e) {
    t_path.clear();
    fail_file(e.what());
  }
  return {};
}

}  // namespace benchlab

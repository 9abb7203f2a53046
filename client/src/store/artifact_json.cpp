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
#include "store/field_list.hpp"
#include "store/file_header.hpp"
#include "store/json_codecs.hpp"
#include "store/json_fields.hpp"

namespace benchlab {

// The types below with a field list: declared first, so that each list finds the
// others' to_json/from_json (nested members) wherever it is instantiated.
#define BENCHLAB_JSON_DECLARE(TYPE)     \
  void to_json(Json& j, const TYPE& v); \
  void from_json(const Json& j, TYPE& v);
BENCHLAB_JSON_DECLARE(ColumnInfo)
BENCHLAB_JSON_DECLARE(HostFacts)
BENCHLAB_JSON_DECLARE(MemoryPlan)
BENCHLAB_JSON_DECLARE(ProfileFacts)
BENCHLAB_JSON_DECLARE(ResourceFacts)
BENCHLAB_JSON_DECLARE(PartFigures)
BENCHLAB_JSON_DECLARE(FaultRecord)
BENCHLAB_JSON_DECLARE(RecoveryFigures)
BENCHLAB_JSON_DECLARE(ConcurrentWriteFigures)
BENCHLAB_JSON_DECLARE(RunFigures)
BENCHLAB_JSON_DECLARE(ServerScan)
BENCHLAB_JSON_DECLARE(WireCeiling)
#undef BENCHLAB_JSON_DECLARE

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

}  // namespace

// ---- the field lists: one per type, both directions ----------------------------

namespace {

const auto kChecksum = Codec{[](std::uint64_t v) { return checksum_hex(v); },
                             [](const Json& j, std::uint64_t& v) {
                               std::string hex;
                               read_value(j, hex);
                               v = checksum_of(hex);
                             }};

// --digest sha256's set digest: 64 lowercase hex digits.
const auto kDigest = Codec{[](const SetDigest& d) { return d.hex(); },
                           [](const Json& j, SetDigest& d) {
                             std::string hex;
                             read_value(j, hex);
                             const std::optional<SetDigest> parsed = SetDigest::from_hex(hex);
                             if (!parsed)
                               fail(fmt::format("{} is not a sha256 digest (64 hex digits)", current_path()));
                             d = *parsed;
                           }};

// A key or block bound: null where the range is open (kOpenStart / kOpenEnd).
auto open_bound(std::int64_t open) {
  return NullableCodec{[open](std::int64_t v) { return v == open ? Json(nullptr) : Json(v); },
                       [](const Json& j, std::int64_t& v) { read_value(j, v); }, [open](std::int64_t& v) { v = open; }};
}

// An enum by its name (to_string); `named` maps a name back (anything else: its default).
template <typename E, typename Named>
auto by_name(Named named) {
  return Codec{[](E v) { return std::string(to_string(v)); },
               [named](const Json& j, E& v) {
                 std::string name;
                 read_value(j, name);
                 v = named(name);
               }};
}

// Name -> value pairs, in their order, as one object; a value that is no string is kept as its JSON text.
// --digest, by name; left out for xxh3 (omit_if_default), so artifacts without it are as before.
const auto kDigestAlgorithm = by_name<DigestAlgorithm>(
    [](const std::string& n) { return n == "sha256" ? DigestAlgorithm::sha256 : DigestAlgorithm::xxh3; });

const auto kSettings = Codec{[](const std::vector<std::pair<std::string, std::string>>& pairs) {
                               Json o = Json::object();
                               for (const auto& [k, v] : pairs) o[k] = v;
                               return o;
                             },
                             [](const Json& j, std::vector<std::pair<std::string, std::string>>& pairs) {
                               if (!j.is_object()) return;
                               for (const auto& [k, v] : j.items())
                                 pairs.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
                             }};

// Written before commands and DSNs were redacted: no password shown when read.
const auto kRedactedCommand = Codec{[](const std::string& v) { return v; },
                                    [](const Json& j, std::string& v) {
                                      read_value(j, v);
                                      v = redact_command_line(v);
                                    }};
const auto kRedactedDsn = Codec{[](const std::string& v) { return v; },
                                [](const Json& j, std::string& v) {
                                  read_value(j, v);
                                  v = redact_argument(v);
                                }};

const auto kSchemaVersion = Codec{[](int v) { return v; },
                                  [](const Json& j, int& v) {
                                    read_value(j, v);
                                    check_schema_version(v, kArtifactSchemaVersion);
                                  }};

template <typename T>
Json nullable(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

Json summary_json(const Summary& s) { return Json{{"median", s.median}, {"min", s.min}, {"max", s.max}}; }
Json summary_or_null(const Summary& s) { return s.count ? summary_json(s) : Json(nullptr); }

auto column_fields() {
  return fields(field("name", &ColumnInfo::name).required(), field("type", &ColumnInfo::type).required(),
                field("type_oid", &ColumnInfo::type_oid));
}

auto host_fields() {
  return fields(field("cpu_model", &HostFacts::cpu_model).required(), field("cores", &HostFacts::cores).required(),
                field("memory_bytes", &HostFacts::memory_bytes).required(), field("kernel", &HostFacts::kernel),
                field("load_average", &HostFacts::load_average));
}

auto memory_plan_fields() {
  return fields(
      field("budget_bytes", &MemoryPlan::budget_bytes).required(), field("budget_source", &MemoryPlan::budget_source),
      field("reserve_bytes", &MemoryPlan::reserve_bytes), field("worker_base_bytes", &MemoryPlan::worker_base_bytes),
      field("row_bytes", &MemoryPlan::row_bytes), field("in_flight_batches", &MemoryPlan::in_flight_batches),
      field("workers_asked", &MemoryPlan::workers_asked), field("cores", &MemoryPlan::cores),
      field("batch_rows_asked", &MemoryPlan::batch_rows_asked), field("workers", &MemoryPlan::workers).required(),
      field("batch_rows", &MemoryPlan::batch_rows).required(), field("per_worker_bytes", &MemoryPlan::per_worker_bytes),
      field("worker_limit_bytes", &MemoryPlan::worker_limit_bytes),
      derived("worker_limit", [](const MemoryPlan&) { return "RLIMIT_AS"; }),
      field("arithmetic", &MemoryPlan::arithmetic));
}

auto profile_fields() {
  return fields(field("name", &ProfileFacts::name).required(), field("description", &ProfileFacts::description),
                field("requested", &ProfileFacts::requested).as(kSettings),
                field("settings", &ProfileFacts::settings).as(kSettings));
}

auto resource_fields() {
  return fields(field("client_cpus", &ResourceFacts::client_cpus),
                field("client_pinned", &ResourceFacts::client_pinned),
                field("server_cpus", &ResourceFacts::server_cpus).null_if_default(),
                field("server_pinned", &ResourceFacts::server_pinned),
                field("client_memory_bytes", &ResourceFacts::client_memory_bytes).null_if_default(),
                field("client_memory_mechanism", &ResourceFacts::client_memory_mechanism).null_if_default());
}

const auto kInjectedFault = Codec{[](const InjectedFault& f) {
                                    return Json{{"kind", std::string(to_string(f.kind))},
                                                {"worker", f.worker},
                                                {"after_batches", f.after_batches},
                                                {"attempts", f.attempts},
                                                {"run", f.run}};
                                  },
                                  [](const Json& j, InjectedFault& f) {
                                    std::string kind;
                                    need(j, "kind", kind);
                                    try {
                                      f = parse_injected_fault(kind);
                                    } catch (const std::invalid_argument& e) {
                                      fail(fmt::format("{}.kind: {}", current_path(), e.what()));
                                    }
                                    maybe(j, "worker", f.worker);
                                    maybe(j, "after_batches", f.after_batches);
                                    maybe(j, "attempts", f.attempts);
                                    maybe(j, "run", f.run);
                                  }};

// context.options: the read's and the schedule's options, as asked.
auto options_fields() {
  using C = Context;
  using R = ReadOptions;
  using S = ScheduleOptions;
  return group("options", field("strategies", &C::schedule, &S::strategies), field("rows", &C::read, &R::row_counts),
               field("all_rows", &C::read, &R::all_rows),  // --rows all (rows is then empty)
               field("split", &C::read, &R::split).as(by_name<SplitChoice>([](const std::string& n) {
                 return n == "key" ? SplitChoice::key : n == "ctid" ? SplitChoice::ctid : SplitChoice::automatic;
               })),
               field("runs", &C::schedule, &S::runs).required(), field("warmup", &C::schedule, &S::warmup),
               field("format", &C::read, &R::format).required().as(kWireFormatCodec),
               field("digest", &C::read, &R::digest).omit_if_default().as(kDigestAlgorithm),  // none: xxh3
               field("workers", &C::read, &R::workers).required(),
               field("decoders", &C::read, &R::decoders).omit_if_default(),  // decoupled; 0: as many as workers
               field("batch_rows", &C::read, &R::batch_rows),
               field("statement_timeout_ms", &C::read, &R::statement_timeout_ms),
               field("hang_timeout_ms", &C::read, &R::hang_timeout_ms),
               field("snapshot", &C::read, &R::snapshot_id).null_if_default(),
               // Every strategy shares one snapshot; false: an artifact from before the controls.
               custom(
                   "shared_snapshot", [](const C&) { return true; },
                   [](const Json& j, C& c) {
                     bool shared = true;
                     read_value(j, shared);
                     c.read.no_shared_snapshot = !shared;
                   }),
               field("unshared_control", &C::read, &R::no_shared_snapshot),
               custom(
                   "memory_budget",
                   [](const C& c) {
                     return c.read.memory_budget_auto        ? Json("auto")
                            : c.read.memory_budget_bytes > 0 ? Json(c.read.memory_budget_bytes)
                                                             : Json(nullptr);
                   },
                   [](const Json& j, C& c) {
                     if (j.is_string()) c.read.memory_budget_auto = true;
                     if (j.is_number_unsigned()) c.read.memory_budget_bytes = j.get<std::uint64_t>();
                   }),
               field("policy", &C::schedule, &S::policy).as(by_name<MismatchPolicy>([](const std::string& n) {
                 return n == "strict" ? MismatchPolicy::strict : MismatchPolicy::tolerant;
               })),
               field("table", &C::read, &R::table).null_if_default(), field("key", &C::read, &R::key).null_if_default(),
               field("measure_observer", &C::schedule, &S::measure_observer),
               field("retries", &C::schedule, &S::recovery, &RecoveryOptions::retries),
               field("retry_backoff_ms", &C::schedule, &S::recovery, &RecoveryOptions::backoff_ms),
               field("part_rows", &C::read, &R::part_rows),
               field("concurrent_writes", &C::schedule, &S::concurrent_writes_per_sec).null_if_default(),
               field("injected_fault", &C::read, &R::fault).as(kInjectedFault));
}

auto context_fields() {
  using C = Context;
  return fields(
      field("schema_version", &C::schema_version).required().as(kSchemaVersion), field("date", &C::date).required(),
      field("command", &C::command).as(kRedactedCommand), field("host", &C::host).required(),
      field("compiler", &C::build, &BuildFacts::compiler),
      field("benchlab_version", &C::build, &BuildFacts::benchlab_version),
      field("git_commit", &C::build, &BuildFacts::git_commit),
      field("libpq_version", &C::build, &BuildFacts::libpq_version),
      group("postgresql", field("version", &C::server, &ServerFacts::version).required(),
            field("version_num", &C::server, &ServerFacts::version_num),
            field("extension_version", &C::server, &ServerFacts::extension_version),
            field("settings", &C::server, &ServerFacts::settings).as(kSettings),
            field("session_settings", &C::server, &ServerFacts::session_settings).as(kSettings))
          .required(),
      group("target", field("dsn", &C::target, &TargetFacts::dsn_redacted).required().as(kRedactedDsn),
            field("throwaway_cluster", &C::target, &TargetFacts::throwaway),
            custom(
                "profile", [](const C& c) { return c.target.throwaway ? Json(c.target.profile) : Json(nullptr); },
                [](const Json& j, C& c) { read_value(j, c.target.profile); }))
          .required(),
      group("table", field("name", &C::table_name), field("standard", &C::standard_table), field("key", &C::key),
            field("columns", &C::columns)),
      options_fields().required(), field("memory_plan", &C::memory_plan).omit_if_default(),
      field("profiles", &C::profiles), field("resources", &C::resources));
}

// One part of a run (a unit of work): bounds null where open, relation null for the table itself.
auto part_fields() {
  using P = PartFigures;
  return fields(field("index", &P::index).required(), field("relation", &P::relation).null_if_default(),
                field("lo", &P::lo).as(open_bound(kOpenStart)), field("hi", &P::hi).as(open_bound(kOpenEnd)),
                field("rows", &P::rows).required(), field("bytes", &P::bytes), field("wall_s", &P::wall_s).required(),
                field("checksum", &P::checksum).as(kChecksum),
                field("unknown_values", &P::unknown_values).omit_if_default(),
                field("digest", &P::digest).omit_if_default().as(kDigest));
}

// The fallback chain a run went through.
auto fault_record_fields() {
  using F = FaultRecord;
  return fields(field("attempt", &F::attempt).required(), field("workers", &F::workers).required(),
                field("at_s", &F::at_s), field("error", &F::error).required(), field("parts_done", &F::parts_done),
                field("parts_left", &F::parts_left), field("backoff_s", &F::backoff_s),
                field("resumed_at_s", &F::resumed_at_s),
                derived("restart_s", [](const F& f) { return nullable(f.restart_s()); }));
}

auto recovery_fields() {
  using R = RecoveryFigures;
  return fields(derived("recovered", [](const R& r) { return r.recovered(); }),
                derived("attempts", [](const R& r) { return r.attempts(); }),
                field("retries_allowed", &R::retries_allowed).required(), field("tiers", &R::tiers).required(),
                // the strategy of each attempt, when the chain changed it (forked workers degrading)
                field("tier_strategies", &R::tier_strategies).omit_if_default(), field("faults", &R::faults).required(),
                field("backoff_s", &R::backoff_s), field("rows_discarded", &R::rows_discarded),
                field("parts_from_checkpoint", &R::parts_from_checkpoint),
                field("rows_from_checkpoint", &R::rows_from_checkpoint));
}

auto concurrent_write_fields() {
  using W = ConcurrentWriteFigures;
  return fields(field("rows_inserted", &W::rows_inserted).required(),
                field("rows_updated", &W::rows_updated).required(),
                field("expected_rows", &W::expected_rows).required(),
                field("expected_checksum", &W::expected_checksum).required().as(kChecksum));
}

auto run_fields() {
  using R = RunFigures;
  return fields(field("wall_s", &R::wall_s).required(), field("rows", &R::rows).required(), field("bytes", &R::bytes),
                field("rows_per_sec", &R::rows_per_sec).required(), field("mb_per_sec", &R::mb_per_sec),
                field("ttfr_ms", &R::ttfr_ms), field("cpu_user_s", &R::cpu_user_s), field("cpu_sys_s", &R::cpu_sys_s),
                field("server_cpu_user_s", &R::server_cpu_user_s), field("server_cpu_sys_s", &R::server_cpu_sys_s),
                field("peak_rss_bytes", &R::peak_rss_bytes), field("maxrss_bytes", &R::maxrss_bytes),
                field("maxrss_children_bytes", &R::maxrss_children_bytes),
                field("parent_peak_rss_bytes", &R::parent_peak_rss_bytes),
                field("worker_peak_rss_bytes", &R::worker_peak_rss_bytes),
                field("worker_peak_rss_bytes_each", &R::worker_peak_rss),
                field("worker_private_bytes_each", &R::worker_private_peak), field("batches", &R::batches),
                group("latency_ms", field("p50", &R::latency_p50_ms), field("p95", &R::latency_p95_ms),
                      field("p99", &R::latency_p99_ms), field("max", &R::latency_max_ms)),
                field("pool_wait_s", &R::pool_wait_s), field("checksum", &R::checksum).required().as(kChecksum),
                field("rows_match", &R::rows_match), field("checksum_match", &R::checksum_match),
                field("digest", &R::digest).omit_if_default().as(kDigest),
                field("digest_match", &R::digest_match).omit_if_default(), field("unknown_values", &R::unknown_values),
                field("notes", &R::notes), field("round", &R::round),
                field("wire_ceiling_rows_per_sec", &R::wire_ceiling_rows_per_sec),
                derived("ratio_to_wire_ceiling", [](const R& r) { return nullable(r.ratio_to_wire_ceiling()); }),
                derived("client_cpu_ns_per_row", [](const R& r) { return nullable(r.client_cpu_ns_per_row()); }),
                derived("server_cpu_ns_per_row", [](const R& r) { return nullable(r.server_cpu_ns_per_row()); }),
                field("parts", &R::parts),
                derived("part_rows_cv", [](const R& r) { return nullable(r.part_rows_cv()); }),
                derived("part_time_cv", [](const R& r) { return nullable(r.part_time_cv()); }),
                field("recovery", &R::recovery).omit_if_default(),
                custom(
                    "concurrent_writes",
                    [](const R& r) {
                      if (!r.concurrent_writes) return Json(Json::value_t::discarded);
                      Json w = *r.concurrent_writes;
                      w["row_drift"] = static_cast<std::int64_t>(r.rows) -
                                       static_cast<std::int64_t>(r.concurrent_writes->expected_rows);
                      return w;
                    },
                    [](const Json& j, R& r) {
                      if (j.is_object()) read_value(j, r.concurrent_writes);
                    }));
}

auto server_scan_fields() {
  using S = ServerScan;
  return fields(field("rows", &S::rows).required(), field("bytes", &S::bytes),
                field("elapsed_s", &S::elapsed_s).required(), field("cpu_user_s", &S::cpu_user_s).required(),
                field("cpu_sys_s", &S::cpu_sys_s).required(), field("checksum", &S::checksum).as(kChecksum),
                field("digest", &S::digest).omit_if_default().as(kDigest));
}

// A wire ceiling, under its format's name (the name gives its format).
auto wire_ceiling_fields() {
  using W = WireCeiling;
  return fields(derived("rows_per_sec", [](const W& w) { return summary_json(w.rows_per_sec()); }),
                derived("mb_per_sec", [](const W& w) { return summary_json(w.mb_per_sec()); }),
                field("rows", &W::rows).required(), field("bytes", &W::bytes), field("wall_s", &W::wall_s).required(),
                derived("rows_per_sec_each", [](const W& w) { return w.rows_per_sec_each(); }));
}

}  // namespace

BENCHLAB_JSON_FROM_FIELDS(ColumnInfo, column_fields())
BENCHLAB_JSON_FROM_FIELDS(HostFacts, host_fields())
BENCHLAB_JSON_FROM_FIELDS(MemoryPlan, memory_plan_fields())
BENCHLAB_JSON_FROM_FIELDS(ProfileFacts, profile_fields())
BENCHLAB_JSON_FROM_FIELDS(ResourceFacts, resource_fields())
BENCHLAB_JSON_FROM_FIELDS(Context, context_fields())
BENCHLAB_JSON_FROM_FIELDS(PartFigures, part_fields())
BENCHLAB_JSON_FROM_FIELDS(FaultRecord, fault_record_fields())
BENCHLAB_JSON_FROM_FIELDS(RecoveryFigures, recovery_fields())
BENCHLAB_JSON_FROM_FIELDS(ConcurrentWriteFigures, concurrent_write_fields())
BENCHLAB_JSON_FROM_FIELDS(RunFigures, run_fields())
BENCHLAB_JSON_FROM_FIELDS(ServerScan, server_scan_fields())
BENCHLAB_JSON_FROM_FIELDS(WireCeiling, wire_ceiling_fields())

namespace {

// One entry of "benchmarks": a strategy at one size, its summaries (written for
// readers, recomputed when read) and every run.
struct BenchmarkEntry {
  std::uint64_t limit = 0;
  std::string profile;
  StrategyResult result;
  WireFormat format = WireFormat::text;
  decltype(ReadOptions::workers) workers = 0;
  decltype(ReadOptions::batch_rows) batch_rows = 0;
  StrategySummary summary;
};

// What reads at once and which limit binds at the medians; null: the shape is not known.
Json shape_json(const StrategySummary& s) {
  if (!s.shape) return nullptr;
  Json o = Json::object();
  o["backends"] = s.shape->backends;
  o["client_workers"] = s.shape->client_workers;
  o["client_workers_are"] = s.shape->processes ? "processes" : "threads";
  o["limit"] = s.shape_limit ? Json(std::string(to_string(*s.shape_limit))) : Json(nullptr);
  return o;
}

auto benchmark_fields() {
  using B = BenchmarkEntry;
  using S = StrategyResult;
  auto figure = [](const char* key, Summary StrategySummary::*m) {
    return derived(key, [m](const B& b) { return summary_json(b.summary.*m); });
  };
  auto figure_or_null = [](const char* key, Summary StrategySummary::*m) {
    return derived(key, [m](const B& b) { return summary_or_null(b.summary.*m); });
  };
  using Sum = StrategySummary;
  return fields(
      field("limit", &B::limit).required(), field("profile", &B::profile).null_if_default(),
      field("strategy", &B::result, &S::strategy).required(),
      derived("format", [](const B& b) { return std::string(to_string(b.format)); }),
      derived("workers", [](const B& b) { return b.workers; }),
      derived("batch_rows", [](const B& b) { return b.batch_rows; }),
      derived("runs_completed", [](const B& b) { return b.result.runs.size(); }),
      field("warmups", &B::result, &S::warmups),
      derived("status", [](const B& b) { return std::string(to_string(b.summary.status)); }),
      // every artifact has it: a file without it is not one
      figure("throughput_rows_per_sec", &Sum::rows_per_sec).required(), figure("peak_rss_bytes", &Sum::peak_rss_bytes),
      figure("parent_peak_rss_bytes", &Sum::parent_peak_rss_bytes),
      figure_or_null("worker_peak_rss_bytes", &Sum::worker_peak_rss_bytes), figure("mb_per_sec", &Sum::mb_per_sec),
      figure_or_null("bytes_per_row", &Sum::bytes_per_row), figure("wall_s", &Sum::wall_s),
      figure("ttfr_ms", &Sum::ttfr_ms), figure("cpu_user_s", &Sum::cpu_user_s), figure("cpu_sys_s", &Sum::cpu_sys_s),
      figure("server_cpu_user_s", &Sum::server_cpu_user_s), figure("server_cpu_sys_s", &Sum::server_cpu_sys_s),
      figure_or_null("client_cpu_ns_per_row", &Sum::client_cpu_ns_per_row),
      figure_or_null("server_cpu_ns_per_row", &Sum::server_cpu_ns_per_row),
      figure_or_null("cpu_bound_rows_per_sec", &Sum::cpu_bound_rows_per_sec),  // cores ÷ CPU per row
      figure_or_null("fraction_of_cpu_bound", &Sum::fraction_of_cpu_bound),
      // the strategy's shape and its own bound at it (model/strategy_shape.hpp)
      derived("shape", [](const B& b) { return shape_json(b.summary); }),
      figure_or_null("shape_bound_rows_per_sec", &Sum::shape_bound_rows_per_sec),
      figure_or_null("fraction_of_shape_bound", &Sum::fraction_of_shape_bound),
      figure_or_null("part_rows_cv", &Sum::part_rows_cv),  // skew: over the runs' own CVs
      figure_or_null("part_time_cv", &Sum::part_time_cv),
      figure_or_null("writer_rows_inserted", &Sum::writer_rows_inserted),  // --concurrent-writes, per run
      figure_or_null("writer_rows_updated", &Sum::writer_rows_updated),
      derived("ratio_to_wire_ceiling",
              [](const B& b) { return nullable(b.summary.ratio_to_wire_ceiling); }),  // median of per-round ratios
      derived("ratio_of_medians_to_wire_ceiling", [](const B& b) { return nullable(b.summary.ratio_of_medians); }),
      derived("rows_match", [](const B& b) { return nullable(b.summary.rows_match); }),
      derived("checksum_match", [](const B& b) { return nullable(b.summary.checksum_match); }),
      custom(
          "digest_match",  // --digest sha256 only
          [](const B& b) {
            return b.summary.digest_match ? Json(*b.summary.digest_match) : Json(Json::value_t::discarded);
          },
          [](const Json&, B&) {}),
      field("errors", &B::result, &S::errors), field("runs", &B::result, &S::runs));
}

const auto kWireCeilings = Codec{[](const std::map<std::string, WireCeiling>& by_format) {
                                   Json o = Json::object();
                                   for (const auto& [name, w] : by_format) o[name] = w;
                                   return o;
                                 },
                                 [](const Json& j, std::map<std::string, WireCeiling>& by_format) {
                                   if (!j.is_object()) fail(current_path() + " is not an object");
                                   for (const auto& [name, w] : j.items()) {
                                     PathSegment format_path(name);
                                     const auto format = wire_format_named(name);
                                     if (!format)
                                       fail(fmt::format("{} is not a wire format (text or binary)", current_path()));
                                     if (!w.is_object()) fail(current_path() + " is not an object");
                                     WireCeiling c;
                                     from_json(w, c);
                                     c.format = *format;
                                     by_format[name] = std::move(c);
                                   }
                                 }};

// One entry of "sizes" (its strategies are in "benchmarks").
auto size_fields() {
  using Z = SizeResult;
  using E = ServerExpectation;
  return fields(
      field("limit", &Z::limit).required(), field("profile", &Z::profile).null_if_default(),
      field("whole_table", &Z::whole_table), field("split", &Z::split).as(by_name<Split>([](const std::string& n) {
        return n == "ctid" ? Split::ctid : Split::key;
      })),
      // key bounds (split key) or blocks (split ctid); null: no bound
      group("key_range", field("lo", &Z::all, &KeyRange::lo).as(open_bound(kOpenStart)),
            field("hi", &Z::all, &KeyRange::hi).as(open_bound(kOpenEnd)), field("rows", &Z::all, &KeyRange::rows)),
      field("partitions", &Z::partitions), field("batches", &Z::batches),
      field("wire_ceiling", &Z::wire_ceiling).required().as(kWireCeilings), field("server_scan", &Z::server, &E::scan),
      field("server_rows", &Z::server, &E::rows), field("server_checksum", &Z::server, &E::checksum).as(kChecksum),
      field("server_digest", &Z::server, &E::digest).omit_if_default().as(kDigest),
      custom(
          "server_checksum_source",
          [](const Z& z) { return z.server.checksum ? Json(z.server.checksum_source) : Json(nullptr); },
          [](const Json& j, Z& z) { read_value(j, z.server.checksum_source); }),
      field("notes", &Z::notes));
}

}  // namespace

void to_json(Json& j, const Artifact& a) {
  const BenchmarkReport& report = a.report;
  j = file_document(file_kind::run, kArtifactSchemaVersion, a.context);
  j["complete"] = a.complete;  // false: a run that stopped before its last size/profile
  j["status"] =
      Json{{"complete", report.complete() && a.complete},
           {"interrupted_by_signal", report.interrupted_signal == 0 ? Json(nullptr) : Json(report.interrupted_signal)},
           {"strict_failure", report.strict_failure.empty() ? Json(nullptr) : Json(report.strict_failure)}};
  Json warnings = Json::array();
  for (const auto& w : a.summary.warnings) warnings.push_back(w.text());
  j["warnings"] = warnings;
  // Derived like the warnings, and worded by the code the console prints it with.
  j["verdict"] = console_verdict(a);
  Json benchmarks = Json::array();
  Json sizes = Json::array();
  const Context& c = a.context;
  for (std::size_t i = 0; i < report.sizes.size(); ++i) {
    const SizeResult& size = report.sizes[i];
    Json z;
    write_fields(z, size, size_fields());
    sizes.push_back(std::move(z));
    for (std::size_t k = 0; k < size.strategies.size(); ++k) {
      const StrategyResult& s = size.strategies[k];
      const BenchmarkEntry entry{size.limit,
                                 size.profile,
                                 s,
                                 c.read.format,
                                 c.read.workers,
                                 c.read.batch_rows,
                                 a.summary.sizes.at(i).strategies.at(k)};
      Json b;
      write_fields(b, entry, benchmark_fields());
      benchmarks.push_back(std::move(b));
    }
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
  maybe(j, "complete", a.complete);  // absent: written whole, at the end of its run
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
    SizeResult size;
    read_fields(sizes[i], size, size_fields());
    a.report.sizes.push_back(std::move(size));
  }
  for (std::size_t i = 0; i < benchmarks.size(); ++i) {
    PathSegment at(fmt::format("benchmarks[{}]", i));
    BenchmarkEntry entry;
    read_fields(benchmarks[i], entry, benchmark_fields());
    auto size = std::find_if(a.report.sizes.begin(), a.report.sizes.end(),
                             [&](const SizeResult& x) { return x.limit == entry.limit && x.profile == entry.profile; });
    if (size == a.report.sizes.end()) {
      a.report.sizes.push_back(SizeResult{});
      a.report.sizes.back().limit = entry.limit;
      a.report.sizes.back().profile = entry.profile;
      size = a.report.sizes.end() - 1;
    }
    size->strategies.push_back(std::move(entry.result));
  }
  a.summary = summary_of(a);  // read: summarized once, for every reader
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

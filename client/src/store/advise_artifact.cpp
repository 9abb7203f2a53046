#include "store/advise_artifact.hpp"

#include <fmt/format.h>

#include "store/artifact_file.hpp"
#include "store/artifact_json.hpp"
#include "store/field_list.hpp"
#include "store/file_header.hpp"
#include "store/json_codecs.hpp"

namespace benchlab {

using json_fields::Json;

namespace {

using namespace json_fields;

const auto kLimit = Codec{
    [](AdviseLimit l) { return std::string(to_string(l)); },
    [](const Json& j, AdviseLimit& l) {
      std::string name;
      read_value(j, name);
      const auto named = advise_limit_from(name);
      if (!named)
        fail(fmt::format("{} '{}' is not a limit (server, client, cores, round_trips, memory)", current_path(), name));
      l = *named;
    }};

auto format_fields() {
  using F = FormatCalibration;
  return fields(field("format", &F::format).required().as(kWireFormatCodec), field("rows", &F::rows).required(),
                field("bytes", &F::bytes), field("elapsed_s", &F::elapsed_s),
                field("server_cpu_ns_per_row", &F::cpu_ns_per_row), field("checksum", &F::checksum));
}

auto strategy_fields() {
  using S = StrategyCalibration;
  return fields(field("strategy", &S::strategy).required(), field("format", &S::format).required().as(kWireFormatCodec),
                field("parts", &S::parts).null_if_default(), field("rows", &S::rows), field("reads", &S::reads),
                field("wall_s", &S::wall_s), field("fastest_wall_s", &S::fastest_wall_s),
                field("slowest_wall_s", &S::slowest_wall_s), field("fixed_s", &S::fixed_s),
                field("client_cpu_ns_per_row", &S::client_cpu_ns_per_row),
                field("server_cpu_ns_per_row", &S::server_cpu_ns_per_row), field("peak_rss_bytes", &S::peak_rss_bytes),
                field("base_rss_bytes", &S::base_rss_bytes), field("rows_match", &S::rows_match),
                field("checksum_match", &S::checksum_match), field("error", &S::error).null_if_default());
}

auto calibration_fields() {
  using C = AdviseCalibration;
  return fields(
      field("table", &C::table), field("table_pages", &C::table_pages), field("table_rows", &C::table_rows).required(),
      field("table_rows_exact", &C::table_rows_exact), field("sample_pages", &C::sample_pages),
      field("sample_rows", &C::sample_rows), field("spans", &C::spans), field("seconds", &C::seconds).required(),
      field("time_budget_s", &C::time_budget_s), field("round_trip_ms", &C::round_trip_ms), field("cores", &C::cores),
      field("server_shares_cores", &C::server_shares_cores), field("workers", &C::workers),
      field("batch_rows", &C::batch_rows), field("memory_limit_bytes", &C::memory_limit_bytes),
      field("memory_limit_source", &C::memory_limit_source), field("formats", &C::formats),
      field("partition_server_ratio", &C::partition_server_ratio), field("batch_server_ratio", &C::batch_server_ratio),
      field("strategies", &C::strategies), field("notes", &C::notes));
}

auto prediction_fields() {
  using P = Prediction;
  return fields(field("strategy", &P::strategy).required(), field("format", &P::format).required().as(kWireFormatCodec),
                field("rows_per_sec", &P::rows_per_sec).required(), field("rows_per_sec_low", &P::rows_per_sec_low),
                field("rows_per_sec_high", &P::rows_per_sec_high),
                field("peak_rss_bytes", &P::peak_rss_bytes).required(), field("wall_s", &P::wall_s).required(),
                field("limited_by", &P::limited_by).required().as(kLimit), field("fits_memory", &P::fits_memory),
                field("rss_grows_with_rows", &P::rss_grows_with_rows),
                field("fraction_of_bound", &P::fraction_of_bound));
}

auto recommendation_fields() {
  using R = Recommendation;
  return fields(field("strategy", &R::strategy).required(), field("format", &R::format).as(kWireFormatCodec),
                field("why", &R::why), field("runner_up", &R::runner_up).null_if_default(),
                field("runner_up_format", &R::runner_up_format).as(kWireFormatCodec),
                field("tie_with_runner_up", &R::tie_with_runner_up));
}

auto strategy_check_fields() {
  using S = StrategyCheck;
  return fields(field("strategy", &S::strategy).required(), field("format", &S::format).required().as(kWireFormatCodec),
                field("predicted_rows_per_sec", &S::predicted_rows_per_sec).required(),
                field("measured_rows_per_sec", &S::measured_rows_per_sec).required(),
                field("predicted_rows_per_sec_low", &S::predicted_rows_per_sec_low),
                field("predicted_rows_per_sec_high", &S::predicted_rows_per_sec_high),
                field("measured_rows_per_sec_min", &S::measured_rows_per_sec_min),
                field("measured_rows_per_sec_max", &S::measured_rows_per_sec_max),
                derived("rows_per_sec_error", [](const S& s) { return s.rows_error(); }),
                derived("ranges_meet", [](const S& s) { return s.ranges_meet(); }),
                field("predicted_peak_rss_bytes", &S::predicted_rss_bytes),
                field("measured_peak_rss_bytes", &S::measured_rss_bytes),
                derived("peak_rss_error", [](const S& s) { return s.rss_error(); }), field("runs", &S::runs),
                field("read_exactly", &S::read_exactly));
}

auto check_fields() {
  using K = AdviseCheck;
  return fields(field("run_files", &K::run_files), field("rows", &K::rows), field("benchmark_s", &K::benchmark_s),
                field("strategies", &K::strategies), field("recommended_share_of_best", &K::recommended_share_of_best),
                field("best_measured", &K::best_measured));
}

}  // namespace

BENCHLAB_JSON_FROM_FIELDS(FormatCalibration, format_fields())
BENCHLAB_JSON_FROM_FIELDS(StrategyCalibration, strategy_fields())
BENCHLAB_JSON_FROM_FIELDS(AdviseCalibration, calibration_fields())
BENCHLAB_JSON_FROM_FIELDS(Prediction, prediction_fields())
BENCHLAB_JSON_FROM_FIELDS(Recommendation, recommendation_fields())
BENCHLAB_JSON_FROM_FIELDS(StrategyCheck, strategy_check_fields())
BENCHLAB_JSON_FROM_FIELDS(AdviseCheck, check_fields())

namespace {

auto body_fields() {
  using R = AdviseResult;
  return fields(field("predictions", &R::predictions).required(), field("recommendation", &R::recommendation),
                field("calibration", &R::calibration).required(), field("check", &R::check));
}

}  // namespace

Json advise_artifact_json(const AdviseArtifact& a) {
  Json doc = file_document(file_kind::advise, kAdviseSchemaVersion, Json(a.context));
  write_fields(doc, a.result, body_fields());
  return doc;
}

void from_json(const Json& j, AdviseArtifact& a) {
  need(j, "context", a.context);
  read_fields(j, a.result, body_fields());
}

void write_advise_artifact(const AdviseArtifact& a, const std::filesystem::path& file) {
  write_atomically(file, advise_artifact_json(a).dump(2) + "\n");
}

}  // namespace benchlab

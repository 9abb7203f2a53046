#include "store/verify_json.hpp"

#include <fmt/format.h>

namespace benchlab {

using Json = nlohmann::ordered_json;

namespace {

Json side_json(const VerifySide& s) {
  Json out{{"table", s.table},
           {"server", s.server},
           {"rows", s.rows},
           {"null_key_rows", s.null_key_rows},
           {"checksum", fmt::format("{:016x}", s.checksum)}};
  if (s.digest) out["digest"] = s.digest->hex();  // --digest sha256 only
  return out;
}

}  // namespace

Json verify_document(const VerifyReport& r, std::optional<double> baseline_s, const FileContext& context) {
  Json differences = Json::array();
  for (const auto& d : r.differences) differences.push_back(Json{{"key", d.key}, {"kind", to_string(d.kind)}});
  Json out = file_document(file_kind::verify, kVerifySchemaVersion, file_context_json(context));
  out["equal"] = r.equal();
  out["date"] = context.date;  // before the header, the context's date and commit were here only
  out["benchlab_commit"] = context.build.git_commit;
  out["source"] = side_json(r.source);
  out["target"] = side_json(r.target);
  out["key"] = r.key;
  out["schema_differences"] = r.schema_differences;
  out["differences"] = differences;
  out["null_key_differences"] = r.null_key_differences
                                    ? Json{{"compared", r.null_key_differences->compared},
                                           {"missing_in_target", r.null_key_differences->missing_in_target},
                                           {"extra_in_target", r.null_key_differences->extra_in_target}}
                                    : Json(nullptr);
  out["truncated"] = r.truncated;
  out["notes"] = r.notes;
  out["segments_compared"] = r.segments_compared;
  out["segments_differing"] = r.segments_differing;
  out["rows_fetched"] = r.rows_fetched;
  out["elapsed_s"] = r.elapsed_s;
  if (baseline_s) {
    out["baseline_hash_both_s"] = *baseline_s;
    out["elapsed_over_baseline"] = *baseline_s > 0 ? r.elapsed_s / *baseline_s : 0.0;
  }
  return out;
}

}  // namespace benchlab

#include "report/verify_output.hpp"

#include <fmt/format.h>

#include <cstdio>

#include "measure/build_commit.hpp"
#include "measure/host_facts.hpp"

namespace benchlab {

std::string verify_summary(const VerifyReport& r, std::size_t show) {
  std::string out;
  out += fmt::format("source: {} on {}: {} rows\n", r.source.table, r.source.server, r.source.rows);
  out += fmt::format("target: {} on {}: {} rows\n", r.target.table, r.target.server, r.target.rows);
  if (!r.schema_differences.empty()) {
    out += fmt::format("schemas differ ({}); rows were not compared:\n", r.schema_differences.size());
    for (const auto& d : r.schema_differences) out += "  " + d + "\n";
    return out;
  }
  std::size_t counts[3] = {0, 0, 0};
  for (const auto& d : r.differences) ++counts[static_cast<int>(d.kind)];
  out += fmt::format(
      "key {}: {} segment checksums compared, {} differed, {} rows fetched to compare key by key, "
      "{:.3f} s\n",
      r.key, r.segments_compared, r.segments_differing, r.rows_fetched, r.elapsed_s);
  for (const auto& n : r.notes) out += "note: " + n + "\n";
  if (r.equal()) return out + "equal: the target holds exactly the source's rows\n";
  out += fmt::format("{}{} differing row(s): {} missing in target, {} extra in target, {} changed\n",
                     r.truncated ? "at least " : "", r.differences.size(), counts[0], counts[1], counts[2]);
  for (std::size_t i = 0; i < r.differences.size() && i < show; ++i)
    out += fmt::format("  {} = {}: {}\n", r.key, r.differences[i].key, to_string(r.differences[i].kind));
  if (r.differences.size() > show)
    out += fmt::format("  … and {} more (--json lists all)\n", r.differences.size() - show);
  return out;
}

nlohmann::ordered_json verify_json(const VerifyReport& r, std::optional<double> baseline_s) {
  using J = nlohmann::ordered_json;
  auto side = [](const VerifySide& s) {
    return J{{"table", s.table},
             {"server", s.server},
             {"rows", s.rows},
             {"null_key_rows", s.null_key_rows},
             {"checksum", fmt::format("{:016x}", s.checksum)}};
  };
  J differences = J::array();
  for (const auto& d : r.differences) differences.push_back(J{{"key", d.key}, {"kind", to_string(d.kind)}});
  J out{{"equal", r.equal()},
        {"date", utc_now("%Y-%m-%dT%H:%M:%SZ")},
        {"benchlab_commit", build_git_commit()},
        {"source", side(r.source)},
        {"target", side(r.target)},
        {"key", r.key},
        {"schema_differences", r.schema_differences},
        {"differences", differences},
        {"truncated", r.truncated},
        {"notes", r.notes},
        {"segments_compared", r.segments_compared},
        {"segments_differing", r.segments_differing},
        {"rows_fetched", r.rows_fetched},
        {"elapsed_s", r.elapsed_s}};
  if (baseline_s) {
    out["baseline_hash_both_s"] = *baseline_s;
    out["elapsed_over_baseline"] = *baseline_s > 0 ? r.elapsed_s / *baseline_s : 0.0;
  }
  return out;
}

}  // namespace benchlab

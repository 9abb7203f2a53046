#include "report/verify_output.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace benchlab {

namespace {

// The rows with a NULL key that differ: how many, and how to find them.
std::string null_key_line(const VerifyReport& r) {
  const NullKeyDifferences& n = *r.null_key_differences;
  std::string key = r.key;
  for (std::size_t at = key.find('"'); at != std::string::npos; at = key.find('"', at + 2)) key.insert(at, 1, '"');
  const std::string where = fmt::format(
      "a NULL key cannot locate them: compare SELECT * FROM {} WHERE \"{}\" IS NULL on the source with SELECT * FROM "
      "{} WHERE \"{}\" IS NULL on the target",
      r.source.table, key, r.target.table, key);
  if (!n.compared)
    return fmt::format(
        "rows with a NULL key differ (source {}, target {}: more than --fetch-rows, so not compared one "
        "by one); {}",
        r.source.null_key_rows, r.target.null_key_rows, where);
  return fmt::format(
      "{} row(s) with a NULL key differ: {} missing in target, {} extra in target (a changed row is "
      "one of each); {}",
      n.rows(), n.missing_in_target, n.extra_in_target, where);
}

}  // namespace

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
      "key {}: {} segment {} compared, {} differed, {} rows fetched to compare key by key, "
      "{:.3f} s\n",
      r.key, r.segments_compared, r.source.digest ? "checksums and sha256 digests" : "checksums", r.segments_differing,
      r.rows_fetched, r.elapsed_s);
  for (const auto& n : r.notes) out += "note: " + n + "\n";
  if (r.equal()) return out + "equal: the target holds exactly the source's rows\n";
  if (!r.differences.empty() || !r.null_key_differences) {
    out += fmt::format("{}{} differing row(s): {} missing in target, {} extra in target, {} changed\n",
                       r.truncated ? "at least " : "", r.differences.size(), counts[0], counts[1], counts[2]);
    for (std::size_t i = 0; i < r.differences.size() && i < show; ++i)
      out += fmt::format("  {} = {}: {}\n", r.key, r.differences[i].key, to_string(r.differences[i].kind));
    if (r.differences.size() > show)
      out += fmt::format("  … and {} more (--json lists all)\n", r.differences.size() - show);
  }
  if (r.null_key_differences) out += null_key_line(r) + "\n";
  return out;
}

}  // namespace benchlab

#include "cli/compare_command.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "cli/exit_codes.hpp"
#include "store/artifact_json.hpp"
#include "report/compare_output.hpp"

namespace benchlab::cli {

namespace {

std::string sizes_text(const Artifact& a) {
  std::vector<std::string> out;
  for (const auto& s : sizes_of(a)) out.push_back(to_string(s));
  return out.empty() ? std::string("no size") : fmt::format("{}", fmt::join(out, ", "));
}

}  // namespace

int run_compare_command(const CompareOptions& o) {
  Artifact base, fresh;
  try {
    base = read_artifact_file(o.base);
    fresh = read_artifact_file(o.fresh);
  } catch (const ArtifactError& e) {
    std::cerr << "benchclient: error: compare: " << e.what() << "\n";
    return kExitUsage;
  }
  const std::vector<std::string> differences = dataset_differences(base, fresh);
  if (!differences.empty() && !o.force) {
    std::cerr << fmt::format(
        "benchclient: error: compare: {} and {} are not of the same dataset ({}); compare runs of the same table, "
        "format, workers, batch size and split, or pass --force\n",
        o.base, o.fresh, fmt::join(differences, "; "));
    return kExitUsage;
  }
  const Comparison comparison = compare_artifacts(base, fresh, o.threshold);
  if (comparison.sizes.empty()) {
    std::cerr << fmt::format(
        "benchclient: error: compare: {} and {} have no size in common ({} has {} rows, {} {} rows)\n", o.base, o.fresh,
        o.base, sizes_text(base), o.fresh, sizes_text(fresh));
    return kExitUsage;
  }
  if (comparison.rows.empty()) {
    std::cerr << fmt::format("benchclient: error: compare: {} and {} have no strategy and size in common with runs\n",
                             o.base, o.fresh);
    return kExitUsage;
  }
  const CompareHeader header =
      compare_header(base, fresh, std::filesystem::path(o.base).filename().string(),
                     std::filesystem::path(o.fresh).filename().string(), o.threshold, o.force, differences);
  const std::string out = o.json ? compare_json(comparison, header) : compare_markdown(comparison, header);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  // Another machine, CPU count or PostgreSQL major version: the figures are printed,
  // but they are no verdict on the code (docs/compare.md).
  if (!header.like_for_like() && !o.force) {
    std::vector<std::string> unlike;
    for (const auto& d : header.context)
      if (!d.like_for_like) unlike.push_back(d.text());
    std::cerr << fmt::format(
        "benchclient: error: compare: {} and {} were not measured like for like ({}); the comparison is printed "
        "for reference, but is no verdict on the code: compare runs of one machine, or pass --force\n",
        o.base, o.fresh, fmt::join(unlike, "; "));
    return kExitUsage;
  }
  for (const auto& r : comparison.rows)
    if (r.regression) return 1;
  return kExitOk;
}

}  // namespace benchlab::cli

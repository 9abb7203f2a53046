#include "cli/compare_command.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

#include "cli/diagnostics.hpp"
#include "cli/exit_codes.hpp"
#include "cli/usage_error.hpp"
#include "cli/value_parsers.hpp"
#include "report/compare_output.hpp"
#include "store/artifact_json.hpp"

namespace benchlab::cli {

namespace {

std::string sizes_text(const Artifact& a) {
  std::vector<std::string> out;
  for (const auto& s : sizes_of(a)) out.push_back(to_string(s));
  return out.empty() ? std::string("no size") : fmt::format("{}", fmt::join(out, ", "));
}

}  // namespace

CompareCommand::CompareCommand(CLI::App& app)
    : compare_(app.add_subcommand(
          "compare",
          "did NEW get slower than BASE? per strategy and size, the ratio of median rows/s with a bootstrap interval "
          "and a verdict, on the sizes both have; exit 0 no regression, 1 a regression beyond --threshold, 2 error, "
          "different datasets, no size in common, or not like for like (another machine, CPU count or PostgreSQL "
          "major version)")) {
  CompareOptions& o = options_;
  compare_->footer(kCompareExitStatusHelp);
  compare_->add_option("BASE.json", o.base, "the artifact to compare against")->required();
  compare_->add_option("NEW.json", o.fresh, "the artifact to judge")->required();
  compare_->add_option("--threshold", threshold_, "a slowdown beyond this is a regression (e.g. 5% or 0.05)")
      ->capture_default_str();
  compare_->add_flag(
      "--force", o.force,
      "compare artifacts of different datasets, or not measured like for like, anyway (said in the output)");
  compare_->add_flag("--json", o.json, "the comparison as JSON");
}

void CompareCommand::validate() {
  const auto threshold = parse_fraction(threshold_);
  if (!threshold)
    throw UsageError(fmt::format("compare --threshold '{}': give a fraction such as 5% or 0.05", threshold_));
  options_.threshold = *threshold;
}

int CompareCommand::run() {
  const CompareOptions& o = options_;
  Artifact base, fresh;
  try {
    base = read_artifact_file(o.base);
    fresh = read_artifact_file(o.fresh);
  } catch (const ArtifactError& e) {
    return print_error(fmt::format("compare: {}", e.what()), kExitUsage);
  }
  const std::vector<std::string> differences = dataset_differences(base, fresh);
  if (!differences.empty() && !o.force) {
    return print_error(fmt::format("compare: {} and {} are not of the same dataset ({}); compare runs of the same "
                                   "table, format, workers, batch size and split, or pass --force",
                                   o.base, o.fresh, fmt::join(differences, "; ")),
                       kExitUsage);
  }
  const Comparison comparison = compare_artifacts(base, fresh, o.threshold);
  if (comparison.sizes.empty()) {
    return print_error(fmt::format("compare: {} and {} have no size in common ({} has {} rows, {} {} rows)", o.base,
                                   o.fresh, o.base, sizes_text(base), o.fresh, sizes_text(fresh)),
                       kExitUsage);
  }
  if (comparison.rows.empty()) {
    return print_error(fmt::format("compare: {} and {} have no strategy and size in common with runs", o.base, o.fresh),
                       kExitUsage);
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
    return print_error(fmt::format("compare: {} and {} were not measured like for like ({}); the comparison is "
                                   "printed for reference, but is no verdict on the code: compare runs of one "
                                   "machine, or pass --force",
                                   o.base, o.fresh, fmt::join(unlike, "; ")),
                       kExitUsage);
  }
  for (const auto& r : comparison.rows)
    if (r.regression) return 1;
  return kExitOk;
}

}  // namespace benchlab::cli

#include "cli/compare_command.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "cli/exit_codes.hpp"
#include "report/artifact_json.hpp"
#include "report/compare_output.hpp"

namespace benchlab::cli {

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
        "rows, format and workers, or pass --force\n",
        o.base, o.fresh, fmt::join(differences, "; "));
    return kExitUsage;
  }
  const std::vector<CompareRow> rows = compare_artifacts(base, fresh, o.threshold);
  if (rows.empty()) {
    std::cerr << fmt::format("benchclient: error: compare: {} and {} have no strategy and size in common with runs\n",
                             o.base, o.fresh);
    return kExitUsage;
  }
  const std::string b = std::filesystem::path(o.base).filename().string();
  const std::string n = std::filesystem::path(o.fresh).filename().string();
  const std::string out = o.json ? compare_json(rows, b, n, o.threshold, differences)
                                 : compare_markdown(rows, b, n, o.threshold, differences);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  for (const auto& r : rows)
    if (r.regression) return 1;
  return kExitOk;
}

}  // namespace benchlab::cli

// `benchclient compare`: what differs between two artifacts' datasets (they are
// refused unless --force), and the comparison as Markdown or JSON.
#pragma once

#include <string>
#include <vector>

#include "model/compare.hpp"
#include "model/context.hpp"

namespace benchlab {

// Why two artifacts are not of the same dataset (table, rows, format, workers,
// split, batch size), one item each; empty: comparable.
[[nodiscard]] std::vector<std::string> dataset_differences(const Artifact& base, const Artifact& fresh);

// Per strategy and size present in both, judged at `threshold` (0.05: 5 %).
[[nodiscard]] std::vector<CompareRow> compare_artifacts(const Artifact& base, const Artifact& fresh, double threshold);

[[nodiscard]] std::string compare_markdown(const std::vector<CompareRow>& rows, const std::string& base_name,
                                           const std::string& new_name, double threshold,
                                           const std::vector<std::string>& forced_differences);
[[nodiscard]] std::string compare_json(const std::vector<CompareRow>& rows, const std::string& base_name,
                                       const std::string& new_name, double threshold,
                                       const std::vector<std::string>& forced_differences);

}  // namespace benchlab

// The table of strategy figures every human-readable report shows, one size at a
// time: one description of its columns (header, what the figure is, how it is read
// from the summary and written), rendered by the console, the Markdown and the HTML
// reporters each in its own markup — so the three show the same columns and the
// same values, and a missing figure the same way.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/artifact_summary.hpp"

namespace benchlab {

// What a cell shows when its figure was not measured (or cannot be).
inline constexpr std::string_view kMissing = "—";

enum class Align { left, right };

// One strategy at one size, as a column reads it.
struct StrategyRowSource {
  const StrategyResult& result;
  const StrategySummary& summary;
  int runs_asked = 0;  // the runs the schedule asked for
};

struct StrategyColumn {
  std::string_view header;
  std::string_view meaning;  // the legend's words for it
  Align align = Align::right;
  // The cell; nullopt: missing (shown as kMissing).
  std::optional<std::string> (*cell)(const StrategyRowSource&) = nullptr;
};

// The columns, in order; the first is the strategy's name.
[[nodiscard]] const std::vector<StrategyColumn>& strategy_columns();

// "header: meaning; …" for every column that has one: what a report says once.
[[nodiscard]] std::string strategy_table_legend();

// One size's table: a row per strategy, in the size's order, every cell written
// (missing: kMissing). Markup is the renderer's (escaping included).
struct StrategyTable {
  std::vector<std::string> header;
  std::vector<Align> align;
  std::vector<std::vector<std::string>> rows;
};
[[nodiscard]] StrategyTable strategy_table(const SizeResult& size, const SizeSummary& summary, int runs_asked);

// What the status adds beside the rows / checksum marks when it is not plain ok
// (" (incomplete, 2/3 runs)", " (recovered from faults in 1 of 3 runs)"): empty when ok.
[[nodiscard]] std::string status_note(const StrategyResult& result, const StrategySummary& summary, int runs_asked);

// Forked workers' share of a strategy's peak RSS, said beside the table (too wide for
// a column): "multiprocessing: 34.9 MiB (2×10.1 + parent 14.4)"; nullopt without workers.
[[nodiscard]] std::optional<std::string> worker_rss_line(const StrategyResult& result, const StrategySummary& summary);

}  // namespace benchlab

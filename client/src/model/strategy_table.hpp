// The table of strategy figures every human-readable report shows, one size at a
// time: one description of its columns (header, what the figure is, how it is read
// from the summary and written), rendered by the console, the Markdown and the HTML
// reporters each in its own markup — so the three show the same columns and the
// same values, and a missing figure the same way. The console shows by default the
// compact view of the same columns: those a user decides on, in 120 columns.
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

// Which columns a table shows: every one (the Markdown and HTML reports, the
// console's wide view), or the compact view, the console's default: the figures a
// user decides on, a long cell shortened to a mark and said in full in a note.
enum class TableView { wide, compact };

// A cell as the compact view shows it: `text`, and whether that says all the
// cell says (false: the whole cell goes in a note under the table).
struct ShortCell {
  std::string text;
  bool whole = true;
};

struct StrategyColumn {
  std::string_view header;
  std::string_view meaning;  // the legend's words for it
  Align align = Align::right;
  // The cell; nullopt: missing (shown as kMissing).
  std::optional<std::string> (*cell)(const StrategyRowSource&) = nullptr;
  // In the compact view: shown at all, and (non-null) the short form it shows
  // instead of the cell, with `short_meaning` as the legend's words.
  bool compact = false;
  ShortCell (*short_cell)(const StrategyRowSource&) = nullptr;
  std::string_view short_meaning{};
  [[nodiscard]] bool shown(TableView view) const { return view == TableView::wide || compact; }
};

// The columns, in order; the first is the strategy's name.
[[nodiscard]] const std::vector<StrategyColumn>& strategy_columns();

// "header: meaning; …" for every column the view shows that has one: what a report says once.
[[nodiscard]] std::string strategy_table_legend(TableView view = TableView::wide);

// The headers of the columns the view leaves out, in order (empty for the wide view).
[[nodiscard]] std::vector<std::string_view> columns_not_shown(TableView view);

// One size's table: a row per strategy, in the size's order, every cell written
// (missing: kMissing). Markup is the renderer's (escaping included). In the
// compact view a shortened cell that does not say all ends with " [n]", and
// notes[n-1] says it whole: "[n] strategy: cell".
struct StrategyTable {
  std::vector<std::string> header;
  std::vector<Align> align;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> notes;
};
[[nodiscard]] StrategyTable strategy_table(const SizeResult& size, const SizeSummary& summary, int runs_asked,
                                           TableView view = TableView::wide);

// Where each strategy's time went, per row at the medians, and what bounds it: the
// client's and the server backends' CPU, its shape (model/strategy_shape.hpp), the
// most rows/s that shape allows at that CPU, the limit that binds (server, client or
// cores), each run's share of that bound; then the machine's CPU bound (cores ÷ the
// CPU per row) and the share of it. A row per strategy with a client CPU figure (no
// rows: nothing to show); a figure not known is kMissing.
[[nodiscard]] StrategyTable bound_table(const SizeResult& size, const SizeSummary& summary);
// The sentence a report puts above it; `cores`: those the bounds count (0: the
// server runs elsewhere, no cores term).
[[nodiscard]] std::string bound_table_intro(unsigned cores);

// What the status adds beside the rows / checksum marks when it is not plain ok
// (" (incomplete, 2/3 runs)", " (recovered from faults in 1 of 3 runs)"): empty when ok.
[[nodiscard]] std::string status_note(const StrategyResult& result, const StrategySummary& summary, int runs_asked);

// Forked workers' share of a strategy's peak RSS, said beside the table (too wide for
// a column): "multiprocessing: 34.9 MiB (2×10.1 + parent 14.4)"; nullopt without workers.
[[nodiscard]] std::optional<std::string> worker_rss_line(const StrategyResult& result, const StrategySummary& summary);

}  // namespace benchlab

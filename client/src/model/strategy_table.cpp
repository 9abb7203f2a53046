#include "model/strategy_table.hpp"

#include <fmt/format.h>

#include "model/number_format.hpp"

namespace benchlab {

namespace {

using Cell = std::optional<std::string>;

Cell median(const Summary& s, const char* format) {
  if (s.count == 0) return std::nullopt;
  return fmt::format(fmt::runtime(format), s.median);
}

std::string_view mark(std::optional<bool> ok) { return ok ? (*ok ? "✓" : "✗") : kMissing; }

}  // namespace

std::string status_note(const StrategyResult& s, const StrategySummary& sum, int runs_asked) {
  const std::string recovered = sum.recovered.empty() ? ""
                                                      : fmt::format(" (recovered from faults in {} of {} runs)",
                                                                    sum.recovered.size(), s.runs.size());
  if (sum.status == Status::ok) return recovered;
  if (!recovered.empty()) return fmt::format(" ({}){}", to_string(sum.status), recovered);
  if (sum.status == Status::incomplete) return fmt::format(" (incomplete, {}/{} runs)", s.runs.size(), runs_asked);
  if (const std::string_view caveat = status_caveat(s.strategy, sum.status); !caveat.empty())
    return fmt::format(" ({}; {})", to_string(sum.status), caveat);
  return fmt::format(" ({})", to_string(sum.status));
}

namespace {

// The match column in short: one mark, and whether it says all (plain ok).
ShortCell match_flag(const StrategyRowSource& r) {
  const StrategySummary& s = r.summary;
  const bool matched = s.exact();
  const bool wrong = s.wrong();
  const std::string_view text = matched ? mark(true) : wrong ? mark(false) : kMissing;
  return {std::string(text), matched && status_note(r.result, s, r.runs_asked).empty()};
}

}  // namespace

const std::vector<StrategyColumn>& strategy_columns() {
  // Every column fits a 120-column terminal when the statuses are plain (the reference
  // sweep's table is 117 wide); the compact view (the console's default) keeps the ones
  // marked `true` and shortens the match column to a flag, so it fits 120 columns
  // whatever the statuses. The CPU seconds behind the per-row figures are in the
  // artifact, the workers' share of the memory in a line beside the table.
  static const std::vector<StrategyColumn> columns{
      {"strategy", "", Align::left, [](const StrategyRowSource& r) -> Cell { return r.result.strategy; }, true},
      {"rows/s", "median of the runs", Align::right,
       [](const StrategyRowSource& r) -> Cell {
         const Summary& s = r.summary.rows_per_sec;
         return s.count ? Cell(si(s.median)) : std::nullopt;
       },
       true},
      {"min … max", "rows/s of the slowest and the fastest run", Align::right,
       [](const StrategyRowSource& r) -> Cell {
         const Summary& s = r.summary.rows_per_sec;
         return s.count ? Cell(fmt::format("{} … {}", si(s.min), si(s.max))) : std::nullopt;
       },
       true},
      {"/ceiling", "median of each run's rows/s ÷ its own round's wire ceiling (COPY drain, same format)", Align::right,
       [](const StrategyRowSource& r) -> Cell {
         const auto& ratio = r.summary.ratio_to_wire_ceiling;
         return ratio ? Cell(fmt::format("{:.2f}×", *ratio)) : std::nullopt;
       },
       true},
      {"peak RSS", "median of the client's peak resident memory (forked workers included)", Align::right,
       [](const StrategyRowSource& r) -> Cell {
         const Summary& s = r.summary.peak_rss_bytes;
         return s.count ? Cell(mib(s.median)) : std::nullopt;
       },
       true},
      {"TTFR", "median time to the first row", Align::right,
       [](const StrategyRowSource& r) { return median(r.summary.ttfr_ms, "{:.1f} ms"); }, true},
      {"p99 batch", "median of each run's 99th-percentile batch latency", Align::right,
       [](const StrategyRowSource& r) { return median(r.summary.latency_p99_ms, "{:.1f} ms"); }},
      {"CPU ns/row", "the client's + the server backends' CPU per row, medians", Align::right,
       [](const StrategyRowSource& r) -> Cell {
         const StrategySummary& s = r.summary;
         if (s.client_cpu_ns_per_row.count == 0) return std::nullopt;
         return fmt::format("{:.0f} + {}", s.client_cpu_ns_per_row.median,
                            median(s.server_cpu_ns_per_row, "{:.0f}").value_or(std::string(kMissing)));
       }},
      {"/bound",
       "median of each run's rows/s ÷ the most its shape allows at its CPU per row (its backends, client "
       "threads or processes and the cores they share)",
       Align::right, [](const StrategyRowSource& r) { return median(r.summary.fraction_of_shape_bound, "{:.2f}"); },
       true},
      {"match", "rows / checksum equal to the server's in every run (✓), with the status when not plain ok",
       Align::left,
       [](const StrategyRowSource& r) -> Cell {
         const StrategySummary& s = r.summary;
         return fmt::format("{} / {}{}", mark(s.rows_match), mark(s.checksum_match),
                            status_note(r.result, s, r.runs_asked));
       },
       true, match_flag,
       "✓ when rows and checksum equal the server's in every run, ✗ a mismatch, — not known; [n]: the note under "
       "the table (rows / checksum, and the status when not plain ok)"},
  };
  return columns;
}

std::optional<std::string> worker_rss_line(const StrategyResult& s, const StrategySummary& sum) {
  if (sum.peak_rss_bytes.count == 0 || sum.worker_peak_rss_bytes.count == 0) return std::nullopt;
  return fmt::format("{}: {}{}", s.strategy, mib(sum.peak_rss_bytes.median),
                     worker_rss_split(sum.forked_workers, sum.worker_peak_rss_bytes.median,
                                      sum.parent_peak_rss_bytes.count ? std::optional(sum.parent_peak_rss_bytes.median)
                                                                      : std::nullopt));
}

std::string strategy_table_legend(TableView view) {
  std::string out;
  for (const auto& c : strategy_columns()) {
    if (c.meaning.empty() || !c.shown(view)) continue;
    if (!out.empty()) out += "; ";
    const bool shortened = view == TableView::compact && c.short_cell != nullptr;
    out += fmt::format("{}: {}", c.header, shortened ? c.short_meaning : c.meaning);
  }
  return out;
}

std::vector<std::string_view> columns_not_shown(TableView view) {
  std::vector<std::string_view> out;
  for (const auto& c : strategy_columns())
    if (!c.shown(view)) out.push_back(c.header);
  return out;
}

StrategyTable strategy_table(const SizeResult& size, const SizeSummary& summary, int runs_asked, TableView view) {
  StrategyTable t;
  for (const auto& c : strategy_columns()) {
    if (!c.shown(view)) continue;
    t.header.emplace_back(c.header);
    t.align.push_back(c.align);
  }
  for (std::size_t i = 0; i < size.strategies.size(); ++i) {
    const StrategyRowSource source{size.strategies[i], summary.strategies.at(i), runs_asked};
    std::vector<std::string> row;
    for (const auto& c : strategy_columns()) {
      if (!c.shown(view)) continue;
      std::string whole = c.cell(source).value_or(std::string(kMissing));
      if (view == TableView::wide || c.short_cell == nullptr) {
        row.push_back(std::move(whole));
        continue;
      }
      ShortCell shortened = c.short_cell(source);
      if (!shortened.whole) {
        t.notes.push_back(fmt::format("[{}] {}: {}", t.notes.size() + 1, size.strategies[i].strategy, whole));
        shortened.text += fmt::format(" [{}]", t.notes.size());
      }
      row.push_back(std::move(shortened.text));
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

std::string bound_table_intro(unsigned cores) {
  const std::string cores_term =
      cores == 0
          ? std::string("the cores are not counted: the server runs elsewhere")
          : fmt::format("cores: all {0} cores busy, {0} ÷ the server's and the client's CPU per row together", cores);
  return fmt::format(
      "Where the time went, per row (medians): the client's CPU and the server backends' CPU; each strategy's shape "
      "(the server backends reading at once → the client threads or processes decoding), the most rows/s that shape "
      "allows at that CPU, the limit that binds it (server: every backend busy, backends ÷ the server's CPU per row; "
      "client: every client worker busy, workers ÷ the client's CPU per row; {}), and each run's rows/s ÷ that "
      "bound; then the CPU bound, what the cores allow whatever the shape, and the share of it.",
      cores_term);
}

StrategyTable bound_table(const SizeResult& size, const SizeSummary& summary) {
  StrategyTable t;
  t.header = {"strategy",   "client CPU / row", "server CPU / row",   "shape",      "its bound (rows/s)",
              "limited by", "/ bound",          "CPU bound (rows/s)", "/ CPU bound"};
  t.align = {Align::left, Align::right, Align::right, Align::left, Align::right,
             Align::left, Align::right, Align::right, Align::right};
  const auto rows_per_sec = [](const Summary& s) { return s.count ? si(s.median) : std::string(kMissing); };
  const auto or_missing = [](const Cell& c) { return c.value_or(std::string(kMissing)); };
  for (std::size_t i = 0; i < size.strategies.size(); ++i) {
    const StrategySummary& sum = summary.strategies.at(i);
    if (sum.client_cpu_ns_per_row.count == 0) continue;
    t.rows.push_back(
        {size.strategies[i].strategy, fmt::format("{:.0f} ns", sum.client_cpu_ns_per_row.median),
         or_missing(median(sum.server_cpu_ns_per_row, "{:.0f} ns")),
         sum.shape ? describe(*sum.shape) : std::string(kMissing), rows_per_sec(sum.shape_bound_rows_per_sec),
         sum.shape_limit ? std::string(to_string(*sum.shape_limit)) : std::string(kMissing),
         or_missing(median(sum.fraction_of_shape_bound, "{:.2f}")), rows_per_sec(sum.cpu_bound_rows_per_sec),
         or_missing(median(sum.fraction_of_cpu_bound, "{:.2f}"))});
  }
  return t;
}

}  // namespace benchlab

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

const std::vector<StrategyColumn>& strategy_columns() {
  // Chosen to fit a 120-column terminal (the reference sweep's table is 117 wide): the
  // CPU seconds behind the per-row figures are in the artifact, the workers' share of
  // the memory in a line beside the table.
  static const std::vector<StrategyColumn> columns{
      {"strategy", "", Align::left, [](const StrategyRowSource& r) -> Cell { return r.result.strategy; }},
      {"rows/s", "median of the runs", Align::right,
       [](const StrategyRowSource& r) -> Cell {
         const Summary& s = r.summary.rows_per_sec;
         return s.count ? Cell(si(s.median)) : std::nullopt;
       }},
      {"min … max", "rows/s of the slowest and the fastest run", Align::right,
       [](const StrategyRowSource& r) -> Cell {
         const Summary& s = r.summary.rows_per_sec;
         return s.count ? Cell(fmt::format("{} … {}", si(s.min), si(s.max))) : std::nullopt;
       }},
      {"/ceiling", "median of each run's rows/s ÷ its own round's wire ceiling (COPY drain, same format)", Align::right,
       [](const StrategyRowSource& r) -> Cell {
         const auto& ratio = r.summary.ratio_to_wire_ceiling;
         return ratio ? Cell(fmt::format("{:.2f}×", *ratio)) : std::nullopt;
       }},
      {"peak RSS", "median of the client's peak resident memory (forked workers included)", Align::right,
       [](const StrategyRowSource& r) -> Cell {
         const Summary& s = r.summary.peak_rss_bytes;
         return s.count ? Cell(mib(s.median)) : std::nullopt;
       }},
      {"TTFR", "median time to the first row", Align::right,
       [](const StrategyRowSource& r) { return median(r.summary.ttfr_ms, "{:.1f} ms"); }},
      {"p99 batch", "median of each run's 99th-percentile batch latency", Align::right,
       [](const StrategyRowSource& r) { return median(r.summary.latency_p99_ms, "{:.1f} ms"); }},
      {"CPU ns/row", "the client's + the server backends' CPU per row, medians", Align::right,
       [](const StrategyRowSource& r) -> Cell {
         const StrategySummary& s = r.summary;
         if (s.client_cpu_ns_per_row.count == 0) return std::nullopt;
         return fmt::format("{:.0f} + {}", s.client_cpu_ns_per_row.median,
                            median(s.server_cpu_ns_per_row, "{:.0f}").value_or(std::string(kMissing)));
       }},
      {"/CPU bound", "median of each run's rows/s ÷ what the cores allow at its CPU per row", Align::right,
       [](const StrategyRowSource& r) { return median(r.summary.fraction_of_cpu_bound, "{:.2f}"); }},
      {"match", "rows / checksum equal to the server's in every run (✓), with the status when not plain ok",
       Align::left,
       [](const StrategyRowSource& r) -> Cell {
         const StrategySummary& s = r.summary;
         return fmt::format("{} / {}{}", mark(s.rows_match), mark(s.checksum_match),
                            status_note(r.result, s, r.runs_asked));
       }},
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

std::string strategy_table_legend() {
  std::string out;
  for (const auto& c : strategy_columns()) {
    if (c.meaning.empty()) continue;
    if (!out.empty()) out += "; ";
    out += fmt::format("{}: {}", c.header, c.meaning);
  }
  return out;
}

StrategyTable strategy_table(const SizeResult& size, const SizeSummary& summary, int runs_asked) {
  StrategyTable t;
  for (const auto& c : strategy_columns()) {
    t.header.emplace_back(c.header);
    t.align.push_back(c.align);
  }
  for (std::size_t i = 0; i < size.strategies.size(); ++i) {
    const StrategyRowSource source{size.strategies[i], summary.strategies.at(i), runs_asked};
    std::vector<std::string> row;
    for (const auto& c : strategy_columns()) row.push_back(c.cell(source).value_or(std::string(kMissing)));
    t.rows.push_back(std::move(row));
  }
  return t;
}

}  // namespace benchlab

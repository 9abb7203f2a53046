#include "report/console_reporter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "model/number_format.hpp"
#include "model/strategy_table.hpp"
#include "model/text_width.hpp"
#include "model/verdict_text.hpp"
#include "model/warnings.hpp"

namespace benchlab {

namespace {

using Row = std::vector<std::string>;

// The columns' widths: each the widest of its header and cells.
std::vector<std::size_t> widths_of(const Row& header, const std::vector<Row>& rows) {
  std::vector<std::size_t> width(header.size());
  for (std::size_t i = 0; i < header.size(); ++i) width[i] = display_width(header[i]);
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], display_width(r[i]));
  return width;
}

std::size_t total_width(const std::vector<std::size_t>& width) {
  std::size_t total = 0;
  for (auto w : width) total += w + 2;
  return total > 2 ? total - 2 : total;
}

// The table, cells two spaces apart. `max_width` (0: none): a table wider than it
// has its first column (the strategy) cut to fit, a cut name ending in "…".
void print_rows(std::FILE* out, const Row& header, const std::vector<Row>& rows, const std::vector<Align>& align,
                std::size_t max_width) {
  std::vector<std::size_t> width = widths_of(header, rows);
  if (const std::size_t total = total_width(width); max_width != 0 && total > max_width && !width.empty())
    width[0] = std::max<std::size_t>(width[0] > total - max_width ? width[0] - (total - max_width) : 0,
                                     std::min<std::size_t>(width[0], 8));
  auto line = [&](const Row& cells) {
    std::string s;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      const std::string cell = i == 0 ? elide(cells[i], width[i]) : cells[i];
      const std::size_t pad = width[i] - std::min(width[i], display_width(cell));
      const bool left = align.at(i) == Align::left;
      s += left ? cell + std::string(pad, ' ') : std::string(pad, ' ') + cell;
      if (i + 1 < cells.size()) s += "  ";
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    fmt::print(out, "{}\n", s);
  };
  line(header);
  fmt::print(out, "{}\n", std::string(total_width(width), '-'));
  for (const auto& r : rows) line(r);
}

// `text` word-wrapped to the console's width: the first line after `first`, the others after `indent`.
void print_wrapped(std::FILE* out, const std::string& text, const std::string& first, const std::string& indent) {
  for (const auto& line : wrap_words(text, kConsoleWidth, first, indent)) fmt::print(out, "{}\n", line);
}

// The medians across sizes, a pair of columns (rows/s, peak RSS) per size; sizes
// that would not fit the console's width beside each other go in the next table.
void print_overview(std::FILE* out, const Artifact& a) {
  const auto& sizes = a.report.sizes;
  Row header{"strategy"};
  const bool profiles = a.context.profiles.size() > 1;  // --profile a,b: side by side, a column each
  for (const auto& size : sizes) {
    header.push_back(profiles && !size.profile.empty() ? fmt::format("rows/s @{} {}", size.limit, size.profile)
                                                       : fmt::format("rows/s @{}", size.limit));
    header.push_back("peak RSS");
  }
  std::vector<Row> rows;
  for (const auto& name : a.context.schedule.strategies) {
    Row r{name};
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      const StrategySummary* found = a.summary.sizes.at(i).of(sizes[i], name);
      const StrategySummary sum = found ? *found : StrategySummary{};
      r.push_back(sum.rows_per_sec.count ? si(sum.rows_per_sec.median) : std::string(kMissing));
      r.push_back(sum.peak_rss_bytes.count ? mib(sum.peak_rss_bytes.median) : std::string(kMissing));
    }
    rows.push_back(std::move(r));
  }
  // Which sizes go together: as many as fit beside the strategy column (at least one).
  const std::vector<std::size_t> width = widths_of(header, rows);
  std::vector<std::pair<std::size_t, std::size_t>> groups;  // [first, last) sizes
  for (std::size_t first = 0; first < sizes.size();) {
    std::size_t last = first, used = width[0];
    while (last < sizes.size()) {
      const std::size_t pair = 2 + width[1 + 2 * last] + 2 + width[2 + 2 * last];
      if (last > first && used + pair > kConsoleWidth) break;
      used += pair;
      ++last;
    }
    groups.emplace_back(first, last);
    first = last;
  }
  for (const auto& [first, last] : groups) {
    const auto pick = [&, first = first, last = last](const Row& r) {
      Row picked{r.front()};
      picked.insert(picked.end(), r.begin() + static_cast<std::ptrdiff_t>(1 + 2 * first),
                    r.begin() + static_cast<std::ptrdiff_t>(1 + 2 * last));
      return picked;
    };
    std::vector<Row> part;
    for (const auto& r : rows) part.push_back(pick(r));
    std::vector<Align> align(1 + 2 * (last - first), Align::right);
    align.front() = Align::left;
    const std::string which =
        groups.size() == 1 ? std::string() : fmt::format("; sizes {} to {} of {}", first + 1, last, sizes.size());
    fmt::print(out, "\nsummary (medians, {} format{})\n", to_string(a.context.read.format), which);
    print_rows(out, pick(header), part, align, kConsoleWidth);
  }
}

}  // namespace

bool ConsoleReporter::said(const std::string& text) const {
  return std::find(options_.said.begin(), options_.said.end(), text) != options_.said.end();
}

void ConsoleReporter::context(const Context&) {}

void ConsoleReporter::size(const Context& c, const SizeResult& size, const SizeSummary& summary) {
  const std::string fmt_name(to_string(c.read.format));
  const std::string range = size.split == Split::ctid ? std::string("split by ctid, the whole table")
                                                      : fmt::format("key {}..{}{}", size.all.lo, size.all.hi,
                                                                    size.whole_table ? ", the whole table" : "");
  // Several profiles (--profile a,b): each size's table is headed by the profile it was measured on.
  const std::string profile = c.profiles.size() > 1 && !size.profile.empty() ? "profile " + size.profile + ": " : "";
  fmt::print(out_, "\n");
  print_wrapped(
      out_, fmt::format("{}{} rows ({} format, {} workers, {})", profile, size.limit, fmt_name, c.read.workers, range),
      "", "  ");
  for (const auto& [name, w] : summary.wire_ceiling) {
    fmt::print(out_, "  wire ceiling ({:<6}) COPY: {} rows/s, {:.1f} MB/s{}\n", name, si(w.rows_per_sec.median),
               w.mb_per_sec.median, name == fmt_name ? "  <- ratios below" : "");
  }
  if (const auto& s = size.server.scan)
    fmt::print(out_, "  server_scan: {:.3f} s, CPU {:.3f}u/{:.3f}s s, {} rows\n", s->elapsed_s, s->cpu_user_s,
               s->cpu_sys_s, s->rows);
  for (const auto& n : size.notes)
    if (!said(n)) print_wrapped(out_, n, "  note: ", "    ");
  const StrategyTable table = strategy_table(size, summary, c.schedule.runs, options_.view);
  print_rows(out_, table.header, table.rows, table.align, options_.view == TableView::compact ? kConsoleWidth : 0);
  for (const auto& note : table.notes)
    print_wrapped(out_, note.substr(note.find(' ') + 1), "  " + note.substr(0, note.find(' ') + 1), "      ");
  for (std::size_t i = 0; i < size.strategies.size(); ++i)
    if (const auto line = worker_rss_line(size.strategies[i], summary.strategies.at(i)))
      print_wrapped(out_, *line, "  peak RSS of ", "    ");
  fmt::print(out_, "  ({} run{} each{}; {})\n", c.schedule.runs, c.schedule.runs == 1 ? "" : "s",
             c.schedule.warmup > 0 ? fmt::format(", after {} warmup runs", c.schedule.warmup) : std::string(),
             c.bound_cores() == 0 ? std::string("/bound without the cores: the server runs elsewhere")
                                  : fmt::format("/bound on {} cores", c.host.cores));
  if (summary.writer) fmt::print(out_, "  {}\n", writer_activity_text(*summary.writer));
  for (const auto& s : size.strategies)
    for (const auto& e : s.errors) print_wrapped(out_, e, fmt::format("  {} error: ", s.strategy), "    ");
}

void ConsoleReporter::finish(const Artifact& a) {
  const BenchmarkReport& report = a.report;
  if (report.sizes.size() > 1) print_overview(out_, a);
  const bool any_worker_rss = std::any_of(report.sizes.begin(), report.sizes.end(), [](const SizeResult& size) {
    return std::any_of(size.strategies.begin(), size.strategies.end(), [](const StrategyResult& s) {
      return std::any_of(s.runs.begin(), s.runs.end(), [](const RunFigures& r) { return r.worker_peak_rss_bytes; });
    });
  });
  if (any_worker_rss) {
    fmt::print(out_, "\n");
    print_wrapped(out_,
                  "peak RSS (n×MiB + parent): each forked worker's own peak (getrusage ru_maxrss), largest worker. It "
                  "includes the ~9 MiB of the parent's pages every child inherits at fork (libraries, the parent's "
                  "live heap; shared copy-on-write: the peak RSS sum counts them again for every worker); the "
                  "worker's own reading adds ~4 MiB.",
                  "", "");
  }
  if (!report.sizes.empty()) {
    fmt::print(out_, "\ncolumns:\n");
    print_wrapped(out_, strategy_table_legend(options_.view), "  ", "  ");
    if (const auto hidden = columns_not_shown(options_.view); !hidden.empty())
      print_wrapped(
          out_,
          fmt::format("not shown: {} ({})", fmt::join(hidden, ", "),
                      options_.wide_hint.empty() ? "the Markdown report has every column" : options_.wide_hint),
          "  ", "  ");
  }
  std::vector<std::string> warnings;
  for (const auto& w : a.summary.warnings)
    if (!said(w.text())) warnings.push_back(w.text());
  if (!warnings.empty()) fmt::print(out_, "\n");
  for (const auto& w : warnings) print_wrapped(out_, w, "warning: ", "  ");
  if (!a.complete) {
    fmt::print(out_, "\n");
    print_wrapped(out_, std::string(kIncompleteArtifact), "", "");
  }
  if (report.interrupted_signal != 0) fmt::print(out_, "\ninterrupted: the figures above are what was measured\n");
  if (!report.strict_failure.empty()) {
    fmt::print(out_, "\n");
    print_wrapped(out_, report.strict_failure, "strict policy: ", "  ");
  }
  // The verdict, derived from what was measured (model/verdict_text).
  const auto verdict = console_verdict(a);
  if (!verdict.empty()) fmt::print(out_, "\n");
  for (const auto& line : verdict) print_wrapped(out_, line, "verdict: ", "  ");
  std::fflush(out_);
}

void print_advise(std::FILE* out, const AdviseResult& advice) {
  fmt::print(out, "\n");
  print_wrapped(out, calibration_text(advice.calibration), "", "  ");
  for (const auto& note : advice.calibration.notes) print_wrapped(out, note, "  note: ", "    ");
  const StrategyTable predictions = predictions_table(advice);
  if (!predictions.rows.empty()) {
    fmt::print(out, "\npredicted for a read of the whole table:\n");
    print_rows(out, predictions.header, predictions.rows, predictions.align, kConsoleWidth);
  }
  for (const auto& note : predictions.notes) print_wrapped(out, note, "  ", "    ");
  fmt::print(out, "\n");
  print_wrapped(out, recommendation_text(advice), "", "  ");
}

void print_advise_check(std::FILE* out, const AdviseResult& advice) {
  if (!advice.check) return;
  const StrategyTable check = check_table(advice);
  fmt::print(out, "\npredicted against measured (the whole table, median of each strategy's runs):\n");
  print_rows(out, check.header, check.rows, check.align, kConsoleWidth);
  print_wrapped(out, check_summary_text(advice), "", "  ");
}

}  // namespace benchlab

#include "report/console_reporter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "model/number_format.hpp"
#include "model/strategy_table.hpp"
#include "model/verdict_text.hpp"
#include "model/warnings.hpp"

namespace benchlab {

namespace {

// Display width of UTF-8 text (each code point one column: ±, …, ½ are narrow).
std::size_t display_width(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

using Row = std::vector<std::string>;

void print_rows(std::FILE* out, const Row& header, const std::vector<Row>& rows, const std::vector<Align>& align) {
  std::vector<std::size_t> width(header.size());
  for (std::size_t i = 0; i < header.size(); ++i) width[i] = display_width(header[i]);
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], display_width(r[i]));
  auto line = [&](const Row& cells) {
    std::string s;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      const std::size_t pad = width[i] - std::min(width[i], display_width(cells[i]));
      const bool left = align.at(i) == Align::left;
      s += left ? cells[i] + std::string(pad, ' ') : std::string(pad, ' ') + cells[i];
      if (i + 1 < cells.size()) s += "  ";
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    fmt::print(out, "{}\n", s);
  };
  line(header);
  std::size_t total = 0;
  for (auto w : width) total += w + 2;
  fmt::print(out, "{}\n", std::string(total > 2 ? total - 2 : total, '-'));
  for (const auto& r : rows) line(r);
}

void print_overview(std::FILE* out, const Artifact& a) {
  const auto& sizes = a.report.sizes;
  Row header{"strategy"};
  const bool profiles = a.context.profiles.size() > 1;  // --profile a,b: side by side, a column each
  for (const auto& size : sizes) {
    header.push_back(profiles && !size.profile.empty() ? fmt::format("rows/s @{} {}", size.limit, size.profile)
                                                       : fmt::format("rows/s @{}", size.limit));
    header.push_back("peak RSS");
  }
  header.emplace_back();
  std::vector<Align> align(header.size(), Align::right);
  align.front() = Align::left;
  std::vector<Row> rows;
  for (const auto& name : a.context.schedule.strategies) {
    Row r{name};
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      const StrategySummary* found = a.summary.sizes.at(i).of(sizes[i], name);
      const StrategySummary sum = found ? *found : StrategySummary{};
      r.push_back(sum.rows_per_sec.count ? si(sum.rows_per_sec.median) : std::string(kMissing));
      r.push_back(sum.peak_rss_bytes.count ? mib(sum.peak_rss_bytes.median) : std::string(kMissing));
    }
    r.emplace_back();
    rows.push_back(std::move(r));
  }
  fmt::print(out, "\nsummary (medians, {} format)\n", to_string(a.context.read.format));
  print_rows(out, header, rows, align);
}

// `text` in lines of at most `width` columns, each after `indent`.
void print_wrapped(std::FILE* out, const std::string& text, std::size_t width, const std::string& indent) {
  std::string line;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find(' ', at);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(at, end - at);
    if (!line.empty() && display_width(indent + line + " " + word) > width) {
      fmt::print(out, "{}{}\n", indent, line);
      line.clear();
    }
    line += line.empty() ? word : " " + word;
    at = end + 1;
  }
  if (!line.empty()) fmt::print(out, "{}{}\n", indent, line);
}

}  // namespace

void ConsoleReporter::context(const Context&) {}

void ConsoleReporter::size(const Context& c, const SizeResult& size, const SizeSummary& summary) {
  const std::string fmt_name(to_string(c.read.format));
  const std::string range = size.split == Split::ctid ? std::string("split by ctid, the whole table")
                                                      : fmt::format("key {}..{}{}", size.all.lo, size.all.hi,
                                                                    size.whole_table ? ", the whole table" : "");
  // Several profiles (--profile a,b): each size's table is headed by the profile it was measured on.
  const std::string profile = c.profiles.size() > 1 && !size.profile.empty() ? "profile " + size.profile + ": " : "";
  fmt::print(out_, "\n{}{} rows ({} format, {} workers, {})\n", profile, size.limit, fmt_name, c.read.workers, range);
  for (const auto& [name, w] : summary.wire_ceiling) {
    fmt::print(out_, "  wire ceiling ({:<6}) COPY: {} rows/s, {:.1f} MB/s{}\n", name, si(w.rows_per_sec.median),
               w.mb_per_sec.median, name == fmt_name ? "  <- ratios below" : "");
  }
  if (const auto& s = size.server.scan)
    fmt::print(out_, "  server_scan: {:.3f} s, CPU {:.3f}u/{:.3f}s s, {} rows\n", s->elapsed_s, s->cpu_user_s,
               s->cpu_sys_s, s->rows);
  for (const auto& n : size.notes) fmt::print(out_, "  note: {}\n", n);
  const StrategyTable table = strategy_table(size, summary, c.schedule.runs);
  print_rows(out_, table.header, table.rows, table.align);
  for (std::size_t i = 0; i < size.strategies.size(); ++i)
    if (const auto line = worker_rss_line(size.strategies[i], summary.strategies.at(i)))
      fmt::print(out_, "  peak RSS of {}\n", *line);
  fmt::print(out_, "  ({} run{} each{}; {})\n", c.schedule.runs, c.schedule.runs == 1 ? "" : "s",
             c.schedule.warmup > 0 ? fmt::format(", after {} warmup runs", c.schedule.warmup) : std::string(),
             c.bound_cores() == 0 ? std::string("/CPU bound not shown: the server runs elsewhere")
                                  : fmt::format("/CPU bound on {} cores", c.host.cores));
  if (summary.writer) fmt::print(out_, "  {}\n", writer_activity_text(*summary.writer));
  for (const auto& s : size.strategies)
    for (const auto& e : s.errors) fmt::print(out_, "  {} error: {}\n", s.strategy, e);
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
    fmt::print(out_,
               "\npeak RSS (n×MiB + parent): each forked worker's own peak (getrusage ru_maxrss), largest worker. It "
               "includes\nthe ~9 MiB of the parent's pages every child inherits at fork (libraries, the parent's "
               "live heap;\nshared copy-on-write: the peak RSS sum counts them again for every worker); the "
               "worker's own reading adds ~4 MiB.\n");
  }
  if (!report.sizes.empty()) {
    fmt::print(out_, "\ncolumns:\n");
    print_wrapped(out_, strategy_table_legend(), 120, "  ");
  }
  const auto& warnings = a.summary.warnings;
  if (!warnings.empty()) fmt::print(out_, "\n");
  for (const auto& w : warnings) fmt::print(out_, "warning: {}\n", w.text());
  if (!a.complete) fmt::print(out_, "\n{}\n", kIncompleteArtifact);
  if (report.interrupted_signal != 0) fmt::print(out_, "\ninterrupted: the figures above are what was measured\n");
  if (!report.strict_failure.empty()) fmt::print(out_, "\nstrict policy: {}\n", report.strict_failure);
  // The verdict, derived from what was measured (model/verdict_text).
  const auto verdict = console_verdict(a);
  if (!verdict.empty()) fmt::print(out_, "\n");
  for (const auto& line : verdict) fmt::print(out_, "verdict: {}\n", line);
  std::fflush(out_);
}

}  // namespace benchlab

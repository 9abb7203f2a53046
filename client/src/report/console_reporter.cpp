#include "report/console_reporter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "model/warnings.hpp"
#include "model/number_format.hpp"
#include "model/verdict_text.hpp"

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

void print_rows(std::FILE* out, const Row& header, const std::vector<Row>& rows) {
  std::vector<std::size_t> width(header.size());
  for (std::size_t i = 0; i < header.size(); ++i) width[i] = display_width(header[i]);
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], display_width(r[i]));
  auto line = [&](const Row& cells) {
    std::string s;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      // First column left-aligned, figures right-aligned, the flag column left.
      const std::size_t pad = width[i] - std::min(width[i], display_width(cells[i]));
      const bool left = i == 0 || i + 1 == cells.size();
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

std::string flag_of(Status status) {
  switch (status) {
    case Status::error:
      return "ERROR";
    case Status::mismatch:
      return "MISMATCH";
    case Status::incomplete:
      return "incomplete";
    case Status::ok:
    case Status::unverified:
      return "";
  }
  return "";
}

Row strategy_row(const StrategyResult& s, const StrategySummary& sum) {
  Row r{s.strategy};
  const Summary& rps = sum.rows_per_sec;
  if (rps.count == 0) {
    r.insert(r.end(), {"-", "-", "-", "-", "-", "-", "-", "-", "-", "-"});
  } else {
    r.push_back(rps.count == 1 ? si(rps.median) : fmt::format("{} ± {}", si(rps.median), si((rps.max - rps.min) / 2)));
    r.push_back(fmt::format("{} … {}", si(rps.min), si(rps.max)));
    std::string rss = sum.peak_rss_bytes.count ? mib(sum.peak_rss_bytes.median) : "-";
    if (sum.peak_rss_bytes.count && sum.worker_peak_rss_bytes.count)
      rss += worker_rss_split(
          sum.forked_workers, sum.worker_peak_rss_bytes.median,
          sum.parent_peak_rss_bytes.count ? std::optional(sum.parent_peak_rss_bytes.median) : std::nullopt);
    r.push_back(rss);
    r.push_back(sum.ttfr_ms.count ? fmt::format("{:.1f} ms", sum.ttfr_ms.median) : "-");
    r.push_back(fmt::format("{:.2f}/{:.2f} s", sum.cpu_user_s.median, sum.cpu_sys_s.median));
    r.push_back(sum.server_cpu_user_s.count
                    ? fmt::format("{:.2f}/{:.2f} s", sum.server_cpu_user_s.median, sum.server_cpu_sys_s.median)
                    : "-");
    r.push_back(fmt::format("{:.1f} ms", sum.latency_p99_ms.median));
    r.push_back(sum.ratio_to_wire_ceiling ? fmt::format("{:.2f}x", *sum.ratio_to_wire_ceiling) : "-");
    r.push_back(sum.client_cpu_ns_per_row.count
                    ? fmt::format("{:.0f} + {}", sum.client_cpu_ns_per_row.median,
                                  sum.server_cpu_ns_per_row.count
                                      ? fmt::format("{:.0f}", sum.server_cpu_ns_per_row.median)
                                      : std::string("-"))
                    : "-");
    r.push_back(sum.fraction_of_cpu_bound.count ? fmt::format("{:.2f}", sum.fraction_of_cpu_bound.median) : "-");
  }
  std::string flag = flag_of(sum.status);
  if (const std::string_view caveat = status_caveat(s.strategy, sum.status); !caveat.empty())
    flag += fmt::format(" ({})", caveat);
  if (sum.recovered_runs > 0) {
    if (!flag.empty()) flag += ' ';
    flag += "recovered";
  }
  r.push_back(flag);
  return r;
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
  std::vector<Row> rows;
  for (const auto& name : a.context.schedule.strategies) {
    Row r{name};
    for (const auto& size : sizes) {
      const StrategyResult* found = size.strategy(name);
      const StrategySummary sum =
          found ? summarize(*found, size, a.context.read.format, a.context.schedule.runs) : StrategySummary{};
      r.push_back(sum.rows_per_sec.count ? si(sum.rows_per_sec.median) : "-");
      r.push_back(sum.peak_rss_bytes.count ? mib(sum.peak_rss_bytes.median) : "-");
    }
    r.emplace_back();
    rows.push_back(std::move(r));
  }
  fmt::print(out, "\nsummary (medians, {} format)\n", to_string(a.context.read.format));
  print_rows(out, header, rows);
}

}  // namespace

void ConsoleReporter::context(const Context&) {}

void ConsoleReporter::size(const Context& c, const SizeResult& size) {
  const std::string fmt_name(to_string(c.read.format));
  const std::string range = size.split == Split::ctid ? std::string("split by ctid, the whole table")
                                                      : fmt::format("key {}..{}{}", size.all.lo, size.all.hi,
                                                                    size.whole_table ? ", the whole table" : "");
  // Several profiles (--profile a,b): each size's table is headed by the profile it was measured on.
  const std::string profile = c.profiles.size() > 1 && !size.profile.empty() ? "profile " + size.profile + ": " : "";
  fmt::print(out_, "\n{}{} rows ({} format, {} workers, {})\n", profile, size.limit, fmt_name, c.read.workers, range);
  for (const auto& [name, w] : size.wire_ceiling) {
    fmt::print(out_, "  wire ceiling ({:<6}) COPY: {} rows/s, {:.1f} MB/s{}\n", name, si(w.rows_per_sec().median),
               w.mb_per_sec().median, name == fmt_name ? "  <- ratios below" : "");
  }
  if (const auto& s = size.server.scan)
    fmt::print(out_, "  server_scan: {:.3f} s, CPU {:.3f}u/{:.3f}s s, {} rows\n", s->elapsed_s, s->cpu_user_s,
               s->cpu_sys_s, s->rows);
  for (const auto& n : size.notes) fmt::print(out_, "  note: {}\n", n);
  std::vector<Row> rows;
  for (const auto& s : size.strategies)
    rows.push_back(strategy_row(s, summarize(s, size, c.read.format, c.schedule.runs, c.bound_cores())));
  print_rows(out_,
             {"strategy", "rows/s (median ± ½range)", "min … max", "peak RSS", "ttfr", "client CPU u/s",
              "server CPU u/s", "p99 batch", "/ceiling", "CPU ns/row c+s", "/CPU bound", "flag"},
             rows);
  fmt::print(out_, "  ({} run{} each{}; /ceiling: median of each run's rows/s ÷ its own round's wire ceiling)\n",
             c.schedule.runs, c.schedule.runs == 1 ? "" : "s",
             c.schedule.warmup > 0 ? fmt::format(", after {} warmup runs", c.schedule.warmup) : std::string());
  fmt::print(out_,
             "  (CPU ns/row: the client's + the server backends' CPU per row; /CPU bound: rows/s ÷ what {} cores "
             "allow at that cost{})\n",
             c.host.cores, c.bound_cores() == 0 ? "; not shown: the server runs elsewhere" : "");
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
               "\nworker RSS (n×MiB): each forked worker's own peak (getrusage ru_maxrss), largest worker. It "
               "includes\nthe ~9 MiB of the parent's pages every child inherits at fork (libraries, the parent's "
               "live heap;\nshared copy-on-write: the peak RSS sum counts them again for every worker); the "
               "worker's own reading adds ~4 MiB.\n");
  }
  const auto warnings = warnings_of(a);
  if (!warnings.empty()) fmt::print(out_, "\n");
  for (const auto& w : warnings) fmt::print(out_, "warning: {}\n", w.text());
  if (!a.complete) fmt::print(out_, "\n{}\n", kIncompleteArtifact);
  if (report.interrupted_signal != 0) fmt::print(out_, "\ninterrupted: the figures above are what was measured\n");
  if (!report.strict_failure.empty()) fmt::print(out_, "\nstrict policy: {}\n", report.strict_failure);
  // The verdict, derived from what was measured (report/verdict_text).
  const auto verdict = console_verdict(a);
  if (!verdict.empty()) fmt::print(out_, "\n");
  for (const auto& line : verdict) fmt::print(out_, "verdict: {}\n", line);
  std::fflush(out_);
}

}  // namespace benchlab

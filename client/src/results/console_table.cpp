#include "results/console_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "results/number_format.hpp"

namespace benchlab::results {

namespace {

template <typename F>
Summary pick(const StrategyResult& s, F&& f) {
  std::vector<double> v;
  for (const auto& r : s.runs)
    if (auto x = f(r)) v.push_back(*x);
  return summarize(std::move(v));
}

// Display width of UTF-8 text (each code point one column: ±, …, ½ are narrow).
std::size_t display_width(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

struct Row {
  std::vector<std::string> cells;
};

void print_rows(std::FILE* out, const std::vector<std::string>& header, const std::vector<Row>& rows) {
  std::vector<std::size_t> width(header.size());
  for (std::size_t i = 0; i < header.size(); ++i) width[i] = display_width(header[i]);
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.cells.size(); ++i) width[i] = std::max(width[i], display_width(r.cells[i]));
  auto line = [&](const std::vector<std::string>& cells) {
    std::string s;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      // First column left-aligned, figures right-aligned, the flag column left.
      if (i == 0 || i + 1 == cells.size())
        s += fmt::format("{:<{}}", cells[i], width[i]);
      else
        s += fmt::format("{:>{}}", cells[i], width[i]);
      if (i + 1 < cells.size()) s += "  ";
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    fmt::print(out, "{}\n", s);
  };
  line(header);
  std::size_t total = 0;
  for (auto w : width) total += w + 2;
  fmt::print(out, "{}\n", std::string(total > 2 ? total - 2 : total, '-'));
  for (const auto& r : rows) line(r.cells);
}

// Forked workers: " (2×13.1 + parent 20.4)", MiB, medians over the runs of the
// largest worker's ru_maxrss and of the parent's own sampled peak.
std::string worker_rss_note(const StrategyResult& s) {
  const Summary worker = pick(s, [](const RunFigures& f) {
    return f.worker_peak_rss_bytes ? std::optional<double>(static_cast<double>(*f.worker_peak_rss_bytes))
                                   : std::nullopt;
  });
  if (worker.count == 0) return "";
  std::size_t workers = 0;
  for (const auto& r : s.runs) workers = std::max(workers, r.worker_peak_rss.size());
  const Summary parent = pick(s, [](const RunFigures& f) {
    return f.parent_peak_rss_bytes ? std::optional<double>(static_cast<double>(*f.parent_peak_rss_bytes))
                                   : std::nullopt;
  });
  return worker_rss_split(workers, worker.median, parent.count ? std::optional<double>(parent.median) : std::nullopt);
}

bool any_worker_rss(const BenchmarkReport& report) {
  for (const auto& size : report.sizes)
    for (const auto& s : size.strategies)
      for (const auto& r : s.runs)
        if (r.worker_peak_rss_bytes) return true;
  return false;
}

}  // namespace

void print_table(std::FILE* out, const cli::RunOptions& options, const BenchmarkReport& report) {
  const std::string fmt_name(to_string(options.format));
  for (const auto& size : report.sizes) {
    fmt::print(out, "\n{} rows ({} format, {} workers, key {}..{})\n", size.limit, fmt_name, options.workers,
               size.all.lo, size.all.hi);
    for (const auto& [name, w] : size.wire_ceiling) {
      fmt::print(out, "  wire ceiling ({:<6}) COPY: {} rows/s, {:.1f} MB/s{}\n", name, si(w.rows_per_sec.median),
                 w.mb_per_sec.median, name == fmt_name ? "  <- ratios below" : "");
    }
    if (size.server_scan) {
      const auto& s = *size.server_scan;
      fmt::print(out, "  server_scan: {:.3f} s, CPU {:.3f}u/{:.3f}s s, {} rows\n", s.elapsed_s, s.cpu_user_s,
                 s.cpu_sys_s, s.rows);
    }
    for (const auto& n : size.notes) fmt::print(out, "  note: {}\n", n);
    const auto ceiling = size.wire_ceiling.find(fmt_name);
    std::vector<Row> rows;
    for (const auto& s : size.strategies) {
      Row r;
      const Summary rps = pick(s, [](const RunFigures& f) { return std::optional<double>(f.rows_per_sec); });
      const Summary rss = pick(s, [](const RunFigures& f) {
        return f.peak_rss_bytes ? std::optional<double>(static_cast<double>(*f.peak_rss_bytes)) : std::nullopt;
      });
      const Summary ttfr = pick(s, [](const RunFigures& f) { return f.ttfr_ms; });
      const Summary cu = pick(s, [](const RunFigures& f) { return std::optional<double>(f.cpu_user_s); });
      const Summary cs = pick(s, [](const RunFigures& f) { return std::optional<double>(f.cpu_sys_s); });
      const Summary su = pick(s, [](const RunFigures& f) { return f.server_cpu_user_s; });
      const Summary ss = pick(s, [](const RunFigures& f) { return f.server_cpu_sys_s; });
      const Summary p99 = pick(s, [](const RunFigures& f) { return std::optional<double>(f.latency_p99_ms); });
      std::string flag;
      if (!s.errors.empty())
        flag = "ERROR";
      else if (s.any_mismatch())
        flag = "MISMATCH";
      else if (static_cast<int>(s.runs.size()) < options.runs)
        flag = "incomplete";
      r.cells.push_back(s.strategy);
      if (rps.count == 0) {
        r.cells.insert(r.cells.end(), {"-", "-", "-", "-", "-", "-", "-", "-"});
      } else {
        r.cells.push_back(rps.count == 1 ? si(rps.median)
                                         : fmt::format("{} ± {}", si(rps.median), si((rps.max - rps.min) / 2)));
        r.cells.push_back(fmt::format("{} … {}", si(rps.min), si(rps.max)));
        r.cells.push_back(rss.count ? mib(rss.median) + worker_rss_note(s) : "-");
        r.cells.push_back(ttfr.count ? fmt::format("{:.1f} ms", ttfr.median) : "-");
        r.cells.push_back(fmt::format("{:.2f}/{:.2f} s", cu.median, cs.median));
        r.cells.push_back(su.count ? fmt::format("{:.2f}/{:.2f} s", su.median, ss.median) : "-");
        r.cells.push_back(fmt::format("{:.1f} ms", p99.median));
        const auto ratio = ceiling != size.wire_ceiling.end()
                               ? ratio_to_wire_ceiling(s, ceiling->second.rows_per_sec.median)
                               : std::nullopt;
        r.cells.push_back(ratio ? fmt::format("{:.2f}x", *ratio) : "-");
      }
      r.cells.push_back(flag);
      rows.push_back(std::move(r));
    }
    print_rows(out,
               {"strategy", "rows/s (median ± ½range)", "min … max", "peak RSS", "ttfr", "client CPU u/s",
                "server CPU u/s", "p99 batch", "/ceiling", "flag"},
               rows);
    fmt::print(out, "  ({} run{} each{}; /ceiling: median of each run's rows/s ÷ its own round's wire ceiling)\n",
               options.runs, options.runs == 1 ? "" : "s",
               options.warmup > 0 ? fmt::format(", after {} warmup runs", options.warmup) : std::string());
    for (const auto& s : size.strategies)
      for (const auto& e : s.errors) fmt::print(out, "  {} error: {}\n", s.strategy, e);
    // hyperfine's advice: a wide spread means the figures are not yet telling.
    for (const auto& s : size.strategies) {
      const Summary rps = pick(s, [](const RunFigures& f) { return std::optional<double>(f.rows_per_sec); });
      if (rps.count >= 2 && rps.min > 0 && rps.max / rps.min > 1.25) {
        fmt::print(out,
                   "  warning: {} varies by {:.0f}% between runs (other load on the machine?); use --runs 5 "
                   "or more, or --warmup 1\n",
                   s.strategy, (rps.max / rps.min - 1) * 100);
      }
    }
  }
  // Several sizes: the Python lab's overview, strategy x size (rows/s median, peak RSS).
  if (report.sizes.size() > 1) {
    std::vector<std::string> header{"strategy"};
    for (const auto& size : report.sizes) {
      header.push_back(fmt::format("rows/s @{}", size.limit));
      header.push_back("peak RSS");
    }
    header.push_back("");
    std::vector<Row> rows;
    for (const auto& name : options.strategies) {
      Row r;
      r.cells.push_back(name);
      for (const auto& size : report.sizes) {
        const StrategyResult* found = nullptr;
        for (const auto& s : size.strategies)
          if (s.strategy == name) found = &s;
        const Summary rps =
            found ? pick(*found, [](const RunFigures& f) { return std::optional<double>(f.rows_per_sec); }) : Summary{};
        const Summary rss = found ? pick(*found,
                                         [](const RunFigures& f) {
                                           return f.peak_rss_bytes
                                                      ? std::optional<double>(static_cast<double>(*f.peak_rss_bytes))
                                                      : std::nullopt;
                                         })
                                  : Summary{};
        r.cells.push_back(rps.count ? si(rps.median) : "-");
        r.cells.push_back(rss.count ? mib(rss.median) : "-");
      }
      r.cells.push_back("");
      rows.push_back(std::move(r));
    }
    fmt::print(out, "\nsummary (medians, {} format)\n", fmt_name);
    print_rows(out, header, rows);
  }
  if (any_worker_rss(report)) {
    fmt::print(out,
               "\nworker RSS (n×MiB): each forked worker's own peak (getrusage ru_maxrss), largest worker. It "
               "includes\nthe ~9 MiB of the parent's pages every child inherits at fork (libraries, the parent's "
               "live heap;\nshared copy-on-write: the peak RSS sum counts them again for every worker); the "
               "worker's own reading adds ~4 MiB.\n");
  }
  if (report.interrupted_signal != 0) fmt::print(out, "\ninterrupted: the figures above are what was measured\n");
  if (!report.strict_failure.empty()) fmt::print(out, "\nstrict policy: {}\n", report.strict_failure);
  std::fflush(out);
}

}  // namespace benchlab::results

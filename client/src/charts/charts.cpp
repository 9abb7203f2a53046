#include "charts/charts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

#include "charts/svg_chart.hpp"
#include "model/number_format.hpp"
#include "strategies/registry.hpp"

namespace benchlab {

namespace {

constexpr double kMiB = 1024.0 * 1024.0;

// A strategy's place in the registry's order (names it does not know: after them all).
int strategy_rank(const std::string& name) {
  const auto& known = strategy_names();
  const auto it = std::find(known.begin(), known.end(), name);
  return it == known.end() ? static_cast<int>(known.size()) : static_cast<int>(it - known.begin());
}

// Each strategy's colour (a palette index) and marker, the same in every chart of every
// report: fixed by its place in the registry. Colours near each other (vermillion and
// orange, blue and sky blue) go to strategies with different markers.
struct StrategyStyle {
  int color;
  svg::Marker marker;
};
StrategyStyle strategy_style(const std::string& name) {
  using svg::Marker;
  static constexpr StrategyStyle kStyles[] = {
      {5, Marker::circle},         // naive: vermillion
      {0, Marker::square},         // cursor_pagination: blue
      {2, Marker::triangle},       // pooled_sync: bluish green
      {3, Marker::diamond},        // async_stream: reddish purple
      {1, Marker::triangle_down},  // multiprocessing: orange
      {8, Marker::cross},          // copy_stream: black
      {4, Marker::star},           // parallel_copy: sky blue
  };
  constexpr int kKnown = static_cast<int>(sizeof kStyles / sizeof kStyles[0]);
  const int rank = strategy_rank(name);
  if (rank < kKnown) return kStyles[rank];
  // A strategy added after these (or one this build does not know): grey or indigo,
  // the marker of its own place.
  return {rank % 2 == 0 ? 6 : 7, static_cast<Marker>(rank % 7)};
}

svg::Series strategy_series(const std::string& name) {
  svg::Series s;
  s.name = name;
  const StrategyStyle style = strategy_style(name);
  s.color = style.color;
  s.marker = style.marker;
  return s;
}

std::string command_of(const std::string& command) {
  return command.empty() ? "command not recorded (an artifact from before benchlab kept it)" : command;
}

std::vector<std::string> provenance(const std::vector<const Named<Artifact>*>& artifacts) {
  std::vector<std::string> lines;
  std::vector<std::string> prints;
  for (const auto* a : artifacts) {
    lines.push_back(fmt::format("{} — {}", a->file, command_of(a->artifact.context.command)));
    const std::string f = fingerprint(a->artifact.context);
    if (std::find(prints.begin(), prints.end(), f) == prints.end()) prints.push_back(f);
  }
  lines.insert(lines.end(), prints.begin(), prints.end());
  return lines;
}

std::vector<std::string> provenance(const std::string& file, const Provenance& p) {
  return {fmt::format("{} — {}", file, command_of(p.command)), fingerprint(p)};
}

std::vector<std::string> files_of(const std::vector<const Named<Artifact>*>& artifacts) {
  std::vector<std::string> out;
  for (const auto* a : artifacts) out.push_back(a->file);
  return out;
}

svg::Format rows_format() {
  return [](double v) { return svg::compact(v); };
}
svg::Format unit_format(const char* unit) {
  return [unit](double v) { return svg::compact(v) + unit; };
}

std::string series_key(const Context& c, const SizeResult& s) {
  return fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}", c.table_name, to_string(c.read.format), c.read.workers,
                     c.schedule.runs, c.schedule.warmup, c.read.batch_rows, s.profile,
                     c.memory_plan ? c.memory_plan->budget_bytes : 0, c.read.fault.has_value(),
                     c.schedule.concurrent_writes_per_sec, c.read.part_rows);
}

// Ids are file names and HTML ids: lower case, digits and '-' only.
std::string slug(const std::string& id) {
  std::string out;
  for (const char c : id) {
    const auto u = static_cast<unsigned char>(c);
    out += std::isalnum(u) ? static_cast<char>(std::tolower(u)) : '-';
  }
  return out;
}

void add(std::vector<Chart>& out, Chart chart, const svg::Rendered& r) {
  chart.id = slug(chart.id);
  chart.svg = r.svg;
  chart.inline_svg = r.inline_svg;
  chart.marks = r.marks;
  if (chart.marks > 0) out.push_back(std::move(chart));
}

// --- reads -------------------------------------------------------------------

// One line per strategy over the series' sizes: `figure` of each point (nullopt: not drawn).
template <typename Figure>
std::vector<svg::Series> per_strategy(const ReadSeries& rs, Figure figure) {
  std::vector<svg::Series> out;
  for (const auto& name : rs.strategies) {
    svg::Series s = strategy_series(name);
    for (const auto rows : rs.sizes)
      if (const SeriesPoint* p = rs.at(rows, name))
        if (const auto point = figure(*p)) s.points.push_back(*point);
    if (!s.points.empty()) out.push_back(std::move(s));
  }
  return out;
}

svg::Axis rows_axis() { return {"rows read", svg::Scale::log, rows_format(), {}, false}; }

// A log scale when the figures span more than 20×.
svg::Scale scale_for(const std::vector<svg::Series>& series) {
  double lo = 0, hi = 0;
  for (const auto& s : series)
    for (const auto& p : s.points) {
      if (p.y > 0 && (lo == 0 || p.y < lo)) lo = p.y;
      hi = std::max(hi, p.y);
    }
  return lo > 0 && hi / lo > 20 ? svg::Scale::log : svg::Scale::linear;
}

// The artifacts that measured the series at `rows` (a chart of one size names only those).
std::vector<const Named<Artifact>*> artifacts_at(const ReadSeries& rs, std::uint64_t rows) {
  std::vector<const Named<Artifact>*> out;
  for (const auto& p : rs.points)
    if (p.size->limit == rows && std::find(out.begin(), out.end(), p.artifact) == out.end()) out.push_back(p.artifact);
  return out;
}

// A series opens with each strategy's rows/s and its peak RSS, whatever its number of
// sizes: bars (the median of the runs) with whiskers (the slowest … the fastest run), at
// the largest size that has every strategy (where they differ most with none missing; the
// verdict's size), else the largest; a sweep's lines over every size follow.
void strategy_bars(std::vector<Chart>& out, const ReadSeries& rs, const Chart& base) {
  if (rs.sizes.empty()) return;
  std::uint64_t rows = rs.sizes.back();
  for (auto it = rs.sizes.rbegin(); it != rs.sizes.rend(); ++it)
    if (std::all_of(rs.strategies.begin(), rs.strategies.end(),
                    [&](const std::string& name) { return rs.at(*it, name) != nullptr; })) {
      rows = *it;
      break;
    }
  svg::BarChart t, m;
  const SeriesPoint* any = nullptr;
  std::size_t runs = 0;
  for (const auto& name : rs.strategies) {
    const SeriesPoint* p = rs.at(rows, name);
    if (p == nullptr) continue;
    any = p;
    const int color = strategy_style(name).color;
    if (const Summary& r = p->summary->rows_per_sec; r.count > 0) {
      t.bars.push_back({name, {{0, r.median, r.min, r.max, si(r.median), color}}, name});
      runs = std::max(runs, r.count);
    }
    if (const Summary& r = p->summary->peak_rss_bytes; r.count > 0)
      m.bars.push_back({name, {{0, r.median / kMiB, r.min / kMiB, r.max / kMiB, mib(r.median), color}}, name});
  }
  if (any == nullptr) return;
  const Context& context = any->artifact->artifact.context;
  if (const CeilingSummary* w = any->size_summary->ceiling(context.read.format); w && w->rows_per_sec.count > 0)
    t.bars.push_back(
        {"wire ceiling (COPY drain)",
         {{0, w->rows_per_sec.median, w->rows_per_sec.min, w->rows_per_sec.max, si(w->rows_per_sec.median), 6}},
         ""});
  const auto sources = artifacts_at(rs, rows);
  const std::string spread = runs > 1 ? "whisker: the slowest … the fastest run" : "one run each: no spread";
  Chart ch = base;
  ch.files = files_of(sources);
  ch.provenance = provenance(sources);
  t.footer = m.footer = ch.provenance;

  t.title = fmt::format("Rows/s per strategy at {} rows — {}", rows_count(rows), rs.title);
  t.value = {fmt::format("rows/s, median of the runs ({})", spread), svg::Scale::linear, rows_format(), {}, true};
  ch.id = fmt::format("reads-{}-strategies-rows-per-sec", rs.id);
  ch.title = t.title;
  ch.caption = fmt::format(
      "Each strategy's rows per second reading {} rows, decoded and checksummed, every run checked against the "
      "server's rows: the bar is the median of its runs, the whisker spans its slowest to its fastest run (whiskers "
      "that overlap: these runs do not tell the two apart). The grey bar is the wire ceiling, COPY draining the same "
      "rows without decoding them.{}",
      rows_count(rows), rs.sizes.size() > 1 ? " The lines over every size follow." : "");
  add(out, ch, svg::render(t));

  m.title = fmt::format("Peak memory per strategy at {} rows — {}", rows_count(rows), rs.title);
  m.value = {
      fmt::format("peak RSS (MiB), median of the runs ({})", spread), svg::Scale::linear, unit_format(""), {}, true};
  ch.id = fmt::format("reads-{}-strategies-peak-rss", rs.id);
  ch.title = m.title;
  ch.caption = fmt::format(
      "The client's peak resident memory while each strategy read {} rows (benchclient and its forked workers, "
      "sampled): the median of the runs, the whisker their range. A strategy that holds the result set grows with "
      "the rows; a streaming one stays flat.",
      rows_count(rows));
  add(out, ch, svg::render(m));
}

void read_charts(std::vector<Chart>& out, const ReadSeries& rs) {
  Chart base;
  base.section = "reads";
  base.group = rs.title;
  base.files = files_of(rs.artifacts);
  base.provenance = provenance(rs.artifacts);
  const bool sweep = rs.sizes.size() > 1;
  strategy_bars(out, rs, base);
  if (sweep) {
    svg::LineChart c;
    c.title = fmt::format("Throughput by table size — {}", rs.title);
    c.x = rows_axis();
    c.y = {"rows/s (median; bars: min … max of the runs)", svg::Scale::linear, rows_format(), {}, true};
    c.series = per_strategy(rs, [](const SeriesPoint& p) -> std::optional<svg::Point> {
      const Summary& s = p.summary->rows_per_sec;
      if (s.count == 0) return std::nullopt;
      return svg::Point{static_cast<double>(p.size->limit), s.median, s.min, s.max};
    });
    c.footer = base.provenance;
    Chart ch = base;
    ch.id = fmt::format("reads-{}-rows-per-sec", rs.id);
    ch.title = c.title;
    ch.caption =
        "Rows per second each strategy delivered at each table size, decoded and checksummed, every run checked "
        "against the server's rows. A line that falls as rows grow pays per-row costs that grow with the table "
        "(naive holds every row); lines that stay flat stream.";
    add(out, ch, svg::render(c));

    svg::LineChart m;
    m.title = fmt::format("Peak memory by table size — {}", rs.title);
    m.x = rows_axis();
    m.series = per_strategy(rs, [](const SeriesPoint& p) -> std::optional<svg::Point> {
      const Summary& s = p.summary->peak_rss_bytes;
      if (s.count == 0) return std::nullopt;
      return svg::Point{static_cast<double>(p.size->limit), s.median / kMiB, s.min / kMiB, s.max / kMiB};
    });
    m.y = {"peak RSS (MiB, median)", scale_for(m.series), unit_format(""), {}, true};
    m.footer = base.provenance;
    ch = base;
    ch.id = fmt::format("reads-{}-peak-rss", rs.id);
    ch.title = m.title;
    ch.caption =
        "The client's peak resident memory (benchclient and its forked workers, sampled). Flat lines are the "
        "streaming architectures; a line that rises with the rows holds the result set.";
    add(out, ch, svg::render(m));

    svg::LineChart t;
    t.title = fmt::format("Time to first row — {}", rs.title);
    t.x = rows_axis();
    t.series = per_strategy(rs, [](const SeriesPoint& p) -> std::optional<svg::Point> {
      const Summary& s = p.summary->ttfr_ms;
      if (s.count == 0) return std::nullopt;
      return svg::Point{static_cast<double>(p.size->limit), s.median, s.min, s.max};
    });
    t.y = {"time to first row (ms, median)", scale_for(t.series), unit_format(" ms"), {}, true};
    t.footer = base.provenance;
    ch = base;
    ch.id = fmt::format("reads-{}-ttfr", rs.id);
    ch.title = t.title;
    ch.caption =
        "From the query sent to the first decoded row. A strategy that must receive the whole result before its "
        "first row (naive) grows with the table; the streaming ones answer in milliseconds at any size.";
    add(out, ch, svg::render(t));
  }

  // Where the time went: at the largest size, and at the largest size that has every strategy.
  std::vector<std::uint64_t> at;
  if (!rs.sizes.empty()) at.push_back(rs.sizes.back());
  for (auto it = rs.sizes.rbegin(); it != rs.sizes.rend(); ++it) {
    std::size_t n = 0;
    for (const auto& name : rs.strategies) n += rs.at(*it, name) != nullptr ? 1 : 0;
    if (n == rs.strategies.size()) {
      if (*it != at.front()) at.push_back(*it);
      break;
    }
  }
  for (const auto rows : at) {
    svg::BarChart b;
    unsigned cores = 0;
    const SizeResult* size = nullptr;
    const SizeSummary* size_summary = nullptr;
    const Context* context = nullptr;
    for (const auto& name : rs.strategies) {
      const SeriesPoint* p = rs.at(rows, name);
      if (p == nullptr) continue;
      size = p->size;
      size_summary = p->size_summary;
      context = &p->artifact->artifact.context;
      cores = context->bound_cores();
      const auto& t = p->summary->time_per_row;
      if (!t) continue;
      svg::Bar bar{name, {}};
      bar.segments.push_back({0, t->server_cpu_ns.value_or(0), std::nullopt, std::nullopt, ""});
      bar.segments.push_back({1, t->client_cpu_ns, std::nullopt, std::nullopt, ""});
      bar.segments.push_back(
          {2, t->neither_ns, std::nullopt, std::nullopt, fmt::format("{:.0f} ns/row wall", t->wall_ns)});
      b.bars.push_back(std::move(bar));
    }
    if (b.bars.empty() || size == nullptr) continue;
    if (const CeilingSummary* w = size_summary->ceiling(context->read.format); w && w->rows_per_sec.median > 0) {
      const double capacity = static_cast<double>(std::max(cores, 1u)) * 1e9 / w->rows_per_sec.median;
      b.bars.push_back({"wire ceiling (COPY drain)",
                        {{3, capacity, std::nullopt, std::nullopt,
                          fmt::format("{:.0f} ns/row wall", 1e9 / w->rows_per_sec.median)}}});
    }
    if (const auto& scan = size->server.scan; scan && scan->rows > 0) {
      const double cpu = (scan->cpu_user_s + scan->cpu_sys_s) * 1e9 / static_cast<double>(scan->rows);
      b.bars.push_back({"server_scan (server alone)",
                        {{0, cpu, std::nullopt, std::nullopt, fmt::format("{:.0f} ns/row CPU", cpu)}}});
    }
    b.title = fmt::format("Where the time went at {} rows — {}", rows_count(rows), rs.title);
    b.keys = {"server backend CPU", "client CPU (libpq, decoding, checksum)", "neither (waiting, idle cores)",
              "COPY drain, all of it"};
    b.key_colors = {5, 0, 6, 7};
    b.stacked = true;
    b.value = {fmt::format("core time per row (ns) = {} cores × wall time ÷ rows", std::max(cores, 1u)),
               svg::Scale::linear,
               unit_format(""),
               {},
               true};
    const auto sources = artifacts_at(rs, rows);
    b.footer = provenance(sources);
    Chart ch = base;
    ch.files = files_of(sources);
    ch.provenance = b.footer;
    ch.id = fmt::format("reads-{}-time-split-{}", rs.id, rows);
    ch.title = b.title;
    ch.caption = fmt::format(
        "Each bar is one strategy's cost per row in core time: the {} cores for the run's wall time, split into the "
        "server backends' CPU (benchlab.backend_cpu), the client's CPU (getrusage, workers included) and what "
        "neither used — waiting on the network, scheduling, locks, or a core left idle. Shorter is faster. Beside "
        "them: the COPY drain of the same rows (the wire ceiling, no decoding) and server_scan, the server's CPU "
        "to produce the rows with no client at all.",
        std::max(cores, 1u));
    add(out, ch, svg::render(b));
  }

  // Skew: each part's read time in the median run, at the largest size with parts.
  for (auto it = rs.sizes.rbegin(); it != rs.sizes.rend(); ++it) {
    svg::LineChart k;
    std::vector<std::string> cvs;
    for (const auto& name : rs.strategies) {
      const SeriesPoint* p = rs.at(*it, name);
      if (p == nullptr || p->strategy->runs.empty()) continue;
      std::vector<const RunFigures*> runs;
      for (const auto& r : p->strategy->runs)
        if (!r.parts.empty()) runs.push_back(&r);
      if (runs.empty()) continue;
      std::sort(runs.begin(), runs.end(),
                [](const RunFigures* a, const RunFigures* b) { return a->wall_s < b->wall_s; });
      const RunFigures& median = *runs[runs.size() / 2];
      svg::Series s = strategy_series(name);
      for (const auto& part : median.parts)
        s.points.push_back({static_cast<double>(part.index + 1), part.wall_s * 1000, std::nullopt, std::nullopt});
      std::sort(s.points.begin(), s.points.end(), [](const svg::Point& a, const svg::Point& b) { return a.x < b.x; });
      k.series.push_back(std::move(s));
      cvs.push_back(fmt::format("{} rows CV {:.2f}, time CV {:.2f}", name, median.part_rows_cv().value_or(0),
                                median.part_time_cv().value_or(0)));
    }
    if (k.series.empty()) continue;
    k.title = fmt::format("Skew: each part's read time at {} rows — {}", rows_count(*it), rs.title);
    k.x = {"part (in plan order)", svg::Scale::linear, [](double v) { return fmt::format("{:.0f}", v); }, {}, false};
    k.y = {"part read time (ms), the median run", svg::Scale::linear, unit_format(" ms"), {}, true};
    const auto sources = artifacts_at(rs, *it);
    k.footer = provenance(sources);
    Chart ch = base;
    ch.files = files_of(sources);
    ch.provenance = k.footer;
    ch.id = fmt::format("reads-{}-skew-{}", rs.id, *it);
    ch.title = k.title;
    ch.caption = fmt::format(
        "The parts (units of work) of the multi-connection strategies and how long each took, from its query sent "
        "to its last row decoded, in each strategy's median run. An even cut is a flat line; a part far above the "
        "rest is the tail the run waits for. Coefficients of variation (σ ÷ mean): {}.",
        fmt::join(cvs, "; "));
    add(out, ch, svg::render(k));
    break;
  }
}

// --- scaling -----------------------------------------------------------------

void scaling_charts(std::vector<Chart>& out, const ReportSet& set) {
  // Single-size artifacts that differ only in workers.
  std::map<std::string, std::vector<const Named<Artifact>*>> groups;
  std::vector<std::string> order;
  for (const auto& a : set.runs) {
    const Context& c = a.artifact.context;
    if (a.artifact.report.sizes.size() != 1 || c.memory_plan || c.read.fault) continue;
    const SizeResult& s = a.artifact.report.sizes.front();
    const std::string key =
        fmt::format("{}|{}|{}|{}|{}", c.table_name, to_string(c.read.format), s.limit, c.schedule.runs, s.profile);
    if (!groups.contains(key)) order.push_back(key);
    groups[key].push_back(&a);
  }
  for (const auto& key : order) {
    auto& arts = groups[key];
    std::set<int> workers;
    for (const auto* a : arts) workers.insert(a->artifact.context.read.workers);
    if (workers.size() < 2) continue;
    std::stable_sort(arts.begin(), arts.end(), [](const auto* x, const auto* y) {
      return x->artifact.context.read.workers < y->artifact.context.read.workers;
    });
    std::vector<std::string> names;
    for (const auto* a : arts)
      for (const auto& s : a->artifact.report.sizes.front().strategies)
        if (!is_unshared_control(s.strategy) && std::find(names.begin(), names.end(), s.strategy) == names.end())
          names.push_back(s.strategy);
    std::stable_sort(names.begin(), names.end(),
                     [](const auto& x, const auto& y) { return strategy_rank(x) < strategy_rank(y); });
    svg::LineChart c;
    unsigned cores = 0;
    for (const auto& name : names) {
      svg::Series s = strategy_series(name);
      svg::Series bound{fmt::format("{}: its bound", name), {}, true, strategy_style(name).color};
      std::set<int> seen;
      for (const auto* a : arts) {
        const Context& ctx = a->artifact.context;
        const StrategySummary* found = a->artifact.summary.sizes.front().of(a->artifact.report.sizes.front(), name);
        if (found == nullptr || !seen.insert(ctx.read.workers).second) continue;
        cores = ctx.bound_cores();
        const StrategySummary& sum = *found;
        if (sum.rows_per_sec.count == 0) continue;
        const double w = ctx.read.workers;
        s.points.push_back({w, sum.rows_per_sec.median, sum.rows_per_sec.min, sum.rows_per_sec.max});
        if (sum.shape_bound_rows_per_sec.count)
          bound.points.push_back({w, sum.shape_bound_rows_per_sec.median, {}, {}});
      }
      if (!s.points.empty()) c.series.push_back(std::move(s));
      if (bound.points.size() > 1) c.series.push_back(std::move(bound));
    }
    const Context& first = arts.front()->artifact.context;
    const SizeResult& size = arts.front()->artifact.report.sizes.front();
    const std::string title =
        fmt::format("{}, {}, {} rows", first.table_name, to_string(first.read.format), rows_count(size.limit));
    c.title = fmt::format("Throughput by workers — {}", title);
    std::vector<double> ticks(workers.begin(), workers.end());
    c.x = {"workers (connections or forked processes)", svg::Scale::linear,
           [](double v) { return fmt::format("{:.0f}", v); }, ticks, false};
    c.y = {"rows/s (median; bars: min … max)", svg::Scale::linear, rows_format(), {}, true};
    c.footer = provenance(arts);
    Chart ch;
    ch.section = "scaling";
    ch.group = title;
    ch.files = files_of(arts);
    ch.provenance = c.footer;
    ch.id = fmt::format("scaling-{}-{}", to_string(first.read.format), size.limit);
    ch.title = c.title;
    ch.caption = fmt::format(
        "The parallel strategies at 1…{} workers. The dashed line of each is its bound: the most rows/s its shape "
        "allows (its backends, its client threads or processes, the {} cores they share) when every row costs the "
        "server and client CPU that strategy's own runs measured. Where a strategy's line meets its bound, its shape "
        "is at its limit; once the cores are that limit, more workers cannot help on this machine, past the core "
        "count they only add switching.",
        *workers.rbegin(), cores);
    add(out, ch, svg::render(c));
  }
}

// --- faults and recovery -------------------------------------------------------

void recovery_charts(std::vector<Chart>& out, const ReportSet& set) {
  for (const auto& a : set.runs) {
    for (std::size_t i = 0; i < a.artifact.report.sizes.size(); ++i) {
      const SizeResult& size = a.artifact.report.sizes[i];
      svg::BarChart b;
      for (std::size_t j = 0; j < size.strategies.size(); ++j) {
        const StrategyResult& s = size.strategies[j];
        const StrategySummary& sum = a.artifact.summary.sizes.at(i).strategies.at(j);
        for (const RecoveredRun& recovered : sum.recovered) {
          const RunFigures& r = s.runs.at(recovered.run);
          svg::Bar bar{fmt::format("{} run {}", s.strategy, r.round), {}};
          double t = 0;
          std::vector<std::string> tiers;
          for (const int w : r.recovery->tiers) tiers.push_back(std::to_string(w));
          for (const auto& f : r.recovery->faults) {
            bar.segments.push_back({0, std::max(0.0, f.at_s - t), {}, {}, ""});
            const double resumed = f.resumed_at_s.value_or(f.at_s + f.backoff_s);
            bar.segments.push_back({1, std::max(0.0, resumed - f.at_s), {}, {}, ""});
            t = resumed;
          }
          bar.segments.push_back({2,
                                  std::max(0.0, r.wall_s - t),
                                  {},
                                  {},
                                  fmt::format("{:.2f} s, tiers {}", r.wall_s, fmt::join(tiers, "→"))});
          b.bars.push_back(std::move(bar));
          if (const Summary& c = sum.clean_wall_s; c.count > 0) {
            b.bars.push_back({fmt::format("{} clean runs", s.strategy),
                              {{3, c.median, c.min, c.max, fmt::format("{:.2f} s median", c.median)}}});
          }
        }
      }
      if (b.bars.empty()) continue;
      b.title = fmt::format("Faults and recovery at {} rows", rows_count(size.limit));
      b.keys = {"reading until the fault", "fault → first rows again (backoff + restart)", "reading after it",
                "clean runs (median; bar: min … max)"};
      b.key_colors = {0, 5, 2, 6};
      b.stacked = true;
      b.value = {"seconds from the run's start", svg::Scale::linear, unit_format(" s"), {}, true};
      b.footer = provenance({&a});
      Chart ch;
      ch.section = "recovery";
      ch.group = a.file;
      ch.files = {a.file};
      ch.provenance = b.footer;
      ch.id = fmt::format("recovery-{}-{}", std::filesystem::path(a.file).stem().string(), size.limit);
      ch.title = b.title;
      ch.caption =
          "A timeline of each run the fallback chain recovered: reading until the injected fault, then from the "
          "fault to the retry's first rows (the backoff, new connections, the snapshot imported again), then the "
          "parts left, read again. Below each, the same strategy's clean runs: the difference is what the fault "
          "cost.";
      add(out, ch, svg::render(b));
    }
  }
  for (const auto& f : set.faults) {
    svg::BarChart b;
    for (const auto& s : f.artifact.strategies)
      b.bars.push_back(
          {s.name,
           {{0, s.exit_ms.median, s.exit_ms.min, s.exit_ms.max, fmt::format("{:.1f} ms", s.exit_ms.median)},
            {1, s.backends_gone_ms.median, s.backends_gone_ms.min, s.backends_gone_ms.max,
             fmt::format("{:.1f} ms", s.backends_gone_ms.median)}}});
    if (b.bars.empty()) continue;
    b.title = fmt::format("Ctrl-C during a read of {} rows", rows_count(f.artifact.rows));
    b.keys = {"SIGINT → benchclient exited", "SIGINT → its last backend gone"};
    b.key_colors = {0, 5};
    b.value = {
        "milliseconds (median of the repetitions; bars: min … max)", svg::Scale::linear, unit_format(" ms"), {}, true};
    b.footer = provenance(f.file, f.artifact.provenance);
    Chart ch;
    ch.section = "faults";
    ch.group = f.file;
    ch.files = {f.file};
    ch.provenance = b.footer;
    ch.id = fmt::format("faults-{}", std::filesystem::path(f.file).stem().string());
    ch.title = b.title;
    ch.caption = fmt::format(
        "Each strategy interrupted {} times mid-read by SIGINT to its process group, as a terminal's Ctrl-C: how "
        "long benchclient took to exit, and until the server had no backend of the run left (pg_stat_activity).",
        f.artifact.repetitions);
    add(out, ch, svg::render(b));
  }
}

// --- verify --------------------------------------------------------------------

void verify_charts(std::vector<Chart>& out, const ReportSet& set) {
  for (const auto& v : set.verifies) {
    const VerifyArtifact& a = v.artifact;
    svg::BarChart b;
    b.bars.push_back({"verify", {{0, a.elapsed_s, {}, {}, fmt::format("{:.2f} s", a.elapsed_s)}}});
    if (a.baseline_s)
      b.bars.push_back({"hash both tables once", {{1, *a.baseline_s, {}, {}, fmt::format("{:.2f} s", *a.baseline_s)}}});
    b.title = fmt::format("verify across two servers, {} rows", rows_count(a.source_rows));
    b.keys = {fmt::format("verify: {} segments hashed, {} differing, {} rows fetched, {} rows differ",
                          a.segments_compared, a.segments_differing, a.rows_fetched, a.differences),
              "baseline: both tables hashed in parallel, server-side"};
    b.key_colors = {0, 6};
    b.value = {"seconds", svg::Scale::linear, unit_format(" s"), {}, true};
    b.footer = provenance(v.file, a.provenance);
    Chart ch;
    ch.section = "verify";
    ch.group = v.file;
    ch.files = {v.file};
    ch.provenance = b.footer;
    ch.id = fmt::format("verify-{}", std::filesystem::path(v.file).stem().string());
    ch.title = b.title;
    ch.caption = a.baseline_s ? fmt::format(
                                    "Finding the rows that differ took {:.2f}× the time of hashing both tables "
                                    "once: the price of being told which rows, not only that they differ.",
                                    a.elapsed_s / *a.baseline_s)
                              : "Finding the rows that differ between two servers.";
    add(out, ch, svg::render(b));
  }
}

// --- queue ---------------------------------------------------------------------

void queue_charts(std::vector<Chart>& out, const ReportSet& set) {
  for (const auto& q : set.queues) {
    const QueueArtifact& a = q.artifact;
    const std::string stem = std::filesystem::path(q.file).stem().string();
    const std::vector<std::string> prov = {fmt::format("{} — {}", q.file, command_of(a.context.command)),
                                           fmt::format("{} · {} cores · benchlab {}", a.context.host.cpu_model,
                                                       a.context.host.cores, short_commit(a.context.build.git_commit))};
    Chart base;
    base.section = "queue";
    base.group = q.file;
    base.files = {q.file};
    base.provenance = prov;
    // One line per (profile, payload size); the payload named only when there are several.
    std::vector<std::pair<std::string, int>> lines;
    std::set<int> payloads;
    for (const auto& s : a.samples) {
      payloads.insert(s.payload_bytes);
      if (std::find(lines.begin(), lines.end(), std::pair{s.profile, s.payload_bytes}) == lines.end())
        lines.emplace_back(s.profile, s.payload_bytes);
    }
    {
      svg::LineChart c;
      std::set<int> conc;
      for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto& [profile, payload] = lines[i];
        svg::Series s{payloads.size() > 1 ? fmt::format("{}, payload {}", profile, payload_label(payload)) : profile,
                      {},
                      false,
                      static_cast<int>(i)};
        std::set<int> levels;
        for (const auto& x : a.samples)
          if (x.profile == profile && x.payload_bytes == payload) levels.insert(x.concurrency);
        for (const int level : levels) {
          const MeanStddev m = jobs_per_sec_of(a.samples, profile, level, payload);
          if (m.count == 0) continue;
          s.points.push_back({static_cast<double>(level), m.mean, m.mean - m.stddev, m.mean + m.stddev});
          conc.insert(level);
        }
        if (!s.points.empty()) c.series.push_back(std::move(s));
      }
      for (const auto& f : set.fsyncs)
        if (!conc.empty()) {
          const double bound = f.artifact.ops_per_sec / 2;
          c.series.push_back({fmt::format("fdatasync bound, one worker: {:.0f} jobs/s ({})", bound,
                                          std::filesystem::path(f.file).filename().string()),
                              {{static_cast<double>(*conc.begin()), bound, {}, {}},
                               {static_cast<double>(*conc.rbegin()), bound, {}, {}}},
                              true,
                              7});
          break;
        }
      c.title = "Job queue: jobs/s by concurrency";
      std::vector<double> ticks(conc.begin(), conc.end());
      c.x = {"workers claiming jobs (FOR UPDATE SKIP LOCKED)", svg::Scale::log,
             [](double v) { return fmt::format("{:.0f}", v); }, ticks, false};
      c.y = {"jobs/s (mean; bars: ± stddev of the samples)", svg::Scale::linear, rows_format(), {}, true};
      c.footer = prov;
      Chart ch = base;
      ch.id = fmt::format("queue-{}-jobs-per-sec", stem);
      ch.title = c.title;
      ch.caption =
          "Jobs claimed, done and committed per second at each concurrency, per settings profile (a fresh cluster "
          "each), every sample checked exactly-once. Each job is two commits: where a synchronous profile's line is "
          "flat, the commits' flushes are the limit (the dashed line: one worker waiting for fdatasync twice per job, "
          "from pg_test_fsync); async_commit does not wait for them.";
      add(out, ch, svg::render(c));
    }
    if (!a.enqueue.empty()) {
      svg::BarChart b;
      std::vector<std::string> methods;
      for (const auto& e : a.enqueue)
        if (std::find(methods.begin(), methods.end(), e.method) == methods.end()) methods.push_back(e.method);
      std::vector<std::string> eprofiles;
      for (const auto& e : a.enqueue)
        if (std::find(eprofiles.begin(), eprofiles.end(), e.profile) == eprofiles.end()) eprofiles.push_back(e.profile);
      for (const auto& m : methods) {
        svg::Bar bar{m, {}};
        for (std::size_t i = 0; i < eprofiles.size(); ++i)
          for (const auto& e : a.enqueue)
            if (e.method == m && e.profile == eprofiles[i])
              bar.segments.push_back({static_cast<int>(i), e.rows_per_sec, {}, {}, si(e.rows_per_sec)});
        b.bars.push_back(std::move(bar));
      }
      b.title = "Enqueue: jobs/s by method";
      b.keys = eprofiles;
      b.value = {"jobs enqueued per second", svg::Scale::log, rows_format(), {}, true};
      b.footer = prov;
      Chart ch = base;
      ch.id = fmt::format("queue-{}-enqueue", stem);
      ch.title = b.title;
      ch.caption =
          "The same jobs enqueued seven ways, per profile (log scale): a transaction per job pays a commit each; "
          "pipelining, multi-row INSERT and COPY pay one per batch. savepoints is a batch in which every tenth job "
          "breaks a CHECK and is rolled back to its savepoint; savepoints_clean the same batch with none refused.";
      add(out, ch, svg::render(b));
    }
    if (!a.crash_test.empty()) {
      svg::BarChart b;
      for (const auto& c : a.crash_test)
        b.bars.push_back(
            {fmt::format("{} (synchronous_commit {})", c.profile, c.synchronous_commit),
             {{0, static_cast<double>(c.confirmed_commits), {}, {}, fmt::format("{} confirmed", c.confirmed_commits)},
              {1, static_cast<double>(c.lost_commits), {}, {}, fmt::format("{} lost", c.lost_commits)}}});
      b.title = "Crash test: commits confirmed, then lost";
      b.keys = {"commits the server confirmed", "confirmed, then lost in the crash"};
      b.key_colors = {2, 5};
      b.value = {"commits", svg::Scale::linear, rows_format(), {}, true};
      b.footer = prov;
      Chart ch = base;
      ch.id = fmt::format("queue-{}-crash-test", stem);
      ch.title = b.title;
      ch.caption = fmt::format(
          "The server SIGKILLed mid-run {} times per profile and restarted on the same data directory: the commits "
          "the client had been told were durable, and how many of them the restarted server no longer had. A "
          "process crash, not an OS crash: the kernel's page cache survives it.",
          a.crash_test.front().crashes);
      add(out, ch, svg::render(b));
    }
  }
}

}  // namespace

const SeriesPoint* ReadSeries::at(std::uint64_t rows, const std::string& strategy) const {
  for (const auto& p : points)
    if (p.size->limit == rows && p.strategy->strategy == strategy) return &p;
  return nullptr;
}

std::vector<ReadSeries> read_series(const ReportSet& set) {
  std::vector<ReadSeries> out;
  std::map<std::string, std::size_t> index;
  for (const auto& a : set.runs) {
    const Context& c = a.artifact.context;
    for (std::size_t i = 0; i < a.artifact.report.sizes.size(); ++i) {
      const SizeResult& size = a.artifact.report.sizes[i];
      const std::string key = series_key(c, size);
      auto [it, fresh] = index.try_emplace(key, out.size());
      if (fresh) {
        ReadSeries rs;
        rs.id = fmt::format("{}-{}w", to_string(c.read.format), c.read.workers);
        rs.title = fmt::format("{}, {}, {} workers", c.table_name, to_string(c.read.format), c.read.workers);
        if (!c.standard_table) rs.id += "-" + c.table_name;
        if (!size.profile.empty() && size.profile != "default") {
          rs.id += "-" + size.profile;
          rs.title += fmt::format(", profile {}", size.profile);
        }
        if (c.memory_plan) {
          rs.id += "-budget";
          rs.title += fmt::format(", --memory-budget {}", format_bytes(c.memory_plan->budget_bytes));
        }
        if (c.read.fault) {
          rs.id += "-faults";
          rs.title += ", a fault injected";
        }
        if (c.schedule.concurrent_writes_per_sec > 0) {
          rs.id += "-writes";
          rs.title += ", concurrent writes";
        }
        if (c.schedule.runs != 3) {
          rs.id += fmt::format("-{}runs", c.schedule.runs);
          rs.title += fmt::format(", {} runs", c.schedule.runs);
        }
        // Ids stay unique whatever else differs.
        std::string id = rs.id;
        for (int n = 2; std::any_of(out.begin(), out.end(), [&](const ReadSeries& o) { return o.id == id; }); ++n)
          id = fmt::format("{}-{}", rs.id, n);
        rs.id = id;
        out.push_back(std::move(rs));
      }
      ReadSeries& rs = out[it->second];
      if (std::find(rs.artifacts.begin(), rs.artifacts.end(), &a) == rs.artifacts.end()) rs.artifacts.push_back(&a);
      for (std::size_t j = 0; j < size.strategies.size(); ++j) {
        const StrategyResult& s = size.strategies[j];
        if (is_unshared_control(s.strategy) || rs.at(size.limit, s.strategy) != nullptr) continue;
        const SizeSummary& size_summary = a.artifact.summary.sizes.at(i);
        rs.points.push_back({&a, &size, &s, &size_summary, &size_summary.strategies.at(j)});
        if (std::find(rs.strategies.begin(), rs.strategies.end(), s.strategy) == rs.strategies.end())
          rs.strategies.push_back(s.strategy);
        if (std::find(rs.sizes.begin(), rs.sizes.end(), size.limit) == rs.sizes.end()) rs.sizes.push_back(size.limit);
      }
    }
  }
  for (auto& rs : out) {
    std::sort(rs.sizes.begin(), rs.sizes.end());
    std::stable_sort(rs.strategies.begin(), rs.strategies.end(),
                     [](const auto& x, const auto& y) { return strategy_rank(x) < strategy_rank(y); });
  }
  return out;
}

// --- advise --------------------------------------------------------------------

// An advise artifact: each strategy's predicted rows/s, and after its check, a mark
// per strategy and format at (measured, predicted), its bar the predicted range (the
// calibration's slowest to fastest read), beside the line where the two are equal and
// the ±15% band around it.
void advise_charts(std::vector<Chart>& out, const ReportSet& set) {
  for (const auto& n : set.advises) {
    const AdviseResult& a = n.artifact.result;
    const Context& c = n.artifact.context;
    const std::string stem = std::filesystem::path(n.file).stem().string();
    Chart ch;
    ch.section = "advise";
    ch.group = n.file;
    ch.files = {n.file};
    ch.provenance = {
        fmt::format("{} — {}", n.file, command_of(c.command)),
        fmt::format("{} · {} cores · benchlab {}", c.host.cpu_model, c.host.cores, short_commit(c.build.git_commit))};
    if (!a.check || a.check->strategies.empty()) {
      svg::BarChart b;
      for (const Prediction& p : a.predictions)
        b.bars.push_back({fmt::format("{} {}", p.strategy, to_string(p.format)),
                          {{0, p.rows_per_sec, {}, {}, si(p.rows_per_sec)}},
                          p.strategy});
      b.title = fmt::format("advise: predicted rows/s, {}", a.calibration.table);
      b.value = {"rows/s (predicted for the whole table)", svg::Scale::linear, rows_format(), {}, true};
      b.footer = ch.provenance;
      ch.id = fmt::format("{}-predicted", stem);
      ch.title = b.title;
      ch.caption = recommendation_text(a);
      add(out, ch, svg::render(b));
      continue;
    }
    svg::LineChart l;
    double most = 0;
    for (const StrategyCheck& sc : a.check->strategies)
      most = std::max(
          {most, sc.measured_rows_per_sec, sc.predicted_rows_per_sec, sc.predicted_rows_per_sec_high.value_or(0)});
    most *= 1.1;
    const std::vector<svg::Marker> markers = {svg::Marker::circle,  svg::Marker::square,        svg::Marker::triangle,
                                              svg::Marker::diamond, svg::Marker::triangle_down, svg::Marker::cross,
                                              svg::Marker::star};
    for (std::size_t i = 0; i < a.check->strategies.size(); ++i) {
      const StrategyCheck& sc = a.check->strategies[i];
      svg::Series s;
      s.name = fmt::format("{} {}", sc.strategy, to_string(sc.format));
      s.points = {{sc.measured_rows_per_sec, sc.predicted_rows_per_sec, sc.predicted_rows_per_sec_low,
                   sc.predicted_rows_per_sec_high}};
      s.color = static_cast<int>(i % 7);
      s.marker = markers[i % markers.size()];
      l.series.push_back(s);
    }
    for (const double f : {1.0 - kRowsTolerance, 1.0, 1.0 + kRowsTolerance}) {
      svg::Series r;
      r.name = f == 1.0 ? "predicted = measured" : fmt::format("{:+.0f}%", (f - 1) * 100);
      r.reference = true;
      r.points = {{0, 0, {}, {}}, {most, most * f, {}, {}}};
      r.color = 6;
      l.series.push_back(r);
    }
    l.title = fmt::format("advise: predicted against measured rows/s, {}", a.calibration.table);
    l.x = {"measured rows/s (median of the full reads)", svg::Scale::linear, rows_format(), {}, true};
    l.y = {"predicted rows/s (bar: the calibration's slowest to fastest read)",
           svg::Scale::linear,
           rows_format(),
           {},
           true};
    l.footer = ch.provenance;
    ch.id = fmt::format("{}-check", stem);
    ch.title = l.title;
    ch.caption = check_summary_text(a);
    add(out, ch, svg::render(l));
  }
}

std::vector<Chart> build_charts(const ReportSet& set) {
  std::vector<Chart> out;
  for (const auto& rs : read_series(set)) read_charts(out, rs);
  scaling_charts(out, set);
  recovery_charts(out, set);
  verify_charts(out, set);
  queue_charts(out, set);
  advise_charts(out, set);
  return out;
}

}  // namespace benchlab

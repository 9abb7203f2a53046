#include "model/targets.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <limits>
#include <optional>
#include <regex>
#include <set>
#include <tuple>
#include <type_traits>

#include "model/context.hpp"
#include "model/number_format.hpp"

namespace benchlab {

namespace {

// Every metric once: its name in a targets file, how a report names it beside its
// threshold, and the strategy summary's figure it reads (nullptr: not a Summary —
// the wire ceiling's ratio, the queue's figures).
struct MetricRow {
  TargetMetric metric;
  std::string_view name;
  std::string_view label;
  Summary StrategySummary::*summary;
};
constexpr std::array kMetrics{
    MetricRow{TargetMetric::client_cpu_ns_per_row, "client_cpu_ns_per_row", "client CPU per row",
              &StrategySummary::client_cpu_ns_per_row},
    MetricRow{TargetMetric::server_cpu_ns_per_row, "server_cpu_ns_per_row", "server CPU per row",
              &StrategySummary::server_cpu_ns_per_row},
    MetricRow{TargetMetric::rows_per_sec, "rows_per_sec", "rows/s", &StrategySummary::rows_per_sec},
    MetricRow{TargetMetric::peak_rss_bytes, "peak_rss_bytes", "peak RSS", &StrategySummary::peak_rss_bytes},
    MetricRow{TargetMetric::fraction_of_shape_bound, "fraction_of_shape_bound", "fraction of its shape's bound",
              &StrategySummary::fraction_of_shape_bound},
    MetricRow{TargetMetric::fraction_of_cpu_bound, "fraction_of_cpu_bound", "fraction of the CPU bound",
              &StrategySummary::fraction_of_cpu_bound},
    MetricRow{TargetMetric::ratio_to_wire_ceiling, "ratio_to_wire_ceiling", "ratio to the wire ceiling", nullptr},
    MetricRow{TargetMetric::queue_jobs_per_sec, "queue_jobs_per_sec", "jobs/s", nullptr},
    MetricRow{TargetMetric::queue_fraction_of_bound, "queue_fraction_of_bound", "fraction of the queue's bound",
              nullptr},
};

const MetricRow& row_of(TargetMetric metric) {
  for (const auto& m : kMetrics)
    if (m.metric == metric) return m;
  return kMetrics.front();  // unreachable: every enumerator has its row
}

template <typename T>
bool admits(const std::vector<T>& wanted, const T& value) {
  return wanted.empty() || std::find(wanted.begin(), wanted.end(), value) != wanted.end();
}

// The target's command pattern, compiled once (nullopt: any command).
std::optional<std::regex> command_pattern(const Target& t) {
  if (t.command.empty()) return std::nullopt;
  return std::regex(t.command, std::regex::ECMAScript);
}

bool command_admits(const std::optional<std::regex>& pattern, const std::string& command) {
  return !pattern || std::regex_search(command, *pattern);
}

bool meets(const Target& t, double v) { return (!t.at_most || v <= *t.at_most) && (!t.at_least || v >= *t.at_least); }

std::string ns(double v) { return fmt::format("{:.0f} ns", v); }

// Per row, where the cores' time went: the figures that say why a rate is what it is.
std::string time_split_text(const StrategySummary& s) {
  if (!s.time_per_row) return {};
  const CoreTimePerRow& t = *s.time_per_row;
  std::string out = fmt::format("per row, {} of wall time", ns(t.wall_ns));
  if (t.cores > 0) out += fmt::format(" × {} cores", t.cores);
  out += ": server CPU " + (t.server_cpu_ns ? ns(*t.server_cpu_ns) : std::string("not measured"));
  out += ", client CPU " + ns(t.client_cpu_ns);
  if (t.cores > 0) out += ", neither " + ns(t.neither_ns);
  return out;
}

// The measured figures that explain a strategy's value of `metric`.
std::string read_cause(TargetMetric metric, const StrategySummary& s, std::uint64_t rows) {
  std::vector<std::string> parts;
  if (s.wrong())
    parts.emplace_back("a run read other rows or another checksum than the server's: not a measurement of this read");
  switch (metric) {
    case TargetMetric::client_cpu_ns_per_row:
    case TargetMetric::server_cpu_ns_per_row: {
      if (rows > 0 && s.cpu_user_s.count > 0)
        parts.push_back(fmt::format("the client's CPU per row: {} in user mode, {} in the kernel (medians)",
                                    ns(s.cpu_user_s.median * 1e9 / static_cast<double>(rows)),
                                    ns(s.cpu_sys_s.median * 1e9 / static_cast<double>(rows))));
      if (rows > 0 && s.server_cpu_user_s.count > 0)
        parts.push_back(fmt::format("the server's: {} in user mode, {} in the kernel",
                                    ns(s.server_cpu_user_s.median * 1e9 / static_cast<double>(rows)),
                                    ns(s.server_cpu_sys_s.median * 1e9 / static_cast<double>(rows))));
      break;
    }
    case TargetMetric::peak_rss_bytes:
      if (s.worker_peak_rss_bytes.count > 0 && s.forked_workers > 0)
        parts.push_back(fmt::format("its forked workers' largest peak {} each, {} workers",
                                    mib(s.worker_peak_rss_bytes.median), s.forked_workers));
      if (s.bytes_per_row.count > 0) parts.push_back(fmt::format("{:.0f} bytes per row", s.bytes_per_row.median));
      break;
    case TargetMetric::fraction_of_shape_bound:
      if (s.shape && s.shape_bound_rows_per_sec.count > 0)
        parts.push_back(fmt::format("{} rows/s against its bound of {} rows/s ({}; limited by the {})",
                                    si(s.rows_per_sec.median), si(s.shape_bound_rows_per_sec.median),
                                    describe(*s.shape),
                                    s.shape_limit ? to_string(*s.shape_limit) : std::string_view("?")));
      break;
    case TargetMetric::fraction_of_cpu_bound:
      if (s.cpu_bound_rows_per_sec.count > 0)
        parts.push_back(fmt::format("{} rows/s against a CPU bound of {} rows/s", si(s.rows_per_sec.median),
                                    si(s.cpu_bound_rows_per_sec.median)));
      break;
    case TargetMetric::rows_per_sec:
    case TargetMetric::ratio_to_wire_ceiling:
    case TargetMetric::queue_jobs_per_sec:
    case TargetMetric::queue_fraction_of_bound:
      break;
  }
  if (metric != TargetMetric::peak_rss_bytes)
    if (std::string split = time_split_text(s); !split.empty()) parts.push_back(std::move(split));
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

// Per job, where a queue level's time went against its bound's.
std::string queue_cause(const QueueLevel& l) {
  if (l.jobs_per_sec.count == 0 || l.jobs_per_sec.mean <= 0) return "no sample finished";
  std::string out = fmt::format("{:.0f} µs per job", 1e6 / l.jobs_per_sec.mean);
  const bool bound = l.bound.count > 0 && l.bound.mean > 0;
  if (bound) out += fmt::format(" against the bound's {:.0f} µs", 1e6 / l.bound.mean);
  if (bound && l.concurrency == 1 && l.claim_us > 0) out += ": " + round_trips_per_job(l);
  if (l.wal_bytes_per_job > 0) out += fmt::format("; {:.0f} WAL bytes per job", l.wal_bytes_per_job);
  return out;
}

// Whether the runs fall on both sides of the target: some of them meet it and some
// do not (with two bounds, the runs may also miss it on both sides at once).
bool straddles(const Target& t, double low, double high) {
  if (meets(t, low) != meets(t, high)) return true;
  return !meets(t, low) && t.at_least && t.at_most && low < *t.at_least && high > *t.at_most;
}

TargetFinding finding_of(const Target& t, std::string file, std::string subject, double value, double low, double high,
                         std::string cause, bool exact = true) {
  TargetFinding f;
  f.file = std::move(file);
  f.subject = std::move(subject);
  f.value = value;
  f.low = low;
  f.high = high;
  f.measured = true;
  f.met = exact && meets(t, value);  // a run that read other rows measured another read
  f.within_spread = exact && straddles(t, low, high);
  f.cause = std::move(cause);
  return f;
}

// A selection the target names that nothing in the files measured: a finding that
// is not met, so a target is never met by what is missing.
TargetFinding unmeasured(std::string subject) {
  TargetFinding f;
  f.subject = std::move(subject);
  f.cause = "not measured in these files";
  return f;
}

void evaluate_reads(const Target& t, const std::vector<NamedArtifactRef>& reads, TargetOutcome& out) {
  const auto pattern = command_pattern(t);
  std::set<std::pair<std::string, std::uint64_t>> seen;  // (strategy, rows) with a finding
  for (const NamedArtifactRef& ref : reads) {
    const Artifact& a = *ref.artifact;
    if (t.format && a.context.read.format != *t.format) continue;
    if (!command_admits(pattern, a.context.command)) continue;
    for (std::size_t i = 0; i < a.report.sizes.size() && i < a.summary.sizes.size(); ++i) {
      const SizeResult& size = a.report.sizes[i];
      if (!admits(t.rows, size.limit)) continue;
      for (std::size_t j = 0; j < size.strategies.size(); ++j) {
        const std::string& name = size.strategies[j].strategy;
        if (!admits(t.strategies, name)) continue;
        const StrategySummary& s = a.summary.sizes[i].strategies.at(j);
        double value = 0, low = 0, high = 0;
        if (t.metric == TargetMetric::ratio_to_wire_ceiling) {
          if (!s.ratio_to_wire_ceiling) continue;
          value = low = high = *s.ratio_to_wire_ceiling;
        } else {
          const Summary StrategySummary::*field = row_of(t.metric).summary;
          const Summary* m = field == nullptr ? nullptr : &(s.*field);
          if (m == nullptr || m->count == 0) continue;
          value = m->median;
          low = m->min;
          high = m->max;
        }
        std::string subject =
            fmt::format("{}, {}, {} rows", name, to_string(a.context.read.format), rows_count(size.limit));
        if (a.context.profiles.size() > 1) subject += ", profile " + size.profile;  // one profile goes without saying
        const bool exact = !s.wrong();
        out.findings.push_back(
            finding_of(t, ref.file, std::move(subject), value, low, high, read_cause(t.metric, s, size.limit), exact));
        seen.emplace(name, size.limit);
      }
    }
  }
  // Every strategy and size the target names must have been measured.
  for (const auto& name : t.strategies) {
    const bool any = std::any_of(seen.begin(), seen.end(), [&](const auto& k) { return k.first == name; });
    if (t.rows.empty() && !any) out.findings.push_back(unmeasured(name));
    for (const std::uint64_t rows : t.rows)
      if (seen.count({name, rows}) == 0)
        out.findings.push_back(unmeasured(fmt::format("{}, {} rows", name, rows_count(rows))));
  }
  if (t.strategies.empty())
    for (const std::uint64_t rows : t.rows)
      if (std::none_of(seen.begin(), seen.end(), [&](const auto& k) { return k.second == rows; }))
        out.findings.push_back(unmeasured(fmt::format("{} rows", rows_count(rows))));
}

void evaluate_queues(const Target& t, const std::vector<NamedQueueLevels>& queues, TargetOutcome& out) {
  const auto pattern = command_pattern(t);
  std::set<std::tuple<std::string, int, int>> seen;  // (profile, concurrency, payload) with a finding
  for (const NamedQueueLevels& q : queues) {
    if (!command_admits(pattern, q.command)) continue;
    for (const QueueLevel& l : q.levels) {
      if (!admits(t.profiles, l.profile) || !admits(t.concurrency, l.concurrency) ||
          !admits(t.payload_bytes, l.payload_bytes))
        continue;
      if (l.jobs_per_sec.count == 0) continue;
      double value = 0, low = 0, high = 0;
      if (t.metric == TargetMetric::queue_fraction_of_bound) {
        if (l.bound.count == 0 || l.bound.mean <= 0) continue;
        value = l.fraction_of_bound;
        low = (l.jobs_per_sec.mean - l.jobs_per_sec.stddev) / l.bound.mean;
        high = (l.jobs_per_sec.mean + l.jobs_per_sec.stddev) / l.bound.mean;
      } else {
        value = l.jobs_per_sec.mean;
        low = l.jobs_per_sec.mean - l.jobs_per_sec.stddev;
        high = l.jobs_per_sec.mean + l.jobs_per_sec.stddev;
      }
      std::string subject =
          fmt::format("{}, concurrency {}, payload {}", l.profile, l.concurrency, payload_label(l.payload_bytes));
      out.findings.push_back(
          finding_of(t, q.file, std::move(subject), value, low, high, queue_cause(l), l.exactly_once == l.samples));
      seen.emplace(l.profile, l.concurrency, l.payload_bytes);
    }
  }
  // Every level the target names (each profile × concurrency × payload named) must have been measured.
  auto named_or_seen = [&](const auto& named, auto pick) {
    using T = std::decay_t<decltype(named.front())>;
    std::set<T> values(named.begin(), named.end());
    if (values.empty())
      for (const auto& k : seen) values.insert(pick(k));
    return values;
  };
  if (seen.empty()) {
    std::vector<std::string> named;
    if (!t.profiles.empty()) named.push_back(fmt::format("{}", fmt::join(t.profiles, ", ")));
    if (!t.concurrency.empty()) named.push_back(fmt::format("concurrency {}", fmt::join(t.concurrency, ", ")));
    if (!t.payload_bytes.empty()) named.push_back(fmt::format("payload bytes {}", fmt::join(t.payload_bytes, ", ")));
    out.findings.push_back(
        unmeasured(named.empty() ? std::string("any level") : fmt::format("{}", fmt::join(named, "; "))));
    return;
  }
  for (const auto& profile : named_or_seen(t.profiles, [](const auto& k) { return std::get<0>(k); }))
    for (const int concurrency : named_or_seen(t.concurrency, [](const auto& k) { return std::get<1>(k); }))
      for (const int payload : named_or_seen(t.payload_bytes, [](const auto& k) { return std::get<2>(k); }))
        if (seen.count({profile, concurrency, payload}) == 0)
          out.findings.push_back(
              unmeasured(fmt::format("{}, concurrency {}, payload {}", profile, concurrency, payload_label(payload))));
}

}  // namespace

std::string_view to_string(TargetMetric metric) { return row_of(metric).name; }

std::optional<TargetMetric> target_metric_named(std::string_view name) {
  for (const auto& m : kMetrics)
    if (m.name == name) return m.metric;
  return std::nullopt;
}

const std::vector<std::string_view>& target_metric_names() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> out;
    for (const auto& m : kMetrics) out.push_back(m.name);
    return out;
  }();
  return names;
}

bool is_queue_metric(TargetMetric metric) {
  return metric == TargetMetric::queue_jobs_per_sec || metric == TargetMetric::queue_fraction_of_bound;
}

bool TargetOutcome::met() const {
  return !findings.empty() && std::all_of(findings.begin(), findings.end(), [](const auto& f) { return f.met; });
}

std::vector<TargetOutcome> evaluate_targets(const std::vector<Target>& targets,
                                            const std::vector<NamedArtifactRef>& reads,
                                            const std::vector<NamedQueueLevels>& queues) {
  std::vector<TargetOutcome> out;
  for (const Target& t : targets) {
    TargetOutcome o{t, {}};
    if (is_queue_metric(t.metric))
      evaluate_queues(t, queues, o);
    else
      evaluate_reads(t, reads, o);
    out.push_back(std::move(o));
  }
  return out;
}

std::string metric_value_text(TargetMetric metric, double value, int extra) {
  switch (metric) {
    case TargetMetric::client_cpu_ns_per_row:
    case TargetMetric::server_cpu_ns_per_row:
      return fmt::format("{:.{}f} ns", value, extra);
    case TargetMetric::rows_per_sec:
      return extra > 0 ? fmt::format("{:.{}f} rows/s", value, extra - 1) : si(value) + " rows/s";
    case TargetMetric::peak_rss_bytes:
      return extra > 0 ? fmt::format("{:.0f} bytes", value) : mib(value);
    case TargetMetric::queue_jobs_per_sec:
      return fmt::format("{:.{}f} jobs/s", value, extra);
    case TargetMetric::fraction_of_shape_bound:
    case TargetMetric::fraction_of_cpu_bound:
    case TargetMetric::ratio_to_wire_ceiling:
    case TargetMetric::queue_fraction_of_bound:
      return fmt::format("{:.{}f}", value, 2 + extra);
  }
  return fmt::format("{}", value);
}

std::string value_beside(const Target& t, double value) {
  for (int extra = 0; extra < 4; ++extra) {
    const std::string text = metric_value_text(t.metric, value, extra);
    const bool ties = (t.at_most && *t.at_most != value && metric_value_text(t.metric, *t.at_most, extra) == text) ||
                      (t.at_least && *t.at_least != value && metric_value_text(t.metric, *t.at_least, extra) == text);
    if (!ties) return text;
  }
  return metric_value_text(t.metric, value, 4);
}

std::string threshold_text(const Target& t) {
  std::string out(row_of(t.metric).label);
  if (t.at_least) out += " ≥ " + metric_value_text(t.metric, *t.at_least);
  if (t.at_most) out += std::string(t.at_least ? " and" : "") + " ≤ " + metric_value_text(t.metric, *t.at_most);
  return out;
}

std::string finding_status_text(const TargetFinding& f) {
  if (!f.measured) return "not measured";
  if (f.within_spread) return f.met ? "met (within the runs' spread)" : "not met (within the runs' spread)";
  return f.met ? "met" : "not met";
}

std::string outcome_status_text(const TargetOutcome& o) {
  if (o.findings.empty()) return "not measured";
  if (o.met()) return "met";
  const auto missed =
      std::count_if(o.findings.begin(), o.findings.end(), [](const auto& f) { return f.measured && !f.met; });
  const auto unmeasured =
      std::count_if(o.findings.begin(), o.findings.end(), [](const auto& f) { return !f.measured; });
  std::vector<std::string> parts;
  if (missed > 0) parts.push_back(fmt::format("{} of {} missed", missed, o.findings.size()));
  if (unmeasured > 0) parts.push_back(fmt::format("{} of {} not measured", unmeasured, o.findings.size()));
  return fmt::format("not met ({})", fmt::join(parts, ", "));
}

const TargetFinding* worst_finding(const TargetOutcome& o) {
  const Target& t = o.target;
  auto margin = [&](const TargetFinding& f) {
    double m = std::numeric_limits<double>::infinity();
    if (t.at_most) m = std::min(m, *t.at_most - f.value);
    if (t.at_least) m = std::min(m, f.value - *t.at_least);
    return m;
  };
  const TargetFinding* worst = nullptr;
  for (const TargetFinding& f : o.findings)
    if (f.measured && (worst == nullptr || margin(f) < margin(*worst))) worst = &f;
  return worst;
}

namespace {
std::string runs_text(const Target& t, const TargetFinding& f) {
  if (!f.measured) return std::string(kMissing);
  if (f.low == f.high) return value_beside(t, f.value);
  return value_beside(t, f.low) + " … " + value_beside(t, f.high);
}
}  // namespace

StrategyTable targets_overview(const std::vector<TargetOutcome>& outcomes) {
  StrategyTable t;
  t.header = {"target", "threshold", "status", "worst", "of", "artifact"};
  t.align = {Align::left, Align::left, Align::left, Align::right, Align::left, Align::left};
  for (const TargetOutcome& o : outcomes) {
    const TargetFinding* f = worst_finding(o);
    t.rows.push_back({o.target.title, threshold_text(o.target), outcome_status_text(o),
                      f ? value_beside(o.target, f->value) : std::string(kMissing),
                      f ? f->subject : std::string(kMissing), f ? f->file : std::string(kMissing)});
  }
  return t;
}

StrategyTable target_findings_table(const TargetOutcome& o) {
  StrategyTable t;
  const bool queue = is_queue_metric(o.target.metric);
  t.header = {queue ? "level" : "strategy at size",
              queue ? "mean" : "median",
              queue ? "mean ∓ σ" : "runs min … max",
              "status",
              "what explains it",
              "artifact"};
  t.align = {Align::left, Align::right, Align::right, Align::left, Align::left, Align::left};
  for (const TargetFinding& f : o.findings)
    t.rows.push_back({f.subject, f.measured ? value_beside(o.target, f.value) : std::string(kMissing),
                      runs_text(o.target, f), finding_status_text(f), f.cause,
                      f.file.empty() ? std::string(kMissing) : f.file});
  return t;
}

}  // namespace benchlab

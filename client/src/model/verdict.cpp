#include "model/verdict.hpp"

#include <algorithm>

namespace benchlab {

TimeSplit::Bottleneck TimeSplit::bottleneck() const {
  const double waiting = waiting_ns_per_row();
  if (waiting > server_cpu_ns_per_row && waiting > client_cpu_ns_per_row) return Bottleneck::waiting;
  return server_cpu_ns_per_row >= client_cpu_ns_per_row ? Bottleneck::server : Bottleneck::client;
}

namespace {

struct Candidate {
  const StrategyResult* result;
  StrategySummary summary;
};

// The best of `candidates` by `figure` (higher is better when `higher`).
std::optional<VerdictPick> pick(const std::vector<Candidate>& candidates, const Summary StrategySummary::*figure,
                                bool higher) {
  std::vector<const Candidate*> ranked;
  for (const auto& c : candidates)
    if ((c.summary.*figure).count > 0) ranked.push_back(&c);
  if (ranked.empty()) return std::nullopt;
  std::stable_sort(ranked.begin(), ranked.end(), [&](const Candidate* a, const Candidate* b) {
    return higher ? (a->summary.*figure).median > (b->summary.*figure).median
                  : (a->summary.*figure).median < (b->summary.*figure).median;
  });
  const Summary& best = ranked.front()->summary.*figure;
  VerdictPick p{ranked.front()->result->strategy, best.median, best.min, best.max, std::nullopt, 0, false};
  if (ranked.size() > 1) {
    const Summary& next = ranked[1]->summary.*figure;
    p.next = ranked[1]->result->strategy;
    p.next_value = next.median;
    p.within_noise = higher ? next.max >= best.min : next.min <= best.max;
  }
  return p;
}

}  // namespace

std::vector<SizeVerdict> verdicts(const Artifact& a) {
  std::vector<SizeVerdict> out;
  const unsigned cores = a.context.bound_cores();
  for (const SizeResult& size : a.report.sizes) {
    SizeVerdict v;
    v.rows = size.limit;
    v.profile = size.profile;
    std::vector<Candidate> ok;
    for (const StrategyResult& s : size.strategies) {
      if (s.runs.empty() || is_unshared_control(s.strategy)) continue;
      ++v.measured;
      StrategySummary sum = summarize(s, size, a.context.read.format, a.context.schedule.runs, cores);
      // A strategy counts only when every run read exactly the server's rows.
      if (sum.rows_match != true || sum.checksum_match != true || !s.errors.empty()) continue;
      ok.push_back({&s, std::move(sum)});
    }
    v.verified = ok.size();
    v.fastest = pick(ok, &StrategySummary::rows_per_sec, true);
    v.lowest_memory = pick(ok, &StrategySummary::peak_rss_bytes, false);
    if (a.context.memory_plan) {
      v.budget_bytes = a.context.memory_plan->budget_bytes;
      std::vector<Candidate> fits;
      for (const auto& c : ok)
        if (c.summary.peak_rss_bytes.count > 0 && c.summary.peak_rss_bytes.max <= static_cast<double>(v.budget_bytes))
          fits.push_back(c);
      v.within_budget = pick(fits, &StrategySummary::rows_per_sec, true);
    }
    if (v.fastest) {
      for (const auto& c : ok) {
        if (c.result->strategy != v.fastest->strategy) continue;
        const StrategySummary& s = c.summary;
        if (s.server_cpu_ns_per_row.count == 0 || s.client_cpu_ns_per_row.count == 0 || s.rows_per_sec.median <= 0)
          break;
        v.time = TimeSplit{c.result->strategy, cores, 1e9 / s.rows_per_sec.median, s.server_cpu_ns_per_row.median,
                           s.client_cpu_ns_per_row.median};
      }
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace benchlab

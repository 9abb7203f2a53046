#include "model/verdict.hpp"

#include <algorithm>

#include "model/context.hpp"

namespace benchlab {

TimeSplit::Bottleneck TimeSplit::bottleneck() const {
  const double waiting = waiting_ns_per_row();
  if (waiting > server_cpu_ns_per_row && waiting > client_cpu_ns_per_row) return Bottleneck::waiting;
  return server_cpu_ns_per_row >= client_cpu_ns_per_row ? Bottleneck::server : Bottleneck::client;
}

bool empty_read(const SizeResult& size) {
  if (size.limit == 0 || (size.server.rows && *size.server.rows == 0)) return true;
  bool any_run = false;
  for (const auto& s : size.strategies)
    for (const auto& r : s.runs) {
      if (r.rows > 0) return false;
      any_run = true;
    }
  return any_run;  // every run read 0 rows
}

namespace {

struct Candidate {
  const StrategyResult* result;
  StrategySummary summary;  // of the rounds every candidate completed
};

// The round a run belongs to (1-based); an artifact from before rounds were kept: its position.
int round_of(const StrategyResult& s, std::size_t index) {
  const int r = s.runs[index].round;
  return r > 0 ? r : static_cast<int>(index) + 1;
}

bool resumed(const RunFigures& r) { return r.recovery && r.recovery->parts_from_checkpoint > 0; }

// Why `s` is not a candidate; nullopt: it is one.
std::optional<LeftOut> left_out_why(const StrategyResult& s) {
  if (is_unshared_control(s.strategy)) return LeftOut::control;
  if (!s.errors.empty()) return LeftOut::failed;
  if (s.runs.empty()) return LeftOut::not_measured;
  bool unknown = false;
  for (const auto& r : s.runs) {
    if (r.mismatched()) return LeftOut::not_exact;
    if (!r.rows_match || !r.checksum_match) unknown = true;
    if (r.digest && !r.digest_match) unknown = true;  // --digest sha256 without the server's digest
  }
  if (unknown) return LeftOut::unverified;
  if (std::any_of(s.runs.begin(), s.runs.end(), resumed)) return LeftOut::resumed;
  return std::nullopt;
}

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

SizeVerdict verdict_of(const Context& c, const SizeResult& size, const std::vector<StrategySummary>& summaries) {
  const unsigned cores = c.bound_cores();
  SizeVerdict v;
  v.rows = size.limit;
  v.profile = size.profile;
  v.runs_asked = c.schedule.runs;

  // The candidates, and why the others are not.
  std::vector<const StrategyResult*> candidates;
  std::vector<const StrategySummary*> candidate_summaries;
  for (std::size_t i = 0; i < size.strategies.size(); ++i) {
    const StrategyResult& s = size.strategies[i];
    if (!s.runs.empty() && !is_unshared_control(s.strategy)) ++v.measured;
    if (const auto why = left_out_why(s)) {
      v.left_out.push_back({s.strategy, *why});
    } else {
      candidates.push_back(&s);
      candidate_summaries.push_back(&summaries.at(i));
    }
  }
  // Scheduled, never started at this size (the run ended first).
  std::size_t scheduled = 0;
  for (const auto& name : c.schedule.strategies) {
    if (is_unshared_control(name)) continue;
    ++scheduled;
    if (size.strategy(name) == nullptr) v.left_out.push_back({name, LeftOut::not_measured});
  }
  if (scheduled == 0)  // an artifact without its schedule: what it holds
    for (const auto& s : size.strategies) scheduled += is_unshared_control(s.strategy) ? 0 : 1;
  v.single_strategy = scheduled == 1;

  // The rounds every candidate completed; their runs alone are compared.
  for (std::size_t i = 0; !candidates.empty() && i < candidates.front()->runs.size(); ++i) {
    const int round = round_of(*candidates.front(), i);
    bool everywhere = true;
    for (const StrategyResult* s : candidates) {
      bool has = false;
      for (std::size_t j = 0; j < s->runs.size() && !has; ++j) has = round_of(*s, j) == round;
      everywhere = everywhere && has;
    }
    if (everywhere && std::find(v.rounds.begin(), v.rounds.end(), round) == v.rounds.end()) v.rounds.push_back(round);
  }
  std::sort(v.rounds.begin(), v.rounds.end());
  std::vector<Candidate> ok;
  for (std::size_t k = 0; k < candidates.size(); ++k) {
    const StrategyResult* s = candidates[k];
    StrategyResult kept{s->strategy, {}, s->errors, s->warmups};
    RoundsLeftOut extra{s->strategy, {}};
    for (std::size_t i = 0; i < s->runs.size(); ++i) {
      const int round = round_of(*s, i);
      if (std::binary_search(v.rounds.begin(), v.rounds.end(), round))
        kept.runs.push_back(s->runs[i]);
      else
        extra.rounds.push_back(round);
    }
    if (!extra.rounds.empty()) v.rounds_left_out.push_back(std::move(extra));
    if (kept.runs.empty()) continue;  // no round in common with the others (cannot happen with rounds 1..n)
    // Every run kept: the size's own summary; else one of the common rounds alone.
    ok.push_back({s, kept.runs.size() == s->runs.size()
                         ? *candidate_summaries[k]
                         : summarize(kept, size, c.read.format, c.schedule.runs, cores, c.read.workers)});
  }

  v.verified = ok.size();
  v.fastest = pick(ok, &StrategySummary::rows_per_sec, true);
  v.lowest_memory = pick(ok, &StrategySummary::peak_rss_bytes, false);
  if (c.memory_plan) {
    v.budget_bytes = c.memory_plan->budget_bytes;
    std::vector<Candidate> fits;
    for (const auto& x : ok)
      if (x.summary.peak_rss_bytes.count > 0 && x.summary.peak_rss_bytes.max <= static_cast<double>(v.budget_bytes))
        fits.push_back(x);
    v.within_budget = pick(fits, &StrategySummary::rows_per_sec, true);
  }
  if (v.fastest) {
    for (const auto& x : ok) {
      if (x.result->strategy != v.fastest->strategy) continue;
      const auto& t = x.summary.time_per_row;
      if (!t || !t->server_cpu_ns) break;
      v.time = TimeSplit{x.result->strategy, cores, t->wall_ns, *t->server_cpu_ns, t->client_cpu_ns};
    }
  }
  return v;
}

std::vector<SizeVerdict> verdicts(const Artifact& a) {
  std::vector<SizeVerdict> out;
  for (const SizeSummary& size : a.summary.sizes)
    if (size.verdict) out.push_back(*size.verdict);
  return out;
}

}  // namespace benchlab

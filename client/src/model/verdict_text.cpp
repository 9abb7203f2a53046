#include "model/verdict_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "model/number_format.hpp"

namespace benchlab {

namespace {

std::string us(double ns) {
  return ns >= 100000 ? fmt::format("{:.0f} µs", ns / 1000) : fmt::format("{:.2f} µs", ns / 1000);
}

// "a", "a and b", "a, b and c".
std::string and_list(const std::vector<std::string>& items) {
  if (items.empty()) return {};
  if (items.size() == 1) return items.front();
  std::string out;
  for (std::size_t i = 0; i + 1 < items.size(); ++i) out += (i == 0 ? "" : ", ") + items[i];
  return out + " and " + items.back();
}

std::string plural(std::size_t n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string rounds_text(const std::vector<int>& rounds) {
  std::vector<std::string> spans;
  for (std::size_t i = 0; i < rounds.size();) {
    std::size_t j = i;
    while (j + 1 < rounds.size() && rounds[j + 1] == rounds[j] + 1) ++j;
    spans.push_back(j == i ? fmt::format("{}", rounds[i]) : fmt::format("{}–{}", rounds[i], rounds[j]));
    i = j + 1;
  }
  const bool one = rounds.size() == 1;
  return fmt::format("{} {}", one ? "round" : "rounds", and_list(spans));
}

std::string_view left_out_reason(LeftOut why) {
  switch (why) {
    case LeftOut::control:
      return "a control without a shared snapshot: never a candidate";
    case LeftOut::failed:
      return "a run failed";
    case LeftOut::not_exact:
      return "did not read exactly the server's rows in every run";
    case LeftOut::unverified:
      return "the server's rows were not known, so its rows could not be checked";
    case LeftOut::resumed:
      return "resumed from a --checkpoint: its rates are not a measurement of the whole read";
    case LeftOut::not_measured:
      return "no run at this size: the run ended first";
  }
  return "";
}

std::string not_compared_text(const SizeVerdict& v) {
  if (v.left_out.empty()) return {};
  std::vector<std::string> groups;
  for (const LeftOut why : {LeftOut::control, LeftOut::failed, LeftOut::not_exact, LeftOut::unverified,
                            LeftOut::resumed, LeftOut::not_measured}) {
    std::vector<std::string> names;
    for (const auto& l : v.left_out)
      if (l.why == why) names.push_back(l.strategy);
    if (!names.empty()) groups.push_back(fmt::format("{} ({})", and_list(names), left_out_reason(why)));
  }
  return fmt::format("not compared: {}", fmt::join(groups, "; "));
}

std::string basis_text(const SizeVerdict& v) {
  const std::size_t n = v.rounds.size();
  const std::string runs = plural(n, "run", "runs");
  if (v.verified <= 1) {
    if (static_cast<int>(n) < v.runs_asked)
      return fmt::format("{} of the {} asked: the run ended early", n == 1 ? "1 run" : "median of " + runs,
                         v.runs_asked);
    return n == 1 ? std::string("1 run") : fmt::format("median of {}", runs);
  }
  if (v.rounds_left_out.empty()) {
    std::string out = fmt::format("medians of {} each, {} strategies compared", runs, v.verified);
    if (static_cast<int>(n) < v.runs_asked)
      out += fmt::format(" ({} of the {} runs asked: the run ended early)", n, v.runs_asked);
    return out;
  }
  // The run ended part-way through a round: the rounds all candidates completed, alone.
  std::vector<std::pair<std::vector<int>, std::vector<std::string>>> groups;  // rounds -> strategies, in order
  for (const auto& r : v.rounds_left_out) {
    auto g = std::find_if(groups.begin(), groups.end(), [&](const auto& x) { return x.first == r.rounds; });
    if (g == groups.end())
      groups.push_back({r.rounds, {r.strategy}});
    else
      g->second.push_back(r.strategy);
  }
  std::vector<std::string> extra;
  for (const auto& [rounds, names] : groups)
    extra.push_back(fmt::format("{} of {}", rounds_text(rounds), and_list(names)));
  return fmt::format(
      "medians of {} alone, the {} each that all {} strategies compared completed before the run ended ({} left "
      "out)",
      rounds_text(v.rounds), runs, v.verified, fmt::format("{}", fmt::join(extra, "; ")));
}

}  // namespace

std::string time_sentence(const TimeSplit& t) {
  const std::string server = us(t.server_cpu_ns_per_row), client = us(t.client_cpu_ns_per_row);
  if (t.cores == 0)
    return fmt::format(
        "{} of the server backend's CPU per row against {} of the client's (the server is on another "
        "host, so the time neither spent is not counted)",
        server, client);
  const std::string waiting = us(t.waiting_ns_per_row());
  switch (t.bottleneck()) {
    case TimeSplit::Bottleneck::server:
      return fmt::format(
          "the server backend is the bottleneck: {} of its CPU per row against {} of the client's ({} "
          "of the {} cores' time per row went to neither)",
          server, client, waiting, t.cores);
    case TimeSplit::Bottleneck::client:
      return fmt::format(
          "the client is the bottleneck: {} of its CPU per row (libpq, decoding, checksumming) against "
          "{} of the server backend's ({} of the {} cores' time per row went to neither)",
          client, server, waiting, t.cores);
    case TimeSplit::Bottleneck::waiting:
      break;
  }
  return fmt::format(
      "waiting dominates: {} per row of the {} cores' time went to neither process (network, "
      "scheduling, locks, a core left idle) against {} of the server backend's CPU and {} of the "
      "client's",
      waiting, t.cores, server, client);
}

std::vector<std::string> verdict_sentences(const Context& c, const SizeVerdict& v) {
  std::vector<std::string> out;
  std::string where = fmt::format("{} rows, {}", rows_count(v.rows), to_string(c.read.format));
  if (c.profiles.size() > 1 && !v.profile.empty()) where += fmt::format(", profile {}", v.profile);
  const std::string at = fmt::format("{} rows", rows_count(v.rows)) +
                         (c.profiles.size() > 1 && !v.profile.empty() ? ", profile " + v.profile : "");
  const std::string not_compared = not_compared_text(v);
  const std::string also = not_compared.empty() ? "" : "; " + not_compared;
  if (!v.fastest) {
    out.push_back(v.measured == 0 && std::none_of(v.left_out.begin(), v.left_out.end(),
                                                  [](const auto& l) { return l.why == LeftOut::failed; })
                      ? fmt::format("At {}: no strategy completed a run, so there is no verdict{}.", where, also)
                      : fmt::format("At {}: no strategy can be compared, so there is no verdict{}.", where, also));
    return out;
  }
  const VerdictPick& f = *v.fastest;
  const std::string basis = basis_text(v);
  if (!v.compared()) {  // one candidate left of several strategies: nothing to call fastest
    out.push_back(fmt::format("At {}: only {} can be compared, so there is no fastest ({} rows/s, {}){}.", where,
                              f.strategy, si(f.value), basis, also));
    return out;
  }
  if (v.verified == 1) {  // the one strategy the run had
    out.push_back(
        fmt::format("At {}: {}, {} rows/s ({}); the only strategy run, so there is nothing to compare it "
                    "with{}.",
                    where, f.strategy, si(f.value), basis, also));
  } else {
    std::string fastest = fmt::format("Fastest at {}: {}, {} rows/s", where, f.strategy, si(f.value));
    if (f.next) {
      if (f.within_noise)
        fastest += fmt::format(", but {} ({} rows/s) is within the runs' spread of it", *f.next, si(f.next_value));
      else
        fastest += fmt::format(", {:.2f}× {} ({} rows/s)", f.value / f.next_value, *f.next, si(f.next_value));
    }
    out.push_back(fmt::format("{} — {}{}.", fastest, basis, also));
  }
  if (v.lowest_memory) {
    std::string memory =
        v.verified == 1
            ? fmt::format("Its memory at {}: {} peak RSS ({} the same run{})", at, mib(v.lowest_memory->value),
                          v.rounds.size() == 1 ? "of" : "median of", v.rounds.size() == 1 ? "" : "s")
            : fmt::format("Lowest memory at {}: {}, {} peak RSS (medians of the same runs)", at,
                          v.lowest_memory->strategy, mib(v.lowest_memory->value));
    if (v.budget_bytes != 0 && v.verified == 1) {
      memory += v.within_budget ? fmt::format("; within the {} budget in every run", format_bytes(v.budget_bytes))
                                : fmt::format("; over the {} budget in a run", format_bytes(v.budget_bytes));
    } else if (v.budget_bytes != 0) {
      if (v.within_budget)
        memory += fmt::format("; the fastest within the {} budget: {}, {} rows/s", format_bytes(v.budget_bytes),
                              v.within_budget->strategy, si(v.within_budget->value));
      else
        memory += fmt::format("; no strategy stayed within the {} budget in every run", format_bytes(v.budget_bytes));
    }
    out.push_back(memory + ".");
  }
  const std::string of_runs =
      v.rounds.size() == 1 ? std::string("its 1 run") : fmt::format("medians of its {} runs", v.rounds.size());
  if (v.time)
    out.push_back(
        fmt::format("Where {}'s time went at {} ({}): {}.", v.time->strategy, at, of_runs, time_sentence(*v.time)));
  else
    out.push_back(
        fmt::format("Where {}'s time went is not known: its CPU per row was not measured on both sides (the "
                    "server's needs the benchlab extension in the database read).",
                    f.strategy));
  return out;
}

std::vector<std::string> console_verdict(const Artifact& a) {
  const std::vector<SizeVerdict> all = verdicts(a);
  // Per profile, in the artifact's order: the largest size, then, when that one
  // compares nothing (the run ended before most strategies reached it), the next
  // smaller one, until a size that does.
  std::vector<std::string> profiles;
  for (const auto& v : all)
    if (std::find(profiles.begin(), profiles.end(), v.profile) == profiles.end()) profiles.push_back(v.profile);
  std::vector<std::string> out;
  for (const auto& profile : profiles) {
    std::vector<const SizeVerdict*> sizes;
    for (const auto& v : all)
      if (v.profile == profile) sizes.push_back(&v);
    std::stable_sort(sizes.begin(), sizes.end(), [](const auto* x, const auto* y) { return x->rows > y->rows; });
    for (const SizeVerdict* v : sizes) {
      auto lines = verdict_sentences(a.context, *v);
      out.insert(out.end(), lines.begin(), lines.end());
      if (v->compared()) break;
    }
  }
  return out;
}

std::vector<std::string> headline_verdict(const std::vector<Artifact>& artifacts) {
  const Artifact* best = nullptr;
  std::size_t most = 0;
  for (const auto& a : artifacts) {
    std::size_t n = 0;
    for (const auto& s : a.report.sizes) n += s.strategies.size();
    if (n > most) most = n, best = &a;
  }
  return best ? console_verdict(*best) : std::vector<std::string>{};
}

}  // namespace benchlab

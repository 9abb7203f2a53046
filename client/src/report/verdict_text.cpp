#include "report/verdict_text.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "report/number_format.hpp"

namespace benchlab {

namespace {

std::string us(double ns) {
  return ns >= 100000 ? fmt::format("{:.0f} µs", ns / 1000) : fmt::format("{:.2f} µs", ns / 1000);
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
  if (!v.fastest) {
    out.push_back(v.measured == 0 ? fmt::format("At {}: no strategy completed a run, so there is no verdict.", where)
                                  : fmt::format("At {}: no strategy read exactly the server's rows in every run, so "
                                                "there is no verdict.",
                                                where));
    return out;
  }
  const VerdictPick& f = *v.fastest;
  std::string fastest =
      fmt::format("Fastest at {}: {}, {} rows/s (median of the runs)", where, f.strategy, si(f.value));
  if (f.next) {
    if (f.within_noise)
      fastest += fmt::format(", but {} ({} rows/s) is within the runs' spread of it", *f.next, si(f.next_value));
    else
      fastest += fmt::format(", {:.2f}× {} ({} rows/s)", f.value / f.next_value, *f.next, si(f.next_value));
  }
  if (v.verified < v.measured)
    fastest += fmt::format("; {} of {} strategies did not read exactly the server's rows and are left out",
                           v.measured - v.verified, v.measured);
  out.push_back(fastest + ".");
  if (v.lowest_memory) {
    std::string memory =
        fmt::format("Lowest memory: {}, {} peak RSS", v.lowest_memory->strategy, mib(v.lowest_memory->value));
    if (v.budget_bytes != 0) {
      if (v.within_budget)
        memory += fmt::format("; the fastest within the {} budget: {}, {} rows/s", format_bytes(v.budget_bytes),
                              v.within_budget->strategy, si(v.within_budget->value));
      else
        memory += fmt::format("; no strategy stayed within the {} budget in every run", format_bytes(v.budget_bytes));
    }
    out.push_back(memory + ".");
  }
  if (v.time)
    out.push_back(fmt::format("Where {}'s time went: {}.", v.time->strategy, time_sentence(*v.time)));
  else
    out.push_back(
        fmt::format("Where {}'s time went is not known: the server's CPU was not measured (the benchlab "
                    "extension is not installed in that database).",
                    f.strategy));
  return out;
}

std::vector<std::string> console_verdict(const Artifact& a) {
  const std::vector<SizeVerdict> all = verdicts(a);
  std::uint64_t largest = 0;
  for (const auto& v : all) largest = std::max(largest, v.rows);
  std::vector<std::string> out;
  for (const auto& v : all) {
    if (v.rows != largest) continue;
    auto lines = verdict_sentences(a.context, v);
    out.insert(out.end(), lines.begin(), lines.end());
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

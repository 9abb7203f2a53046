#include "model/warnings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

#include "model/context.hpp"

namespace benchlab {

namespace {

std::string printf_string(const char* format, auto... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, format, args...);
  return buf;
}

}  // namespace

std::string Warning::text() const {
  switch (kind) {
    case WarningKind::busy_machine:
      return printf_string(
          "the machine was busy (load average %.1f); figures will be noisy: use more --runs, or run when it is idle",
          value);
    case WarningKind::high_variance:
      return printf_string(
          "%s at %llu rows varies by %.0f%% between runs (other load on the machine?); use --runs 5 or more, or "
          "--warmup 1",
          strategy.c_str(), static_cast<unsigned long long>(limit), value);
  }
  return {};
}

std::optional<Warning> busy_machine_warning(const HostFacts& host) {
  // A busy machine spoils timings: say so.
  if (host.load_average.empty() || host.load_average[0] <= 0.5 * std::max(1U, host.cores)) return std::nullopt;
  return Warning{WarningKind::busy_machine, 0, "", host.load_average[0]};
}

std::vector<Warning> warnings_of(const Context& c, const BenchmarkReport& report,
                                 const std::vector<SizeSummary>& sizes) {
  std::vector<Warning> out;
  if (auto busy = busy_machine_warning(c.host)) out.push_back(*busy);
  // A wide spread between runs means the figures are not yet telling.
  for (std::size_t i = 0; i < report.sizes.size(); ++i) {
    const SizeResult& size = report.sizes[i];
    for (std::size_t j = 0; j < size.strategies.size(); ++j) {
      const Summary& rps = sizes.at(i).strategies.at(j).rows_per_sec;
      if (rps.count >= 2 && rps.min > 0 && rps.max / rps.min > kHighVarianceRatio)
        out.push_back(
            {WarningKind::high_variance, size.limit, size.strategies[j].strategy, (rps.max / rps.min - 1) * 100});
    }
  }
  return out;
}

std::vector<Notice> notices_of(const Artifact& a) {
  std::vector<Notice> out;
  const BenchmarkReport& r = a.report;
  if (!a.complete) out.push_back({false, std::string(kIncompleteArtifact)});
  if (r.interrupted_signal != 0)
    out.push_back(
        {false, fmt::format("interrupted by signal {}: the figures are what was measured", r.interrupted_signal)});
  if (!r.strict_failure.empty()) out.push_back({false, "stopped by the strict policy: " + r.strict_failure});
  for (const auto& w : a.summary.warnings) out.push_back({true, w.text()});
  return out;
}

}  // namespace benchlab

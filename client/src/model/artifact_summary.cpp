#include "model/artifact_summary.hpp"

#include <utility>

#include "model/context.hpp"

namespace benchlab {

Artifact::Artifact(Context measured_context, BenchmarkReport measured_report)
    : context(std::move(measured_context)), report(std::move(measured_report)), summary(summary_of(*this)) {}

ArtifactSummary summary_of(const Artifact& a) {
  const Context& c = a.context;
  ArtifactSummary out;
  for (const SizeResult& size : a.report.sizes) {
    SizeSummary s;
    for (const auto& [format, ceiling] : size.wire_ceiling)
      s.wire_ceiling[format] = {ceiling.rows_per_sec(), ceiling.mb_per_sec()};
    for (const StrategyResult& r : size.strategies)
      s.strategies.push_back(summarize(r, size, c.read.format, c.schedule.runs, c.bound_cores()));
    if (!empty_read(size)) s.verdict = verdict_of(c, size, s.strategies);
    out.sizes.push_back(std::move(s));
  }
  out.warnings = warnings_of(c, a.report, out.sizes);
  return out;
}

}  // namespace benchlab

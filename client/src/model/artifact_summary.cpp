#include "model/artifact_summary.hpp"

#include <fmt/format.h>

#include <utility>

#include "model/context.hpp"

namespace benchlab {

namespace {

std::optional<WriterActivity> writer_activity(const Context& c, const SizeResult& size) {
  if (c.schedule.concurrent_writes_per_sec <= 0) return std::nullopt;
  WriterActivity w;
  w.rows_per_sec = c.schedule.concurrent_writes_per_sec;
  for (const StrategyResult& s : size.strategies)
    for (const RunFigures& r : s.runs)
      if (r.concurrent_writes) {
        ++w.runs;
        w.rows_inserted += r.concurrent_writes->rows_inserted;
        w.rows_updated += r.concurrent_writes->rows_updated;
      }
  return w;
}

}  // namespace

std::string writer_activity_text(const WriterActivity& w) {
  return fmt::format(
      "while the {} measured run{} read, the concurrent writer ({} rows/s) inserted {} row{} and updated {}", w.runs,
      w.runs == 1 ? "" : "s", w.rows_per_sec, w.rows_inserted, w.rows_inserted == 1 ? "" : "s", w.rows_updated);
}

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
      s.strategies.push_back(summarize(r, size, c.read.format, c.schedule.runs, c.bound_cores(), c.read.workers));
    if (!empty_read(size)) s.verdict = verdict_of(c, size, s.strategies);
    s.writer = writer_activity(c, size);
    out.sizes.push_back(std::move(s));
  }
  out.warnings = warnings_of(c, a.report, out.sizes);
  return out;
}

}  // namespace benchlab

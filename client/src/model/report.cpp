#include "model/report.hpp"

#include <algorithm>

#include "model/options.hpp"

namespace benchlab {

std::vector<double> WireCeiling::rows_per_sec_each() const {
  std::vector<double> out;
  out.reserve(wall_s.size());
  for (double s : wall_s) out.push_back(s > 0 ? static_cast<double>(rows) / s : 0);
  return out;
}

Summary WireCeiling::rows_per_sec() const { return summarize(rows_per_sec_each()); }

Summary WireCeiling::mb_per_sec() const {
  std::vector<double> out;
  for (double s : wall_s) out.push_back(s > 0 ? static_cast<double>(bytes) / 1e6 / s : 0);
  return summarize(std::move(out));
}

bool StrategyResult::any_mismatch() const {
  return std::any_of(runs.begin(), runs.end(), [](const RunFigures& r) { return r.mismatched(); });
}

std::vector<double> StrategyResult::round_ratios() const {
  std::vector<double> out;
  for (const auto& r : runs)
    if (auto ratio = r.ratio_to_wire_ceiling()) out.push_back(*ratio);
  return out;
}

const WireCeiling* SizeResult::ceiling(WireFormat format) const {
  const auto it = wire_ceiling.find(std::string(to_string(format)));
  return it == wire_ceiling.end() ? nullptr : &it->second;
}

const StrategyResult* SizeResult::strategy(std::string_view name) const {
  for (const auto& s : strategies)
    if (s.strategy == name) return &s;
  return nullptr;
}

std::string_view to_string(Status status) {
  switch (status) {
    case Status::ok:
      return "ok";
    case Status::unverified:
      return "unverified";
    case Status::incomplete:
      return "incomplete";
    case Status::mismatch:
      return "mismatch";
    case Status::error:
      return "error";
  }
  return "error";
}

std::string_view status_caveat(std::string_view strategy, Status status) {
  return status == Status::mismatch && is_unshared_control(strategy) ? kExpectedControlMismatch : std::string_view();
}

namespace {

template <typename Pick>
Summary over_runs(const StrategyResult& s, Pick pick) {
  std::vector<double> v;
  for (const auto& r : s.runs)
    if (std::optional<double> x = pick(r)) v.push_back(*x);
  return summarize(std::move(v));
}

std::optional<double> bytes_of(const std::optional<std::uint64_t>& v) {
  return v ? std::optional<double>(static_cast<double>(*v)) : std::nullopt;
}

}  // namespace

StrategySummary summarize(const StrategyResult& s, const SizeResult& size, WireFormat format, int runs_asked,
                          unsigned cores) {
  StrategySummary out;
  for (const auto& r : s.runs) out.recovered_runs += r.recovery && r.recovery->recovered() ? 1 : 0;
  out.rows_per_sec = over_runs(s, [](const RunFigures& r) { return std::optional(r.rows_per_sec); });
  out.peak_rss_bytes = over_runs(s, [](const RunFigures& r) { return bytes_of(r.peak_rss_bytes); });
  out.parent_peak_rss_bytes = over_runs(s, [](const RunFigures& r) { return bytes_of(r.parent_peak_rss_bytes); });
  out.worker_peak_rss_bytes = over_runs(s, [](const RunFigures& r) { return bytes_of(r.worker_peak_rss_bytes); });
  out.mb_per_sec = over_runs(s, [](const RunFigures& r) { return std::optional(r.mb_per_sec); });
  out.wall_s = over_runs(s, [](const RunFigures& r) { return std::optional(r.wall_s); });
  out.ttfr_ms = over_runs(s, [](const RunFigures& r) { return r.ttfr_ms; });
  out.cpu_user_s = over_runs(s, [](const RunFigures& r) { return std::optional(r.cpu_user_s); });
  out.cpu_sys_s = over_runs(s, [](const RunFigures& r) { return std::optional(r.cpu_sys_s); });
  out.server_cpu_user_s = over_runs(s, [](const RunFigures& r) { return r.server_cpu_user_s; });
  out.server_cpu_sys_s = over_runs(s, [](const RunFigures& r) { return r.server_cpu_sys_s; });
  out.latency_p99_ms = over_runs(s, [](const RunFigures& r) { return std::optional(r.latency_p99_ms); });
  out.client_cpu_ns_per_row = over_runs(s, [](const RunFigures& r) { return r.client_cpu_ns_per_row(); });
  out.server_cpu_ns_per_row = over_runs(s, [](const RunFigures& r) { return r.server_cpu_ns_per_row(); });
  out.cpu_bound_rows_per_sec = over_runs(s, [cores](const RunFigures& r) { return r.cpu_bound_rows_per_sec(cores); });
  out.fraction_of_cpu_bound = over_runs(s, [cores](const RunFigures& r) -> std::optional<double> {
    const auto bound = r.cpu_bound_rows_per_sec(cores);
    if (!bound || *bound <= 0) return std::nullopt;
    return r.rows_per_sec / *bound;
  });
  out.part_rows_cv = over_runs(s, [](const RunFigures& r) { return r.part_rows_cv(); });
  out.part_time_cv = over_runs(s, [](const RunFigures& r) { return r.part_time_cv(); });
  for (const auto& r : s.runs) out.forked_workers = std::max(out.forked_workers, r.worker_peak_rss.size());

  if (const WireCeiling* c = size.ceiling(format); c != nullptr && !s.runs.empty()) {
    const double ceiling = c->rows_per_sec().median;
    if (ceiling > 0) out.ratio_of_medians = out.rows_per_sec.median / ceiling;
  }
  if (std::vector<double> ratios = s.round_ratios(); !ratios.empty())
    out.ratio_to_wire_ceiling = summarize(std::move(ratios)).median;
  else
    out.ratio_to_wire_ceiling = out.ratio_of_medians;

  bool verified = !s.runs.empty();
  if (!s.runs.empty()) {
    out.rows_match = true;
    out.checksum_match = true;
  }
  for (const auto& r : s.runs) {
    if (!r.rows_match || !r.checksum_match) verified = false;
    if (r.rows_match == false) out.rows_match = false;
    if (r.checksum_match == false) out.checksum_match = false;
  }
  if (!s.errors.empty())
    out.status = Status::error;
  else if (s.any_mismatch())
    out.status = Status::mismatch;
  else if (static_cast<int>(s.runs.size()) < runs_asked)
    out.status = Status::incomplete;
  else if (!verified)
    out.status = Status::unverified;
  return out;
}

}  // namespace benchlab

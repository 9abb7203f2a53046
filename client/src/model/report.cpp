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

Summary StrategyResult::rows_per_sec() const {
  std::vector<double> v;
  for (const auto& r : runs) v.push_back(r.rows_per_sec);
  return summarize(std::move(v));
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

double neither_ns_per_row(unsigned cores, double wall_ns_per_row, double server_cpu_ns_per_row,
                          double client_cpu_ns_per_row) {
  const double capacity = static_cast<double>(cores) * wall_ns_per_row;
  const double used = server_cpu_ns_per_row + client_cpu_ns_per_row;
  return capacity > used ? capacity - used : 0;
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

bool recovered(const RunFigures& r) { return r.recovery && r.recovery->recovered(); }

// The recovered runs, each against the clean runs' median wall time.
std::vector<RecoveredRun> recovered_runs(const StrategyResult& s, const Summary& clean_wall) {
  std::vector<RecoveredRun> out;
  for (std::size_t i = 0; i < s.runs.size(); ++i) {
    const RunFigures& r = s.runs[i];
    if (!recovered(r)) continue;
    const RecoveryFigures& rec = *r.recovery;
    RecoveredRun run;
    run.run = i;
    for (const auto& fault : rec.faults)
      if (const auto restart = fault.restart_s()) run.restart_s = run.restart_s.value_or(0) + *restart;
    if (clean_wall.count > 0 && r.rows > 0) {
      const double median = clean_wall.median;
      const double lost_work = static_cast<double>(rec.rows_discarded) * median / static_cast<double>(r.rows);
      run.loss_s = r.wall_s - median;
      run.lost_work_s = lost_work;
      run.rest_s = r.wall_s - median - lost_work - rec.backoff_s - run.restart_s.value_or(0);
    }
    out.push_back(run);
  }
  return out;
}

// Per row at the medians; nullopt without the client's CPU or any rows/s.
std::optional<CoreTimePerRow> time_per_row(const StrategySummary& s, unsigned cores) {
  if (s.client_cpu_ns_per_row.count == 0 || s.rows_per_sec.count == 0 || s.rows_per_sec.median <= 0)
    return std::nullopt;
  CoreTimePerRow t;
  t.cores = cores;
  t.wall_ns = 1e9 / s.rows_per_sec.median;
  if (s.server_cpu_ns_per_row.count) t.server_cpu_ns = s.server_cpu_ns_per_row.median;
  t.client_cpu_ns = s.client_cpu_ns_per_row.median;
  t.neither_ns = neither_ns_per_row(cores, t.wall_ns, t.server_cpu_ns.value_or(0), t.client_cpu_ns);
  return t;
}

}  // namespace

StrategySummary summarize(const StrategyResult& s, const SizeResult& size, WireFormat format, int runs_asked,
                          unsigned cores, int workers) {
  StrategySummary out;
  out.rows_per_sec = over_runs(s, [](const RunFigures& r) { return std::optional(r.rows_per_sec); });
  out.peak_rss_bytes = over_runs(s, [](const RunFigures& r) { return bytes_of(r.peak_rss_bytes); });
  out.parent_peak_rss_bytes = over_runs(s, [](const RunFigures& r) { return bytes_of(r.parent_peak_rss_bytes); });
  out.worker_peak_rss_bytes = over_runs(s, [](const RunFigures& r) { return bytes_of(r.worker_peak_rss_bytes); });
  out.mb_per_sec = over_runs(s, [](const RunFigures& r) { return std::optional(r.mb_per_sec); });
  out.bytes_per_row = over_runs(s, [](const RunFigures& r) {
    return r.rows == 0 ? std::nullopt : std::optional(static_cast<double>(r.bytes) / static_cast<double>(r.rows));
  });
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
  out.writer_rows_inserted = over_runs(s, [](const RunFigures& r) {
    return r.concurrent_writes ? std::optional(static_cast<double>(r.concurrent_writes->rows_inserted)) : std::nullopt;
  });
  out.writer_rows_updated = over_runs(s, [](const RunFigures& r) {
    return r.concurrent_writes ? std::optional(static_cast<double>(r.concurrent_writes->rows_updated)) : std::nullopt;
  });
  for (const auto& r : s.runs) {
    out.forked_workers = std::max(out.forked_workers, r.worker_peak_rss.size());
    out.parts = std::max(out.parts, r.parts.size());
  }
  out.time_per_row = time_per_row(out, cores);
  // A reader with no part to read adds nothing: fewer parts than workers, fewer readers.
  int readers = workers;
  if (out.parts > 0 && workers > 0 && out.parts < static_cast<std::size_t>(workers))
    readers = static_cast<int>(out.parts);
  out.shape = strategy_shape(s.strategy, readers, static_cast<int>(out.forked_workers));
  if (out.shape) {
    const StrategyShape shape = *out.shape;
    const auto bound_of = [&](const RunFigures& r) -> std::optional<ShapeBound> {
      const auto client = r.client_cpu_ns_per_row();
      const auto server = r.server_cpu_ns_per_row();
      if (!client || !server) return std::nullopt;
      return shape_bound(shape, *server, *client, cores);
    };
    out.shape_bound_rows_per_sec = over_runs(s, [&](const RunFigures& r) -> std::optional<double> {
      const auto bound = bound_of(r);
      return bound ? std::optional(bound->rows_per_sec) : std::nullopt;
    });
    out.fraction_of_shape_bound = over_runs(s, [&](const RunFigures& r) -> std::optional<double> {
      const auto bound = bound_of(r);
      return bound ? std::optional(r.rows_per_sec / bound->rows_per_sec) : std::nullopt;
    });
    if (out.server_cpu_ns_per_row.count > 0 && out.client_cpu_ns_per_row.count > 0)
      if (const auto at_medians =
              shape_bound(shape, out.server_cpu_ns_per_row.median, out.client_cpu_ns_per_row.median, cores))
        out.shape_limit = at_medians->limit;
  }
  out.clean_wall_s =
      over_runs(s, [](const RunFigures& r) { return recovered(r) ? std::nullopt : std::optional(r.wall_s); });
  out.recovered = recovered_runs(s, out.clean_wall_s);

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
    if (r.digest && !r.digest_match) verified = false;  // --digest sha256 without the server's digest
    if (r.rows_match == false) out.rows_match = false;
    if (r.checksum_match == false) out.checksum_match = false;
    if (r.digest_match) out.digest_match = out.digest_match.value_or(true) && *r.digest_match;
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

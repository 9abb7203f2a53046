#include "model/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace benchlab {

const std::vector<MetricInfo>& metric_catalog() {
  using enum MetricType;
  static const std::vector<MetricInfo> catalog = {
      // Every command.
      {"benchlab_info", gauge, "Always 1; its version label is benchclient's version", "run verify queue"},
      {"benchlab_start_time_seconds", gauge, "When the command started, in seconds since the Unix epoch",
       "run verify queue"},
      {"benchlab_last_update_time_seconds", gauge,
       "When this file was last written, in seconds since the Unix epoch (alert on staleness)", "run verify queue"},
      {"benchlab_finished", gauge, "0 while the command runs, 1 once it has ended", "run verify queue"},
      {"benchlab_exit_code", gauge, "The command's exit status, once it has ended", "run verify queue"},
      {"benchlab_peak_rss_bytes", gauge,
       "Peak resident memory so far: benchclient with its forked workers (run), benchclient alone (verify, queue)",
       "run verify queue"},
      // run
      {"benchlab_rows_read_total", counter, "Rows read from the server by every run of this command so far", "run"},
      {"benchlab_bytes_read_total", counter,
       "Bytes of row values decoded (wire format, as the artifact's bytes) by every run so far", "run"},
      {"benchlab_runs_done_total", counter, "Strategy runs (warmups included) that have ended", "run"},
      {"benchlab_run_mismatches_total", counter,
       "Runs whose rows or checksum differed from the server's (the broken control's expected mismatch not counted)",
       "run"},
      {"benchlab_run_errors_total", counter, "Runs that ended with an error", "run"},
      {"benchlab_run_rows", gauge, "Rows the current run has read", "run"},
      {"benchlab_run_expected_rows", gauge, "Rows the current run is to read", "run"},
      {"benchlab_run_rows_per_second", gauge, "The current run's rows per second since it started", "run"},
      {"benchlab_parts_done", gauge, "Parts of the current parallel read confirmed (from a checkpoint included)",
       "run verify"},
      {"benchlab_parts_left", gauge, "Parts of the current parallel read not yet confirmed", "run verify"},
      {"benchlab_retries_total", counter, "Attempts the fallback chain made after a fault, over every run so far",
       "run"},
      {"benchlab_fallback_tier", gauge, "The current read's fallback tier: 0 on its first attempt, n on its n-th retry",
       "run"},
      {"benchlab_fallback_workers", gauge, "Workers of the current attempt of a parallel read", "run"},
      {"benchlab_workers_alive", gauge, "Forked worker processes of the current run still alive", "run"},
      {"benchlab_heartbeat_age_seconds", gauge,
       "Seconds since the current run last made progress (a batch decoded here or reported by a worker)", "run"},
      {"benchlab_worker_heartbeat_age_seconds", gauge,
       "Per forked worker still running: seconds since its last batch reached the parent", "run"},
      {"benchlab_worker_rows", gauge, "Per forked worker: rows it has read in the current run", "run"},
      // verify
      {"benchlab_verify_rows_compared_total", counter,
       "Rows of each side covered by the checksum comparison so far (side label)", "verify"},
      {"benchlab_verify_segments_compared_total", counter, "Key-range checksum comparisons, bisection included",
       "verify"},
      {"benchlab_verify_segments_differing_total", counter, "Key ranges whose checksums differed", "verify"},
      {"benchlab_verify_rows_fetched_total", counter, "Rows read back to compare key by key (both sides)", "verify"},
      {"benchlab_verify_differences", gauge,
       "Rows found to differ so far (rows with a NULL key that differ but are too many to fetch count as 1)", "verify"},
      // queue
      {"benchlab_queue_samples_done_total", counter, "Dequeue samples that have ended", "queue"},
      {"benchlab_queue_jobs_done_total", counter, "Jobs the dequeue samples acknowledged", "queue"},
      {"benchlab_queue_jobs_per_second", gauge, "The last dequeue sample's jobs per second", "queue"},
      {"benchlab_queue_exactly_once_failures_total", counter,
       "Dequeue samples that lost a job or ran one twice, or failed", "queue"},
      {"benchlab_queue_enqueue_rows_total", counter, "Jobs committed by the enqueue methods measured", "queue"},
      {"benchlab_queue_crash_lost_commits_total", counter,
       "Commits the server confirmed and then lost in the crash test", "queue"},
  };
  return catalog;
}

namespace {

const MetricInfo& info_of(std::string_view name) {
  for (const MetricInfo& m : metric_catalog())
    if (m.name == name) return m;
  throw std::logic_error(fmt::format("metric {} is not in the catalog", name));
}

// The text format spells numbers as Go's ParseFloat reads them.
std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{:.0f}", v);
  return fmt::format("{}", v);
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void MetricValues::set(std::string_view name, double value, MetricLabels labels) {
  (void)info_of(name);
  std::sort(labels.begin(), labels.end());
  auto it = series_.find(name);
  if (it == series_.end()) it = series_.emplace(std::string(name), std::map<MetricLabels, double>{}).first;
  it->second[std::move(labels)] = value;
}

void MetricValues::clear(std::string_view name) {
  if (auto it = series_.find(name); it != series_.end()) series_.erase(it);
}

std::optional<double> MetricValues::get(std::string_view name, const MetricLabels& labels) const {
  const auto it = series_.find(name);
  if (it == series_.end()) return std::nullopt;
  MetricLabels sorted = labels;
  std::sort(sorted.begin(), sorted.end());
  const auto s = it->second.find(sorted);
  if (s == it->second.end()) return std::nullopt;
  return s->second;
}

std::string label_name_problem(std::string_view name) {
  const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  bool valid = !name.empty() && letter(name.front());
  for (char c : name) valid = valid && (letter(c) || (c >= '0' && c <= '9'));
  if (!valid) return "a label name is letters, digits and _, not starting with a digit";
  if (name.starts_with("__")) return "names starting with __ are Prometheus's own";
  for (std::string_view own : {"command", "version", "worker", "side", "instance", "job"})
    if (name == own) return fmt::format("{} is a label benchlab or Prometheus sets itself", name);
  return {};
}

std::string MetricValues::exposition(const MetricLabels& constant) const {
  std::string out;
  for (const MetricInfo& m : metric_catalog()) {
    const auto it = series_.find(m.name);
    if (it == series_.end() || it->second.empty()) continue;
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", m.name, m.help, m.name,
                       m.type == MetricType::counter ? "counter" : "gauge");
    for (const auto& [own, value] : it->second) {
      MetricLabels labels = constant;
      labels.insert(labels.end(), own.begin(), own.end());
      out += m.name;
      if (!labels.empty()) {
        out += '{';
        for (std::size_t i = 0; i < labels.size(); ++i)
          out += fmt::format("{}{}=\"{}\"", i == 0 ? "" : ",", labels[i].first, escape_label_value(labels[i].second));
        out += '}';
      }
      out += ' ';
      out += number(value);
      out += '\n';
    }
  }
  return out;
}

}  // namespace benchlab

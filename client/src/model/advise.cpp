#include "model/advise.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

#include "model/number_format.hpp"

namespace benchlab {

namespace {

constexpr std::array<std::pair<AdviseLimit, std::string_view>, 5> kLimitNames{{
    {AdviseLimit::server, "server"},
    {AdviseLimit::client, "client"},
    {AdviseLimit::cores, "cores"},
    {AdviseLimit::round_trips, "round_trips"},
    {AdviseLimit::memory, "memory"},
}};

// The words a sentence uses for a limit.
std::string_view limit_words(AdviseLimit limit) {
  switch (limit) {
    case AdviseLimit::server:
      return "its server backends' CPU";
    case AdviseLimit::client:
      return "its client workers' CPU";
    case AdviseLimit::cores:
      return "the cores it shares with the server";
    case AdviseLimit::round_trips:
      return "round trips (it waits more than it works)";
    case AdviseLimit::memory:
      return "memory";
  }
  return "";
}

}  // namespace

std::string_view to_string(AdviseLimit limit) {
  for (const auto& [l, name] : kLimitNames)
    if (l == limit) return name;
  return "client";
}

std::optional<AdviseLimit> advise_limit_from(std::string_view text) {
  for (const auto& [l, name] : kLimitNames)
    if (name == text) return l;
  return std::nullopt;
}

bool StrategyCheck::rss_within() const {
  if (measured_rss_bytes == 0) return false;
  const double diff = std::abs(static_cast<double>(predicted_rss_bytes) - static_cast<double>(measured_rss_bytes));
  return diff <= static_cast<double>(kRssSlackBytes) || std::abs(rss_error()) <= kRssTolerance;
}

bool holds_whole_result(std::string_view strategy) { return strategy == "naive"; }

std::string strategy_label(std::string_view strategy, WireFormat format, bool both_formats) {
  return both_formats ? fmt::format("{} {}", strategy, to_string(format)) : std::string(strategy);
}

std::vector<Prediction> predict(const AdviseCalibration& c) {
  std::vector<Prediction> out;
  const auto n_total = static_cast<double>(c.table_rows);
  for (const StrategyCalibration& s : c.strategies) {
    if (!s.error.empty() || s.rows == 0 || s.wall_s <= 0) continue;
    Prediction p;
    p.strategy = s.strategy;
    p.format = s.format;
    const auto n = static_cast<double>(s.rows);
    // The server CPU per row of the whole read's own part queries, where probed: the
    // sample's steady rate scaled by how much the strategy's shape bound moves with it.
    double ratio = 0;  // 0: none
    if (s.parts == "partitions" && c.partition_server_ratio) ratio = *c.partition_server_ratio;
    if (s.parts == "batches" && c.batch_server_ratio) ratio = *c.batch_server_ratio;
    std::optional<double> server_ns = s.server_cpu_ns_per_row;
    const auto shape = strategy_shape(s.strategy, c.workers);
    const unsigned cores = c.server_shares_cores ? c.cores : 0;
    double scale = 1;
    if (ratio > 0 && server_ns && s.client_cpu_ns_per_row && shape) {
      const auto sampled = shape_bound(*shape, *server_ns, *s.client_cpu_ns_per_row, cores);
      server_ns = *server_ns * ratio;
      const auto whole = shape_bound(*shape, *server_ns, *s.client_cpu_ns_per_row, cores);
      if (sampled && whole) scale = whole->rows_per_sec / sampled->rows_per_sec;
    }
    // The fixed cost is at most most of the sample's read: a one-page read slower than
    // the whole sample (noise) must not make the rate infinite.
    const double fixed = std::clamp(s.fixed_s, 0.0, 0.9 * s.wall_s);
    const double rate = n / (s.wall_s - fixed) * scale;
    p.wall_s = fixed + n_total / rate;
    p.rows_per_sec = p.wall_s > 0 ? n_total / p.wall_s : rate;
    // The range: the prediction moved as far as the slowest and the fastest read were
    // from the median one. (Not the model rerun at those reads: less the fixed cost, a
    // short read's noise would be magnified by W ÷ (W − F).)
    if (s.reads > 1 && s.fastest_wall_s > 0 && s.slowest_wall_s >= s.fastest_wall_s) {
      p.rows_per_sec_low = p.rows_per_sec * std::min(1.0, s.wall_s / s.slowest_wall_s);
      p.rows_per_sec_high = p.rows_per_sec * std::max(1.0, s.wall_s / s.fastest_wall_s);
    }
    p.rss_grows_with_rows = holds_whole_result(s.strategy);
    if (p.rss_grows_with_rows && s.peak_rss_bytes > s.base_rss_bytes) {
      const double per_row = static_cast<double>(s.peak_rss_bytes - s.base_rss_bytes) / n;
      p.peak_rss_bytes = s.base_rss_bytes + static_cast<std::uint64_t>(per_row * n_total);
    } else {
      p.peak_rss_bytes = s.peak_rss_bytes;
    }
    p.fits_memory = c.memory_limit_bytes == 0 || p.peak_rss_bytes <= c.memory_limit_bytes;
    // The binding term of the strategy's shape bound at the CPU per row it spent.
    p.limited_by = AdviseLimit::client;
    if (shape && s.client_cpu_ns_per_row && server_ns) {
      if (const auto bound = shape_bound(*shape, *server_ns, *s.client_cpu_ns_per_row, cores)) {
        p.fraction_of_bound = rate / bound->rows_per_sec;
        p.limited_by = bound->limit == BoundLimit::server   ? AdviseLimit::server
                       : bound->limit == BoundLimit::client ? AdviseLimit::client
                                                            : AdviseLimit::cores;
        if (*p.fraction_of_bound < kWaitingBelowBound) p.limited_by = AdviseLimit::round_trips;
      }
    }
    if (!p.fits_memory) p.limited_by = AdviseLimit::memory;
    out.push_back(p);
  }
  return out;
}

std::optional<Recommendation> recommend(const std::vector<Prediction>& predictions, const AdviseCalibration& c) {
  std::vector<const Prediction*> fitting;
  for (const Prediction& p : predictions)
    if (p.fits_memory) fitting.push_back(&p);
  if (fitting.empty()) return std::nullopt;
  std::stable_sort(fitting.begin(), fitting.end(),
                   [](const Prediction* a, const Prediction* b) { return a->rows_per_sec > b->rows_per_sec; });
  bool both = false;
  for (const Prediction& p : predictions) both = both || p.format != predictions.front().format;
  const Prediction& best = *fitting.front();
  Recommendation r;
  r.strategy = best.strategy;
  r.format = best.format;
  const std::string name = strategy_label(best.strategy, best.format, both);
  const std::string memory =
      c.memory_limit_bytes > 0
          ? fmt::format(", within {} ({}) at {} peak RSS", mib(static_cast<double>(c.memory_limit_bytes)),
                        c.memory_limit_source, mib(static_cast<double>(best.peak_rss_bytes)))
          : fmt::format(" at {} peak RSS", mib(static_cast<double>(best.peak_rss_bytes)));
  // The runner-up: the fastest other strategy that fits (the same strategy in the
  // other format is not an alternative architecture).
  const auto other = std::find_if(fitting.begin() + 1, fitting.end(),
                                  [&](const Prediction* p) { return p->strategy != best.strategy; });
  if (other != fitting.end()) {
    const Prediction& second = **other;
    r.runner_up = second.strategy;
    r.runner_up_format = second.format;
    const std::string second_name = strategy_label(second.strategy, second.format, both);
    r.why = fmt::format("{} is predicted to read the table at {} rows/s, {:.0f}% faster than {}{}; it is limited by {}",
                        name, si(best.rows_per_sec), (best.rows_per_sec / second.rows_per_sec - 1) * 100, second_name,
                        memory, limit_words(best.limited_by));
    // The two predicted ranges overlap: on this machine the calibration's noise is
    // larger than their difference, and only a measurement of both can tell.
    const double best_low = best.rows_per_sec_low.value_or(best.rows_per_sec);
    const double second_high = second.rows_per_sec_high.value_or(second.rows_per_sec);
    if (second_high >= best_low) {
      r.tie_with_runner_up = true;
      const std::string measure =
          best.format == second.format
              ? fmt::format("benchclient --dsn … --table {} --rows all --format {} --strategy {},{}", c.table,
                            to_string(best.format), best.strategy, second.strategy)
              : fmt::format(
                    "benchclient --dsn … --table {} --rows all --strategy {},{}, once with --format text "
                    "and once with --format binary",
                    c.table, best.strategy, second.strategy);
      r.why += fmt::format(
          " — but their predicted ranges overlap ({}–{} against {}–{} rows/s): the calibration cannot tell them "
          "apart on this machine; measure both ({})",
          si(best_low), si(best.rows_per_sec_high.value_or(best.rows_per_sec)),
          si(second.rows_per_sec_low.value_or(second.rows_per_sec)), si(second_high), measure);
    }
  } else {
    r.why = fmt::format("{} is the only strategy predicted to fit, at {} rows/s{}; it is limited by {}", name,
                        si(best.rows_per_sec), memory, limit_words(best.limited_by));
  }
  std::size_t left_out = predictions.size() - fitting.size();
  if (left_out > 0)
    r.why += fmt::format(" ({} left out: predicted to need more than {})", left_out,
                         mib(static_cast<double>(c.memory_limit_bytes)));
  return r;
}

AdviseCheck check_predictions(const AdviseResult& advice, const std::vector<std::pair<std::string, Artifact>>& runs,
                              double benchmark_s) {
  AdviseCheck check;
  check.benchmark_s = benchmark_s;
  const std::uint64_t limit = advice.calibration.memory_limit_bytes;
  std::optional<double> best, recommended;
  bool both = false;
  for (const Prediction& p : advice.predictions) both = both || p.format != advice.predictions.front().format;
  for (const auto& [file, artifact] : runs) {
    check.run_files.push_back(file);
    if (artifact.report.sizes.empty() || artifact.summary.sizes.empty()) continue;
    const SizeResult& size = artifact.report.sizes.front();
    const SizeSummary& summary = artifact.summary.sizes.front();
    check.rows = size.limit;
    const WireFormat format = artifact.context.read.format;
    for (const Prediction& p : advice.predictions) {
      if (p.format != format) continue;
      const StrategySummary* measured = summary.of(size, p.strategy);
      if (measured == nullptr || measured->rows_per_sec.count == 0) continue;
      StrategyCheck c;
      c.strategy = p.strategy;
      c.format = format;
      c.predicted_rows_per_sec = p.rows_per_sec;
      c.measured_rows_per_sec = measured->rows_per_sec.median;
      c.measured_rows_per_sec_min = measured->rows_per_sec.min;
      c.measured_rows_per_sec_max = measured->rows_per_sec.max;
      c.predicted_rows_per_sec_low = p.rows_per_sec_low;
      c.predicted_rows_per_sec_high = p.rows_per_sec_high;
      c.predicted_rss_bytes = p.peak_rss_bytes;
      c.measured_rss_bytes = static_cast<std::uint64_t>(measured->peak_rss_bytes.median);
      c.runs = measured->rows_per_sec.count;
      c.read_exactly = measured->rows_match != false && measured->checksum_match != false;
      check.strategies.push_back(c);
      // The best among those whose measured peak fits the limit.
      if (c.read_exactly && (limit == 0 || c.measured_rss_bytes <= limit) &&
          (!best || c.measured_rows_per_sec > *best)) {
        best = c.measured_rows_per_sec;
        check.best_measured = strategy_label(p.strategy, format, both);
      }
      if (advice.recommendation && advice.recommendation->strategy == p.strategy &&
          advice.recommendation->format == format)
        recommended = c.measured_rows_per_sec;
    }
  }
  if (best && recommended && *best > 0) check.recommended_share_of_best = *recommended / *best;
  return check;
}

CheckSummary summarize_check(const AdviseCheck& check, double calibration_s) {
  CheckSummary s;
  for (const StrategyCheck& sc : check.strategies) {
    if (sc.measured_rows_per_sec <= 0) continue;
    ++s.strategies;
    if (sc.rows_within()) ++s.rows_within;
    if (sc.rss_within()) ++s.rss_within;
    if (sc.ranges_meet()) ++s.ranges_meet;
    if (const auto spread = sc.measured_spread(); spread && (!s.widest_spread || *spread > *s.widest_spread)) {
      s.widest_spread = spread;
      s.widest_spread_strategy = strategy_label(sc.strategy, sc.format, true);
    }
    if (!s.worst_rows_error || std::abs(sc.rows_error()) > std::abs(*s.worst_rows_error)) {
      s.worst_rows_error = sc.rows_error();
      s.worst_rows_strategy = strategy_label(sc.strategy, sc.format, true);
    }
    if (sc.measured_rss_bytes > 0 && (!s.worst_rss_error || std::abs(sc.rss_error()) > std::abs(*s.worst_rss_error))) {
      s.worst_rss_error = sc.rss_error();
      s.worst_rss_strategy = strategy_label(sc.strategy, sc.format, true);
    }
  }
  if (check.benchmark_s > 0) s.calibration_share = calibration_s / check.benchmark_s;
  return s;
}

std::optional<RepeatedCheck> compare_checks(const AdviseResult& earlier, const std::string& earlier_file,
                                            const AdviseResult& later, const std::string& later_file) {
  if (!earlier.check || !later.check || earlier.calibration.table != later.calibration.table ||
      earlier.check->rows != later.check->rows || earlier.check->rows == 0)
    return std::nullopt;
  RepeatedCheck r;
  r.table = later.calibration.table;
  r.rows = later.check->rows;
  r.earlier = earlier_file;
  r.later = later_file;
  for (const StrategyCheck& b : later.check->strategies) {
    const auto a =
        std::find_if(earlier.check->strategies.begin(), earlier.check->strategies.end(),
                     [&](const StrategyCheck& x) { return x.strategy == b.strategy && x.format == b.format; });
    if (a == earlier.check->strategies.end() || a->measured_rows_per_sec <= 0 || b.measured_rows_per_sec <= 0 ||
        !a->read_exactly || !b.read_exactly)
      continue;
    const double difference = b.measured_rows_per_sec / a->measured_rows_per_sec - 1;
    ++r.compared;
    if (std::abs(difference) <= kRowsTolerance) ++r.within;
    if (!r.largest_difference || std::abs(difference) > std::abs(*r.largest_difference)) {
      r.largest_difference = difference;
      r.largest_strategy = strategy_label(b.strategy, b.format, true);
    }
  }
  if (r.compared == 0) return std::nullopt;
  return r;
}

std::string repeated_check_text(const RepeatedCheck& r) {
  return fmt::format(
      "Measured twice: the full reads of {} ({} rows) in {} and again in {}: {} of {} medians within ±{:.0f}% of "
      "each other (largest difference: {}, {:+.0f}%).",
      r.table, r.rows, r.earlier, r.later, r.within, r.compared, kRowsTolerance * 100, r.largest_strategy,
      r.largest_difference.value_or(0) * 100);
}

namespace {

bool two_formats(const AdviseResult& a) {
  for (const Prediction& p : a.predictions)
    if (p.format != a.predictions.front().format) return true;
  return false;
}

std::string signed_percent(double fraction) { return fmt::format("{:+.0f}%", fraction * 100); }

// "640.3k (437k–712k)"; without a range (or an unknown one, 0), the figure alone.
std::string with_range(double value, std::optional<double> low, std::optional<double> high) {
  return low && high && *high > 0 ? fmt::format("{} ({}–{})", si(value), si(*low), si(*high)) : si(value);
}

}  // namespace

StrategyTable predictions_table(const AdviseResult& a) {
  StrategyTable t;
  t.header = {"strategy", "format", "rows/s (range)", "whole read", "peak RSS", "limited by", "of shape bound"};
  t.align = {Align::left, Align::left, Align::right, Align::right, Align::right, Align::left, Align::right};
  for (const Prediction& p : a.predictions) {
    const bool recommended =
        a.recommendation && a.recommendation->strategy == p.strategy && a.recommendation->format == p.format;
    t.rows.push_back({recommended ? p.strategy + " (recommended)" : p.strategy, std::string(to_string(p.format)),
                      with_range(p.rows_per_sec, p.rows_per_sec_low, p.rows_per_sec_high),
                      fmt::format("{:.1f} s", p.wall_s),
                      mib(static_cast<double>(p.peak_rss_bytes)) + (p.rss_grows_with_rows ? " (grows with rows)" : ""),
                      std::string(to_string(p.limited_by)),
                      p.fraction_of_bound ? fmt::format("{:.2f}", *p.fraction_of_bound) : std::string("-")});
  }
  for (const StrategyCalibration& s : a.calibration.strategies)
    if (!s.error.empty()) t.notes.push_back(fmt::format("{} {}: {}", s.strategy, to_string(s.format), s.error));
  return t;
}

std::string calibration_text(const AdviseCalibration& c) {
  std::string formats;
  for (const FormatCalibration& f : c.formats)
    formats += fmt::format("{}{} {:.0f} ns", formats.empty() ? "" : ", ", to_string(f.format), f.cpu_ns_per_row);
  return fmt::format(
      "table {}: {} {} rows in {} pages; sample of {} rows in {} pages ({} spans{}); calibrated in {:.1f} s of a "
      "{:g} s budget. Server CPU per row of the sample (server_scan): {}. Round trip {:.2f} ms; {} cores{}; {} "
      "workers, batches of {} rows; memory limit {} ({}).",
      c.table, c.table_rows_exact ? "exactly" : "about", c.table_rows, c.table_pages, c.sample_rows, c.sample_pages,
      c.spans, c.table_rows_exact ? ": the whole table" : ", spread over the whole table", c.seconds, c.time_budget_s,
      formats.empty() ? std::string("not measured") : formats, c.round_trip_ms, c.cores,
      c.server_shares_cores ? " shared with the server" : " (the server runs elsewhere)", c.workers, c.batch_rows,
      c.memory_limit_bytes > 0 ? mib(static_cast<double>(c.memory_limit_bytes)) : std::string("none"),
      c.memory_limit_source.empty() ? std::string("none") : c.memory_limit_source);
}

std::string recommendation_text(const AdviseResult& a) {
  if (!a.recommendation)
    return a.predictions.empty() ? "No recommendation: no strategy was calibrated."
                                 : "No recommendation: no strategy is predicted to fit the memory limit.";
  const Recommendation& r = *a.recommendation;
  const bool both = two_formats(a);
  std::string text = fmt::format("Recommended: {}.", r.why);
  if (!r.runner_up.empty())
    text += fmt::format(" Runner-up: {}.", strategy_label(r.runner_up, r.runner_up_format.value_or(r.format), both));
  return text;
}

StrategyTable check_table(const AdviseResult& a) {
  StrategyTable t;
  if (!a.check) return t;
  t.header = {"strategy",        "format", "predicted rows/s (range)",
              "measured (runs)", "error",  "predicted RSS",
              "measured RSS",    "error",  "within"};
  t.align = {Align::left,  Align::left,  Align::right, Align::right, Align::right,
             Align::right, Align::right, Align::right, Align::left};
  for (const StrategyCheck& c : a.check->strategies) {
    // rows/s: within the tolerance of the median; range: not, but the predicted range
    // meets the measured runs' (the miss is within the two measurements' noise).
    std::string within = c.rows_within() ? "rows/s" : c.ranges_meet() ? "range" : "";
    if (c.rss_within()) within += within.empty() ? "RSS" : ", RSS";
    if (within.empty()) within = "neither";
    if (!c.read_exactly) within += " (read other rows than the server's)";
    t.rows.push_back({c.strategy, std::string(to_string(c.format)),
                      with_range(c.predicted_rows_per_sec, c.predicted_rows_per_sec_low, c.predicted_rows_per_sec_high),
                      with_range(c.measured_rows_per_sec, c.measured_rows_per_sec_min, c.measured_rows_per_sec_max),
                      signed_percent(c.rows_error()), mib(static_cast<double>(c.predicted_rss_bytes)),
                      mib(static_cast<double>(c.measured_rss_bytes)), signed_percent(c.rss_error()), within});
  }
  return t;
}

std::string check_summary_text(const AdviseResult& a) {
  if (!a.check) return {};
  const CheckSummary s = summarize_check(*a.check, a.calibration.seconds);
  std::string text =
      fmt::format("rows/s: {} of {} predictions within ±{:.0f}%", s.rows_within, s.strategies, kRowsTolerance * 100);
  if (s.worst_rows_error)
    text += fmt::format(" (worst: {}, {})", s.worst_rows_strategy, signed_percent(*s.worst_rows_error));
  if (s.widest_spread)
    text += fmt::format(
        "; {} of {} predicted ranges meet the measured runs' range, whose own spread reaches {:.0f}% of the median "
        "({})",
        s.ranges_meet, s.strategies, *s.widest_spread * 100, s.widest_spread_strategy);
  text += fmt::format("; peak RSS: {} of {} within ±{:.0f}% or {} MiB", s.rss_within, s.strategies, kRssTolerance * 100,
                      kRssSlackBytes >> 20);
  if (s.worst_rss_error)
    text += fmt::format(" (worst: {}, {})", s.worst_rss_strategy, signed_percent(*s.worst_rss_error));
  if (a.check->recommended_share_of_best)
    text += fmt::format("; the recommended strategy measured {:.2f} of the best that fits ({})",
                        *a.check->recommended_share_of_best, a.check->best_measured);
  if (s.calibration_share)
    text += fmt::format("; calibration took {:.1f} s, {:.1f}% of the {:.0f} s the full reads took",
                        a.calibration.seconds, *s.calibration_share * 100, a.check->benchmark_s);
  return text + ".";
}

}  // namespace benchlab

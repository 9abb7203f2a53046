#include "model/queue.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace benchlab {

namespace {

template <typename T, typename Pick, typename Value>
MeanStddev mean_stddev(const std::vector<T>& items, Pick pick, Value value) {
  MeanStddev out;
  double sum = 0;
  for (const auto& s : items)
    if (pick(s)) {
      sum += value(s);
      ++out.count;
    }
  if (out.count == 0) return out;
  out.mean = sum / out.count;
  double squares = 0;
  for (const auto& s : items)
    if (pick(s)) squares += (value(s) - out.mean) * (value(s) - out.mean);
  out.stddev = std::sqrt(squares / out.count);
  return out;
}

std::string format_number(const char* format, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

}  // namespace

MeanStddev jobs_per_sec_of(const std::vector<QueueSample>& samples, const std::string& profile, int concurrency,
                           int payload_bytes) {
  return mean_stddev(
      samples,
      [&](const QueueSample& s) {
        return s.profile == profile && s.concurrency == concurrency && s.payload_bytes == payload_bytes &&
               s.error.empty();
      },
      [](const QueueSample& s) { return s.jobs_per_sec; });
}

MeanStddev bound_of(const std::vector<QueueBound>& bounds, const std::string& profile, int payload_bytes) {
  return mean_stddev(
      bounds,
      [&](const QueueBound& b) {
        return b.profile == profile && b.payload_bytes == payload_bytes && b.jobs_per_sec > 0;
      },
      [](const QueueBound& b) { return b.jobs_per_sec; });
}

std::vector<QueueLevel> queue_levels(const std::vector<QueueSample>& samples, const std::vector<QueueBound>& bounds) {
  std::vector<QueueLevel> out;
  for (const auto& s : samples) {
    auto it = std::find_if(out.begin(), out.end(), [&](const QueueLevel& l) {
      return l.profile == s.profile && l.concurrency == s.concurrency && l.payload_bytes == s.payload_bytes;
    });
    if (it == out.end()) {
      QueueLevel level;
      level.profile = s.profile;
      level.payload_bytes = s.payload_bytes;
      level.concurrency = s.concurrency;
      level.jobs_per_sec = jobs_per_sec_of(samples, s.profile, s.concurrency, s.payload_bytes);
      const auto finished = [&](const QueueSample& x) {
        return x.profile == s.profile && x.concurrency == s.concurrency && x.payload_bytes == s.payload_bytes &&
               x.error.empty();
      };
      level.wal_bytes_per_job =
          mean_stddev(samples, finished, [](const QueueSample& x) { return x.wal_bytes_per_job; }).mean;
      level.seed_wal_bytes_per_job =
          mean_stddev(samples, finished, [](const QueueSample& x) { return x.seed_wal_bytes_per_job; }).mean;
      level.claim_us = mean_stddev(samples, finished, [](const QueueSample& x) { return x.claim_us; }).mean;
      level.complete_us = mean_stddev(samples, finished, [](const QueueSample& x) { return x.complete_us; }).mean;
      level.bound = bound_of(bounds, s.profile, s.payload_bytes);
      if (level.bound.count > 0) {
        const auto mine = [&](const QueueBound& b) {
          return b.profile == s.profile && b.payload_bytes == s.payload_bytes && b.jobs_per_sec > 0;
        };
        level.bound_claim_us = mean_stddev(bounds, mine, [](const QueueBound& b) { return b.claim_us; }).mean;
        level.bound_complete_us = mean_stddev(bounds, mine, [](const QueueBound& b) { return b.complete_us; }).mean;
        level.bound_wal_bytes_per_job =
            mean_stddev(bounds, mine, [](const QueueBound& b) { return b.wal_bytes_per_job; }).mean;
        if (level.bound.mean > 0) level.fraction_of_bound = level.jobs_per_sec.mean / level.bound.mean;
      }
      out.push_back(level);
      it = out.end() - 1;
    }
    ++it->samples;
    it->exactly_once += s.exactly_once ? 1 : 0;
  }
  return out;
}

std::string payload_label(int payload_bytes) {
  return payload_bytes == 0 ? "standard" : std::to_string(payload_bytes) + " B";
}

const std::vector<std::string>& queue_level_headers() {
  static const std::vector<std::string> headers{
      "profile",      "payload",  "concurrency",   "jobs/s (mean)",           "stddev",
      "bound jobs/s", "of bound", "WAL bytes/job", "seeding's WAL bytes/job", "samples exactly once"};
  return headers;
}

std::vector<std::string> queue_level_cells(const QueueLevel& l) {
  const bool bound = l.bound.count > 0;
  return {l.profile,
          payload_label(l.payload_bytes),
          std::to_string(l.concurrency),
          format_number("%.0f", l.jobs_per_sec.mean),
          format_number("%.0f", l.jobs_per_sec.stddev),
          bound ? format_number("%.0f", l.bound.mean) : "—",
          bound ? format_number("%.2f", l.fraction_of_bound) : "—",
          l.wal_bytes_per_job > 0 ? format_number("%.0f", l.wal_bytes_per_job) : "—",  // not measured before
          l.seed_wal_bytes_per_job > 0 ? format_number("%.0f", l.seed_wal_bytes_per_job) : "—",
          std::to_string(l.exactly_once) + "/" + std::to_string(l.samples)};
}

std::string round_trips_per_job(const QueueLevel& l) {
  const double rest_us = 1e6 / l.jobs_per_sec.mean - l.claim_us - l.complete_us;
  return "the claim's round trip " + format_number("%.0f", l.claim_us) + " µs against the bound's " +
         format_number("%.0f", l.bound_claim_us) + " µs (the difference: finding the next job, SKIP LOCKED), the " +
         "completion's " + format_number("%.0f", l.complete_us) + " µs against " +
         format_number("%.0f", l.bound_complete_us) + " µs, " + format_number("%.0f", rest_us > 0 ? rest_us : 0) +
         " µs in the worker between statements";
}

std::string bound_verdict(const QueueLevel& l) {
  if (l.concurrency != 1 || l.bound.count == 0 || l.jobs_per_sec.count == 0) return {};
  const bool met = l.fraction_of_bound >= kQueueBoundTarget;
  return l.profile + ", payload " + payload_label(l.payload_bytes) +
         ", one worker: " + format_number("%.0f", l.jobs_per_sec.mean) + " jobs/s, " +
         format_number("%.2f", l.fraction_of_bound) + " of the bound (" + format_number("%.0f", l.bound.mean) +
         " jobs/s): target ≥ " + format_number("%.1f", kQueueBoundTarget) + (met ? " met" : " not met") +
         ". Per job, " + round_trips_per_job(l) + ".";
}

}  // namespace benchlab

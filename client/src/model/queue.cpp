#include "model/queue.hpp"

#include <algorithm>

#include <cmath>

namespace benchlab {

MeanStddev jobs_per_sec_of(const std::vector<QueueSample>& samples, const std::string& profile, int concurrency) {
  MeanStddev out;
  double sum = 0;
  for (const auto& s : samples)
    if (s.profile == profile && s.concurrency == concurrency && s.error.empty()) {
      sum += s.jobs_per_sec;
      ++out.count;
    }
  if (out.count == 0) return out;
  out.mean = sum / out.count;
  double squares = 0;
  for (const auto& s : samples)
    if (s.profile == profile && s.concurrency == concurrency && s.error.empty())
      squares += (s.jobs_per_sec - out.mean) * (s.jobs_per_sec - out.mean);
  out.stddev = std::sqrt(squares / out.count);
  return out;
}

std::vector<QueueLevel> queue_levels(const std::vector<QueueSample>& samples) {
  std::vector<QueueLevel> out;
  for (const auto& s : samples) {
    auto it = std::find_if(out.begin(), out.end(), [&](const QueueLevel& l) {
      return l.profile == s.profile && l.concurrency == s.concurrency;
    });
    if (it == out.end()) {
      out.push_back({s.profile, s.concurrency, jobs_per_sec_of(samples, s.profile, s.concurrency), 0, 0});
      it = out.end() - 1;
    }
    ++it->samples;
    it->exactly_once += s.exactly_once ? 1 : 0;
  }
  return out;
}

}  // namespace benchlab

#include "model/queue.hpp"

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

}  // namespace benchlab

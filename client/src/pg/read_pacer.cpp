#include "pg/read_pacer.hpp"

#include <algorithm>
#include <cstdint>
#include <thread>

namespace benchlab::pg {

std::chrono::nanoseconds ReadPacer::planned_nap() const {
  if (bytes_per_ns_ <= 0) return std::chrono::nanoseconds(0);
  const double ns = std::min(target_bytes_ / bytes_per_ns_, static_cast<double>(std::chrono::nanoseconds(max_nap_).count()));
  // Shorter than a wakeup is worth: the socket will be read soon anyway.
  if (ns < 20'000) return std::chrono::nanoseconds(0);
  return std::chrono::nanoseconds(static_cast<std::int64_t>(ns));
}

void ReadPacer::before_wait(std::span<pollfd> sockets) {
  const Clock::time_point now = Clock::now();
  if (!started_) {
    // The window starts at the first wait after the first bytes: the query's own
    // start-up, before any row, is not a sending rate.
    if (bytes_ == 0) return;
    started_ = true;
    window_start_ = now;
    bytes_ = 0;
    return;
  }
  // What arrived in a window is what the server sent in it: the socket was never
  // full (it holds far more than the target), so the server was never held back.
  if (now - window_start_ >= kRateWindow) {
    const auto window_ns = std::chrono::duration<double, std::nano>(now - window_start_).count();
    bytes_per_ns_ = static_cast<double>(bytes_) / window_ns;
    window_start_ = now;
    bytes_ = 0;
  }
  const auto nap = planned_nap();
  if (nap.count() <= 0) return;
  // Data already waiting: read it (a failed poll naps no more than it would wait).
  if (!sockets.empty() && ::poll(sockets.data(), static_cast<nfds_t>(sockets.size()), 0) > 0) return;
  std::this_thread::sleep_for(nap);
}

}  // namespace benchlab::pg

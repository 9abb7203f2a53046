// Paces a reader that drains its server faster than the server sends. A backend
// flushes a COPY or result stream in 8 KiB writes; a client that waits on the
// socket as soon as it has drained it wakes once per write — a sleep, a wakeup,
// a poll and two reads for every 60 or so rows, which on a virtual machine cost
// the client more CPU per row than decoding them. Before waiting, the reader
// naps for as long as the server takes, at the rate it has been sending, to queue
// about `target_bytes` more, so each wakeup finds several writes to read at once.
// The target stays far below what a socket buffers (Unix sockets ~200 KiB, TCP
// more), so the server never blocks on a full socket and the read is not slowed;
// a reader that is slower than its server never finds the socket empty and never
// naps. The nap is bounded (`max_nap`), so a slow trickle costs at most that much
// latency per wakeup, and the first wait of a read has no rate to go by: no nap.
#pragma once

#include <poll.h>

#include <chrono>
#include <cstddef>
#include <span>

namespace benchlab::pg {

class ReadPacer {
 public:
  static constexpr std::size_t kTargetBytes = 64 * 1024;
  static constexpr std::chrono::microseconds kMaxNap{1000};
  // The server's rate is taken over windows of at least this long, so a reader that
  // accounts for its bytes in lumps (a FETCH's whole result) still measures it.
  static constexpr std::chrono::milliseconds kRateWindow{25};

  explicit ReadPacer(std::size_t target_bytes = kTargetBytes, std::chrono::microseconds max_nap = kMaxNap)
      : target_bytes_(static_cast<double>(target_bytes)), max_nap_(max_nap) {}

  // Bytes the reader took from the connection.
  void consumed(std::size_t bytes) { bytes_ += bytes; }
  // Called when the reader has handled everything buffered and is about to wait
  // on its sockets: naps when the server is slower than the reader, and only if
  // nothing is queued on any of `sockets` now (a reader that takes one read per turn,
  // or reads one of several connections, must not nap while data waits).
  void before_wait(std::span<pollfd> sockets);
  void before_wait(int socket) {
    pollfd p{socket, POLLIN, 0};
    before_wait(std::span(&p, 1));
  }
  // How long the next nap would be (0: none); for tests and diagnostics.
  [[nodiscard]] std::chrono::nanoseconds planned_nap() const;

 private:
  using Clock = std::chrono::steady_clock;
  double target_bytes_;
  std::chrono::microseconds max_nap_;
  std::size_t bytes_ = 0;  // in the current window
  Clock::time_point window_start_{};
  bool started_ = false;
  double bytes_per_ns_ = 0;  // the server's sending rate in the last whole window
};

}  // namespace benchlab::pg

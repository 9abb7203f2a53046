#include "process/futex.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <ctime>

namespace benchlab::shm {

namespace {

std::uint32_t* address(std::atomic<std::uint32_t>& word) {
  // The kernel reads the word itself: the atomic's object representation is the integer.
  return reinterpret_cast<std::uint32_t*>(&word);
}

}  // namespace

void futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected, std::chrono::nanoseconds timeout) {
  if (timeout.count() <= 0) return;
  timespec relative{};
  relative.tv_sec = static_cast<time_t>(timeout.count() / 1'000'000'000);
  relative.tv_nsec = static_cast<long>(timeout.count() % 1'000'000'000);
  // FUTEX_WAIT without FUTEX_PRIVATE_FLAG: keyed by the page, so it works across
  // processes that share the mapping. EAGAIN (the word changed), EINTR and
  // ETIMEDOUT all just return: the caller re-checks.
  (void)syscall(SYS_futex, address(word), FUTEX_WAIT, expected, &relative, nullptr, 0);
}

void futex_wake_all(std::atomic<std::uint32_t>& word) {
  (void)syscall(SYS_futex, address(word), FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
}

}  // namespace benchlab::shm

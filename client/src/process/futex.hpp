// Waiting for a word in shared memory to change, across processes: Linux futexes
// on a MAP_SHARED mapping (not the private kind std::atomic::wait uses, which only
// wakes threads of one process).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace benchlab::shm {

static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t) &&
                  std::atomic<std::uint32_t>::is_always_lock_free,
              "a futex word is a plain 32-bit integer");

// Sleeps while `word` holds `expected`, at most `timeout`; returns at once if it
// does not (the kernel compares atomically with the sleep). Spurious returns
// happen: callers re-check their condition.
void futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected, std::chrono::nanoseconds timeout);

// Wakes every process sleeping on `word`.
void futex_wake_all(std::atomic<std::uint32_t>& word);

}  // namespace benchlab::shm

// This process's memory as the kernel accounts it, and the limits the memory
// planner sets: what a worker privately owns (not the pages it shares with the
// parent after fork), the budget the machine or its cgroup allows, and a ceiling
// on a forked worker's growth.
#pragma once

#include <cstdint>
#include <string>

namespace benchlab {

// Private_Clean + Private_Dirty of /proc/self/smaps_rollup: pages only this
// process maps (a forked worker's copy-on-write pages count once written). 0 if unreadable.
std::uint64_t own_private_bytes();
// VmRSS and VmSize of /proc/self/status (0 if unreadable).
std::uint64_t own_resident_bytes();
std::uint64_t own_address_space_bytes();
// This process's peak resident set since it started (getrusage ru_maxrss), in bytes.
std::uint64_t own_peak_rss_bytes();

struct MachineBudget {
  std::uint64_t bytes = 0;
  std::string source;  // "cgroup memory.max" or "MemAvailable"
};
// The cgroup v2 memory limit of this process's cgroup when one is set (minus what
// the cgroup already uses), else MemAvailable.
MachineBudget machine_memory_budget();

// Caps this process's address space at its current size plus `growth` bytes
// (RLIMIT_AS): an allocation beyond fails here, in this process alone. Returns
// false if the limit could not be set.
bool limit_address_space_growth(std::uint64_t growth);

// The allocator keeps the heap it freed instead of handing it back to the kernel
// after every batch: by default glibc trims the heap's top once 128 KiB of it is
// free, so a reader that frees one batch's PGresult and allocates the next pays
// page faults and memory-cgroup charges for the same pages again and again (half
// of cursor_pagination's client CPU per row, measured). Called once, at start;
// forked workers inherit it.
void keep_freed_heap();
// Hands every freed page back to the kernel now (malloc_trim): called before each
// measured run, so a run's peak RSS starts from what is live, not from what an
// earlier run freed.
void return_freed_heap();

}  // namespace benchlab

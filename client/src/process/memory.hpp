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

}  // namespace benchlab

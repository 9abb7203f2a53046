// Fixed resources of a run: the CPUs a process may run on (sched_setaffinity) and
// a cap on the client's memory. --client-cpus and --client-memory apply to
// benchclient itself, --server-cpus to the throwaway postmaster (its backends inherit it).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace benchlab {

// "0", "0,1", "0-1", "0-2,5": the CPUs, sorted and without duplicates. Throws
// std::invalid_argument (one line) on bad syntax or a CPU this process cannot run
// on (it does not exist, or is outside the CPUs it was given).
std::vector<int> parse_cpu_list(const std::string& text);

// The CPUs `pid` (0: this process) may run on; empty if unknown.
std::vector<int> allowed_cpus(pid_t pid = 0);

// {0, 1} -> "0-1", {0, 2, 3} -> "0,2-3".
std::string format_cpu_list(const std::vector<int>& cpus);

// Pins `pid` (0: this process) to `cpus`. Returns false (errno set) on failure.
bool pin_to_cpus(pid_t pid, const std::vector<int>& cpus) noexcept;

// Pins every thread of this process (and so every thread and child it starts later).
bool pin_this_process(const std::vector<int>& cpus) noexcept;

// Caps this process's memory at `bytes`: the soft RLIMIT_AS (address space, which is
// larger than the memory used: thread stacks and malloc arenas count at their reserved
// size). Only the soft limit: the hard one stays, so a child that must not be capped
// (the throwaway server) lifts it with lift_memory_cap(). Returns the mechanism used,
// naming why cgroup v2 was not; throws std::runtime_error when the cap cannot be set
// or is below what the process already maps.
std::string cap_client_memory(std::uint64_t bytes);

// In a child: the soft RLIMIT_AS back to the hard limit (async-signal-safe).
void lift_memory_cap() noexcept;

}  // namespace benchlab

#include "process/memory.hpp"

#include <malloc.h>

#include <sys/resource.h>

#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <string_view>

namespace benchlab {
namespace {

// The sum of the "Key:   123 kB" lines of a /proc file for the given keys, in
// bytes (0: absent), in one read of the file.
std::uint64_t proc_kb(const char* path, std::initializer_list<std::string_view> keys) {
  std::ifstream in(path);
  std::string line;
  std::uint64_t total = 0;
  while (std::getline(in, line)) {
    for (const std::string_view key : keys) {
      if (line.compare(0, key.size(), key) != 0 || line.size() <= key.size() || line[key.size()] != ':') continue;
      std::istringstream fields(line.substr(key.size() + 1));
      std::uint64_t kb = 0;
      fields >> kb;
      total += kb * 1024;
    }
  }
  return total;
}

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

std::uint64_t own_private_bytes() { return proc_kb("/proc/self/smaps_rollup", {"Private_Clean", "Private_Dirty"}); }
std::uint64_t own_resident_bytes() { return proc_kb("/proc/self/status", {"VmRSS"}); }
std::uint64_t own_address_space_bytes() { return proc_kb("/proc/self/status", {"VmSize"}); }

MachineBudget machine_memory_budget() {
  // cgroup v2: "0::/some/path" in /proc/self/cgroup.
  const std::string cgroup = first_line("/proc/self/cgroup");
  if (cgroup.rfind("0::", 0) == 0) {
    const std::string dir = "/sys/fs/cgroup" + cgroup.substr(3);
    const std::string max = first_line(dir + "/memory.max");
    if (!max.empty() && max != "max") {
      const std::uint64_t limit = std::stoull(max);
      const std::string current = first_line(dir + "/memory.current");
      const std::uint64_t used = current.empty() ? 0 : std::stoull(current);
      return {limit > used ? limit - used : 0, "cgroup memory.max"};
    }
  }
  return {proc_kb("/proc/meminfo", {"MemAvailable"}), "MemAvailable"};
}

bool limit_address_space_growth(std::uint64_t growth) {
  const std::uint64_t now = own_address_space_bytes();
  if (now == 0) return false;
  rlimit limit{};
  limit.rlim_cur = static_cast<rlim_t>(now + growth);
  limit.rlim_max = static_cast<rlim_t>(now + growth);
  return setrlimit(RLIMIT_AS, &limit) == 0;
}

void keep_freed_heap() {
  // Freed memory stays in the heap (up to 256 MiB of it) and blocks of up to 1 MiB
  // (a batch's pieces) come from the heap rather than fresh mappings;
  // return_freed_heap() gives it back between runs. Larger blocks (a growing
  // column of kept rows) stay mappings of their own, returned when freed, so a
  // freed half of a doubled buffer never lingers in a run's RSS.
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
}

void return_freed_heap() { malloc_trim(0); }

std::uint64_t own_peak_rss_bytes() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;  // Linux reports KiB
}

}  // namespace benchlab

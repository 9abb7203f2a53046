#include "process/resources.hpp"

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "model/errors.hpp"
#include "model/memory_plan.hpp"
#include "process/memory.hpp"

namespace benchlab {

namespace {

int parse_cpu(std::string_view text, const std::string& whole) {
  int value = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0 || value >= CPU_SETSIZE)
    throw std::invalid_argument(
        fmt::format("'{}' is not a CPU list; give CPU numbers and ranges, e.g. 0 or 0,1 or 0-1", whole));
  return value;
}

}  // namespace

std::vector<int> allowed_cpus(pid_t pid) {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> out;
  if (sched_getaffinity(pid, sizeof(set), &set) != 0) return out;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
    if (CPU_ISSET(cpu, &set)) out.push_back(cpu);
  return out;
}

std::string format_cpu_list(const std::vector<int>& cpus) {
  std::string out;
  for (std::size_t i = 0; i < cpus.size();) {
    std::size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) ++j;
    if (!out.empty()) out += ",";
    out += j == i ? std::to_string(cpus[i]) : fmt::format("{}-{}", cpus[i], cpus[j]);
    i = j + 1;
  }
  return out;
}

std::vector<int> parse_cpu_list(const std::string& text) {
  std::vector<int> cpus;
  std::string_view rest = text;
  if (rest.empty()) throw std::invalid_argument("an empty CPU list; give CPU numbers, e.g. 0 or 0,1 or 0-1");
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (comma != std::string_view::npos && rest.empty())
      throw std::invalid_argument(fmt::format("'{}' ends with a comma; give e.g. 0,1", text));
    const auto dash = item.find('-');
    const int lo = parse_cpu(item.substr(0, dash), text);
    const int hi = dash == std::string_view::npos ? lo : parse_cpu(item.substr(dash + 1), text);
    if (hi < lo)
      throw std::invalid_argument(fmt::format("'{}': the range {} runs backwards; give e.g. 0-1", text, item));
    for (int c = lo; c <= hi; ++c) cpus.push_back(c);
  }
  std::sort(cpus.begin(), cpus.end());
  cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
  const std::vector<int> allowed = allowed_cpus();
  for (const int c : cpus)
    if (!std::binary_search(allowed.begin(), allowed.end(), c))
      throw std::invalid_argument(
          fmt::format("CPU {} does not exist here (this process may run on CPUs {}); give CPUs "
                      "from {}",
                      c, format_cpu_list(allowed), format_cpu_list(allowed)));
  return cpus;
}

bool pin_to_cpus(pid_t pid, const std::vector<int>& cpus) noexcept {
  cpu_set_t set;
  CPU_ZERO(&set);
  for (const int c : cpus) CPU_SET(c, &set);
  return sched_setaffinity(pid, sizeof(set), &set) == 0;
}

bool pin_this_process(const std::vector<int>& cpus) noexcept {
  // sched_setaffinity(0) pins only the calling thread: every thread there is, by its id.
  bool ok = pin_to_cpus(0, cpus);
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    const std::string name = task.path().filename().string();
    pid_t tid = 0;
    const auto [end, err] = std::from_chars(name.data(), name.data() + name.size(), tid);
    if (err == std::errc() && end == name.data() + name.size() && tid > 0) ok = pin_to_cpus(tid, cpus) && ok;
  }
  return ok;
}

std::string cap_client_memory(std::uint64_t bytes) {
  // cgroup v2 would cap the memory itself, but moving benchclient into a cgroup of its
  // own also moves every child it starts (the throwaway server included) and needs a
  // delegated, writable hierarchy; RLIMIT_AS is per process, and children lift it.
  const std::uint64_t mapped = own_address_space_bytes();
  if (mapped != 0 && bytes <= mapped)
    throw SettingFailed(SettingFailed::Problem::client_memory_mapped, format_bytes(bytes), format_bytes(mapped));
  struct rlimit lim {};
  if (getrlimit(RLIMIT_AS, &lim) != 0)
    throw SettingFailed(SettingFailed::Problem::client_memory_call, "",
                        fmt::format("getrlimit(RLIMIT_AS): {}", std::strerror(errno)));
  if (lim.rlim_max != RLIM_INFINITY && bytes > lim.rlim_max)
    throw SettingFailed(SettingFailed::Problem::client_memory_hard_limit, "",
                        std::to_string(static_cast<unsigned long long>(lim.rlim_max)));
  lim.rlim_cur = static_cast<rlim_t>(bytes);
  if (setrlimit(RLIMIT_AS, &lim) != 0)
    throw SettingFailed(SettingFailed::Problem::client_memory_call, "",
                        fmt::format("setrlimit(RLIMIT_AS): {}", std::strerror(errno)));
  return "RLIMIT_AS (soft limit on benchclient's address space; cgroup v2 not used)";
}

void lift_memory_cap() noexcept {
  struct rlimit lim {};
  if (getrlimit(RLIMIT_AS, &lim) == 0 && lim.rlim_cur != lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_AS, &lim);
  }
}

}  // namespace benchlab

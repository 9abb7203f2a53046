#include "measure/host_facts.hpp"

#include "measure/build_commit.hpp"
#include "pg/connection.hpp"

#include <sys/utsname.h>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <thread>

namespace benchlab {

namespace {

std::string first_line_with(const char* path, std::string_view prefix) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(prefix)) {
      auto colon = line.find(':');
      if (colon == std::string::npos) return line;
      auto value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(" \t"));
      return value;
    }
  }
  return "unknown";
}

std::uint64_t mem_total_bytes() {
  const std::string v = first_line_with("/proc/meminfo", "MemTotal");
  try {
    return std::stoull(v) * 1024;  // "16318412 kB"
  } catch (...) {
    return 0;
  }
}

}  // namespace

std::string utc_now(const char* format) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

HostFacts read_host_facts() {
  HostFacts h;
  h.cpu_model = first_line_with("/proc/cpuinfo", "model name");
  h.cores = std::thread::hardware_concurrency();
  h.memory_bytes = mem_total_bytes();
  utsname u{};
  if (uname(&u) == 0) h.kernel = std::string(u.sysname) + " " + u.release + " " + u.machine;
  // A busy machine spoils timings: the 1, 5 and 15 minute load averages say how busy.
  double load[3] = {0, 0, 0};
  if (getloadavg(load, 3) == 3) h.load_average = {load[0], load[1], load[2]};
  return h;
}

BuildFacts build_facts() {
  BuildFacts b;
  b.compiler = std::string("g++ ") + __VERSION__;
  b.benchlab_version = BENCHLAB_VERSION;
  // The commit the binary was built from (CMake embeds it; "-dirty" when the tree had
  // uncommitted changes), not whatever the checkout holds when the run ends.
  b.git_commit = build_git_commit();
  b.libpq_version = pg::libpq_version();
  return b;
}

}  // namespace benchlab

#include "model/fingerprint.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

#include "benchlab/row_checksum.hpp"  // XXH3, inline

namespace benchlab {

std::string short_commit(const std::string& c) {
  if (c.empty()) return "commit unknown";
  const bool dirty = c.ends_with("-dirty");
  return c.substr(0, std::min<std::size_t>(7, c.size())) + (dirty ? "-dirty" : "");
}

std::string fingerprint(const Context& c) {
  std::string settings;
  for (const auto& [k, v] : c.server.settings) settings += k + "=" + v + "\n";
  std::string profile = c.target.throwaway ? (c.target.profile.empty() ? "default" : c.target.profile) : "--dsn";
  return fmt::format("{} · {} cores · PostgreSQL {} · settings {} ({:08x}) · benchlab {}", c.host.cpu_model,
                     c.host.cores, c.server.version.substr(0, c.server.version.find(' ')), profile,
                     static_cast<std::uint32_t>(XXH3_64bits(settings.data(), settings.size())),
                     short_commit(c.build.git_commit));
}

std::string fingerprint(const Provenance& p) {
  return fmt::format("{} · {} cores · PostgreSQL {} · benchlab {}", p.cpu_model.empty() ? "CPU unknown" : p.cpu_model,
                     p.cores, p.server_version.empty() ? "?" : p.server_version.substr(0, p.server_version.find(' ')),
                     short_commit(p.git_commit));
}

std::string measured_on(const std::vector<const Context*>& contexts) {
  std::vector<std::string> machines;
  for (const Context* c : contexts) {
    const std::string m =
        fmt::format("{}, {} cores", c->host.cpu_model.empty() ? "an unknown CPU" : c->host.cpu_model, c->host.cores);
    if (std::find(machines.begin(), machines.end(), m) == machines.end()) machines.push_back(m);
  }
  return fmt::format("{}", fmt::join(machines, " and "));
}

}  // namespace benchlab

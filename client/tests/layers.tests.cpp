// The client's house: folders of client/src in layers, bottom to top, an include
// only ever pointing down. Read from the code's own `#include "folder/..."` lines,
// so a change that makes two folders include each other (directly or around a
// loop), or a folder include one above it, fails here.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

// Bottom to top; folders on one line are peers and must not include each other.
const std::vector<std::vector<std::string>> kLayers = {
    {"model"},               // plain types every layer speaks
    {"process"},             // signals, children, shared memory
    {"pg"},                  // RAII over libpq
    {"store"},               // every file benchlab reads and writes: artifacts, schemas, atomic writes
    {"cluster", "decode"},   // the throwaway cluster; typed decoding
    {"measure"},             // the harness behind RunContext
    {"strategies", "plan"},  // one file per strategy; planning a read
    {"run", "verify", "queue", "advise",
     "fanout"},  // rounds, runs and checkpoints; verify across two servers; the job queue; advise; fan-out
    {"charts"},  // SVG charts drawn from summaries
    {"report"},  // reporters behind one interface
    {"cli"},     // options, validation, commands
};

using Graph = std::map<std::string, std::set<std::string>>;

// folder -> the folders its files include (itself left out).
Graph include_graph(const fs::path& src, std::vector<std::string>& unknown) {
  Graph g;
  const std::regex include_line(R"(^\s*#\s*include\s*"([a-z_]+)/[^"]+")");
  for (const auto& e : fs::recursive_directory_iterator(src)) {
    if (!e.is_regular_file()) continue;
    const fs::path rel = fs::relative(e.path(), src);
    if (rel.begin() == rel.end() || std::next(rel.begin()) == rel.end()) continue;  // main.cpp: the top
    const std::string folder = rel.begin()->string();
    g[folder];
    std::ifstream in(e.path());
    std::string line;
    std::smatch m;
    while (std::getline(in, line)) {
      if (!std::regex_search(line, m, include_line)) continue;
      const std::string target = m[1];
      if (target == "benchlab") continue;  // common/include/benchlab: below everything
      if (!fs::is_directory(src / target)) {
        unknown.push_back(rel.string() + " includes " + target + "/");
        continue;
      }
      if (target != folder) g[folder].insert(target);
    }
  }
  return g;
}

// A loop through `g`, as "a -> b -> a", or empty.
std::string find_loop(const Graph& g) {
  std::map<std::string, int> state;  // 0 new, 1 on the path, 2 done
  std::vector<std::string> path;
  std::string loop;
  std::function<bool(const std::string&)> visit = [&](const std::string& n) {
    state[n] = 1;
    path.push_back(n);
    const auto it = g.find(n);
    if (it != g.end()) {
      for (const auto& next : it->second) {
        if (state[next] == 1) {
          auto start = std::find(path.begin(), path.end(), next);
          for (auto p = start; p != path.end(); ++p) loop += *p + " -> ";
          loop += next;
          return true;
        }
        if (state[next] == 0 && visit(next)) return true;
      }
    }
    path.pop_back();
    state[n] = 2;
    return false;
  };
  for (const auto& [n, _] : g)
    if (state[n] == 0 && visit(n)) return loop;
  return {};
}

int rank_of(const std::string& folder) {
  for (std::size_t i = 0; i < kLayers.size(); ++i)
    if (std::find(kLayers[i].begin(), kLayers[i].end(), folder) != kLayers[i].end()) return static_cast<int>(i);
  return -1;
}

}  // namespace

TEST_CASE("layers: no two folders of client/src include each other, directly or around a loop", "[layers]") {
  std::vector<std::string> unknown;
  const Graph g = include_graph(fs::path(BENCHLAB_SOURCE_DIR) / "client" / "src", unknown);
  REQUIRE(g.size() >= kLayers.size());  // the walk found the house
  INFO("include loop: " << find_loop(g));
  CHECK(find_loop(g).empty());
  CHECK(unknown.empty());
}

TEST_CASE("layers: every folder has its layer and includes only folders below it", "[layers]") {
  std::vector<std::string> unknown;
  const Graph g = include_graph(fs::path(BENCHLAB_SOURCE_DIR) / "client" / "src", unknown);
  for (const auto& [folder, targets] : g) {
    INFO("folder " << folder << "/ (add it to kLayers in layers.tests.cpp and CONTRIBUTING.md's layers)");
    REQUIRE(rank_of(folder) >= 0);
    for (const auto& t : targets) {
      INFO(folder << "/ includes " << t << "/");
      CHECK(rank_of(t) < rank_of(folder));
    }
  }
}

TEST_CASE("layers: the loop finder finds a loop when there is one", "[layers]") {
  // The check above is only as good as this: a made-up house with a loop.
  const Graph looped = {{"a", {"b"}}, {"b", {"c"}}, {"c", {"a"}}, {"d", {"a"}}};
  CHECK(find_loop(looped) == "a -> b -> c -> a");
  const Graph fine = {{"a", {"b", "c"}}, {"b", {"c"}}, {"c", {}}};
  CHECK(find_loop(fine).empty());
}

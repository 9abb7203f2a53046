#include "results/artifact.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "pg/connection.hpp"

namespace benchlab::results {

namespace fs = std::filesystem;

namespace {

std::string utc_now(const char* format) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

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

// The commit the binary was built from (CMake embeds it; "-dirty" when the tree had
// uncommitted changes), not whatever the checkout holds when the run ends.
std::string git_commit() { return BENCHLAB_GIT_COMMIT; }

// 1, 5 and 15 minute load averages: a busy machine spoils timings.
std::vector<double> load_average_now() {
  double load[3] = {0, 0, 0};
  if (getloadavg(load, 3) != 3) return {};
  return {load[0], load[1], load[2]};
}

Json summary_json(const Summary& s) { return Json{{"median", s.median}, {"min", s.min}, {"max", s.max}}; }

template <typename T>
Json opt(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

Json options_json(const cli::RunOptions& o) {
  return Json{{"strategies", o.strategies},
              {"rows", o.row_counts},
              {"runs", o.runs},
              {"warmup", o.warmup},
              {"format", std::string(to_string(o.format))},
              {"workers", o.workers},
              {"batch_rows", o.batch_rows},
              {"statement_timeout_ms", o.statement_timeout_ms},
              {"policy", o.policy == cli::MismatchPolicy::strict ? "strict" : "tolerant"},
              {"table", o.table.empty() ? Json(nullptr) : Json(o.table)},
              {"key", o.key},
              {"measure_observer", o.measure_observer}};
}

Json run_json(const RunFigures& r) {
  return Json{
      {"wall_s", r.wall_s},
      {"rows", r.rows},
      {"bytes", r.bytes},
      {"rows_per_sec", r.rows_per_sec},
      {"mb_per_sec", r.mb_per_sec},
      {"ttfr_ms", opt(r.ttfr_ms)},
      {"cpu_user_s", r.cpu_user_s},
      {"cpu_sys_s", r.cpu_sys_s},
      {"server_cpu_user_s", opt(r.server_cpu_user_s)},
      {"server_cpu_sys_s", opt(r.server_cpu_sys_s)},
      {"peak_rss_bytes", opt(r.peak_rss_bytes)},
      {"maxrss_bytes", r.maxrss_bytes},
      {"maxrss_children_bytes", r.maxrss_children_bytes},
      {"parent_peak_rss_bytes", opt(r.parent_peak_rss_bytes)},
      {"worker_peak_rss_bytes", opt(r.worker_peak_rss_bytes)},
      {"worker_peak_rss_bytes_each", r.worker_peak_rss},
      {"batches", r.batches},
      {"latency_ms",
       Json{
           {"p50", r.latency_p50_ms}, {"p95", r.latency_p95_ms}, {"p99", r.latency_p99_ms}, {"max", r.latency_max_ms}}},
      {"pool_wait_s", r.pool_wait_s},
      {"checksum", checksum_hex(r.checksum)},
      {"rows_match", opt(r.rows_match)},
      {"checksum_match", opt(r.checksum_match)},
      {"unknown_values", r.unknown_values},
      {"notes", r.notes},
      {"round", r.round},
      {"wire_ceiling_rows_per_sec", opt(r.wire_ceiling_rows_per_sec)},
      {"ratio_to_wire_ceiling", r.wire_ceiling_rows_per_sec && *r.wire_ceiling_rows_per_sec > 0
                                    ? Json(r.rows_per_sec / *r.wire_ceiling_rows_per_sec)
                                    : Json(nullptr)}};
}

template <typename F>
Summary over_runs(const StrategyResult& s, F&& pick) {
  std::vector<double> v;
  for (const auto& r : s.runs) {
    if (auto x = pick(r)) v.push_back(*x);
  }
  return summarize(std::move(v));
}

Json benchmark_json(const cli::RunOptions& options, const SizeResult& size, const StrategyResult& s) {
  const Summary rps = over_runs(s, [](const RunFigures& r) { return std::optional<double>(r.rows_per_sec); });
  const Summary rss = over_runs(s, [](const RunFigures& r) {
    return r.peak_rss_bytes ? std::optional<double>(static_cast<double>(*r.peak_rss_bytes)) : std::nullopt;
  });
  const Summary worker = over_runs(s, [](const RunFigures& r) {
    return r.worker_peak_rss_bytes ? std::optional<double>(static_cast<double>(*r.worker_peak_rss_bytes))
                                   : std::nullopt;
  });
  Json ratio = nullptr, ratio_medians = nullptr;
  const auto ceiling = size.wire_ceiling.find(std::string(to_string(options.format)));
  if (ceiling != size.wire_ceiling.end()) {
    if (auto r = ratio_to_wire_ceiling(s, ceiling->second.rows_per_sec.median)) ratio = *r;
    if (auto r = ratio_of_medians(s, ceiling->second.rows_per_sec.median)) ratio_medians = *r;
  }
  bool rows_ok = !s.runs.empty(), sum_ok = !s.runs.empty(), verified = !s.runs.empty();
  for (const auto& r : s.runs) {
    if (!r.rows_match || !r.checksum_match) verified = false;
    if (r.rows_match == false) rows_ok = false;
    if (r.checksum_match == false) sum_ok = false;
  }
  std::string status = "ok";
  if (!s.errors.empty())
    status = "error";
  else if (s.any_mismatch())
    status = "mismatch";
  else if (static_cast<int>(s.runs.size()) < options.runs)
    status = "incomplete";
  else if (!verified)
    status = "unverified";

  Json runs = Json::array();
  for (const auto& r : s.runs) runs.push_back(run_json(r));
  auto stat = [&](auto pick) { return summary_json(over_runs(s, pick)); };
  return Json{{"limit", size.limit},
              {"strategy", s.strategy},
              {"format", std::string(to_string(options.format))},
              {"workers", options.workers},
              {"batch_rows", options.batch_rows},
              {"runs_completed", s.runs.size()},
              {"warmups", s.warmups},
              {"status", status},
              {"throughput_rows_per_sec", summary_json(rps)},
              {"peak_rss_bytes", summary_json(rss)},
              {"parent_peak_rss_bytes", stat([](const RunFigures& r) {
                 return r.parent_peak_rss_bytes ? std::optional<double>(static_cast<double>(*r.parent_peak_rss_bytes))
                                                : std::nullopt;
               })},
              {"worker_peak_rss_bytes", worker.count ? summary_json(worker) : Json(nullptr)},
              {"mb_per_sec", stat([](const RunFigures& r) { return std::optional<double>(r.mb_per_sec); })},
              {"wall_s", stat([](const RunFigures& r) { return std::optional<double>(r.wall_s); })},
              {"ttfr_ms", stat([](const RunFigures& r) { return r.ttfr_ms; })},
              {"cpu_user_s", stat([](const RunFigures& r) { return std::optional<double>(r.cpu_user_s); })},
              {"cpu_sys_s", stat([](const RunFigures& r) { return std::optional<double>(r.cpu_sys_s); })},
              {"server_cpu_user_s", stat([](const RunFigures& r) { return r.server_cpu_user_s; })},
              {"server_cpu_sys_s", stat([](const RunFigures& r) { return r.server_cpu_sys_s; })},
              {"ratio_to_wire_ceiling", ratio},                     // median of per-round ratios
              {"ratio_of_medians_to_wire_ceiling", ratio_medians},  // median rows/s ÷ median ceiling
              {"rows_match", s.runs.empty() ? Json(nullptr) : Json(rows_ok)},
              {"checksum_match", s.runs.empty() ? Json(nullptr) : Json(sum_ok)},
              {"errors", s.errors},
              {"runs", runs}};
}

Json size_json(const SizeResult& size) {
  Json wire = Json::object();
  for (const auto& [name, w] : size.wire_ceiling) {
    wire[name] = Json{{"rows_per_sec", summary_json(w.rows_per_sec)},
                      {"mb_per_sec", summary_json(w.mb_per_sec)},
                      {"rows", w.rows},
                      {"bytes", w.bytes},
                      {"wall_s", w.wall_s},
                      {"rows_per_sec_each", w.rows_per_sec_each}};  // one per round
  }
  Json scan = nullptr;
  if (size.server_scan) {
    const auto& s = *size.server_scan;
    scan = Json{{"rows", s.rows},           {"bytes", s.bytes},
                {"elapsed_s", s.elapsed_s}, {"cpu_user_s", s.cpu_user_s},
                {"cpu_sys_s", s.cpu_sys_s}, {"checksum", checksum_hex(s.checksum)}};
  }
  return Json{{"limit", size.limit},
              {"key_range", Json{{"lo", size.all.lo}, {"hi", size.all.hi}, {"rows", size.all.rows}}},
              {"partitions", size.partitions},
              {"batches", size.batches},
              {"wire_ceiling", wire},
              {"server_scan", scan},
              {"server_rows", opt(size.server_rows)},
              {"server_checksum", size.server_checksum ? Json(checksum_hex(*size.server_checksum)) : Json(nullptr)},
              {"server_checksum_source", size.server_checksum ? Json(size.server_checksum_source) : Json(nullptr)},
              {"notes", size.notes}};
}

}  // namespace

void stamp_start(TargetFacts& facts) {
  facts.started_at = utc_now("%Y-%m-%dT%H:%M:%SZ");
  facts.load_average = load_average_now();
}

std::string checksum_hex(std::uint64_t sum) { return fmt::format("0x{:016x}", sum); }

ServerFacts read_server_facts(const std::string& conninfo) {
  ServerFacts f;
  pg::Connection conn = pg::Connection::open(conninfo);
  f.version = conn.query_value("SHOW server_version");
  f.version_num = conn.server_version();
  try {
    f.extension_version = conn.query_value("SELECT benchlab.version()");
  } catch (const pg::Error&) {
    f.extension_version = "unknown";
  }
  pg::Result r = conn.exec(
      "SELECT name, current_setting(name) FROM pg_catalog.pg_settings WHERE name IN "
      "('shared_buffers','work_mem','effective_cache_size','jit','max_parallel_workers_per_gather',"
      "'max_parallel_workers','synchronous_commit','fsync','huge_pages','random_page_cost','effective_io_concurrency',"
      "'cursor_tuple_fraction','ssl','wal_level','max_connections') ORDER BY name");
  for (int i = 0; i < r.rows(); ++i) f.settings.emplace_back(std::string(r.value(i, 0)), std::string(r.value(i, 1)));
  return f;
}

Json context_block(const cli::RunOptions& options, const TargetFacts& target, const ServerFacts& server,
                   const dataset::TableInfo& table) {
  utsname u{};
  uname(&u);
  Json settings = Json::object();
  for (const auto& [k, v] : server.settings) settings[k] = v;
  Json columns = Json::array();
  for (const auto& c : table.columns) columns.push_back(Json{{"name", c.name}, {"type", c.type}});
  return Json{
      {"schema_version", kSchemaVersion},
      {"date", target.started_at.empty() ? utc_now("%Y-%m-%dT%H:%M:%SZ") : target.started_at},
      {"host",
       Json{{"cpu_model", first_line_with("/proc/cpuinfo", "model name")},
            {"cores", std::thread::hardware_concurrency()},
            {"memory_bytes", mem_total_bytes()},
            {"kernel", fmt::format("{} {} {}", u.sysname, u.release, u.machine)},
            {"load_average", target.load_average.empty() ? Json(load_average_now()) : Json(target.load_average)}}},
      {"compiler", fmt::format("{} {}", "g++", __VERSION__)},
      {"benchlab_version", BENCHLAB_VERSION},
      {"git_commit", git_commit()},
      {"libpq_version", PQlibVersion()},
      {"postgresql", Json{{"version", server.version},
                          {"version_num", server.version_num},
                          {"extension_version", server.extension_version},
                          {"settings", settings}}},
      {"target", Json{{"dsn", target.dsn_redacted},
                      {"throwaway_cluster", target.throwaway},
                      {"profile", target.throwaway ? Json(target.profile) : Json(nullptr)}}},
      {"table",
       Json{{"name", table.display_name}, {"standard", table.standard}, {"key", table.key_name}, {"columns", columns}}},
      {"options", options_json(options)}};
}

Json build_artifact(const cli::RunOptions& options, const TargetFacts& target, const ServerFacts& server,
                    const dataset::TableInfo& table, const BenchmarkReport& report) {
  Json a;
  a["context"] = context_block(options, target, server, table);
  a["status"] =
      Json{{"complete", report.interrupted_signal == 0 && report.strict_failure.empty()},
           {"interrupted_by_signal", report.interrupted_signal == 0 ? Json(nullptr) : Json(report.interrupted_signal)},
           {"strict_failure", report.strict_failure.empty() ? Json(nullptr) : Json(report.strict_failure)}};
  Json benchmarks = Json::array();
  Json sizes = Json::array();
  for (const auto& size : report.sizes) {
    sizes.push_back(size_json(size));
    for (const auto& s : size.strategies) benchmarks.push_back(benchmark_json(options, size, s));
  }
  a["benchmarks"] = benchmarks;
  a["sizes"] = sizes;
  return a;
}

void write_atomically(const fs::path& path, const std::string& content) {
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::string tmpl = (dir / ("." + path.filename().string() + ".XXXXXX")).string();
  const int fd = mkstemp(tmpl.data());
  if (fd < 0)
    throw std::runtime_error(fmt::format("cannot create a file in {}: {}", dir.string(), std::strerror(errno)));
  auto fail = [&](const char* what) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmpl.c_str());
    throw std::runtime_error(fmt::format("cannot {} {}: {}", what, path.string(), std::strerror(err)));
  };
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("write");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, 0644) != 0) fail("set permissions of");
  if (::fsync(fd) != 0) fail("fsync");
  if (::close(fd) != 0) {
    ::unlink(tmpl.c_str());
    throw std::runtime_error(fmt::format("cannot close {}: {}", path.string(), std::strerror(errno)));
  }
  if (std::rename(tmpl.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmpl.c_str());
    throw std::runtime_error(fmt::format("cannot rename into {}: {}", path.string(), std::strerror(err)));
  }
  // The rename itself is durable only once the directory is synced.
  if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

fs::path write_artifact(const fs::path& dir, const Json& artifact) {
  const std::string stamp = utc_now("%Y%m%dT%H%M%SZ");
  fs::path path = dir / fmt::format("run-{}.json", stamp);
  for (int i = 1; fs::exists(path); ++i) path = dir / fmt::format("run-{}-{}.json", stamp, i);
  write_atomically(path, artifact.dump(2) + "\n");
  return path;
}

bool ensure_writable_dir(const fs::path& dir) {
  std::error_code ec;
  bool created = false;
  if (!fs::exists(dir, ec)) {
    // Create only the missing tail; remember the top-most directory we made.
    created = fs::create_directories(dir, ec);
    if (ec) {
      throw std::runtime_error(fmt::format("--results-dir {}: cannot create it ({}); choose a writable directory",
                                           dir.string(), ec.message()));
    }
  } else if (!fs::is_directory(dir, ec)) {
    throw std::runtime_error(
        fmt::format("--results-dir {}: exists and is not a directory; choose a writable directory", dir.string()));
  }
  std::string probe = (dir / ".benchlab-probe-XXXXXX").string();
  const int fd = mkstemp(probe.data());
  if (fd < 0) {
    const int err = errno;
    if (created) fs::remove(dir, ec);
    throw std::runtime_error(fmt::format("--results-dir {}: not writable ({}); choose a writable directory",
                                         dir.string(), std::strerror(err)));
  }
  ::close(fd);
  ::unlink(probe.c_str());
  return created;
}

}  // namespace benchlab::results

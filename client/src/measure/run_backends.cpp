#include "measure/run_backends.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <utility>

namespace benchlab {

namespace {

bool starts_with_word(std::string_view text, std::string_view word) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) text.remove_prefix(1);
  if (text.size() < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(text[i])) != word[i]) return false;
  return true;
}

// Client backends of the run and the parallel workers their queries start; not
// autovacuum or other background processes that may visit the same database.
constexpr const char* kRunFilter =
    "datname = $1 AND pid <> pg_backend_pid() AND backend_type IN ('client backend', 'parallel worker')";

}  // namespace

bool is_active_read(const RunBackend& b) {
  if (b.state != "active") return false;
  if (b.query.find("benchlab.") != std::string::npos) return false;  // planning, metering
  // The coordinator exporting the snapshot the workers will import: before the read.
  if (b.query.find("pg_export_snapshot") != std::string::npos) return false;
  return starts_with_word(b.query, "FETCH") || starts_with_word(b.query, "COPY") || starts_with_word(b.query, "SELECT");
}

bool read_in_progress(const std::vector<RunBackend>& backends, std::string_view strategy, int workers) {
  const auto reads = std::count_if(backends.begin(), backends.end(), is_active_read);
  if (reads == 0) return false;
  if (strategy != "multiprocessing") return true;
  const auto is_worker = [](const RunBackend& b) { return b.application_name == "benchclient-worker"; };
  const auto connected = std::count_if(backends.begin(), backends.end(), is_worker);
  const auto reading = std::count_if(backends.begin(), backends.end(),
                                     [&](const RunBackend& b) { return is_worker(b) && is_active_read(b); });
  return connected >= workers && reading >= 1;
}

std::string describe(const std::vector<RunBackend>& backends) {
  if (backends.empty()) return "no backend";
  std::string out;
  for (const auto& b : backends)
    out += fmt::format("{}pid {} {} '{}' {}: {:.80}", out.empty() ? "" : "\n", b.pid, b.backend_type,
                       b.application_name, b.state, b.query);
  return out;
}

RunBackendObserver::RunBackendObserver(const std::string& conninfo, std::string database)
    : database_(std::move(database)) {
  pg::SessionOptions options;
  options.application_name = "benchlab-observer";
  conn_ = pg::Connection::open(conninfo, options);
}

std::vector<RunBackend> RunBackendObserver::backends() const {
  const pg::Result r =
      conn_.exec_params(fmt::format("SELECT pid, backend_type, coalesce(application_name, ''), coalesce(state, ''), "
                                    "coalesce(query, '') FROM pg_stat_activity WHERE {} ORDER BY pid",
                                    kRunFilter),
                        {database_});
  std::vector<RunBackend> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({static_cast<int>(r.int64(i, 0, "pg_stat_activity.pid")), std::string(r.value(i, 1)),
                   std::string(r.value(i, 2)), std::string(r.value(i, 3)), std::string(r.value(i, 4))});
  return out;
}

std::size_t RunBackendObserver::count() const {
  return std::stoul(
      conn_.query_value(fmt::format("SELECT count(*) FROM pg_stat_activity WHERE {}", kRunFilter), {database_}));
}

}  // namespace benchlab

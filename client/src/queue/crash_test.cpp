#include "queue/crash_test.hpp"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "cluster/throwaway_cluster.hpp"
#include "pg/connection.hpp"
#include "pg/error.hpp"
#include "process/interrupt.hpp"
#include "queue/dequeue.hpp"
#include "queue/jobs_table.hpp"

namespace benchlab::queue {

namespace {

constexpr int kWorkers = 4;

struct Confirmed {
  std::mutex mutex;
  std::unordered_map<std::int64_t, int> claims;  // id -> the attempt the server confirmed
  std::vector<std::int64_t> finished;            // ids whose completion the server confirmed
};

// One crash: returns {commits confirmed, commits lost}.
std::pair<std::uint64_t, std::uint64_t> one_crash(cluster::ThrowawayCluster& cluster, const std::string& conninfo,
                                                  const QueueOptions& q) {
  {
    const pg::Connection admin = pg::Connection::open(conninfo, queue_session());
    reset(admin);
    seed(admin, q.jobs);
  }
  Confirmed confirmed;
  std::atomic<std::uint64_t> done{0};
  std::atomic<bool> stop{false};
  const std::string lease = std::to_string(q.lease_ms);
  auto worker = [&] {
    try {
      const pg::Connection conn = pg::Connection::open(conninfo, queue_session("benchclient-worker"));
      while (!stop.load() && done.load() < q.jobs) {
        const pg::Result claimed = conn.exec_params(claim_sql(), {lease, "1"});
        if (claimed.rows() == 0) {
          std::this_thread::sleep_for(std::chrono::microseconds(200));
          continue;
        }
        const std::int64_t id = claimed.int64(0, 0, "claimed id");
        const std::string attempts(claimed.value(0, 1));
        {
          std::lock_guard lock(confirmed.mutex);
          confirmed.claims[id] = std::stoi(attempts);  // the server said COMMIT of the claim
        }
        const pg::Result finished =
            conn.exec_params(complete_sql(), {fmt::format("{{{}}}", id), fmt::format("{{{}}}", attempts)});
        if (finished.rows() == 1) {
          std::lock_guard lock(confirmed.mutex);
          confirmed.finished.push_back(id);
        }
        ++done;
      }
    } catch (const pg::Error&) {
      // The server was killed under this worker: its statement in flight was not
      // confirmed, so nothing of it is counted.
    }
  };
  {
    std::vector<std::jthread> workers;
    for (int i = 0; i < kWorkers; ++i) workers.emplace_back(worker);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (done.load() < q.jobs / 3 + 1 && std::chrono::steady_clock::now() < deadline) {
      if (pending_signal() != 0) break;
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    if (pending_signal() == 0) cluster.crash_and_restart();  // mid-run: the workers are still committing
    stop.store(true);
  }  // the workers have met the dead server and ended
  throw_if_interrupted();

  const pg::Connection after = pg::Connection::open(conninfo, queue_session());
  std::uint64_t lost = 0;
  std::string ids = "{";
  for (const auto& [id, attempt] : confirmed.claims) {
    if (ids.size() > 1) ids += ',';
    ids += std::to_string(id);
  }
  ids += '}';
  const pg::Result rows =
      after.exec_params("SELECT id, attempts, state FROM public.benchlab_jobs WHERE id = ANY($1::bigint[])", {ids});
  std::unordered_map<std::int64_t, std::pair<int, std::string>> now;
  for (int r = 0; r < rows.rows(); ++r)
    now[rows.int64(r, 0, "id")] = {static_cast<int>(rows.int64(r, 1, "attempts")), std::string(rows.value(r, 2))};
  for (const auto& [id, attempt] : confirmed.claims) {
    const auto it = now.find(id);
    if (it == now.end() || it->second.first < attempt) ++lost;  // a confirmed claim the server forgot
  }
  for (const std::int64_t id : confirmed.finished) {
    const auto it = now.find(id);
    if (it == now.end() || it->second.second != "succeeded") ++lost;  // a confirmed completion the server forgot
  }
  return {confirmed.claims.size() + confirmed.finished.size(), lost};
}

}  // namespace

CrashResult crash_test(cluster::ThrowawayCluster& cluster, const std::string& conninfo, const QueueOptions& q) {
  CrashResult result;
  {
    const pg::Connection admin = pg::Connection::open(conninfo, queue_session());
    result.synchronous_commit = admin.query_value("SHOW synchronous_commit");
    result.wal_writer_delay = admin.query_value("SHOW wal_writer_delay");
  }
  for (int i = 0; i < q.crashes; ++i) {
    const auto [commits, lost] = one_crash(cluster, conninfo, q);
    result.confirmed_commits += commits;
    result.lost_commits += lost;
    ++result.crashes;
  }
  return result;
}

}  // namespace benchlab::queue

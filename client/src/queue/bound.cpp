#include "queue/bound.hpp"

#include <fmt/format.h>

#include <chrono>
#include <stdexcept>
#include <vector>

#include "pg/connection.hpp"
#include "process/interrupt.hpp"
#include "queue/jobs_table.hpp"

namespace benchlab::queue {

namespace {

// The claim's writes without its search: the job is named.
constexpr const char* kClaimById = R"sql(
UPDATE public.benchlab_jobs
   SET state = 'running', attempts = attempts + 1,
       lease_until = now() + make_interval(secs => $2::int / 1000.0), updated_at = now()
 WHERE id = $1::bigint
RETURNING attempts)sql";

// The completion's writes and fence, for one job.
constexpr const char* kCompleteById = R"sql(
UPDATE public.benchlab_jobs
   SET state = 'succeeded', finished_at = now(), updated_at = now()
 WHERE id = $1::bigint AND attempts = $2::int AND state = 'running'
RETURNING id)sql";

using Clock = std::chrono::steady_clock;

}  // namespace

QueueBound measure_bound(const std::string& conninfo, std::uint64_t jobs, int lease_ms) {
  const pg::Connection conn = pg::Connection::open(conninfo, queue_session("benchclient-bound"));
  conn.exec("SET plan_cache_mode = force_generic_plan");  // as the workers' (dequeue.cpp)
  conn.prepare("claim_by_id", kClaimById, 2);
  conn.prepare("complete_by_id", kCompleteById, 2);
  std::vector<std::string> ids;
  {
    const pg::Result r = conn.exec("SELECT id FROM public.benchlab_jobs WHERE state = 'queued' ORDER BY id");
    ids.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) ids.emplace_back(r.value(i, 0));
  }
  if (ids.size() != jobs)
    throw std::runtime_error(fmt::format("the bound: {} queued jobs, {} expected", ids.size(), jobs));
  const std::string lease = std::to_string(lease_ms);
  const std::string wal_before = wal_position(conn);
  Clock::duration claiming{}, completing{};
  const auto start = Clock::now();
  std::uint64_t n = 0;
  for (const auto& id : ids) {
    const auto t0 = Clock::now();
    const pg::Result claimed = conn.exec_prepared("claim_by_id", {id, lease}, "the bound's claim");
    const auto t1 = Clock::now();
    if (claimed.rows() != 1) throw std::runtime_error(fmt::format("the bound: job {} not claimed", id));
    const pg::Result done = conn.exec_prepared("complete_by_id", {id, std::string(claimed.value(0, 0))},
                                               "the bound's completion");
    const auto t2 = Clock::now();
    if (done.rows() != 1) throw std::runtime_error(fmt::format("the bound: job {} not finished", id));
    claiming += t1 - t0;
    completing += t2 - t1;
    if (++n % 1000 == 0) throw_if_interrupted();
  }
  const auto end = Clock::now();
  QueueBound b;
  b.jobs = jobs;
  b.wall_s = std::chrono::duration<double>(end - start).count();
  b.jobs_per_sec = b.wall_s > 0 ? static_cast<double>(jobs) / b.wall_s : 0;
  using Micro = std::chrono::duration<double, std::micro>;
  b.claim_us = Micro(claiming).count() / static_cast<double>(jobs);
  b.complete_us = Micro(completing).count() / static_cast<double>(jobs);
  b.wal_bytes_per_job = static_cast<double>(wal_bytes_since(conn, wal_before)) / static_cast<double>(jobs);
  return b;
}

}  // namespace benchlab::queue

#include "queue/dequeue.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <latch>
#include <mutex>
#include <thread>
#include <vector>

#include "pg/connection.hpp"
#include "pg/error.hpp"
#include "process/interrupt.hpp"
#include "queue/jobs_table.hpp"

namespace benchlab::queue {

namespace {

// The search locks the next jobs (SKIP LOCKED: those another worker holds are passed
// over); the UPDATE then finds them by primary key. `id = ANY(ARRAY(…))` rather than a
// join keeps that plan in the prepared statement's generic plan too: with a join the
// planner, not knowing the LIMIT, hashes a sequential scan of the whole table per claim.
// The lease-expiry branch costs nothing while no lease has run out: both branches are
// answered from the partial index of jobs still to do, in id order.
constexpr const char* kClaim = R"sql(
UPDATE public.benchlab_jobs j
   SET state = 'running', attempts = j.attempts + 1,
       lease_until = now() + make_interval(secs => $1::int / 1000.0), updated_at = now()
 WHERE j.id = ANY(ARRAY(SELECT id FROM public.benchlab_jobs
                         WHERE state = 'queued' OR (state = 'running' AND lease_until < now())
                         ORDER BY id
                         FOR UPDATE SKIP LOCKED
                         LIMIT $2::int))
RETURNING j.id, j.attempts)sql";

// Fenced by the attempt: a job another worker claimed since (its lease ran out) is
// not this worker's to finish. `id = ANY($1)` gives the generic plan an index scan;
// joined with unnest() alone it would scan the table for rows in state running.
constexpr const char* kComplete = R"sql(
UPDATE public.benchlab_jobs j
   SET state = 'succeeded', finished_at = now(), updated_at = now()
  FROM unnest($1::bigint[], $2::int[]) AS c(id, attempts)
 WHERE j.id = ANY($1::bigint[]) AND j.id = c.id AND j.attempts = c.attempts AND j.state = 'running'
RETURNING j.id)sql";

using Clock = std::chrono::steady_clock;

// Prepared once per connection, as queue libraries do, and run with their generic plan
// (the index scans above): left to choose, the plan cache keeps planning each run
// afresh, since a custom plan that knows LIMIT 1 and a one-element array looks cheaper
// than the generic one — and planning costs more than the statement itself.
void prepare_statements(const pg::Connection& conn) {
  conn.exec("SET plan_cache_mode = force_generic_plan");
  conn.prepare("claim", kClaim, 2);
  conn.prepare("complete", kComplete, 2);
}

}  // namespace

const char* claim_sql() { return kClaim; }
const char* complete_sql() { return kComplete; }

QueueSample run_sample(const std::string& conninfo, int concurrency, std::uint64_t jobs, int batch, int lease_ms) {
  QueueSample sample;
  sample.concurrency = concurrency;
  sample.jobs = jobs;
  std::vector<pg::Connection> conns;
  conns.reserve(static_cast<std::size_t>(concurrency));
  for (int i = 0; i < concurrency; ++i) {
    conns.push_back(pg::Connection::open(conninfo, queue_session("benchclient-worker")));
    prepare_statements(conns.back());
  }

  std::atomic<std::uint64_t> done{0};
  std::atomic<bool> stop{false};
  std::mutex error_mutex;
  std::string first_error;
  std::vector<std::vector<std::int64_t>> acks(static_cast<std::size_t>(concurrency));
  std::vector<Clock::time_point> last_ack(static_cast<std::size_t>(concurrency));
  struct StatementTimes {
    Clock::duration claim{}, complete{};
    std::uint64_t claims = 0, completions = 0;
  };
  std::vector<StatementTimes> times(static_cast<std::size_t>(concurrency));
  std::latch ready(concurrency), go(1);
  const std::string lease = std::to_string(lease_ms), limit = std::to_string(batch);

  auto worker = [&](int index) {
    const pg::Connection& conn = conns[static_cast<std::size_t>(index)];
    auto& mine = acks[static_cast<std::size_t>(index)];
    StatementTimes& spent = times[static_cast<std::size_t>(index)];
    ready.count_down();
    go.wait();
    try {
      while (!stop.load(std::memory_order_relaxed) && done.load(std::memory_order_relaxed) < jobs) {
        const auto claim_start = Clock::now();
        const pg::Result claimed = conn.exec_prepared("claim", {lease, limit}, "claim");
        const auto claim_end = Clock::now();
        if (claimed.rows() == 0) {
          // Nothing claimable now: the rest is claimed by siblings (or leased by a dead
          // worker until its lease runs out). Look again shortly.
          std::this_thread::sleep_for(std::chrono::microseconds(200));
          continue;
        }
        std::string ids = "{", attempts = "{";
        for (int r = 0; r < claimed.rows(); ++r) {
          if (r > 0) {
            ids += ',';
            attempts += ',';
          }
          ids += claimed.value(r, 0);
          attempts += claimed.value(r, 1);
        }
        ids += '}';
        attempts += '}';
        const auto complete_start = Clock::now();
        const pg::Result completed = conn.exec_prepared("complete", {ids, attempts}, "complete");
        spent.claim += claim_end - claim_start;
        spent.complete += Clock::now() - complete_start;
        ++spent.claims;
        ++spent.completions;
        for (int r = 0; r < completed.rows(); ++r) mine.push_back(completed.int64(r, 0, "completed id"));
        last_ack[static_cast<std::size_t>(index)] = Clock::now();
        done.fetch_add(static_cast<std::uint64_t>(completed.rows()), std::memory_order_relaxed);
      }
    } catch (const std::exception& e) {
      stop.store(true);  // the siblings stop at their next statement
      std::lock_guard lock(error_mutex);
      if (first_error.empty()) first_error = fmt::format("worker {}: {}", index, pg::one_line(e.what()));
    }
  };

  Clock::time_point released;
  {
    std::vector<std::jthread> threads;
    threads.reserve(static_cast<std::size_t>(concurrency));
    for (int i = 0; i < concurrency; ++i) threads.emplace_back(worker, i);
    ready.wait();  // every worker connected
    released = Clock::now();
    go.count_down();
    // Bounded: a sample that cannot finish (a job leased by a dead worker for longer
    // than the deadline, a server that stopped answering) fails instead of hanging.
    const auto deadline = released + std::chrono::seconds(120) + 2 * std::chrono::milliseconds(lease_ms);
    while (done.load() < jobs && !stop.load()) {
      if (pending_signal() != 0) {
        stop.store(true);
        break;
      }
      if (Clock::now() > deadline) {
        std::lock_guard lock(error_mutex);
        if (first_error.empty())
          first_error = fmt::format("the sample did not finish within {} s: {} of {} jobs done",
                                    std::chrono::duration_cast<std::chrono::seconds>(deadline - released).count(),
                                    done.load(), jobs);
        stop.store(true);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }  // every worker joined here, whatever happened
  throw_if_interrupted();
  const auto last = *std::max_element(last_ack.begin(), last_ack.end());
  sample.wall_s = std::chrono::duration<double>((last > released ? last : Clock::now()) - released).count();
  sample.error = first_error;

  std::vector<std::int64_t> all;
  for (const auto& a : acks) all.insert(all.end(), a.begin(), a.end());
  std::sort(all.begin(), all.end());
  sample.acknowledged = all.size();
  sample.duplicate_acks = static_cast<std::uint64_t>(
      all.size() - static_cast<std::size_t>(std::unique(all.begin(), all.end()) - all.begin()));
  const ServerCount count = count_jobs(conns.front());
  sample.succeeded_rows = count.succeeded;
  sample.reclaimed = count.reclaimed;
  sample.exactly_once = sample.error.empty() && count.jobs == jobs && count.succeeded == jobs &&
                        sample.acknowledged == jobs && sample.duplicate_acks == 0;
  StatementTimes total;
  for (const auto& t : times) {
    total.claim += t.claim;
    total.complete += t.complete;
    total.claims += t.claims;
    total.completions += t.completions;
  }
  using Micro = std::chrono::duration<double, std::micro>;
  if (total.claims > 0) sample.claim_us = Micro(total.claim).count() / static_cast<double>(total.claims);
  if (total.completions > 0)
    sample.complete_us = Micro(total.complete).count() / static_cast<double>(total.completions);
  sample.jobs_per_sec = sample.error.empty() && sample.wall_s > 0 ? static_cast<double>(jobs) / sample.wall_s : 0;
  return sample;
}

}  // namespace benchlab::queue

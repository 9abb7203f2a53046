#include "queue/enqueue.hpp"

#include <fmt/format.h>

#include <chrono>
#include <stdexcept>

#include "pg/connection.hpp"
#include "pg/copy_in.hpp"
#include "pg/error.hpp"
#include "pg/pipeline.hpp"
#include "pg/result.hpp"
#include "process/interrupt.hpp"
#include "queue/jobs_table.hpp"

namespace benchlab::queue {

namespace {

constexpr const char* kInsert = "INSERT INTO public.benchlab_jobs (kind, payload) VALUES ($1, $2::jsonb)";
constexpr std::uint64_t kPipelineChunk = 500;  // queries in flight before reading their results

void per_transaction(const pg::Connection& c, std::uint64_t jobs) {
  c.prepare("enqueue_one", kInsert, 2);
  for (std::uint64_t i = 1; i <= jobs; ++i) {
    c.exec_prepared("enqueue_one", {"email", payload(i)}, "enqueue (per transaction)");
    if (i % 1000 == 0) throw_if_interrupted();
  }
}

void pipelined(const pg::Connection& c, std::uint64_t jobs) {
  c.exec("BEGIN");
  c.prepare("enqueue_pipe", kInsert, 2);
  {
    pg::Pipeline pipeline(c);  // left (or its work cancelled) on every way out
    for (std::uint64_t i = 1; i <= jobs;) {
      const std::uint64_t end = std::min(jobs, i + kPipelineChunk - 1);
      for (; i <= end; ++i) {
        const std::string p = payload(i);
        const char* values[] = {"email", p.c_str()};
        pipeline.send_prepared("enqueue_pipe", 2, values);
      }
      pipeline.sync();
      pipeline.read_to_sync("enqueue (pipelined)");
      throw_if_interrupted();
    }
    pipeline.exit();
  }
  c.exec("COMMIT");
}

void multirow(const pg::Connection& c, std::uint64_t jobs) {
  std::string kinds = "{", payloads = "{";
  for (std::uint64_t i = 1; i <= jobs; ++i) {
    if (i > 1) {
      kinds += ',';
      payloads += ',';
    }
    kinds += "email";
    // An array literal element: quoted, its quotes and backslashes escaped.
    payloads += '"';
    for (const char ch : payload(i)) {
      if (ch == '"' || ch == '\\') payloads += '\\';
      payloads += ch;
    }
    payloads += '"';
  }
  kinds += '}';
  payloads += '}';
  c.exec_params("INSERT INTO public.benchlab_jobs (kind, payload) SELECT * FROM unnest($1::text[], $2::jsonb[])",
                {kinds, payloads});
}

void copy_in(const pg::Connection& c, std::uint64_t jobs) {
  pg::CopyIn copy(c, "COPY public.benchlab_jobs (kind, payload) FROM STDIN");
  std::string chunk;
  for (std::uint64_t i = 1; i <= jobs; ++i) {
    chunk += "email\t";
    chunk += payload(i);  // no tab, newline or backslash: COPY text needs no escaping here
    chunk += '\n';
    if (chunk.size() >= 64 * 1024 || i == jobs) {
      copy.put(chunk);
      chunk.clear();
    }
  }
  copy.finish();
}

// Each job in its own savepoint: a refused one is rolled back to it, alone.
std::uint64_t savepoints(const pg::Connection& c, std::uint64_t jobs, int invalid_every) {
  constexpr std::string_view kCheckViolation = "23514";
  c.exec("BEGIN");
  c.prepare("enqueue_sp", kInsert, 2);
  std::uint64_t rejected = 0;
  for (std::uint64_t i = 1; i <= jobs; ++i) {
    c.exec("SAVEPOINT job");
    const bool valid = invalid_every <= 0 || i % static_cast<std::uint64_t>(invalid_every) != 0;
    try {
      c.exec_prepared("enqueue_sp", {"email", payload(i, valid)}, "enqueue (savepoints)");
    } catch (const pg::SqlError& e) {
      if (e.sqlstate() != kCheckViolation) throw;
      c.exec("ROLLBACK TO SAVEPOINT job");  // only this job: the others stay
      ++rejected;
      continue;
    }
    c.exec("RELEASE SAVEPOINT job");
  }
  c.exec("COMMIT");
  return rejected;
}

void outbox(const pg::Connection& c, std::uint64_t jobs) {
  c.prepare("outbox_order", "INSERT INTO public.benchlab_outbox_orders (amount) VALUES ($1) RETURNING id", 1);
  c.prepare("outbox_job",
            "INSERT INTO public.benchlab_jobs (kind, payload) VALUES ('order_created', "
            "jsonb_build_object('order_id', $1::bigint))",
            1);
  for (std::uint64_t i = 1; i <= jobs; ++i) {
    c.exec("BEGIN");
    const std::string amount = fmt::format("{}.{:02}", i % 1000, i % 100);
    const pg::Result order = c.exec_prepared("outbox_order", {amount}, "outbox: the business row");
    c.exec_prepared("outbox_job", {std::string(order.value(0, 0))}, "outbox: its job");
    c.exec("COMMIT");  // the order and its job, or neither
    if (i % 1000 == 0) throw_if_interrupted();
  }
}

}  // namespace

const std::vector<std::string>& enqueue_methods() {
  static const std::vector<std::string> m = {"per_transaction", "pipelined",        "multirow", "copy",
                                             "savepoints",      "savepoints_clean", "outbox"};
  return m;
}

EnqueueResult enqueue(const std::string& conninfo, const std::string& method, std::uint64_t jobs, int invalid_every) {
  pg::Connection conn = pg::Connection::open(conninfo, queue_session("benchclient-enqueue"));
  reset(conn);
  EnqueueResult out;
  out.method = method;
  const auto start = std::chrono::steady_clock::now();
  if (method == "per_transaction")
    per_transaction(conn, jobs);
  else if (method == "pipelined")
    pipelined(conn, jobs);
  else if (method == "multirow")
    multirow(conn, jobs);
  else if (method == "copy")
    copy_in(conn, jobs);
  else if (method == "savepoints")
    out.rejected = savepoints(conn, jobs, invalid_every);
  else if (method == "savepoints_clean")
    out.rejected = savepoints(conn, jobs, 0);
  else if (method == "outbox")
    outbox(conn, jobs);
  else
    throw std::invalid_argument("unknown enqueue method '" + method + "'");
  out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const ServerCount count = count_jobs(conn);
  out.rows = count.jobs;
  if (count.jobs + out.rejected != jobs)
    throw std::runtime_error(fmt::format("enqueue {}: {} jobs sent, {} refused, but the queue holds {}", method, jobs,
                                         out.rejected, count.jobs));
  if (method == "outbox") {
    const std::string orders = conn.query_value("SELECT count(*) FROM public.benchlab_outbox_orders");
    if (orders != std::to_string(count.jobs))
      throw std::runtime_error(fmt::format("outbox: {} orders but {} jobs", orders, count.jobs));
  }
  out.rows_per_sec = out.wall_s > 0 ? static_cast<double>(out.rows) / out.wall_s : 0;
  return out;
}

}  // namespace benchlab::queue

// pooled_sync: spec.workers threads share a fixed pool of spec.workers
// connections. The work is spec.batches (key ranges); each batch checks a
// connection out of the pool (mutex + condition variable; the wait is charged
// to add_pool_wait), reads its range through the shared pipelined cursor
// (CursorStream) and returns the connection. Its parts (RunContext::begin_part)
// are these batches: the units it hands out, so their rows and times show how
// evenly the plan cut the work (a per-connection figure would hide that behind
// the pool's dynamic scheduling). Every pooled connection imported
// the coordinator's snapshot once, so all batches read one consistent state.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "decode/row_decoder.hpp"
#include "measure/run_context.hpp"
#include "pg/snapshot.hpp"
#include "strategies/cursor_stream.hpp"
#include "strategies/fault_point.hpp"
#include "strategies/strategy.hpp"

namespace benchlab {

namespace {

class ConnectionPool {
 public:
  explicit ConnectionPool(std::vector<MeteredConnection*> connections) : idle_(std::move(connections)) {}

  // Blocks until a connection is free; returns it with the time waited.
  std::pair<MeteredConnection*, std::chrono::nanoseconds> checkout() {
    const auto start = std::chrono::steady_clock::now();
    std::unique_lock lock(mutex_);
    available_.wait(lock, [&] { return !idle_.empty(); });
    MeteredConnection* conn = idle_.back();
    idle_.pop_back();
    return {conn, std::chrono::steady_clock::now() - start};
  }
  void give_back(MeteredConnection* conn) {
    {
      std::lock_guard lock(mutex_);
      idle_.push_back(conn);
    }
    available_.notify_one();
  }

 private:
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<MeteredConnection*> idle_;
};

// Returns the connection to the pool when the batch is done. A connection whose
// batch failed is not returned: its pipeline state is unknown, and the run is
// over anyway (the error stops the other threads).
class Lease {
 public:
  Lease(ConnectionPool& pool, MeteredConnection* conn) : pool_(pool), conn_(conn) {}
  ~Lease() {
    if (std::uncaught_exceptions() == 0) pool_.give_back(conn_);
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  Lease(Lease&&) = delete;
  Lease& operator=(Lease&&) = delete;
  [[nodiscard]] PGconn* raw() const { return conn_->raw(); }

 private:
  ConnectionPool& pool_;
  MeteredConnection* conn_;
};

class PooledSync final : public Strategy {
 public:
  [[nodiscard]] std::string_view name() const override { return "pooled_sync"; }
  [[nodiscard]] PartList part_list() const override { return PartList::batches; }

  void run(const ReadSpec& spec, RunContext& context) override {
    const std::vector<KeyRange> batches = spec.batches.empty() ? std::vector<KeyRange>{spec.all} : spec.batches;
    const int workers = spec.workers < 1 ? 1 : spec.workers;

    MeteredConnection coordinator = context.connect();
    pg::ExportedSnapshot snapshot(coordinator.connection(), spec.snapshot_id);
    // --no-shared-snapshot (the broken control): workers take snapshots of their own.
    const std::string shared = spec.shared_snapshot ? snapshot.id() : std::string();
    context.snapshot_exported();
    std::vector<MeteredConnection> connections;
    connections.reserve(static_cast<std::size_t>(workers));
    std::vector<MeteredConnection*> pooled;
    for (int i = 0; i < workers; ++i) {
      connections.push_back(context.connect());
      pg::begin_worker(connections.back().connection(), shared);  // once per connection
      pooled.push_back(&connections.back());
    }
    ConnectionPool pool(std::move(pooled));

    std::atomic<std::size_t> next{0};
    std::atomic<bool> stop{false};
    std::mutex error_mutex;
    std::exception_ptr first_error;

    auto worker = [&](int worker_index) {
      try {
        RowDecoder decoder(spec.types, spec.digest, spec.masks);
        FaultPoint fault(spec, worker_index, false);
        for (;;) {
          const std::size_t index = next.fetch_add(1);
          if (index >= batches.size() || stop.load()) break;
          context.check_interrupted();
          auto [conn, waited] = pool.checkout();
          context.add_pool_wait(waited);
          Lease lease(pool, conn);
          fault.before_part(lease.raw());
          CursorStreamOptions options;
          options.fault = &fault;
          options.query = spec.range_query(batches[index]);
          options.batch_rows = spec.batch_rows;
          options.format = spec.format;
          // No prologue/epilogue: the connection's snapshot transaction stays open.
          const RunContext::PartMark part = context.begin_part(index, batches[index], decoder.totals());
          CursorStream stream(lease.raw(), std::move(options), decoder, context);
          stream.run();
          context.end_part(part, decoder.totals());
        }
        context.add_totals(decoder.totals());
      } catch (...) {
        stop.store(true);
        std::lock_guard lock(error_mutex);
        if (!first_error) first_error = std::current_exception();
      }
    };

    {
      std::vector<std::jthread> threads;
      threads.reserve(static_cast<std::size_t>(workers));
      try {
        for (int i = 0; i < workers; ++i) threads.emplace_back(worker, i);
      } catch (...) {
        stop.store(true);
        throw;  // jthreads join on destruction
      }
    }
    if (first_error) std::rethrow_exception(first_error);

    for (auto& conn : connections) {
      conn.connection().exec("COMMIT");
      conn.finish();
    }
    snapshot.release();
    coordinator.finish();
  }
};

}  // namespace

std::unique_ptr<Strategy> make_pooled_sync() { return std::make_unique<PooledSync>(); }

}  // namespace benchlab

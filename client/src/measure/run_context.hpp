// The measurement harness as a strategy sees it: one RunContext per run. All
// members are thread-safe unless noted. Strategies never time or sample themselves.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "model/figures.hpp"
#include "model/latency_histogram.hpp"
#include "model/progress.hpp"
#include "model/read_spec.hpp"
#include "pg/connection.hpp"

namespace benchlab {

class RunContext;

// Server backend CPU of this connection's backend (benchlab.backend_cpu); nullopt
// when the server has no benchlab extension (a user's server may not).
std::optional<ServerCpu> read_backend_cpu(const pg::Connection& conn);

// A connection opened for a run: session settings pinned (read-only, statement
// timeout, identical text output), server backend CPU read at open. finish()
// reads it again and charges the difference to the run; the destructor does
// that too if finish() was not called (without throwing).
class MeteredConnection {
 public:
  MeteredConnection(pg::Connection conn, RunContext& context);
  ~MeteredConnection();
  MeteredConnection(MeteredConnection&&) noexcept;
  MeteredConnection(const MeteredConnection&) = delete;
  MeteredConnection& operator=(const MeteredConnection&) = delete;
  MeteredConnection& operator=(MeteredConnection&&) = delete;

  [[nodiscard]] const pg::Connection& connection() const { return conn_; }
  [[nodiscard]] PGconn* raw() const { return conn_.raw(); }
  void finish();

 private:
  pg::Connection conn_;
  RunContext* context_;
  std::optional<ServerCpu> start_;
};

class RunContext {
 public:
  virtual ~RunContext() = default;

  // A metered connection to spec.conninfo with the run's session options.
  virtual MeteredConnection connect() = 0;
  // The first read query is about to be sent (time to first row counts from the
  // first call); the first row has been received (first call wins).
  virtual void mark_query_sent() = 0;
  virtual void mark_first_row() = 0;
  // The same with a time taken elsewhere (forked workers: steady_clock is
  // CLOCK_MONOTONIC, one clock in every process). The earliest time wins.
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual void mark_query_sent(TimePoint /*at*/) { mark_query_sent(); }
  virtual void mark_first_row(TimePoint /*at*/) { mark_first_row(); }
  // Rows and value bytes received elsewhere (forked workers), for the progress line
  // and the metrics only: no latency, no totals (add_totals and add_latency carry those).
  virtual void add_progress(std::uint64_t /*rows*/, std::uint64_t /*bytes*/) {}
  // The coordinator has exported the run's snapshot; no worker has begun yet (tests
  // hold the run here to write rows a broken import would see).
  virtual void snapshot_exported() {}
  // Worker `index`'s rows so far (forked workers, from their heartbeats) and the key
  // (or block) its share is read through (the upper bound of its last finished
  // part; nullopt: none finished yet), for the live progress line only.
  virtual void set_worker_progress(std::size_t /*index*/, std::uint64_t /*rows*/,
                                   std::optional<std::int64_t> /*read_through*/) {}
  // Worker `index` has exited after reading its share (for the live figures only).
  virtual void worker_ended(std::size_t /*index*/) {}
  // The fallback chain's standing (an attempt began, a part was confirmed), for the
  // live figures only.
  virtual void chain_progress(const ChainProgress& /*now*/) {}
  // A forked worker's own peak resident set (its getrusage ru_maxrss), once per worker.
  virtual void add_worker_peak_rss(std::uint64_t /*bytes*/) {}
  // A forked worker's largest private memory (pages not shared with the parent), once per worker.
  virtual void add_worker_private_peak(std::uint64_t /*bytes*/) {}
  // One batch arrived and was decoded: its rows, its value bytes (as DecodeTotals
  // counts them) and its latency (from sending the request, or from the previous
  // batch when streaming, to the batch decoded).
  virtual void record_batch(std::uint64_t rows, std::uint64_t bytes, std::chrono::nanoseconds latency) = 0;
  // A reader finished: its rows, bytes and checksum.
  virtual void add_totals(const DecodeTotals& totals) = 0;
  // A part of the plan (a unit of work: one of spec.partitions, or of spec.batches
  // for pooled_sync) begins and ends. The context stamps both ends; `so_far` is the
  // reader's running totals at that moment (the difference is the part's rows and
  // bytes), so a reader that reads several parts in turn needs nothing of its own.
  struct PartMark {
    std::size_t index = 0;
    KeyRange range;
    TimePoint started{};
    DecodeTotals so_far;  // the reader's totals when the part began
  };
  [[nodiscard]] virtual PartMark begin_part(std::size_t index, const KeyRange& range, const DecodeTotals& so_far) {
    return PartMark{index, range, std::chrono::steady_clock::now(), so_far};
  }
  virtual void end_part(const PartMark& mark, const DecodeTotals& so_far) {
    const auto wall = std::chrono::steady_clock::now() - mark.started;
    add_part(PartFigures{mark.index, mark.range.relation_sql, mark.range.lo, mark.range.hi,
                         so_far.rows - mark.so_far.rows, so_far.bytes - mark.so_far.bytes,
                         std::chrono::duration<double>(wall).count(), so_far.checksum.sum - mark.so_far.checksum.sum,
                         so_far.unknown_values - mark.so_far.unknown_values, so_far.digest.minus(mark.so_far.digest)});
  }
  // A part's figures, measured here (end_part) or elsewhere (forked workers).
  virtual void add_part(const PartFigures& part) = 0;
  // Forked workers report what the parent cannot see in its own process.
  virtual void add_latency(const LatencyHistogram& histogram) = 0;
  virtual void add_server_cpu(const ServerCpu& cpu) = 0;
  virtual void add_pool_wait(std::chrono::nanoseconds waited) = 0;
  // The RSS sampler sums these processes' RSS with our own (forked workers).
  virtual void watch_process(pid_t pid) = 0;
  virtual void unwatch_process(pid_t pid) = 0;
  // A fallback taken or a fault met, for the artifact ("pipeline mode unavailable: ...").
  virtual void note(const std::string& text) = 0;
  // Throws benchlab::Interrupted once SIGINT/SIGTERM arrived. Call between batches.
  virtual void check_interrupted() = 0;
  // Whether connections charge server backend CPU to the run (false when the
  // observer is switched off to measure its own cost).
  [[nodiscard]] virtual bool meter_server_cpu() const { return true; }
};

}  // namespace benchlab

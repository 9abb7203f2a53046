// What a benchmark reports as it goes, for whoever shows it: the run loop's phases
// (a size started, a round's wire ceiling, a strategy's standing at the end of a
// size) and the harness's live figures. The layers that measure call a
// ProgressObserver; only the CLI draws (stderr lines, the live progress line).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/estimate.hpp"
#include "model/wire_format.hpp"

namespace benchlab {

// A forked worker's standing: rows, and the key (or block) its share is read
// through (kNotYet: no part finished).
struct WorkerProgress {
  std::uint64_t rows = 0;
  std::int64_t read_through = kNotYet;
  bool running = true;  // false: it has exited (its share read)
  static constexpr std::int64_t kNotYet = std::numeric_limits<std::int64_t>::min();
};

// The fallback chain's standing in a parallel read (run/recovery.hpp): its attempt
// (1: the first; n: the (n-1)-th retry), the attempt's workers, and the plan's parts.
struct ChainProgress {
  int attempt = 1;
  int workers = 0;
  std::size_t parts = 0;
  std::size_t parts_confirmed = 0;  // from a checkpoint included
};

// One run's figures so far: rows of the run and, for forked workers, each
// worker's rows from its heartbeat.
struct LiveProgress {
  std::string label;  // the run: "async_stream run 2/3", "naive warmup 1/1"
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;  // value bytes, as DecodeTotals counts them
  std::uint64_t expected_rows = 0;
  double rows_per_sec = 0;
  std::optional<std::uint64_t> peak_rss;  // when the harness observes memory
  std::vector<WorkerProgress> workers;
  // Seconds since the run last made progress (a batch decoded here, or a worker's
  // rows reported); since the run started while no batch has.
  double progress_age_s = 0;
  std::vector<double> worker_progress_age_s;  // per forked worker, as `workers`
  std::size_t workers_alive = 0;              // forked worker processes watched now
  std::optional<ChainProgress> chain;         // a read through the fallback chain
};

struct SizeStarted {
  std::uint64_t limit = 0;
  bool whole_table = false;
  std::size_t strategies = 0;
  int rounds = 0;
};

struct RoundMeasured {
  int round = 0;
  int rounds = 0;
  WireFormat format = WireFormat::text;
  double ceiling_rows_per_sec = 0;
  double remaining_s = 0;  // an estimate of what is left (model/estimate.hpp), not a measurement
};

// A strategy at the end of a size: its median, or the error that stopped it.
struct StrategyStanding {
  std::string strategy;
  double median_rows_per_sec = 0;
  std::size_t runs = 0;
  enum class Check { matched, mismatch, expected_mismatch } check = Check::matched;
  std::string error;  // what stopped it (empty: nothing did)
};

// How one run of a strategy ended: its rows checked against the server's, or an error.
struct RunChecked {
  std::string strategy;
  bool warmup = false;
  bool error = false;
  bool mismatched = false;  // rows or checksum differ from the server's (the broken control's expected one: false)
};

class ProgressObserver {
 public:
  virtual ~ProgressObserver() = default;
  // Once, before the first read: how long the run will take, estimated from the plan.
  virtual void run_estimated(const RunEstimate& estimate) = 0;
  virtual void size_started(const SizeStarted& event) = 0;
  virtual void round_measured(const RoundMeasured& event) = 0;
  virtual void strategy_standing(const StrategyStanding& event) = 0;
  // From the harness's sampler thread, at most four times a second while a run
  // reads; run_ended once it stopped (the live line is then cleared).
  virtual void live(const LiveProgress& now) = 0;
  virtual void run_ended() = 0;
  // After run_ended, once the run's rows were checked (or it failed).
  virtual void run_checked(const RunChecked& /*run*/) {}
};

// Tells every observer it holds, in order (the stderr lines and the metrics file).
class ProgressFanout final : public ProgressObserver {
 public:
  explicit ProgressFanout(std::vector<ProgressObserver*> observers) : observers_(std::move(observers)) {}
  void run_estimated(const RunEstimate& e) override {
    for (auto* o : observers_) o->run_estimated(e);
  }
  void size_started(const SizeStarted& e) override {
    for (auto* o : observers_) o->size_started(e);
  }
  void round_measured(const RoundMeasured& e) override {
    for (auto* o : observers_) o->round_measured(e);
  }
  void strategy_standing(const StrategyStanding& e) override {
    for (auto* o : observers_) o->strategy_standing(e);
  }
  void live(const LiveProgress& now) override {
    for (auto* o : observers_) o->live(now);
  }
  void run_ended() override {
    for (auto* o : observers_) o->run_ended();
  }
  void run_checked(const RunChecked& run) override {
    for (auto* o : observers_) o->run_checked(run);
  }

 private:
  std::vector<ProgressObserver*> observers_;
};

}  // namespace benchlab

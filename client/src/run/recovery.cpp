#include "run/recovery.hpp"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "measure/run_context.hpp"
#include "pg/connection.hpp"
#include "pg/error.hpp"
#include "pg/snapshot.hpp"
#include "process/interrupt.hpp"
#include "strategies/registry.hpp"
#include "strategies/strategy.hpp"

namespace benchlab {

namespace {

using TimePoint = std::chrono::steady_clock::time_point;

// The strategy's view of the run during one attempt: everything goes to the run's
// context, except that part indices are the attempt's (positions in its list of
// parts left) and are mapped back to the plan's, confirmed parts are kept, and the
// readers' own totals are dropped (the run's totals are its confirmed parts').
class PartLedger final : public RunContext {
 public:
  PartLedger(RunContext& inner, std::size_t parts, PartJournal* journal)
      : inner_(inner), confirmed_(parts), journal_(journal) {}

  void begin_attempt(std::vector<std::size_t> plan_index, int attempt, int workers) {
    std::lock_guard lock(mutex_);
    plan_index_ = std::move(plan_index);
    first_rows_.store(TimePoint{});
    chain_.attempt = attempt;
    chain_.workers = workers;
    chain_.parts = confirmed_.size();
    chain_.parts_confirmed = confirmed_.size() - plan_index_.size();
    inner_.chain_progress(chain_);
  }
  // When this attempt's first rows arrived (the epoch: none yet).
  [[nodiscard]] TimePoint first_rows() const { return first_rows_.load(); }
  void preload(const PartFigures& part) {
    if (part.index < confirmed_.size()) confirmed_[part.index] = part;
  }
  [[nodiscard]] std::vector<std::size_t> left() const {
    std::lock_guard lock(mutex_);
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < confirmed_.size(); ++i)
      if (!confirmed_[i]) out.push_back(i);
    return out;
  }
  [[nodiscard]] DecodeTotals totals() const {
    std::lock_guard lock(mutex_);
    DecodeTotals t;
    for (const auto& p : confirmed_) {
      if (!p) continue;
      t.rows += p->rows;
      t.bytes += p->bytes;
      t.unknown_values += p->unknown_values;
      t.checksum.rows += p->rows;
      t.checksum.sum += p->checksum;
      t.digest.merge(p->digest);
    }
    return t;
  }

  MeteredConnection connect() override { return inner_.connect(); }
  void mark_query_sent() override { inner_.mark_query_sent(); }
  void mark_first_row() override { inner_.mark_first_row(); }
  void mark_query_sent(TimePoint at) override { inner_.mark_query_sent(at); }
  void mark_first_row(TimePoint at) override { inner_.mark_first_row(at); }
  void add_progress(std::uint64_t rows, std::uint64_t bytes) override {
    rows_arrived();
    received_ += rows;
    inner_.add_progress(rows, bytes);
  }
  void snapshot_exported() override { inner_.snapshot_exported(); }
  void set_worker_progress(std::size_t index, std::uint64_t rows, std::optional<std::int64_t> through) override {
    inner_.set_worker_progress(index, rows, through);
  }
  void worker_ended(std::size_t index) override { inner_.worker_ended(index); }
  void add_worker_peak_rss(std::uint64_t bytes) override { inner_.add_worker_peak_rss(bytes); }
  void add_worker_private_peak(std::uint64_t bytes) override { inner_.add_worker_private_peak(bytes); }
  void record_batch(std::uint64_t rows, std::uint64_t bytes, std::chrono::nanoseconds latency) override {
    rows_arrived();
    received_ += rows;
    inner_.record_batch(rows, bytes, latency);
  }
  // Rows that arrived in this process (forked workers': as their heartbeats reported them).
  [[nodiscard]] std::uint64_t received() const { return received_.load(); }
  void add_totals(const DecodeTotals& /*reader's*/) override {}
  void add_part(const PartFigures& part) override {
    PartFigures mapped = part;
    {
      std::lock_guard lock(mutex_);
      if (part.index >= plan_index_.size()) throw std::logic_error("a strategy reported a part it was not given");
      mapped.index = plan_index_[part.index];
      if (confirmed_[mapped.index]) return;  // reported once already (cannot happen; harmless)
      confirmed_[mapped.index] = mapped;
      if (journal_ != nullptr) journal_->confirm(mapped);
      ++chain_.parts_confirmed;
      inner_.chain_progress(chain_);
    }
    inner_.add_part(mapped);
  }
  void add_latency(const LatencyHistogram& histogram) override { inner_.add_latency(histogram); }
  void add_server_cpu(const ServerCpu& cpu) override { inner_.add_server_cpu(cpu); }
  void add_pool_wait(std::chrono::nanoseconds waited) override { inner_.add_pool_wait(waited); }
  void watch_process(pid_t pid) override { inner_.watch_process(pid); }
  void unwatch_process(pid_t pid) override { inner_.unwatch_process(pid); }
  void note(const std::string& text) override { inner_.note(text); }
  void check_interrupted() override { inner_.check_interrupted(); }
  [[nodiscard]] bool meter_server_cpu() const override { return inner_.meter_server_cpu(); }

 private:
  RunContext& inner_;
  mutable std::mutex mutex_;
  std::vector<std::size_t> plan_index_;
  std::vector<std::optional<PartFigures>> confirmed_;
  void rows_arrived() {
    if (first_rows_.load(std::memory_order_relaxed) != TimePoint{}) return;
    TimePoint none{};
    first_rows_.compare_exchange_strong(none, std::chrono::steady_clock::now());
  }
  PartJournal* journal_;
  ChainProgress chain_;  // under mutex_
  std::atomic<std::uint64_t> received_{0};
  std::atomic<TimePoint> first_rows_{TimePoint{}};
};

// Waits `delay`, looking for an interruption every 10 ms.
void backoff(std::chrono::milliseconds delay) {
  const auto until = std::chrono::steady_clock::now() + delay;
  while (std::chrono::steady_clock::now() < until) {
    throw_if_interrupted();
    std::this_thread::sleep_for(
        std::min<std::chrono::nanoseconds>(std::chrono::milliseconds(10), until - std::chrono::steady_clock::now()));
  }
}

// "2, 2, 1 workers", and the strategy of each attempt when the chain changed it.
std::string widths(const RecoveryFigures& figures) {
  std::string out;
  for (std::size_t i = 0; i < figures.tiers.size(); ++i) out += (i == 0 ? "" : ", ") + std::to_string(figures.tiers[i]);
  out += " workers";
  if (!figures.tier_strategies.empty()) out += " (" + fmt::format("{}", fmt::join(figures.tier_strategies, ", ")) + ")";
  return out;
}

}  // namespace

bool retryable(const std::exception& error) {
  if (dynamic_cast<const Interrupted*>(&error) != nullptr) return false;
  const auto* pg_error = dynamic_cast<const pg::Error*>(&error);
  if (pg_error == nullptr) return false;  // a decode error or a bug: the same again
  return pg_error->retryable();
}

RecoveryFigures read_with_recovery(Strategy& strategy, const ReadSpec& spec, RunContext& context,
                                   const RecoveryOptions& options, PartJournal* journal) {
  const bool batches = strategy.part_list() == PartList::batches;
  const std::vector<KeyRange>& listed = batches ? spec.batches : spec.partitions;
  const std::vector<KeyRange> parts = listed.empty() ? std::vector<KeyRange>{spec.all} : listed;
  const auto start = std::chrono::steady_clock::now();

  RecoveryFigures figures;
  figures.retries_allowed = options.retries;
  PartLedger ledger(context, parts.size(), journal);
  if (journal != nullptr) {
    for (const auto& part : journal->confirmed_before()) {
      if (part.index >= parts.size()) continue;
      ledger.preload(part);
      ++figures.parts_from_checkpoint;
      figures.rows_from_checkpoint += part.rows;
    }
  }
  // One snapshot for every attempt (unless the user holds one, or asked for the
  // broken control): a retry reads the parts left in the state the first attempt saw.
  std::optional<pg::HeldSnapshot> holder;
  ReadSpec attempt_spec = spec;
  if (spec.snapshot_id.empty() && spec.shared_snapshot) {
    holder.emplace(spec.conninfo);
    attempt_spec.snapshot_id = holder->id();
  }
  if (journal != nullptr) journal->started(attempt_spec.snapshot_id);

  const int first_workers = spec.workers < 1 ? 1 : spec.workers;
  std::vector<std::string> strategies;  // each attempt's
  std::unique_ptr<Strategy> fallback;   // the tier's own strategy, when it is not the run's
  for (int attempt = 1;; ++attempt) {
    const std::vector<std::size_t> left = ledger.left();
    if (left.empty()) break;
    const FallbackTier tier = fallback_tier(strategy.name(), first_workers, spec.decoders, attempt, options.retries,
                                            !spec.masks.any() && spec.worker_memory_limit_bytes == 0);
    const int workers = tier.workers;
    if (tier.strategy != strategy.name() && (!fallback || fallback->name() != tier.strategy))
      fallback = make_strategy(tier.strategy);
    Strategy& reader = tier.strategy == strategy.name() ? strategy : *fallback;
    strategies.push_back(tier.strategy);
    attempt_spec.decoders = tier.decoders;
    std::vector<KeyRange> ranges;
    ranges.reserve(left.size());
    for (const std::size_t i : left) ranges.push_back(parts[i]);
    (batches ? attempt_spec.batches : attempt_spec.partitions) = ranges;
    attempt_spec.workers = workers;
    attempt_spec.attempt = attempt;
    // Fewer workers, each with a larger share of the same --memory-budget.
    // (decoupled: its decoders are the forked processes the ceiling applies to.)
    if (spec.worker_memory_limit_bytes > 0)
      attempt_spec.worker_memory_limit_bytes = spec.worker_memory_limit_bytes *
                                               static_cast<std::uint64_t>(first_workers) /
                                               static_cast<std::uint64_t>(tier.decoders > 0 ? tier.decoders : workers);
    figures.tiers.push_back(workers);
    if (tier.strategy != strategy.name() || !figures.tier_strategies.empty()) figures.tier_strategies = strategies;
    ledger.begin_attempt(left, attempt, workers);
    // The previous fault's restart ends with this attempt's first rows.
    auto resumed = [&] {
      if (figures.faults.empty() || figures.faults.back().resumed_at_s) return;
      if (const TimePoint first = ledger.first_rows(); first != TimePoint{})
        figures.faults.back().resumed_at_s = std::chrono::duration<double>(first - start).count();
    };
    try {
      reader.run(attempt_spec, ledger);
      resumed();
    } catch (const std::exception& e) {
      resumed();
      const std::vector<std::size_t> still = ledger.left();
      const std::string what = pg::one_line(e.what());
      if (!retryable(e) || attempt > options.retries) {
        if (attempt == 1 || !retryable(e)) throw;
        throw pg::Error(fmt::format("{} (gave up after {} attempts, at {}; {} of {} parts confirmed)", what, attempt,
                                    widths(figures), parts.size() - still.size(), parts.size()));
      }
      FaultRecord fault;
      fault.attempt = attempt;
      fault.workers = workers;
      fault.at_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      fault.error = what;
      fault.parts_done = parts.size() - still.size();
      fault.parts_left = still.size();
      figures.faults.push_back(fault);
      context.note(
          fmt::format("recovered from faults: attempt {} at {} workers{} failed ({}); the parts left were read "
                      "again in the same snapshot",
                      attempt, workers, tier.strategy != strategy.name() ? " of " + tier.strategy : "", what));
      const auto delay = std::chrono::milliseconds(static_cast<std::int64_t>(options.backoff_ms) << (attempt - 1));
      const auto waited_from = std::chrono::steady_clock::now();
      backoff(delay);
      const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - waited_from).count();
      figures.backoff_s += waited;
      figures.faults.back().backoff_s = waited;
      continue;
    }
    if (!ledger.left().empty())
      throw std::logic_error(fmt::format("{} ended without reading every part it was given", reader.name()));
  }
  const DecodeTotals totals = ledger.totals();
  const std::uint64_t read_now = totals.rows - figures.rows_from_checkpoint;
  figures.rows_discarded = ledger.received() > read_now ? ledger.received() - read_now : 0;
  context.add_totals(totals);
  if (holder) holder->release();
  if (journal != nullptr) journal->finished();
  return figures;
}

}  // namespace benchlab

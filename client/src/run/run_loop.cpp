#include "run/run_loop.hpp"

#include <malloc.h>

#include <chrono>

#include <fmt/format.h>

#include "measure/harness.hpp"
#include "model/estimate.hpp"
#include "pg/error.hpp"
#include "pg/snapshot.hpp"
#include "plan/read_plan.hpp"
#include "plan/table.hpp"
#include "process/interrupt.hpp"
#include "run/concurrent_writer.hpp"
#include "run/recovery.hpp"
#include "run/wire_ceiling.hpp"
#include "strategies/registry.hpp"

namespace benchlab {

namespace {

// A strict-policy failure ends the benchmark; the report keeps its reason.
struct StrictFailure {};

// The binary ceiling beside a text read needs every column to have binary output
// (a text read never depends on a binary path; the plan's note says it was skipped).
bool other_format_readable(const TableInfo& table, WireFormat format) {
  return format == WireFormat::binary || table.text_only_columns.empty();
}

// What the duration estimate counts (model/estimate.hpp), for every size alike.
struct EstimateBasis {
  EstimateShape shape;
  std::vector<SizeToRead> sizes;
  int targets_after = 0;
};

EstimateBasis estimate_basis(const BenchmarkPlan& plan, const ScheduleOptions& schedule, int targets_after) {
  EstimateBasis b;
  b.shape.strategies = schedule.strategies.size();
  b.shape.runs = schedule.runs;
  b.shape.warmup = schedule.warmup;
  const WireFormat format = plan.sizes.empty() ? WireFormat::text : plan.sizes.front().spec.format;
  b.shape.ceilings = other_format_readable(plan.table, format) ? 2 : 1;
  for (const SizePlan& size : plan.sizes) {
    SizeToRead s;
    s.rows = size.server.rows.value_or(size.limit);
    if (size.server.scan) s.server_scan_s = size.server.scan->elapsed_s;
    b.sizes.push_back(s);
  }
  b.targets_after = targets_after;
  return b;
}

// Runs one size: warmups, then rounds of ceiling + strategies, into `size`.
class SizeRunner {
 public:
  SizeRunner(const TableInfo& table, const SizePlan& plan, const ScheduleOptions& schedule, const LoopOutput& output,
             SizeResult& size, BenchmarkReport& report, PartJournal* journal, const EstimateBasis& estimate,
             std::size_t index)
      : table_(table),
        plan_(plan),
        spec_(plan.spec),
        schedule_(schedule),
        output_(output),
        size_(size),
        report_(report),
        journal_(journal),
        estimate_(estimate),
        index_(index) {}

  void run() {
    // --concurrent-writes: the writer runs from here to the end of the size.
    std::optional<ConcurrentWriter> writer;
    if (schedule_.concurrent_writes_per_sec > 0) {
      writer.emplace(spec_.conninfo, spec_, schedule_.concurrent_writes_per_sec);
      writer_ = &*writer;
    }
    warm_wire(spec_.format);
    if (other_format_readable()) warm_wire(other_format(spec_.format));
    for (int w = 1; w <= schedule_.warmup; ++w)
      for (const auto& name : schedule_.strategies) run_one(result_of(name), true, w, 0);
    // Measured rounds: the wire ceiling (both formats), then each strategy once, so
    // every strategy run has a ceiling measured moments before it.
    // The rounds' pace, for the estimate of what is left (said, never stored).
    using Clock = std::chrono::steady_clock;
    const Clock::time_point rounds_start = Clock::now();
    for (int round = 1; round <= schedule_.runs; ++round) {
      const double rounds_elapsed_s = std::chrono::duration<double>(Clock::now() - rounds_start).count();
      const double ceiling = measure_wire_round(spec_.format);
      const double ceiling_s = size_.wire_ceiling[std::string(to_string(spec_.format))].wall_s.back();
      if (other_format_readable()) measure_wire_round(other_format(spec_.format));
      if (output_.observer != nullptr) {
        const double read_s = seconds_per_read(estimate_.shape, ceiling_s, round - 1, rounds_elapsed_s);
        const double left =
            remaining_seconds(estimate_.shape, estimate_.sizes, index_, round, read_s, estimate_.targets_after);
        output_.observer->round_measured({round, schedule_.runs, spec_.format, ceiling, left});
      }
      for (const auto& name : schedule_.strategies) run_one(result_of(name), false, round, ceiling);
    }
    for (const auto& result : size_.strategies) {
      if (output_.observer == nullptr) break;
      StrategyStanding standing;
      standing.strategy = result.strategy;
      if (result.errors.empty()) {
        const Summary s = result.rows_per_sec();
        standing.median_rows_per_sec = s.median;
        standing.runs = s.count;
        if (result.any_mismatch())
          standing.check = is_unshared_control(result.strategy) ? StrategyStanding::Check::expected_mismatch
                                                                : StrategyStanding::Check::mismatch;
      } else {
        standing.error = result.errors.back();
      }
      output_.observer->strategy_standing(standing);
    }
  }

 private:
  [[nodiscard]] bool other_format_readable() const { return benchlab::other_format_readable(table_, spec_.format); }

  // One unmeasured COPY pass: every measurement after it finds the same warm caches.
  void warm_wire(WireFormat format) const { (void)drain(format); }

  // The wire ceiling is a COPY of the rows every strategy reads: the first full read
  // of the table. An error it meets is the table's (a policy or a function failing
  // as rows are read, a lost connection), said as such: the ceiling is a step of
  // benchclient's own that the user never asked for.
  CopyDrain drain(WireFormat format) const {
    try {
      return copy_drain(spec_.conninfo, spec_.all_query(), format);
    } catch (const pg::BrokenConnection& e) {
      throw pg::BrokenConnection(fmt::format("the connection to the server was lost while reading table {}: {}",
                                             table_.display_name, e.server_message()),
                                 e.sqlstate());
    } catch (const pg::QueryCanceled&) {
      throw;
    } catch (const pg::SqlError& e) {
      throw plan::table_read_refused(table_.display_name, table_.read_as, e);
    }
  }

  // One round's wire ceiling in `format`, added to the size's figures; its rows/s.
  double measure_wire_round(WireFormat format) {
    throw_if_interrupted();
    WireCeiling& w = size_.wire_ceiling[std::string(to_string(format))];
    w.format = format;
    const CopyDrain d = drain(format);
    w.wall_s.push_back(d.wall_s);
    w.rows = d.rows;
    w.bytes = d.bytes;
    return d.wall_s > 0 ? static_cast<double>(d.rows) / d.wall_s : 0;
  }

  // A strategy's result is added when it first runs (a strict failure or an
  // interruption leaves out the strategies that never started).
  StrategyResult& result_of(const std::string& name) {
    for (auto& r : size_.strategies)
      if (r.strategy == name) return r;
    size_.strategies.push_back(StrategyResult{name, {}, {}, 0});
    return size_.strategies.back();
  }

  HarnessOptions harness_options(const std::string& label) const {
    HarnessOptions ho;
    ho.label = label;
    ho.observe = schedule_.measure_observer;
    if (output_.live) ho.progress = output_.observer;
    ho.expected_rows = spec_.all.rows;
    ho.session.read_only = true;
    ho.session.statement_timeout_ms = spec_.statement_timeout_ms;
    return ho;
  }

  // Runs one strategy once. A strategy that failed (tolerant) is not run again;
  // under the strict policy a failure or a mismatch throws StrictFailure.
  void run_one(StrategyResult& result, bool warmup, int index, double ceiling) {
    if (!result.errors.empty()) return;
    throw_if_interrupted();
    const std::string& name = result.strategy;
    const std::string label = warmup ? fmt::format("{} warmup {}/{}", name, index, schedule_.warmup)
                                     : fmt::format("{} run {}/{}", name, index, schedule_.runs);
    Harness harness(spec_.conninfo, harness_options(label));
    RunFigures f;
    std::optional<RecoveryFigures> recovery;
    // --concurrent-writes: a measured run reads a snapshot held for it, and is
    // checked against the server's figures in that snapshot. The run starts only once
    // the writer has committed after the snapshot was taken, so a connection that
    // takes a snapshot of its own (the broken control) is sure to see other rows.
    ReadSpec run_spec = spec_;
    // An injected fault meant for one measured run (make bench-recovery): the other
    // runs of the same invocation are the clean ones it is compared with.
    if (run_spec.fault && run_spec.fault->run != 0 && (warmup || index != run_spec.fault->run)) run_spec.fault.reset();
    ServerExpectation expected = plan_.server;
    std::optional<pg::HeldSnapshot> held;
    const bool checked_per_run = writer_ != nullptr && !warmup;
    std::uint64_t inserted = 0, updated = 0;
    if (checked_per_run) {
      if (spec_.snapshot_id.empty()) {  // --snapshot already holds one for every run
        held.emplace(spec_.conninfo);
        run_spec.snapshot_id = held->id();
      }
      const std::uint64_t commits = writer_->commits();
      std::vector<std::string> notes;
      expected = plan::expect_from_server(spec_.conninfo, table_, run_spec, notes);
      writer_->wait_for_commits(commits + 2);
      inserted = writer_->rows_inserted();
      updated = writer_->rows_updated();
    }
    try {
      auto strategy = make_strategy(name);
      // Free heap an earlier run left in malloc's arenas (naive's whole result) goes
      // back to the kernel first: with interleaved rounds every strategy follows
      // another one, and its peak RSS must not include the other's leftovers.
      malloc_trim(0);
      harness.start();
      // The parallel strategies read through the fallback chain (and the checkpoint).
      if (strategy->part_list() != PartList::none && (schedule_.recovery.retries > 0 || journal_ != nullptr))
        recovery = read_with_recovery(*strategy, run_spec, harness, schedule_.recovery, journal_);
      else
        strategy->run(run_spec, harness);
      f = harness.finish();
      if (run_spec.digest == DigestAlgorithm::sha256) f.digest = harness.totals().digest;
      f.recovery = recovery;
      if (checked_per_run)
        f.concurrent_writes =
            ConcurrentWriteFigures{writer_->rows_inserted() - inserted, writer_->rows_updated() - updated,
                                   expected.rows.value_or(0), expected.checksum.value_or(0)};
      if (recovery && recovery->parts_from_checkpoint > 0)
        f.notes.push_back(fmt::format(
            "resumed from --checkpoint: {} of its parts ({} rows) were read by an earlier process and not again; "
            "rows/s and the other rates of this run are not a measurement of the whole read",
            recovery->parts_from_checkpoint, recovery->rows_from_checkpoint));
    } catch (const Interrupted&) {
      harness.finish();
      throw;
    } catch (const std::exception& e) {
      harness.finish();
      if (output_.observer != nullptr) output_.observer->run_checked({name, warmup, true, false});
      const std::string what = pg::one_line(e.what());
      result.errors.push_back(fmt::format("{}: {}", label, what));
      if (schedule_.policy == MismatchPolicy::strict)
        fail(fmt::format("{} failed at {} rows: {}", name, plan_.limit, what));
      return;  // tolerant: the error is recorded, the other strategies go on
    }
    if (warmup) {
      ++result.warmups;
      if (output_.observer != nullptr) output_.observer->run_checked({name, true, false, false});
      return;
    }
    f.round = index;
    if (ceiling > 0) f.wire_ceiling_rows_per_sec = ceiling;
    const ServerExpectation& server = expected;
    if (server.rows) f.rows_match = f.rows == *server.rows;
    if (server.checksum) f.checksum_match = f.checksum == *server.checksum;
    if (f.digest && server.digest) f.digest_match = *f.digest == *server.digest;
    result.runs.push_back(f);
    // The broken control's mismatch is what it exists to show, not a fault to alert on.
    if (output_.observer != nullptr)
      output_.observer->run_checked({name, false, false, f.mismatched() && !is_unshared_control(name)});
    if (f.mismatched() && schedule_.policy == MismatchPolicy::strict && !is_unshared_control(name)) {
      std::string why =
          fmt::format("{} at {} rows read {} rows with checksum {:016x}; the server has {} rows, checksum {:016x}",
                      name, plan_.limit, f.rows, f.checksum, server.rows.value_or(0), server.checksum.value_or(0));
      if (f.digest_match == false)
        why += fmt::format("; sha256 digest {}, the server's {}", f.digest->hex(), server.digest->hex());
      fail(std::move(why));
    }
  }

  [[noreturn]] void fail(std::string why) {
    report_.strict_failure = std::move(why);
    throw StrictFailure{};
  }

  const TableInfo& table_;
  const SizePlan& plan_;
  const ReadSpec& spec_;
  const ScheduleOptions& schedule_;
  const LoopOutput& output_;
  SizeResult& size_;
  BenchmarkReport& report_;
  PartJournal* journal_;
  const EstimateBasis& estimate_;
  std::size_t index_;  // of this size in the plan
  ConcurrentWriter* writer_ = nullptr;
};

}  // namespace

void run_benchmark(const BenchmarkPlan& plan, const ScheduleOptions& schedule, const LoopOutput& output,
                   BenchmarkReport& report, PartJournal* journal) {
  const EstimateBasis estimate = estimate_basis(plan, schedule, output.targets_after);
  if (output.observer != nullptr && !plan.sizes.empty()) {
    RunEstimate said;
    said.seconds = estimate_from_scans(estimate.shape, estimate.sizes, 1 + output.targets_after);
    said.sizes = plan.sizes.size();
    said.shape = estimate.shape;
    said.targets = 1 + output.targets_after;
    output.observer->run_estimated(said);
  }
  try {
    for (std::size_t index = 0; index < plan.sizes.size(); ++index) {
      const SizePlan& size_plan = plan.sizes[index];
      throw_if_interrupted();
      if (output.observer != nullptr)
        output.observer->size_started(
            {size_plan.limit, size_plan.spec.whole_table, schedule.strategies.size(), schedule.runs});
      report.sizes.emplace_back();
      SizeResult& size = report.sizes.back();
      size.limit = size_plan.limit;
      size.all = size_plan.spec.all;
      size.whole_table = size_plan.spec.whole_table;
      size.split = size_plan.spec.split;
      size.partitions = size_plan.spec.partitions.size();
      size.batches = size_plan.spec.batches.size();
      size.server = size_plan.server;
      size.notes = size_plan.notes;
      SizeRunner(plan.table, size_plan, schedule, output, size, report, journal, estimate, index).run();
      if (output.size_done) output.size_done(report);
    }
  } catch (const Interrupted& e) {
    report.interrupted_signal = e.signal_number();
  } catch (const StrictFailure&) {
    // report.strict_failure says why; what was measured stays in the report.
  }
}

}  // namespace benchlab

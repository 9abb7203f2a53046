#include "measure/run_loop.hpp"

#include <malloc.h>

#include <fmt/format.h>

#include <chrono>
#include <cstdio>

#include "benchlab/row_checksum.hpp"
#include "measure/interruptible.hpp"
#include "pg/error.hpp"
#include "process/interrupt.hpp"
#include "strategies/strategy.hpp"

namespace benchlab {

bool StrategyResult::any_mismatch() const {
  for (const auto& r : runs) {
    if (r.rows_match == false || r.checksum_match == false) return true;
  }
  return false;
}

std::vector<double> StrategyResult::round_ratios() const {
  std::vector<double> out;
  for (const auto& r : runs)
    if (r.wire_ceiling_rows_per_sec && *r.wire_ceiling_rows_per_sec > 0)
      out.push_back(r.rows_per_sec / *r.wire_ceiling_rows_per_sec);
  return out;
}

std::optional<double> ratio_of_medians(const StrategyResult& s, double ceiling_median) {
  if (s.runs.empty() || ceiling_median <= 0) return std::nullopt;
  std::vector<double> rps;
  for (const auto& r : s.runs) rps.push_back(r.rows_per_sec);
  return summarize(std::move(rps)).median / ceiling_median;
}

std::optional<double> ratio_to_wire_ceiling(const StrategyResult& s, double ceiling_median) {
  std::vector<double> ratios = s.round_ratios();
  if (!ratios.empty()) return summarize(std::move(ratios)).median;
  return ratio_of_medians(s, ceiling_median);
}

namespace {

pg::SessionOptions session_of(const cli::RunOptions& options) {
  pg::SessionOptions s;
  s.read_only = true;
  s.statement_timeout_ms = options.statement_timeout_ms;
  return s;
}

std::uint64_t u64(std::string_view v) { return static_cast<std::uint64_t>(std::stoull(std::string(v))); }
std::int64_t i64(std::string_view v) { return std::stoll(std::string(v)); }

void phase(const LoopOutput& out, const std::string& text) {
  if (!out.phase_lines) return;
  std::fprintf(stderr, "%s\n", text.c_str());
  std::fflush(stderr);
}

// One unmeasured COPY pass: every measurement after it finds the same warm caches.
void warm_wire(const std::string& conninfo, const ReadSpec& spec, WireFormat format) {
  std::uint64_t rows = 0, bytes = 0;
  copy_drain(conninfo, spec.range_query(spec.all), format, rows, bytes);
}

// One round's wire ceiling in `format`: one COPY drain, added to the size's figures.
// Returns its rows/s.
double measure_wire_round(const std::string& conninfo, const ReadSpec& spec, WireFormat format, SizeResult& size) {
  throw_if_interrupted();
  WireCeiling& w = size.wire_ceiling[std::string(to_string(format))];
  w.format = format;
  std::uint64_t rows = 0, bytes = 0;
  const double s = copy_drain(conninfo, spec.range_query(spec.all), format, rows, bytes);
  w.wall_s.push_back(s);
  w.rows = rows;
  w.bytes = bytes;
  const double rps = s > 0 ? static_cast<double>(rows) / s : 0;
  w.rows_per_sec_each.push_back(rps);
  std::vector<double> mbps;
  for (double t : w.wall_s) mbps.push_back(t > 0 ? static_cast<double>(bytes) / 1e6 / t : 0);
  w.rows_per_sec = summarize(w.rows_per_sec_each);
  w.mb_per_sec = summarize(std::move(mbps));
  return rps;
}

// The server's figure for the rows every strategy must arrive at: range_checksum
// (cheapest), else server_scan's checksum of the same query.
void server_side(const std::string& conninfo, const cli::RunOptions& options, const dataset::TableInfo& table,
                 const ReadSpec& spec, SizeResult& size) {
  pg::Connection conn = pg::Connection::open(conninfo, session_of(options));
  const std::string fmt_name(to_string(options.format));
  try {
    pg::Result r = exec_interruptible(
        conn, "SELECT rows, bytes, elapsed_ns, cpu_user_us, cpu_sys_us, checksum FROM benchlab.server_scan($1, $2)",
        {spec.range_query(spec.all), fmt_name});
    if (r.rows() == 1) {
      ServerScan s;
      s.rows = u64(r.value(0, 0));
      s.bytes = u64(r.value(0, 1));
      s.elapsed_s = static_cast<double>(i64(r.value(0, 2))) / 1e9;
      s.cpu_user_s = static_cast<double>(i64(r.value(0, 3))) / 1e6;
      s.cpu_sys_s = static_cast<double>(i64(r.value(0, 4))) / 1e6;
      s.checksum = checksum_from_sql(i64(r.value(0, 5)));
      size.server_scan = s;
    }
  } catch (const pg::SqlError& e) {
    size.notes.push_back(fmt::format("server_scan unavailable: {}", e.what()));
  }
  throw_if_interrupted();
  try {
    pg::Result r = exec_interruptible(
        conn, "SELECT rows, checksum FROM benchlab.range_checksum($1::regclass, $2::name, $3::bigint, $4::bigint, $5)",
        {table.relation_sql, table.key_name, std::to_string(spec.all.lo), std::to_string(spec.all.hi), fmt_name});
    if (r.rows() == 1) {
      size.server_rows = u64(r.value(0, 0));
      size.server_checksum = checksum_from_sql(i64(r.value(0, 1)));
      size.server_checksum_source = "range_checksum";
    }
  } catch (const pg::SqlError& e) {
    size.notes.push_back(fmt::format("range_checksum unavailable: {}", e.what()));
  }
  if (!size.server_checksum && size.server_scan) {
    size.server_rows = size.server_scan->rows;
    size.server_checksum = size.server_scan->checksum;
    size.server_checksum_source = "server_scan";
  }
  if (!size.server_checksum) size.notes.push_back("no server checksum: runs are not verified");
}

}  // namespace

double copy_drain(const std::string& conninfo, const std::string& query, WireFormat format, std::uint64_t& rows,
                  std::uint64_t& bytes) {
  pg::SessionOptions s;
  s.read_only = true;
  pg::Connection conn = pg::Connection::open(conninfo, s);
  const std::string sql = format == WireFormat::binary ? fmt::format("COPY ({}) TO STDOUT WITH (FORMAT binary)", query)
                                                       : fmt::format("COPY ({}) TO STDOUT", query);
  const auto start = std::chrono::steady_clock::now();
  pg::Result r(PQexec(conn.raw(), sql.c_str()));
  pg::check_result(conn.raw(), r.get(), "COPY for the wire ceiling failed");
  std::uint64_t messages = 0;
  bool cancelled = false;
  for (;;) {
    char* buf = nullptr;
    const int n = PQgetCopyData(conn.raw(), &buf, 0);
    if (n > 0) {
      bytes += static_cast<std::uint64_t>(n);
      ++messages;
      PQfreemem(buf);
      if (!cancelled && (messages & 0xFFFF) == 0 && pending_signal() != 0) {
        if (PGcancel* c = PQgetCancel(conn.raw())) {
          char err[256];
          PQcancel(c, err, sizeof err);
          PQfreeCancel(c);
        }
        cancelled = true;
      }
      continue;
    }
    if (n == -2)
      throw pg::BrokenConnection("COPY for the wire ceiling failed: " + pg::one_line(PQerrorMessage(conn.raw())));
    break;  // -1: done
  }
  const auto end = std::chrono::steady_clock::now();
  while (PGresult* rest = PQgetResult(conn.raw())) {
    pg::Result owned(rest);
    if (!cancelled) pg::check_result(conn.raw(), rest, "COPY for the wire ceiling failed");
  }
  throw_if_interrupted();
  // Binary COPY: the first message carries the header, the last one the trailer.
  rows += format == WireFormat::binary && messages >= 1 ? messages - 1 : messages;
  return std::chrono::duration<double>(end - start).count();
}

void run_benchmark(const std::string& conninfo, const cli::RunOptions& options, const dataset::TableInfo& table,
                   const LoopOutput& output, BenchmarkReport& report) {
  try {
    for (const std::uint64_t limit : options.row_counts) {
      throw_if_interrupted();
      phase(output, fmt::format("benchclient: {} rows: planning, wire ceiling, server checksum", limit));
      const ReadSpec spec = dataset::plan_read(conninfo, table, limit, options);
      report.sizes.emplace_back();
      SizeResult& size = report.sizes.back();
      size.limit = limit;
      size.all = spec.all;
      size.partitions = spec.partitions.size();
      size.batches = spec.batches.size();
      if (spec.all.rows != limit) {
        size.notes.push_back(fmt::format("key {} has duplicates at the boundary: the range holds {} rows, not {}",
                                         table.key_name, spec.all.rows, limit));
      }
      server_side(conninfo, options, table, spec, size);
      const WireFormat other = options.format == WireFormat::text ? WireFormat::binary : WireFormat::text;
      warm_wire(conninfo, spec, options.format);
      warm_wire(conninfo, spec, other);

      // A strategy's result is added when it first runs (a strict failure or an
      // interruption leaves out the strategies that never started).
      auto result_of = [&size](const std::string& name) -> StrategyResult& {
        for (auto& r : size.strategies)
          if (r.strategy == name) return r;
        size.strategies.push_back(StrategyResult{name, {}, {}, 0});
        return size.strategies.back();
      };
      // Runs one strategy once; false when a strict-policy failure ends the benchmark.
      // A strategy that failed (tolerant) is not run again.
      auto run_one = [&](StrategyResult& result, bool warmup, int index, double ceiling) -> bool {
        if (!result.errors.empty()) return true;
        throw_if_interrupted();
        const std::string& name = result.strategy;
        HarnessOptions ho;
        ho.label = warmup ? fmt::format("{} warmup {}/{}", name, index, options.warmup)
                          : fmt::format("{} run {}/{}", name, index, options.runs);
        ho.observe = options.measure_observer;
        ho.progress = output.progress_line;
        ho.expected_rows = spec.all.rows;
        ho.session = session_of(options);
        Harness harness(conninfo, ho);
        RunFigures f;
        try {
          auto strategy = make_strategy(name);
          // Free heap an earlier run left in malloc's arenas (naive's whole result) goes
          // back to the kernel first: with interleaved rounds every strategy follows
          // another one, and its peak RSS must not include the other's leftovers.
          malloc_trim(0);
          harness.start();
          strategy->run(spec, harness);
          f = harness.finish();
        } catch (const Interrupted&) {
          harness.finish();
          throw;
        } catch (const std::exception& e) {
          harness.finish();
          const std::string what = pg::one_line(e.what());
          result.errors.push_back(fmt::format("{}: {}", ho.label, what));
          if (options.policy == cli::MismatchPolicy::strict) {
            report.strict_failure = fmt::format("{} failed at {} rows: {}", name, limit, what);
            return false;
          }
          return true;  // tolerant: the error is recorded, the other strategies go on
        }
        if (warmup) {
          ++result.warmups;
          return true;
        }
        f.round = index;
        if (ceiling > 0) f.wire_ceiling_rows_per_sec = ceiling;
        if (size.server_rows) f.rows_match = f.rows == *size.server_rows;
        if (size.server_checksum) f.checksum_match = f.checksum == *size.server_checksum;
        result.runs.push_back(f);
        if ((f.rows_match == false || f.checksum_match == false) && options.policy == cli::MismatchPolicy::strict) {
          report.strict_failure = fmt::format(
              "{} at {} rows read {} rows with checksum {:016x}; the server has {} rows, checksum {:016x}", name, limit,
              f.rows, f.checksum, size.server_rows.value_or(0), size.server_checksum.value_or(0));
          return false;
        }
        return true;
      };

      // Warmups, round-robin over the strategies.
      for (int w = 1; w <= options.warmup; ++w)
        for (const auto& name : options.strategies)
          if (!run_one(result_of(name), true, w, 0)) return;
      // Measured rounds: the wire ceiling (both formats), then each strategy once,
      // so every strategy run has a ceiling measured moments before it.
      for (int round = 1; round <= options.runs; ++round) {
        const double ceiling = measure_wire_round(conninfo, spec, options.format, size);
        measure_wire_round(conninfo, spec, other, size);
        phase(output, fmt::format("  round {}/{}: wire ceiling ({}) {:.0f} rows/s", round, options.runs,
                                  to_string(options.format), ceiling));
        for (const auto& name : options.strategies)
          if (!run_one(result_of(name), false, round, ceiling)) return;
      }
      for (const auto& result : size.strategies) {
        std::vector<double> rps;
        for (const auto& r : result.runs) rps.push_back(r.rows_per_sec);
        const Summary s = summarize(rps);
        phase(output, result.errors.empty() ? fmt::format("  {:<18} {:>12.0f} rows/s (median of {}){}", result.strategy,
                                                          s.median, s.count, result.any_mismatch() ? "  MISMATCH" : "")
                                            : fmt::format("  {:<18} error: {}", result.strategy, result.errors.back()));
      }
    }
  } catch (const Interrupted& e) {
    report.interrupted_signal = e.signal_number();
  }
}

}  // namespace benchlab

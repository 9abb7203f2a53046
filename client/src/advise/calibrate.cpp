#include "advise/calibrate.hpp"

#include <malloc.h>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "measure/harness.hpp"
#include "model/memory_plan.hpp"
#include "pg/connection.hpp"
#include "pg/error.hpp"
#include "pg/wait.hpp"
#include "plan/read_plan.hpp"
#include "process/interrupt.hpp"
#include "strategies/registry.hpp"

namespace benchlab::advise {

namespace {

using Clock = std::chrono::steady_clock;
using Spans = std::vector<std::pair<std::int64_t, std::int64_t>>;

// Spans of a sample at most. Every span is a branch of a UNION ALL the server plans
// and starts: with 256 spans of 15 pages that cost 45% more server CPU per row than
// one scan of the same pages (measured); 32 spans keep it to a few percent.
constexpr std::uint64_t kMaxSpans = 32;
// Rounds of reads: every strategy reads the sample once per round, interleaved like
// a run's rounds, so the machine's drift hits all alike; its median read counts.
constexpr int kRounds = 3;
// Rounds beyond kRounds while the budget allows (each with a 30% margin): more reads
// make a steadier median on a noisy machine.
constexpr int kMaxRounds = 5;
// The pilot: this many pages in kPilotSpans spans, read by the server and by
// copy_stream, to know the rows per page and a client's time per row before the
// sample is sized.
constexpr std::uint64_t kPilotPages = 1024;
constexpr std::uint64_t kPilotSpans = 32;
// A strategy is assumed to take up to this many times copy_stream's time per row of
// the pilot (the row-at-a-time and paginated ones are slower, the parallel faster).
constexpr double kSlowestPerCopy = 1.5;
// Of the budget, this much is planned for reads; the rest is the margin that keeps
// the calibration within it when a strategy is slower than assumed.
constexpr double kPlannedShare = 0.75;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// The pages `spans` hold of a table of `table_pages` (an open end: to its last page).
std::uint64_t pages_in(const Spans& spans, std::uint64_t table_pages) {
  std::uint64_t pages = 0;
  for (const auto& [lo, hi] : spans)
    pages += (hi == kOpenEnd ? table_pages - 1 : static_cast<std::uint64_t>(hi)) - static_cast<std::uint64_t>(lo) + 1;
  return pages;
}

// Groups `spans` into `groups` parts of consecutive spans (as even as the spans allow).
std::vector<KeyRange> group_spans(const Spans& spans, std::size_t groups) {
  groups = std::clamp<std::size_t>(groups, 1, spans.size());
  std::vector<KeyRange> parts;
  for (std::size_t g = 0; g < groups; ++g) {
    const std::size_t from = g * spans.size() / groups, to = (g + 1) * spans.size() / groups;
    if (from == to) continue;
    KeyRange part;
    part.lo = spans[from].first;
    part.hi = spans[to - 1].second;
    part.block_spans.assign(spans.begin() + static_cast<std::ptrdiff_t>(from),
                            spans.begin() + static_cast<std::ptrdiff_t>(to));
    parts.push_back(std::move(part));
  }
  return parts;
}

// The sample as every strategy reads it: spec's connection, columns, workers and
// batch, split by ctid into the spans; partitions and batches about as large (in
// rows) as the whole table's plan makes them, and at least one per worker.
ReadSpec sample_spec(const ReadSpec& full, std::uint64_t full_rows, const Spans& spans, double rows_per_span,
                     WireFormat format) {
  ReadSpec s = full;
  s.format = format;
  s.split = Split::ctid;
  s.whole_table = false;
  s.fault.reset();
  s.all = group_spans(spans, 1).front();
  const double rows = rows_per_span * static_cast<double>(spans.size());
  auto parts_like = [&](std::size_t full_parts) {
    if (full_parts == 0 || full_rows == 0) return static_cast<std::size_t>(full.workers);
    const double per_part = static_cast<double>(full_rows) / static_cast<double>(full_parts);
    return static_cast<std::size_t>(std::llround(std::max(1.0, rows / per_part)));
  };
  s.partitions = group_spans(spans, std::max<std::size_t>(parts_like(full.partitions.size()), full.workers));
  s.batches = group_spans(spans, std::max<std::size_t>(parts_like(full.batches.size()), full.workers));
  s.all.rows = static_cast<std::uint64_t>(rows);
  return s;
}

struct Read {
  RunFigures figures;
  std::uint64_t base_rss = 0;
};

// One read of `spec` by `strategy`, measured by a harness of its own.
Read measured_read(const std::string& strategy, const ReadSpec& spec, int statement_timeout_ms) {
  auto reader = make_strategy(strategy);
  HarnessOptions options;
  options.label = strategy;
  options.session.read_only = true;
  options.session.statement_timeout_ms = statement_timeout_ms;
  Harness harness(spec.conninfo, options);
  // An earlier read's freed heap (naive's whole result) goes back to the kernel
  // first, so this read's peak and base are its own.
  malloc_trim(0);
  Read r;
  r.base_rss = harness.sample_rss_parts().total;
  harness.start();
  try {
    reader->run(spec, harness);
  } catch (...) {
    harness.finish();
    throw;
  }
  r.figures = harness.finish();
  return r;
}

struct TableSize {
  std::uint64_t pages = 0;
};

TableSize table_size(const pg::Connection& conn, const TableInfo& table) {
  if (table.relkind == 'p')
    throw CalibrationRefused(fmt::format(
        "advise: table {} is partitioned; advise samples the pages of one table and does not yet sample partitions: "
        "measure it with benchclient --all --rows all --table {}, or advise on one of its partitions",
        table.display_name, table.display_name));
  TableSize t;
  t.pages = static_cast<std::uint64_t>(std::stoll(
      conn.query_value("SELECT pg_catalog.pg_relation_size($1::regclass) / current_setting('block_size')::bigint",
                       {table.relation_sql})));
  return t;
}

double round_trip_ms(const pg::Connection& conn) {
  std::vector<double> ms;
  for (int i = 0; i < 15; ++i) {
    const auto t = Clock::now();
    (void)conn.exec("SELECT 1");
    ms.push_back(seconds_since(t) * 1e3);
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

// The server's figures of a read, per row.
FormatCalibration calibration_of(const ServerScan& scan, WireFormat format) {
  FormatCalibration f;
  f.format = format;
  f.rows = scan.rows;
  f.bytes = scan.bytes;
  f.elapsed_s = scan.elapsed_s;
  f.checksum = scan.checksum;
  if (f.rows > 0) f.cpu_ns_per_row = (scan.cpu_user_s + scan.cpu_sys_s) * 1e9 / static_cast<double>(f.rows);
  return f;
}

FormatCalibration server_figures(const std::string& conninfo, const TableInfo& table, const ReadSpec& spec,
                                 std::vector<std::string>& notes) {
  const ServerExpectation e = plan::expect_from_server(conninfo, table, spec, notes);
  if (!e.scan) throw std::runtime_error("advise needs benchlab.server_scan on the server: " + notes.back());
  return calibration_of(*e.scan, spec.format);
}

// benchlab.server_scan of `query` alone, or nullopt when it did not finish within
// `timeout_ms` (or failed: the reason goes to `notes`).
std::optional<FormatCalibration> server_scan_of(const ReadSpec& spec, const std::string& query, int timeout_ms,
                                                std::vector<std::string>& notes, const std::string& what) {
  pg::SessionOptions session;
  session.read_only = true;
  session.statement_timeout_ms = timeout_ms;
  try {
    const pg::Connection conn = pg::Connection::open(spec.conninfo, session);
    const ServerScan scan = plan::scan_on_server(conn, query, spec.format);
    if (scan.rows == 0) return std::nullopt;
    return calibration_of(scan, spec.format);
  } catch (const pg::BrokenConnection&) {
    throw;
  } catch (const pg::Error& e) {
    notes.push_back(fmt::format("{} not probed: {}", what, e.what()));
    return std::nullopt;
  }
}

}  // namespace

std::uint64_t minimum_sample_rows(int workers, int batch_rows) {
  return std::max<std::uint64_t>(10000, 2ULL * static_cast<std::uint64_t>(std::max(1, workers)) *
                                            static_cast<std::uint64_t>(std::max(1, batch_rows)));
}

Spans spread_spans(std::uint64_t table_pages, std::uint64_t sample_pages, std::uint64_t max_spans) {
  Spans spans;
  if (table_pages == 0) return spans;
  sample_pages = std::clamp<std::uint64_t>(sample_pages, 1, table_pages);
  const std::uint64_t count = std::clamp<std::uint64_t>(std::min(max_spans, sample_pages), 1, table_pages);
  if (sample_pages >= table_pages) {
    // The whole table, cut into `count` spans that cover it; the last stays open so
    // pages added since are read too.
    for (std::uint64_t i = 0; i < count; ++i) {
      const auto lo = static_cast<std::int64_t>(i * table_pages / count);
      const auto hi = static_cast<std::int64_t>((i + 1) * table_pages / count) - 1;
      if (hi >= lo) spans.emplace_back(lo, hi);
    }
    spans.back().second = kOpenEnd;
    return spans;
  }
  const std::uint64_t length = std::max<std::uint64_t>(1, sample_pages / count);
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::uint64_t stride_lo = i * table_pages / count, stride_hi = (i + 1) * table_pages / count;
    const std::uint64_t stride = stride_hi - stride_lo;
    const std::uint64_t lo = stride_lo + (stride > length ? (stride - length) / 2 : 0);
    const std::uint64_t hi = std::min(stride_hi, lo + length) - 1;
    spans.emplace_back(static_cast<std::int64_t>(lo), static_cast<std::int64_t>(hi));
  }
  return spans;
}

AdviseCalibration calibrate(const CalibrationRequest& request) {
  const BenchmarkPlan& plan = *request.plan;
  const TableInfo& table = plan.table;
  const ReadSpec& full = plan.sizes.front().spec;
  const auto phase = [&](const std::string& line) {
    if (request.phase) request.phase(line);
  };
  const double budget = request.time_budget_s;
  auto left = [&] { return budget - seconds_since(request.started); };

  AdviseCalibration c;
  c.table = table.display_name;
  c.time_budget_s = budget;
  c.cores = request.cores;
  c.server_shares_cores = request.server_shares_cores;
  c.workers = full.workers;
  c.batch_rows = full.batch_rows;
  c.memory_limit_bytes = request.memory_limit_bytes;
  c.memory_limit_source = request.memory_limit_source;

  TableSize size;
  {
    pg::SessionOptions session;
    session.read_only = true;
    const pg::Connection conn = pg::Connection::open(request.conninfo, session);
    size = table_size(conn, table);
    c.round_trip_ms = round_trip_ms(conn);
  }
  c.table_pages = size.pages;
  if (size.pages == 0)
    throw CalibrationRefused(
        fmt::format("advise: table {} is empty (no pages): there is nothing to predict", table.display_name));

  // The pilot: pages spread over the table, read by the server and by copy_stream in
  // the first format, for the rows per page and a client's time per row (less the
  // fixed cost of a read, from a read of one page per worker).
  throw_if_interrupted();
  const WireFormat first = request.formats.front();
  const Spans pilot_spans = spread_spans(size.pages, std::min(kPilotPages, size.pages), kPilotSpans);
  const std::uint64_t pilot_pages = pages_in(pilot_spans, size.pages);
  const ReadSpec pilot = sample_spec(full, 0, pilot_spans, 1, first);
  // A fixed cost's sample: one page for each worker, so every worker connects and reads.
  const Spans tiny_spans = spread_spans(size.pages, std::min<std::uint64_t>(size.pages, std::max(1, full.workers)),
                                        static_cast<std::uint64_t>(std::max(1, full.workers)));
  phase(fmt::format("benchclient: advise: pilot of {} pages of {}", pilot_pages, size.pages));
  const FormatCalibration pilot_server = server_figures(request.conninfo, table, pilot, c.notes);
  double rows_per_page = static_cast<double>(pilot_server.rows) / static_cast<double>(pilot_pages);
  const Read pilot_fixed =
      measured_read("copy_stream", sample_spec(full, 0, tiny_spans, 1, first), full.statement_timeout_ms);
  const Read pilot_read = measured_read("copy_stream", pilot, full.statement_timeout_ms);
  if (pilot_server.rows == 0) {
    // Rows may be few and far between (a table emptied by DELETE, not yet vacuumed):
    // look for one before saying it is empty, and take the planner's estimate.
    pg::SessionOptions session;
    session.statement_timeout_ms = static_cast<int>(std::max(1000.0, left() * 500));
    const pg::Connection conn = pg::Connection::open(request.conninfo, session);
    if (conn.query_value(fmt::format("SELECT EXISTS (SELECT 1 FROM {})", table.relation_sql)) != "t")
      throw CalibrationRefused(fmt::format("advise: table {} has no rows{}: there is nothing to predict",
                                           table.display_name, table.standard ? "" : " that this user can read"));
    const double tuples = std::stod(
        conn.query_value("SELECT GREATEST(reltuples, 1)::float8 FROM pg_catalog.pg_class WHERE oid = $1::regclass",
                         {table.relation_sql}));
    rows_per_page = tuples / static_cast<double>(size.pages);
    c.notes.push_back(
        "the pilot's pages held no row: the table's rows are the planner's estimate (reltuples), and the sample is "
        "sized from it");
  }
  // The pilot's rows (its pages' share of the estimate when it found none).
  const double pilot_rows = std::max(1.0, pilot_server.rows > 0 ? static_cast<double>(pilot_server.rows)
                                                                : rows_per_page * static_cast<double>(pilot_pages));
  const double fixed_s = pilot_fixed.figures.wall_s;
  const double copy_s_per_row =
      std::max(pilot_read.figures.wall_s - fixed_s, 0.25 * pilot_read.figures.wall_s) / pilot_rows;
  const double server_s_per_row = pilot_server.elapsed_s / pilot_rows;

  const double estimated_rows = rows_per_page * static_cast<double>(size.pages);

  // The sample: as many rows as the budget's planned share allows every strategy in
  // every format to read, assuming each costs kSlowestPerCopy × copy_stream's time
  // per row and its fixed cost is one pilot read; at least minimum_sample_rows.
  const double strategies = static_cast<double>(request.strategies.size());
  const double formats = static_cast<double>(request.formats.size());
  const double per_row_s = formats * (server_s_per_row + kRounds * strategies * kSlowestPerCopy * copy_s_per_row);
  const double fixed_all_s = formats * strategies * (kRounds + 1) * fixed_s;
  // The probes of the whole read's part queries (below) may take a tenth of the budget
  // left each: kept out of the sample's share.
  const double probe_s = left() * 0.1;
  const double for_rows_s = (left() - 2 * probe_s) * kPlannedShare - fixed_all_s;
  const std::uint64_t minimum = minimum_sample_rows(full.workers, full.batch_rows);
  const std::uint64_t needed = std::min<std::uint64_t>(minimum, static_cast<std::uint64_t>(estimated_rows) + 1);
  const double needed_s =
      seconds_since(request.started) + (static_cast<double>(needed) * per_row_s + fixed_all_s) / (kPlannedShare * 0.8);
  if (for_rows_s < static_cast<double>(needed) * per_row_s)
    throw CalibrationRefused(fmt::format(
        "--time-budget {:g}s is too small to calibrate table {}: a sample of {} rows read by {} strateg{} in {} "
        "format{} takes about {:.0f} s; give --time-budget {:.0f}s or more",
        budget, table.display_name, needed, request.strategies.size(), request.strategies.size() == 1 ? "y" : "ies",
        request.formats.size(), request.formats.size() == 1 ? "" : "s", needed_s, std::ceil(needed_s)));
  const double affordable = for_rows_s / per_row_s;
  const std::uint64_t sample_pages = std::clamp<std::uint64_t>(
      static_cast<std::uint64_t>(std::ceil(affordable / std::max(rows_per_page, 1e-9))), 1, size.pages);
  // At least a span per worker, so every worker of a parallel strategy has a part.
  const Spans spans = spread_spans(size.pages, sample_pages,
                                   std::max<std::uint64_t>(kMaxSpans, static_cast<std::uint64_t>(full.workers)));
  const bool whole = spans.back().second == kOpenEnd;
  c.spans = spans.size();
  c.sample_pages = pages_in(spans, size.pages);
  const double rows_per_span = rows_per_page * static_cast<double>(c.sample_pages) / static_cast<double>(spans.size());
  phase(fmt::format("benchclient: advise: sample of {} pages in {} spans ({}), about {:.0f} rows each strategy reads",
                    c.sample_pages, spans.size(), whole ? "the whole table" : "spread over the whole table",
                    rows_per_span * static_cast<double>(spans.size())));

  // The server's figures of the sample in each format (its first read: the pages are
  // then as warm for every strategy), and a fixed cost per strategy and format.
  struct Calibrating {
    StrategyCalibration s;
    const ReadSpec* sample = nullptr;
    std::uint64_t expected_checksum = 0;
    std::vector<RunFigures> reads;
    std::uint64_t base_rss = 0;
  };
  std::vector<ReadSpec> samples;
  samples.reserve(request.formats.size());
  std::vector<Calibrating> all;
  for (const WireFormat format : request.formats) {
    throw_if_interrupted();
    samples.push_back(sample_spec(full, static_cast<std::uint64_t>(estimated_rows), spans, rows_per_span, format));
    c.formats.push_back(server_figures(request.conninfo, table, samples.back(), c.notes));
    const ReadSpec tiny = sample_spec(full, 0, tiny_spans, rows_per_page, format);
    for (const std::string& name : request.strategies) {
      Calibrating k;
      k.s.strategy = name;
      k.s.format = format;
      const PartList list = make_strategy(name)->part_list();
      k.s.parts = list == PartList::partitions ? "partitions" : list == PartList::batches ? "batches" : "";
      k.sample = &samples.back();
      k.expected_checksum = c.formats.back().checksum;
      try {
        k.s.fixed_s = measured_read(name, tiny, full.statement_timeout_ms).figures.wall_s;
      } catch (const Interrupted&) {
        throw;
      } catch (const pg::BrokenConnection&) {
        throw;
      } catch (const std::exception& e) {
        k.s.error = fmt::format("not calibrated: {}", e.what());
      }
      all.push_back(std::move(k));
    }
  }
  // The whole read's own part queries, by the server alone: how their server CPU per
  // row compares with the sample's in the first format (a key range may be read
  // through the index, or by a scan of the whole table that filters it).
  const auto probe = [&](const std::vector<KeyRange>& parts, const char* what) -> std::optional<double> {
    const double sampled = c.formats.front().cpu_ns_per_row;
    if (parts.size() < 2 || sampled <= 0) return std::nullopt;
    ReadSpec one = full;
    one.format = first;
    const int timeout_ms = static_cast<int>(std::max(200.0, probe_s * 1000));
    const auto part = server_scan_of(one, full.range_query(parts[parts.size() / 2]), timeout_ms, c.notes, what);
    if (!part) return std::nullopt;
    return std::clamp(part->cpu_ns_per_row / sampled, 0.25, 50.0);
  };
  throw_if_interrupted();
  c.partition_server_ratio = probe(full.partitions, "the whole read's partition query");
  c.batch_server_ratio = probe(full.batches, "the whole read's batch query");

  // The rounds: each strategy reads the whole sample once per round while the budget
  // allows (a read is expected to take what its last one did; the first,
  // kSlowestPerCopy × copy_stream's time per row of the pilot).
  for (int round = 1; round <= kMaxRounds; ++round) {
    for (Calibrating& k : all) {
      throw_if_interrupted();
      if (!k.s.error.empty()) continue;
      const FormatCalibration& server = c.formats.at(static_cast<std::size_t>(
          std::find(request.formats.begin(), request.formats.end(), k.s.format) - request.formats.begin()));
      const double expected = k.reads.empty()
                                  ? static_cast<double>(server.rows) * kSlowestPerCopy * copy_s_per_row + k.s.fixed_s
                                  : k.reads.back().wall_s;
      const double remaining = left();
      if (remaining < expected * (round > kRounds ? 1.3 : 1.0)) {
        if (k.reads.empty())
          k.s.error = fmt::format("not calibrated: {:.1f} s of the time budget were left, about {:.1f} s needed",
                                  remaining, expected);
        continue;
      }
      try {
        phase(fmt::format("benchclient: advise: {} {}, round {}", k.s.strategy, to_string(k.s.format), round));
        const int timeout_ms = static_cast<int>(std::max(1000.0, remaining * 1000));
        ReadSpec spec = *k.sample;  // forked workers take their statement timeout from the spec
        spec.statement_timeout_ms = timeout_ms;
        const Read read = measured_read(k.s.strategy, spec, timeout_ms);
        const RunFigures& f = read.figures;
        k.s.rows_match = f.rows == server.rows;
        k.s.checksum_match = f.checksum == k.expected_checksum;
        if (!*k.s.rows_match || !*k.s.checksum_match) {
          k.s.error = fmt::format("read {} rows of the sample's {}{}: not calibrated", f.rows, server.rows,
                                  *k.s.rows_match ? " with another checksum" : "");
          continue;
        }
        if (k.reads.empty() || read.base_rss < k.base_rss) k.base_rss = read.base_rss;
        k.reads.push_back(f);
      } catch (const Interrupted&) {
        throw;
      } catch (const pg::BrokenConnection&) {
        throw;
      } catch (const std::exception& e) {
        if (k.reads.empty()) k.s.error = fmt::format("not calibrated: {}", e.what());
      }
    }
  }
  // Each strategy's figures: its median read (by wall time), its highest peak RSS.
  for (Calibrating& k : all) {
    StrategyCalibration& s = k.s;
    if (!k.reads.empty()) {
      std::sort(k.reads.begin(), k.reads.end(),
                [](const RunFigures& a, const RunFigures& b) { return a.wall_s < b.wall_s; });
      const RunFigures& median = k.reads[k.reads.size() / 2];
      s.reads = static_cast<int>(k.reads.size());
      s.rows = median.rows;
      s.wall_s = median.wall_s;
      s.fastest_wall_s = k.reads.front().wall_s;
      s.slowest_wall_s = k.reads.back().wall_s;
      s.client_cpu_ns_per_row = median.client_cpu_ns_per_row();
      s.server_cpu_ns_per_row = median.server_cpu_ns_per_row();
      for (const RunFigures& f : k.reads)
        s.peak_rss_bytes = std::max(s.peak_rss_bytes, f.peak_rss_bytes.value_or(f.maxrss_bytes));
      s.base_rss_bytes = k.base_rss;
    }
    c.strategies.push_back(s);
  }
  c.sample_rows = c.formats.front().rows;
  c.table_rows_exact = whole;
  // The whole table's rows: counted when the sample was the whole table, else the
  // sample's rows per page times the table's pages.
  c.table_rows = whole ? c.sample_rows
                       : static_cast<std::uint64_t>(
                             std::llround(static_cast<double>(c.sample_rows) / static_cast<double>(c.sample_pages) *
                                          static_cast<double>(size.pages)));
  if (whole)
    c.notes.push_back(fmt::format(
        "the table is small enough to read whole within the budget: the sample is the table ({} pages, {} rows)",
        size.pages, c.sample_rows));
  c.seconds = seconds_since(request.started);
  return c;
}

}  // namespace benchlab::advise

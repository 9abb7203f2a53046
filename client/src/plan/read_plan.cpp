#include "plan/read_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "benchlab/row_checksum.hpp"
#include "pg/error.hpp"
#include "pg/snapshot.hpp"
#include "pg/wait.hpp"
#include "plan/memory_budget.hpp"
#include "plan/server_facts.hpp"
#include "plan/table.hpp"
#include "process/interrupt.hpp"

namespace benchlab::plan {

namespace {

pg::SessionOptions read_only_session() {
  pg::SessionOptions s;
  s.read_only = true;
  return s;
}

// Splits the rows with keys in all.lo..all.hi into `parts` contiguous ranges balanced
// by rows: benchlab.id_ranges with bounds, one index walk that starts at lo and stops
// after hi (exact counts; with a unique key parts differ by at most one row; a key
// value never straddles two parts). Fewer ranges than asked (fewer rows or key values
// than parts) are padded with empty ones.
std::vector<KeyRange> id_ranges(const pg::Connection& conn, const TableInfo& table, const KeyRange& all, int parts) {
  constexpr const char* kSql =
      "SELECT part, lo, hi, rows FROM benchlab.id_ranges($1::regclass, $2::int, $3::name, true, "
      "$4::bigint, $5::bigint) ORDER BY part";
  pg::Result r;
  try {
    r = pg::exec_interruptible(
        conn, kSql,
        {table.relation_sql, std::to_string(parts), table.key_name, std::to_string(all.lo), std::to_string(all.hi)});
  } catch (const pg::SqlError& e) {
    throw pg::SqlError(fmt::format("planning the read with benchlab.id_ranges (with key bounds) failed: {}; is the "
                                   "installed benchlab extension current (make install)?",
                                   e.what()),
                       e.sqlstate(), kSql);
  }
  r.expect_columns(4, "benchlab.id_ranges");
  std::vector<KeyRange> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({r.int64(i, 1, "id_ranges lo"), r.int64(i, 2, "id_ranges hi"), r.uint64(i, 3, "id_ranges rows")});
  while (static_cast<int>(out.size()) < parts) out.push_back(KeyRange{all.hi + 1, all.hi, 0});
  return out;
}

std::uint64_t rows_in(const std::vector<KeyRange>& parts) {
  std::uint64_t sum = 0;
  for (const auto& p : parts) sum += p.rows;
  return sum;
}

// The n-th key (0-based) in key order, through the key's index; nullopt past the end.
std::optional<std::int64_t> nth_key(const pg::Connection& conn, const TableInfo& table, std::uint64_t n) {
  const std::string sql =
      fmt::format("SELECT {0} FROM {1} WHERE {0} IS NOT NULL ORDER BY {0} OFFSET $1::bigint LIMIT 1", table.key_sql,
                  table.relation_sql);
  pg::Result r = pg::exec_interruptible(conn, sql, {std::to_string(n)});
  if (r.rows() == 0) return std::nullopt;
  return r.expect_rows(1, sql).int64(0, 0, sql);
}

// The largest key, through the key's index; nullopt when no row has a key.
std::optional<std::int64_t> last_key(const pg::Connection& conn, const TableInfo& table) {
  const std::string sql = fmt::format("SELECT {0} FROM {1} WHERE {0} IS NOT NULL ORDER BY {0} DESC LIMIT 1",
                                      table.key_sql, table.relation_sql);
  pg::Result r = pg::exec_interruptible(conn, sql);
  if (r.rows() == 0) return std::nullopt;
  return r.expect_rows(1, sql).int64(0, 0, sql);
}

}  // namespace

namespace {

ReadSpec spec_of(const std::string& conninfo, const TableInfo& table, const ReadOptions& options) {
  ReadSpec spec;
  spec.conninfo = conninfo;
  spec.relation_sql = table.relation_sql;
  spec.key_sql = table.key_sql;
  spec.select_list = table.select_list;
  spec.split = table.split;
  spec.format = options.format;
  spec.digest = options.digest;
  spec.workers = options.workers;
  spec.decoders = options.decoders;
  spec.batch_rows = options.batch_rows;
  spec.statement_timeout_ms = options.statement_timeout_ms;
  spec.hang_timeout_ms = options.hang_timeout_ms;
  spec.snapshot_id = options.snapshot_id;
  spec.types = table.types;
  spec.masks = resolve_masks(options.masks, options.mask_key, table);  // MaskRefused: before anything is read
  spec.fault = options.fault;
  return spec;
}

// How many parts of about batch_rows * 8 rows `rows` rows make (at least 4 per worker).
int batch_parts_for(std::uint64_t rows, const ReadOptions& options) {
  const auto workers = static_cast<std::uint64_t>(std::max(1, options.workers));
  const std::uint64_t per_batch = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(options.batch_rows) * 8);
  return static_cast<int>(std::clamp<std::uint64_t>((rows + per_batch - 1) / per_batch, workers * 4, 100000));
}

// How many partitions `rows` rows make: one per worker, or with --part-rows enough
// parts of at most that many rows, dealt evenly (a multiple of the workers).
int partition_parts_for(std::uint64_t rows, const ReadOptions& options) {
  const auto workers = static_cast<std::uint64_t>(std::max(1, options.workers));
  if (options.part_rows == 0 || rows == 0) return static_cast<int>(workers);
  const std::uint64_t needed = (rows + options.part_rows - 1) / options.part_rows;
  const std::uint64_t per_worker = (needed + workers - 1) / workers;
  return static_cast<int>(std::clamp<std::uint64_t>(per_worker * workers, workers, 100000));
}

// What a ctid split cuts into block ranges: the table itself (relation_sql empty:
// the spec's relation), or each leaf partition of a partitioned table (at any
// depth: a sub-partitioned leaf's own leaves), with its size as it is now.
struct CtidUnit {
  std::string relation_sql;     // empty: the table itself
  std::string regclass;         // what benchlab.page_ranges is given
  std::uint64_t blocks = 0;     // pg_relation_size in blocks (the real size, not relpages)
  double rows_per_page = 0;     // from the statistics; 0: none (never ANALYZEd)
  bool through_parent = false;  // a leaf read through the partitioned table (TableInfo::leaves_through_parent)
};

std::vector<CtidUnit> ctid_units(const pg::Connection& conn, const TableInfo& table) {
  constexpr const char* kStats =
      "GREATEST(c.reltuples, 0)::bigint, GREATEST(c.relpages, 0)::bigint, "
      "pg_relation_size(c.oid) / current_setting('block_size')::bigint";
  const bool parted = table.relkind == 'p';
  const std::string sql =
      parted ? fmt::format(
                   "SELECT format('%I.%I', n.nspname, c.relname), {} FROM pg_catalog.pg_partition_tree($1::regclass) "
                   "WITH ORDINALITY p JOIN pg_catalog.pg_class c ON c.oid = p.relid JOIN pg_catalog.pg_namespace n "
                   "ON n.oid = c.relnamespace WHERE p.isleaf ORDER BY p.ordinality",
                   kStats)
             : fmt::format("SELECT '', {} FROM pg_catalog.pg_class c WHERE c.oid = $1::regclass", kStats);
  const pg::Result r = pg::exec_interruptible(conn, sql, {table.relation_sql});
  if (!parted) r.expect_rows(1, "pg_class statistics");
  std::vector<CtidUnit> out;
  for (int i = 0; i < r.rows(); ++i) {
    CtidUnit u;
    u.relation_sql = std::string(r.text(i, 0, "leaf partition"));
    u.regclass = parted ? u.relation_sql : table.relation_sql;
    u.through_parent = parted && !table.leaves_through_parent.empty();
    const auto tuples = r.uint64(i, 1, "reltuples"), pages = r.uint64(i, 2, "relpages");
    u.blocks = r.uint64(i, 3, "blocks");
    u.rows_per_page = tuples > 0 && pages > 0 ? static_cast<double>(tuples) / static_cast<double>(pages) : 0;
    out.push_back(std::move(u));
  }
  return out;
}

// benchlab.page_ranges: `parts` contiguous block ranges of one unit as it is now
// (its real size, not a stale relpages); the last one left open-ended.
std::vector<KeyRange> page_ranges(const pg::Connection& conn, const CtidUnit& unit, int parts) {
  constexpr const char* kSql =
      "SELECT part, first_block, last_block FROM benchlab.page_ranges($1::regclass, $2::int) ORDER BY part";
  pg::Result r = pg::exec_interruptible(conn, kSql, {unit.regclass, std::to_string(parts)});
  r.expect_columns(3, "benchlab.page_ranges");
  std::vector<KeyRange> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({r.int64(i, 1, "page_ranges first_block"), r.int64(i, 2, "page_ranges last_block"), 0, false,
                   unit.relation_sql, unit.through_parent});
  if (out.empty()) out.push_back({0, kOpenEnd, 0, false, unit.relation_sql, unit.through_parent});  // no pages yet
  out.back().hi = kOpenEnd;
  return out;
}

// About `total` parts over the units, each unit's share proportional to its blocks,
// at least one per unit (an empty leaf too: rows may arrive after planning), at
// most one per block.
std::vector<KeyRange> ranges_over(const pg::Connection& conn, const std::vector<CtidUnit>& units, int total) {
  std::uint64_t blocks = 0;
  for (const auto& u : units) blocks += u.blocks;
  std::vector<KeyRange> out;
  for (const auto& u : units) {
    const double share = blocks == 0 ? 0.0 : static_cast<double>(u.blocks) / static_cast<double>(blocks);
    const auto wanted = static_cast<std::uint64_t>(std::llround(share * total));
    const int parts = static_cast<int>(std::clamp<std::uint64_t>(wanted, 1, std::max<std::uint64_t>(1, u.blocks)));
    for (auto& p : page_ranges(conn, u, parts)) out.push_back(std::move(p));
    throw_if_interrupted();
  }
  return out;
}

// The whole table by ctid: partitions and finer batches from the table's pages, or
// from each leaf partition's pages (leaves as units of work, big leaves split further).
void plan_ctid(const pg::Connection& conn, const TableInfo& table, const ReadOptions& options, ReadSpec& spec) {
  spec.all = {0, kOpenEnd, 0};
  const std::vector<CtidUnit> units = ctid_units(conn, table);
  if (units.empty()) {
    // A partitioned table with no leaf: nothing to read now; one open part of the parent.
    spec.partitions = {spec.all};
    spec.batches = spec.partitions;
    return;
  }
  // Rows per page from the statistics when there are any (a never-ANALYZEd table
  // has none: 50), so a batch holds about batch_rows * 8 rows and a partition at
  // most --part-rows.
  double estimated_rows = 0;
  std::uint64_t blocks = 0;
  for (const auto& u : units) {
    estimated_rows += (u.rows_per_page > 0 ? u.rows_per_page : 50.0) * static_cast<double>(u.blocks);
    blocks += u.blocks;
  }
  const int partitions = std::max(1, std::min(partition_parts_for(static_cast<std::uint64_t>(estimated_rows), options),
                                              static_cast<int>(std::min<std::uint64_t>(blocks, 100000))));
  spec.partitions = ranges_over(conn, units, std::max(partitions, std::max(1, options.workers)));
  const int parts = std::max(1, std::min(batch_parts_for(static_cast<std::uint64_t>(estimated_rows), options),
                                         static_cast<int>(std::min<std::uint64_t>(blocks, 100000))));
  spec.batches = ranges_over(conn, units, parts);
}

}  // namespace

ReadSpec plan_read(const std::string& conninfo, const TableInfo& table, std::uint64_t rows,
                   const ReadOptions& options) {
  pg::Connection conn = pg::Connection::open(conninfo, read_only_session());
  ReadSpec spec = spec_of(conninfo, table, options);
  spec.whole_table = rows == 0;

  // One snapshot for the whole plan: bounds, partitions and batches agree even while
  // the table is written to.
  if (spec.snapshot_id.empty())
    pg::exec_interruptible(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  else
    pg::import_snapshot(conn, spec.snapshot_id);  // --snapshot: the plan sees what the reads will
  if (table.split == Split::ctid) {
    plan_ctid(conn, table, options, spec);
    pg::exec_interruptible(conn, "COMMIT");
    return spec;
  }
  const auto lo = nth_key(conn, table, 0);
  const auto hi = spec.whole_table ? last_key(conn, table) : nth_key(conn, table, rows - 1);
  if (spec.whole_table && (!lo || !hi)) {
    // No row with a key: the NULL-key rows (if any) are the whole read, in one part.
    spec.all = {0, -1, 0, true};
    spec.partitions = {{kOpenStart, kOpenEnd, 0, true}};
    spec.batches = spec.partitions;
    pg::exec_interruptible(conn, "COMMIT");
    return spec;
  }
  if (!lo || !hi) {
    throw ReadRefused(ReadRefused::Problem::too_few_rows, {.table = table.display_name, .rows = rows});
  }
  spec.all.lo = *lo;
  spec.all.hi = *hi;

  // The partitions' exact counts add up to the rows in lo..hi: exactly `rows` with a
  // unique key; with duplicates of the last key, a few more.
  const int workers = std::max(1, options.workers);
  spec.partitions = id_ranges(conn, table, spec.all,
                              std::max(workers, partition_parts_for(rows != 0 ? rows : table.total_rows, options)));
  spec.all.rows = rows_in(spec.partitions);
  throw_if_interrupted();
  spec.batches = id_ranges(conn, table, spec.all, batch_parts_for(spec.all.rows, options));
  pg::exec_interruptible(conn, "COMMIT");
  if ((!spec.whole_table && spec.all.rows < rows) || rows_in(spec.batches) != spec.all.rows) {
    throw std::runtime_error(
        fmt::format("planning {} rows of {}: id_ranges counted {} rows in keys {}..{} ({} in "
                    "batches); the plan does not add up",
                    rows, table.display_name, spec.all.rows, spec.all.lo, spec.all.hi, rows_in(spec.batches)));
  }
  if (spec.whole_table) {
    // The run reads the whole table in its own, later snapshot: the first part takes
    // every key below the planned minimum, the last every key above the maximum and
    // the rows whose key is NULL, so rows written since planning are in some part.
    for (auto* parts : {&spec.partitions, &spec.batches}) {
      parts->front().lo = kOpenStart;
      parts->back().hi = kOpenEnd;
      parts->back().with_nulls = true;
    }
  }
  return spec;
}

namespace {

// A digest column of the extension (64 hex digits); anything else is an answer of
// the wrong shape (pg::Error, like the result contracts).
SetDigest digest_field(const pg::Result& r, int col, std::string_view what) {
  const std::string_view text = r.text(0, col, what);
  const std::optional<SetDigest> d = SetDigest::from_hex(text);
  if (!d) throw pg::Error(fmt::format("{}: '{}' is not a sha256 digest (64 hex digits)", what, text));
  return *d;
}

}  // namespace

ServerScan scan_on_server(const pg::Connection& conn, const std::string& query, WireFormat format,
                          DigestAlgorithm digest) {
  // The timed scan hashes as the strategies' backends do, not at all: with sha256 its
  // figures (the server alone, the estimate) would carry the SHA-256 no backend
  // pays. The digest comes from a second, untimed scan of the same query.
  const bool sha256 = digest == DigestAlgorithm::sha256;
  constexpr const char* kScan =
      "SELECT rows, bytes, elapsed_ns, cpu_user_us, cpu_sys_us, checksum FROM benchlab.server_scan($1, $2)";
  constexpr const char* kScanDigest = "SELECT rows, checksum, digest FROM benchlab.server_scan($1, $2, 'sha256')";
  const std::vector<std::optional<std::string>> params{query, std::string(to_string(format))};
  pg::Result r = pg::exec_interruptible(conn, kScan, params);
  r.expect_rows(1, "benchlab.server_scan").expect_columns(6, "benchlab.server_scan");
  ServerScan s;
  s.rows = r.uint64(0, 0, "server_scan rows");
  s.bytes = r.uint64(0, 1, "server_scan bytes");
  s.elapsed_s = static_cast<double>(r.int64(0, 2, "server_scan elapsed_ns")) / 1e9;
  s.cpu_user_s = static_cast<double>(r.int64(0, 3, "server_scan cpu_user_us")) / 1e6;
  s.cpu_sys_s = static_cast<double>(r.int64(0, 4, "server_scan cpu_sys_us")) / 1e6;
  s.checksum = checksum_from_sql(r.int64(0, 5, "server_scan checksum"));
  if (sha256) {
    pg::Result d = pg::exec_interruptible(conn, kScanDigest, params);
    d.expect_rows(1, "benchlab.server_scan").expect_columns(3, "benchlab.server_scan");
    if (d.uint64(0, 0, "server_scan rows") != s.rows ||
        checksum_from_sql(d.int64(0, 1, "server_scan checksum")) != s.checksum)
      throw pg::Error("the rows changed between the timed scan and the digest's scan (hold a snapshot: --snapshot)");
    s.digest = digest_field(d, 2, "server_scan digest");
  }
  return s;
}

ServerExpectation expect_from_server(const std::string& conninfo, const TableInfo& table, const ReadSpec& spec,
                                     std::vector<std::string>& notes) {
  ServerExpectation out;
  pg::SessionOptions session = read_only_session();
  session.statement_timeout_ms = spec.statement_timeout_ms;
  pg::Connection conn = pg::Connection::open(conninfo, session);
  // --snapshot: the server's figures over the very snapshot every strategy reads.
  if (!spec.snapshot_id.empty()) pg::import_snapshot(conn, spec.snapshot_id);
  const std::string format(to_string(spec.format));
  try {
    out.scan = scan_on_server(conn, spec.all_query(), spec.format, spec.digest);
  } catch (const pg::BrokenConnection&) {
    throw;
  } catch (const pg::Error& e) {  // an error, or an answer not of the expected shape
    notes.push_back(fmt::format("server_scan unavailable: {}", e.what()));
  }
  throw_if_interrupted();
  // range_checksum covers a key range; a whole table or a ctid split is checked
  // against server_scan's checksum of the very query the strategies read.
  if (spec.split == Split::key && !spec.whole_table) {
    try {
      const bool sha256 = spec.digest == DigestAlgorithm::sha256;
      constexpr const char* kChecksum =
          "SELECT rows, checksum FROM benchlab.range_checksum($1::regclass, $2::name, $3::bigint, $4::bigint, $5)";
      constexpr const char* kDigest =
          "SELECT rows, checksum, digest "
          "FROM benchlab.range_checksum($1::regclass, $2::name, $3::bigint, $4::bigint, $5, 'sha256')";
      pg::Result r = pg::exec_interruptible(
          conn, sha256 ? kDigest : kChecksum,
          {table.relation_sql, table.key_name, std::to_string(spec.all.lo), std::to_string(spec.all.hi), format});
      r.expect_rows(1, "benchlab.range_checksum").expect_columns(sha256 ? 3 : 2, "benchlab.range_checksum");
      out.rows = r.uint64(0, 0, "range_checksum rows");
      const std::uint64_t checksum = checksum_from_sql(r.int64(0, 1, "range_checksum checksum"));
      if (sha256) out.digest = digest_field(r, 2, "range_checksum digest");
      out.checksum = checksum;
      out.checksum_source = "range_checksum";
    } catch (const pg::BrokenConnection&) {
      throw;
    } catch (const pg::Error& e) {  // an error, or an answer not of the expected shape
      notes.push_back(fmt::format("range_checksum unavailable: {}", e.what()));
    }
  }
  if (!out.checksum && out.scan) {
    out.rows = out.scan->rows;
    out.checksum = out.scan->checksum;
    out.digest = out.scan->digest;
    out.checksum_source = "server_scan";
  }
  if (!out.checksum)
    notes.push_back("no server checksum: runs are not verified");
  else if (spec.digest == DigestAlgorithm::sha256 && !out.digest)
    notes.push_back("no server sha256 digest: runs are verified by their checksum only");
  return out;
}

ConnectionNeed connection_need(const ReadOptions& options, int workers, const PlanScope& scope) {
  ConnectionNeed need;
  need.workers = scope.parallel ? std::max(1, workers) : 0;
  need.coordinator = 1;
  need.writer = scope.concurrent_writer ? 1 : 0;
  // --snapshot: every run reads the snapshot held elsewhere (its holder is in use already).
  need.snapshot_holder = scope.concurrent_writer && options.snapshot_id.empty() ? 1 : 0;
  return need;
}

ConnectionsRefused::ConnectionsRefused(int workers, ConnectionNeed need, ConnectionRoom room)
    : SettingError(Setting::workers, fmt::format("{} workers need {} connections at once; the server has {} free",
                                                 workers, need.total(), room.free())),
      workers_(workers),
      need_(need),
      room_(room) {}

int ConnectionsRefused::workers_that_fit() const { return std::max(0, room_.free() - (need_.total() - need_.workers)); }

namespace {

// The parts of a whole-table read that can hold rows: every block range of a ctid
// split; the key ranges that hold rows now (a table with fewer keyed rows than
// parts is padded with empty ones), at least one.
int parts_with_rows(const ReadSpec& spec) {
  if (spec.split == Split::ctid) return std::max<int>(1, static_cast<int>(spec.partitions.size()));
  const auto n =
      std::count_if(spec.partitions.begin(), spec.partitions.end(), [](const KeyRange& p) { return p.rows > 0; });
  return std::max<int>(1, static_cast<int>(n));
}

}  // namespace

namespace {

BenchmarkPlan make_plan_of(const std::string& conninfo, const ReadOptions& options,
                           const std::function<void(const std::string&)>& phase,
                           const std::optional<TableSchema>& expected, const PlanScope& scope) {
  // 0 stands for the whole table (--rows all) from here to the plan's sizes.
  const std::vector<std::uint64_t> limits = options.all_rows ? std::vector<std::uint64_t>{0} : options.row_counts;
  const std::uint64_t max_rows = *std::max_element(limits.begin(), limits.end());
  BenchmarkPlan plan;
  if (!options.snapshot_id.empty()) {
    // --snapshot: it must still be held, or nothing can be read in it.
    if (const auto why = pg::snapshot_unavailable(conninfo, options.snapshot_id)) {
      throw ReadRefused(ReadRefused::Problem::snapshot_unusable,
                        {.server_message = *why, .snapshot = options.snapshot_id});
    }
  }
  // The server's free connections, before anything is seeded: with a budget, at
  // the most workers it may pick (it only ever picks fewer).
  const bool budget = options.memory_budget_bytes > 0 || options.memory_budget_auto;
  const int most_workers = budget ? std::min(options.workers, usable_cores()) : options.workers;
  plan.connections = connection_need(options, most_workers, scope);
  {
    const pg::Connection conn = pg::Connection::open(conninfo, read_only_session());
    plan.room = read_connection_room(conn);
  }
  if (plan.connections.total() > plan.room.free()) throw ConnectionsRefused(most_workers, plan.connections, plan.room);
  const std::string what = max_rows == 0 ? std::string("the whole table") : fmt::format("{} rows", max_rows);
  phase(fmt::format("benchclient: {} {} ({})", options.table.empty() ? "seeding" : "checking",
                    options.table.empty() ? kStandardTable : options.table, what));
  plan.table = prepare_table(conninfo, options, max_rows, expected);
  (void)resolve_masks(options.masks, options.mask_key, plan.table);  // --mask refused before any planning query
  // The columns with no binary output, as messages name them: 'column "a" (aclitem)'.
  std::string text_only;
  if (const auto& cols = plan.table.text_only_columns; !cols.empty()) {
    std::vector<std::string> named;
    for (const auto& c : cols) named.push_back(fmt::format("\"{}\" ({})", c.name, c.type));
    text_only = fmt::format("{} {}", cols.size() == 1 ? "column" : "columns", fmt::join(named, ", "));
  }
  if (!text_only.empty() && options.format == WireFormat::binary) {
    throw OptionRefused(Setting::format, plan.table.display_name, text_only);
  }
  // --memory-budget: workers and batch size as the budget allows, before any split.
  ReadOptions effective = options;
  if (budget) {
    plan.memory = plan_memory_budget(conninfo, plan.table, options);
    effective.workers = plan.memory->workers;
    effective.batch_rows = plan.memory->batch_rows;
    for (const auto& line : plan.memory->arithmetic) phase("benchclient: memory plan: " + line);
  }
  plan.workers = effective.workers;
  plan.batch_rows = effective.batch_rows;
  for (const std::uint64_t limit : limits) {
    throw_if_interrupted();
    phase(fmt::format("benchclient: {}: planning ({} split), server scan and checksum",
                      limit == 0 ? std::string("the whole table") : fmt::format("{} rows", limit),
                      to_string(plan.table.split)));
    SizePlan size;
    size.spec = plan_read(conninfo, plan.table, limit, effective);
    // A whole table (the one size of --rows all) with fewer parts than workers: a
    // worker per part, since the others would have nothing to read.
    if (const int parts = parts_with_rows(size.spec); limit == 0 && parts < effective.workers) {
      const std::string note =
          fmt::format("the whole table splits into only {} part{} ({}), so {} worker{} read it, not {}", parts,
                      parts == 1 ? "" : "s", size.spec.split == Split::ctid ? "page ranges" : "key ranges holding rows",
                      parts, parts == 1 ? "" : "s", effective.workers);
      effective.workers = parts;
      plan.workers = parts;
      size.spec = plan_read(conninfo, plan.table, limit, effective);
      size.notes.push_back(note);  // said under the size's table, once
    }
    if (plan.memory) size.spec.worker_memory_limit_bytes = plan.memory->worker_limit_bytes;
    if (limit != 0 && size.spec.all.rows != limit) {
      size.notes.push_back(fmt::format("key {} has duplicates at the boundary: the range holds {} rows, not {}",
                                       plan.table.key_name, size.spec.all.rows, limit));
    }
    if (scope.server_figures) size.server = expect_from_server(conninfo, plan.table, size.spec, size.notes);
    // The whole table's size is the server's count of the read (unknown without it;
    // without the server's figures: the planner's count of a key split's rows).
    size.limit = limit != 0 ? limit : scope.server_figures ? size.server.rows.value_or(0) : size.spec.all.rows;
    if (limit == 0) size.spec.all.rows = size.limit;
    if (!plan.table.leaves_through_parent.empty() && size.spec.split == Split::ctid)
      size.notes.push_back(fmt::format(
          "{}: each partition is read through {} (FROM {} WHERE tableoid = partition AND ctid ...), so every part "
          "returns exactly the rows a query on {} returns",
          plan.table.leaves_through_parent, plan.table.display_name, plan.table.display_name, plan.table.display_name));
    if (!text_only.empty())
      size.notes.push_back(fmt::format("binary wire ceiling not measured: {} {} no binary output", text_only,
                                       plan.table.text_only_columns.size() == 1 ? "has" : "have"));
    plan.sizes.push_back(std::move(size));
  }
  // Checked above at the most workers the run could use; shown at the ones it will.
  plan.connections = connection_need(options, plan.workers, scope);
  // A whole table with no rows (for this role: policies may hide them all).
  if (scope.server_figures && limits == std::vector<std::uint64_t>{0} &&
      plan.sizes.front().server.rows == std::optional<std::uint64_t>(0))
    throw EmptyTable(fmt::format("table {} has no rows{}: there is nothing to measure", plan.table.display_name,
                                 plan.table.standard ? "" : " that this user can read"));
  return plan;
}

}  // namespace

BenchmarkPlan make_plan(const std::string& conninfo, const ReadOptions& options,
                        const std::function<void(const std::string&)>& phase,
                        const std::optional<TableSchema>& expected, const PlanScope& scope) {
  if (options.row_counts.empty() && !options.all_rows) throw std::invalid_argument("make_plan: no row counts");
  // With --snapshot, too few rows (or none) may be rows the snapshot cannot see:
  // written after it was taken, as when this run seeds the standard table.
  const std::string table = options.table.empty() ? std::string(kStandardTable) : options.table;
  const std::uint64_t max_rows =
      options.all_rows ? 0 : *std::max_element(options.row_counts.begin(), options.row_counts.end());
  try {
    return make_plan_of(conninfo, options, phase, expected, scope);
  } catch (const ReadRefused& e) {
    using P = ReadRefused::Problem;
    if (e.problem() == P::too_few_rows || e.problem() == P::too_few_keyed_rows || e.problem() == P::no_keyed_rows)
      refuse_rows_after_snapshot(conninfo, options, table, max_rows);
    throw;
  } catch (const EmptyTable&) {
    refuse_rows_after_snapshot(conninfo, options, table, 0);
    throw;
  }
}

}  // namespace benchlab::plan

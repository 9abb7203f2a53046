#include "verify/verify.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "benchlab/row_checksum.hpp"
#include "benchlab/set_digest.hpp"
#include "decode/sha256.hpp"
#include "model/errors.hpp"
#include "model/options.hpp"
#include "model/table.hpp"
#include "pg/connection.hpp"
#include "pg/error.hpp"
#include "pg/wait.hpp"
#include "plan/table.hpp"
#include "process/interrupt.hpp"

namespace benchlab::verify {
namespace {

using Params = std::vector<std::optional<std::string>>;
// Key arithmetic that cannot overflow (a key range may span all of bigint).
__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

// One side of the comparison: its table as planning found it and the connection
// holding its snapshot.
struct Side {
  const char* name;  // "source" / "target", for messages
  TableInfo table;
  pg::Connection conn;
};

TableInfo describe(const char* side, const std::string& conninfo, const std::string& table, const std::string& key) {
  ReadOptions options;
  options.table = table;
  options.key = key;
  options.split = SplitChoice::key;
  options.all_rows = true;
  try {
    return plan::prepare_table(conninfo, options, 0);
  } catch (const pg::BrokenConnection& e) {
    // Which server could not be reached: the CLI names it by its option.
    throw SettingFailed(SettingFailed::Problem::server_unreachable, side, e.what());
  } catch (plan::ReadRefused& e) {
    e.set_side(side);
    throw;
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("{}: {}", side, e.what()));
  }
}

// The same statement on both sides at once (two servers work in parallel); both
// connections are idle again when it returns or throws.
std::pair<pg::Result, pg::Result> on_both(Side& a, Side& b, const std::string& sql_a, const std::string& sql_b,
                                          const Params& params_a, const Params& params_b) {
  auto other = std::async(std::launch::async, [&] { return pg::exec_interruptible(b.conn, sql_b, params_b); });
  pg::Result ra;
  try {
    ra = pg::exec_interruptible(a.conn, sql_a, params_a);
  } catch (...) {
    other.wait();
    throw;
  }
  return {std::move(ra), other.get()};
}

[[noreturn]] void no_extension(const Side& s) {
  throw std::runtime_error(fmt::format(
      "the benchlab extension is missing on the {} server: run CREATE EXTENSION benchlab there (verify computes "
      "checksums server-side)",
      s.name));
}

struct Checksum {
  std::uint64_t rows = 0;
  std::uint64_t sum = 0;
  SetDigest digest;  // --digest sha256 (all zero otherwise)
  friend bool operator==(const Checksum&, const Checksum&) = default;
};

// A digest column of the extension (64 hex digits): anything else is an answer of the wrong shape.
SetDigest digest_of(const pg::Result& x, int col, std::string_view what) {
  const std::string_view text = x.text(0, col, what);
  const std::optional<SetDigest> d = SetDigest::from_hex(text);
  if (!d) throw pg::Error(fmt::format("{}: '{}' is not a sha256 digest (64 hex digits)", what, text));
  return *d;
}

class Verifier {
 public:
  Verifier(Side& source, Side& target, const VerifyOptions& options, VerifyReport& report,
           const std::function<void(const VerifyProgress&)>& progress)
      : s_(source), t_(target), options_(options), report_(report), progress_(progress) {
    if (sha256()) sha256_.emplace();
  }

  // Where the comparison stands (`line`: empty, or what to say).
  void tell(std::string line = {}) const {
    if (progress_) progress_(VerifyProgress{report_, first_cut_done_, first_cut_, std::move(line)});
  }
  void first_cut(std::uint64_t segments) { first_cut_ = segments; }
  void first_cut_segment_done() {
    ++first_cut_done_;
    tell();
  }

  [[nodiscard]] bool full() const {
    return options_.max_differences != 0 && report_.differences.size() >= options_.max_differences;
  }

  [[nodiscard]] bool sha256() const { return options_.digest == DigestAlgorithm::sha256; }

  std::pair<Checksum, Checksum> checksums(std::int64_t lo, std::int64_t hi) {
    constexpr const char* kSql =
        "SELECT rows, checksum FROM benchlab.range_checksum($1::regclass, $2::name, $3::bigint, $4::bigint, 'text')";
    constexpr const char* kSqlDigest =
        "SELECT rows, checksum, digest "
        "FROM benchlab.range_checksum($1::regclass, $2::name, $3::bigint, $4::bigint, 'text', 'sha256')";
    const char* sql = sha256() ? kSqlDigest : kSql;
    const Params ps{s_.table.relation_sql, s_.table.key_name, std::to_string(lo), std::to_string(hi)};
    const Params pt{t_.table.relation_sql, t_.table.key_name, std::to_string(lo), std::to_string(hi)};
    const auto r = on_both(s_, t_, sql, sql, ps, pt);  // open_side checked both have the extension
    ++report_.segments_compared;
    const bool digest = sha256();
    auto read = [digest](const pg::Result& x) {
      x.expect_rows(1, "range_checksum").expect_columns(digest ? 3 : 2, "range_checksum");
      Checksum c{
          x.uint64(0, 0, "range_checksum rows"), checksum_from_sql(x.int64(0, 1, "range_checksum checksum")), {}};
      if (digest) c.digest = digest_of(x, 2, "range_checksum digest");
      return c;
    };
    return {read(r.first), read(r.second)};
  }

  // One row's hash as bytes, to compare rows: its XXH3-64, or with --digest sha256 its
  // SHA-256 (a row forged to keep its xxh3 hash still differs).
  // The row's hash as bytes to compare: fetched (--mask: each server hashed the row,
  // its values stayed there) or made here from the fetched values.
  std::string row_hash(const pg::Result& r, int i, int first_column) {
    if (hashed()) {
      if (sha256_) return std::string(r.value(i, first_column));  // 64 hex digits
      const std::uint64_t h = checksum_from_sql(r.int64(i, first_column, "row hash"));
      return std::string(reinterpret_cast<const char*>(&h), sizeof h);
    }
    RowEncoder<std::string> encoder(row_image_);
    for (int c = first_column; c < r.columns(); ++c) {
      if (r.is_null(i, c)) {
        encoder.add_null();
      } else {
        const std::string_view v = r.value(i, c);
        encoder.add_value(v.data(), v.size());
      }
    }
    if (sha256_) {
      const RowDigest d = sha256_->hash(encoder.data(), encoder.size());
      return std::string(reinterpret_cast<const char*>(d.data()), d.size());
    }
    const std::uint64_t h = encoder.finish();
    return std::string(reinterpret_cast<const char*>(&h), sizeof h);
  }

  // Compares lo..hi; top: a segment of the first cut (its figures are the sides' totals).
  void compare(std::int64_t lo, std::int64_t hi, bool top) {
    if (full()) return;
    throw_if_interrupted();
    const auto [a, b] = checksums(lo, hi);
    if (top) {
      report_.source.rows += a.rows;
      report_.source.checksum += a.sum;
      report_.target.rows += b.rows;
      report_.target.checksum += b.sum;
      if (sha256()) {  // both set before the first segment (verify())
        report_.source.digest->merge(a.digest);
        report_.target.digest->merge(b.digest);
      }
    }
    if (a == b) return;
    ++report_.segments_differing;
    if (std::max(a.rows, b.rows) <= options_.fetch_rows || lo == hi) {
      compare_rows(lo, hi);
      return;
    }
    const auto mid = static_cast<std::int64_t>(lo + (static_cast<i128>(hi) - lo) / 2);
    compare(lo, mid, false);
    compare(mid + 1, hi, false);
  }

  // Both sides' rows of lo..hi in key order, compared key by key: a key whose rows
  // differ (as multisets of row hashes: keys need not be unique) is changed.
  // Row i's hash from column `first` on: the server's (--mask), or its columns' text hashed here.
  [[nodiscard]] bool hashed() const { return !options_.masks.empty(); }

  void compare_rows(std::int64_t lo, std::int64_t hi) {
    const Params p{std::to_string(lo), std::to_string(hi)};
    const auto [rs, rt] = on_both(s_, t_, rows_query(s_.table, hashed(), false, options_.digest),
                                  rows_query(t_.table, hashed(), false, options_.digest), p, p);
    report_.rows_fetched += static_cast<std::uint64_t>(rs.rows() + rt.rows());
    const auto hashes = [this](const pg::Result& r, int& i, std::int64_t key) {
      std::vector<std::string> out;
      for (; i < r.rows() && r.int64(i, 0, "key") == key; ++i) out.push_back(row_hash(r, i, 1));
      std::sort(out.begin(), out.end());
      return out;
    };
    int i = 0, j = 0;
    while ((i < rs.rows() || j < rt.rows()) && !full()) {
      if (j >= rt.rows() || (i < rs.rows() && rs.int64(i, 0, "source key") < rt.int64(j, 0, "target key"))) {
        const std::int64_t k = rs.int64(i, 0, "source key");
        report_.differences.push_back({k, RowDifference::Kind::missing_in_target});
        hashes(rs, i, k);
      } else if (i >= rs.rows() || rt.int64(j, 0, "target key") < rs.int64(i, 0, "source key")) {
        const std::int64_t k = rt.int64(j, 0, "target key");
        report_.differences.push_back({k, RowDifference::Kind::extra_in_target});
        hashes(rt, j, k);
      } else {
        const std::int64_t k = rs.int64(i, 0, "source key");
        if (hashes(rs, i, k) != hashes(rt, j, k)) report_.differences.push_back({k, RowDifference::Kind::changed});
      }
    }
    report_.truncated = report_.truncated || full();
    tell(fmt::format("keys {}..{}: {} difference(s) so far", lo, hi, report_.differences.size()));
  }

  // The rows whose key is NULL, which differ (count or checksum): at most --fetch-rows
  // on each side are fetched and compared as multisets of whole rows.
  NullKeyDifferences compare_null_key_rows() {
    NullKeyDifferences out;
    if (std::max(report_.source.null_key_rows, report_.target.null_key_rows) > options_.fetch_rows) return out;
    const auto [rs, rt] = on_both(s_, t_, rows_query(s_.table, hashed(), true, options_.digest),
                                  rows_query(t_.table, hashed(), true, options_.digest), {}, {});
    report_.rows_fetched += static_cast<std::uint64_t>(rs.rows() + rt.rows());
    auto hashes = [this](const pg::Result& r) {
      std::vector<std::string> h;
      for (int i = 0; i < r.rows(); ++i) h.push_back(row_hash(r, i, 0));
      std::sort(h.begin(), h.end());
      return h;
    };
    const std::vector<std::string> a = hashes(rs), b = hashes(rt);
    std::vector<std::string> only;
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(only));
    out.missing_in_target = only.size();
    only.clear();
    std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(only));
    out.extra_in_target = only.size();
    out.compared = true;
    return out;
  }

 private:
  Side& s_;
  Side& t_;
  const VerifyOptions& options_;
  VerifyReport& report_;
  const std::function<void(const VerifyProgress&)>& progress_;
  std::uint64_t first_cut_ = 0, first_cut_done_ = 0;
  std::string row_image_;
  std::optional<Sha256> sha256_;  // --digest sha256
};

void check_extension(const Side& s) {
  const std::string found = s.conn.query_value(
      "SELECT count(DISTINCT p.proname) FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n "
      "ON n.oid = p.pronamespace WHERE n.nspname = 'benchlab' AND p.proname IN ('range_checksum', 'server_scan')");
  if (found != "2") no_extension(s);
}

std::vector<std::string> schema_differences(const TableInfo& s, const TableInfo& t) {
  std::vector<std::string> out;
  auto find = [](const TableInfo& in, const std::string& name) -> const ColumnInfo* {
    for (const auto& c : in.columns)
      if (c.name == name) return &c;
    return nullptr;
  };
  for (const auto& c : s.columns) {
    const ColumnInfo* other = find(t, c.name);
    if (other == nullptr)
      out.push_back(fmt::format("column \"{}\" ({}) is missing in the target", c.name, c.type));
    else if (other->type != c.type)
      out.push_back(fmt::format("column \"{}\" is {} in the source, {} in the target", c.name, c.type, other->type));
  }
  for (const auto& c : t.columns)
    if (find(s, c.name) == nullptr)
      out.push_back(fmt::format("column \"{}\" ({}) is extra in the target", c.name, c.type));
  if (out.empty()) {
    for (std::size_t i = 0; i < s.columns.size(); ++i)
      if (s.columns[i].name != t.columns[i].name) {
        out.push_back(
            fmt::format("the columns are in another order: \"{}\" is column {} in the source, \"{}\" in "
                        "the target",
                        s.columns[i].name, i + 1, t.columns[i].name));
        break;
      }
  }
  if (s.key_name != t.key_name)
    out.push_back(fmt::format("the key is \"{}\" in the source, \"{}\" in the target", s.key_name, t.key_name));
  return out;
}

std::string server_of(const pg::Connection& conn) { return "PostgreSQL " + conn.query_value("SHOW server_version"); }

Side open_side(const char* name, const std::string& conninfo, TableInfo table) {
  pg::SessionOptions session;
  session.read_only = true;
  session.statement_timeout_ms = 0;
  Side s{name, std::move(table), pg::Connection::open(conninfo, session)};
  check_extension(s);
  return s;
}

const std::string& table_or_standard(const std::string& t) {
  static const std::string standard = kStandardTable;
  return t.empty() ? standard : t;
}

struct Sides {
  Side source, target;
};

// Both tables described (the target by the source's key unless --key), then both
// sessions opened with the extension checked.
Sides open_sides(const std::string& source_conninfo, const std::string& target_conninfo, const VerifyOptions& options) {
  const std::string& source_table = table_or_standard(options.table);
  const std::string& target_table = options.target_table.empty() ? source_table : options.target_table;
  TableInfo st = describe("source", source_conninfo, source_table, options.key);
  TableInfo tt = describe("target", target_conninfo, target_table, options.key.empty() ? st.key_name : options.key);
  Side source = open_side("source", source_conninfo, std::move(st));
  Side target = open_side("target", target_conninfo, std::move(tt));
  return {std::move(source), std::move(target)};
}

}  // namespace

std::string rows_query(const TableInfo& table, bool hashed, bool null_keys, DigestAlgorithm digest) {
  std::string cols = table.select_list;
  if (hashed) {
    // Each column's text as bytes (NULL stays NULL): the same row image on both
    // sides, hashed by the server; the values themselves stay there.
    std::vector<std::string> texts;
    for (const ColumnInfo& c : table.columns) {
      std::string quoted = "\"";
      for (const char ch : c.name) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
      quoted += '"';
      // The type's output text (format's %s), not a cast to text: a cast of
      // char(n) drops its trailing blanks, and a change in them must show.
      texts.push_back(fmt::format(
          "CASE WHEN {0} IS NULL THEN NULL ELSE pg_catalog.textsend(pg_catalog.format('%s', {0})) END", quoted));
    }
    cols = fmt::format("benchlab.{}(ARRAY[{}]::bytea[])",
                       digest == DigestAlgorithm::sha256 ? "wire_row_digest" : "wire_row_hash", fmt::join(texts, ", "));
  }
  if (null_keys) return fmt::format("SELECT {} FROM {} WHERE {} IS NULL", cols, table.relation_sql, table.key_sql);
  return fmt::format("SELECT {key}::bigint, {cols} FROM {rel} WHERE {key} BETWEEN $1::bigint AND $2::bigint ORDER BY 1",
                     fmt::arg("key", table.key_sql), fmt::arg("cols", cols), fmt::arg("rel", table.relation_sql));
}

VerifyReport verify(const std::string& source_conninfo, const std::string& target_conninfo,
                    const VerifyOptions& options, const std::function<void(const VerifyProgress&)>& progress) {
  const auto started = std::chrono::steady_clock::now();
  const std::string& source_table = table_or_standard(options.table);
  const std::string& target_table = options.target_table.empty() ? source_table : options.target_table;
  if (source_conninfo == target_conninfo && source_table == target_table)
    throw SettingFailed(SettingFailed::Problem::same_table);

  VerifyReport report;
  auto [source, target] = open_sides(source_conninfo, target_conninfo, options);
  // --mask: named columns of the source, never its key (bisection compares keys).
  if (!options.masks.empty()) (void)resolve_masks(options.masks, nullptr, source.table);
  report.key = source.table.key_name;
  report.source.table = source.table.relation_sql;
  report.target.table = target.table.relation_sql;
  report.schema_differences = schema_differences(source.table, target.table);
  report.source.server = server_of(source.conn);
  report.target.server = server_of(target.conn);
  if (!report.schema_differences.empty()) {
    report.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;  // rows of different shapes would all differ: the schema is the answer
  }

  // One snapshot per side for everything that follows.
  const std::string begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
  on_both(source, target, begin, begin, {}, {});

  // The key range both sides cover, and the rows no key range holds.
  auto bounds_sql = [](const Side& s) {
    return fmt::format("SELECT min({k})::bigint, max({k})::bigint FROM {r}", fmt::arg("k", s.table.key_sql),
                       fmt::arg("r", s.table.relation_sql));
  };
  const auto [bs, bt] = on_both(source, target, bounds_sql(source), bounds_sql(target), {}, {});
  const bool sha256 = options.digest == DigestAlgorithm::sha256;
  const char* kNullKeys = sha256 ? "SELECT rows, checksum, digest FROM benchlab.server_scan($1, 'text', 'sha256')"
                                 : "SELECT rows, checksum FROM benchlab.server_scan($1, 'text')";
  auto null_sql = [](const Side& s) {
    return fmt::format("SELECT * FROM {} WHERE {} IS NULL", s.table.relation_sql, s.table.key_sql);
  };
  const auto [ns, nt] = on_both(source, target, kNullKeys, kNullKeys, {null_sql(source)}, {null_sql(target)});
  report.source.null_key_rows = ns.uint64(0, 0, "null-key rows");
  report.target.null_key_rows = nt.uint64(0, 0, "null-key rows");
  const std::uint64_t null_sum_s = checksum_from_sql(ns.int64(0, 1, "null-key checksum"));
  const std::uint64_t null_sum_t = checksum_from_sql(nt.int64(0, 1, "null-key checksum"));
  std::optional<SetDigest> null_digest_s, null_digest_t;
  if (sha256) {
    null_digest_s = digest_of(ns, 2, "null-key digest");
    null_digest_t = digest_of(nt, 2, "null-key digest");
    report.source.digest.emplace();
    report.target.digest.emplace();
  }

  std::optional<std::int64_t> lo, hi;
  for (const pg::Result* b : {&bs, &bt}) {
    if (b->is_null(0, 0)) continue;
    const std::int64_t l = b->int64(0, 0, "min key"), h = b->int64(0, 1, "max key");
    lo = lo ? std::min(*lo, l) : l;
    hi = hi ? std::max(*hi, h) : h;
  }
  Verifier verifier(source, target, options, report, progress);
  if (lo && hi) {
    // The first cut: `segments` spans of equal width (the sides may hold different
    // rows, so no row-balanced cut fits both); bisection refines where they differ.
    const auto width = static_cast<u128>(static_cast<i128>(*hi) - *lo) + 1;
    const auto parts = static_cast<u128>(std::max(1, options.segments));
    const u128 step = std::max<u128>(1, (width + parts - 1) / parts);
    verifier.first_cut(static_cast<std::uint64_t>((width + step - 1) / step));
    for (u128 off = 0; off < width; off += step) {
      const auto a = static_cast<std::int64_t>(static_cast<i128>(*lo) + static_cast<i128>(off));
      const u128 last = std::min(off + step, width) - 1;
      const auto b = static_cast<std::int64_t>(static_cast<i128>(*lo) + static_cast<i128>(last));
      verifier.compare(a, b, true);
      verifier.first_cut_segment_done();
      if (verifier.full()) break;
    }
  }
  report.source.rows += report.source.null_key_rows;
  report.target.rows += report.target.null_key_rows;
  report.source.checksum += null_sum_s;
  report.target.checksum += null_sum_t;
  if (sha256) {
    report.source.digest->merge(*null_digest_s);
    report.target.digest->merge(*null_digest_t);
  }
  if (null_sum_s != null_sum_t || null_digest_s != null_digest_t ||
      report.source.null_key_rows != report.target.null_key_rows)
    report.null_key_differences = verifier.compare_null_key_rows();
  const std::string end = "COMMIT";
  on_both(source, target, end, end, {}, {});
  report.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

double hash_both_once(const std::string& source_conninfo, const std::string& target_conninfo,
                      const VerifyOptions& options) {
  auto [source, target] = open_sides(source_conninfo, target_conninfo, options);
  const char* kSql = options.digest == DigestAlgorithm::sha256
                         ? "SELECT rows, checksum, digest FROM benchlab.range_checksum($1::regclass, $2::name, "
                           "(-9223372036854775807 - 1)::bigint, 9223372036854775807::bigint, 'text', 'sha256')"
                         : "SELECT rows, checksum FROM benchlab.range_checksum($1::regclass, $2::name, "
                           "(-9223372036854775807 - 1)::bigint, 9223372036854775807::bigint, 'text')";
  const auto started = std::chrono::steady_clock::now();
  on_both(source, target, kSql, kSql, {source.table.relation_sql, source.table.key_name},
          {target.table.relation_sql, target.table.key_name});
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

}  // namespace benchlab::verify

// Table preparation and read planning against the test server.
#include <algorithm>
#include <catch2/catch.hpp>
#include <numeric>
#include <stdexcept>

#include "cli/error_wording.hpp"
#include "plan/read_plan.hpp"
#include "plan/table.hpp"
#include "support.hpp"

using namespace benchlab;

namespace {

void check_contiguous(const std::vector<KeyRange>& parts, const KeyRange& all) {
  REQUIRE_FALSE(parts.empty());
  std::uint64_t rows = 0;
  std::int64_t next = all.lo;
  for (const auto& p : parts) {
    rows += p.rows;
    if (p.rows == 0) continue;  // an empty part may sit anywhere
    CHECK(p.lo <= next);
    CHECK(p.lo >= all.lo);
    CHECK(p.hi <= all.hi);
    next = p.hi + 1;
  }
  CHECK(next == all.hi + 1);
  CHECK(rows == all.rows);
}

std::uint64_t count_in(const pg::Connection& c, const std::string& table, const std::string& key, const KeyRange& r) {
  return std::stoull(
      c.query_value("SELECT count(*) FROM " + table + " WHERE " + key + " BETWEEN $1::bigint AND $2::bigint",
                    {std::to_string(r.lo), std::to_string(r.hi)}));
}

}  // namespace

TEST_CASE("dataset: the standard table is seeded and planned, whole table and prefix", "[dataset][db]") {
  test::ScratchDatabase db("dataset_std");
  ReadOptions options;
  options.workers = 3;
  options.batch_rows = 100;
  const auto table = plan::prepare_table(db.conninfo(), options, 5000);
  CHECK(table.standard);
  CHECK(table.columns.size() == 8);
  CHECK(table.select_list.find("\"id\"") != std::string::npos);
  const auto admin = db.admin();
  CHECK(admin.query_value("SELECT count(*) FROM public.benchlab_records") == "5000");

  for (std::uint64_t rows : {5000ULL, 1234ULL}) {
    const ReadSpec spec = plan::plan_read(db.conninfo(), table, rows, options);
    CHECK(spec.all.rows == rows);
    CHECK(spec.all.lo == 1);
    CHECK(spec.all.hi == static_cast<std::int64_t>(rows));
    REQUIRE(spec.partitions.size() == 3);
    check_contiguous(spec.partitions, spec.all);
    for (const auto& p : spec.partitions) CHECK(count_in(admin, spec.relation_sql, spec.key_sql, p) == p.rows);
    CHECK(spec.batches.size() >= 12);  // at least workers * 4
    check_contiguous(spec.batches, spec.all);
    CHECK(spec.range_query(spec.all).find("BETWEEN 1 AND") != std::string::npos);
  }
}

TEST_CASE("dataset: a user table with gaps and a prefix read is split by rows", "[dataset][db]") {
  test::ScratchDatabase db("dataset_user");
  db.admin().exec(
      "CREATE TABLE public.sparse (k int PRIMARY KEY, v text); "
      "INSERT INTO public.sparse SELECT g * g, 'v' FROM generate_series(1, 300) g; ANALYZE public.sparse");
  ReadOptions options;
  options.table = std::string("public.sparse");
  options.key = std::string("k");
  options.workers = 4;
  options.batch_rows = 5;
  const auto table = plan::prepare_table(db.conninfo(), options, 200);
  CHECK_FALSE(table.standard);
  const ReadSpec spec = plan::plan_read(db.conninfo(), table, 200, options);
  CHECK(spec.all.lo == 1);
  CHECK(spec.all.hi == 200 * 200);
  CHECK(spec.all.rows == 200);
  REQUIRE(spec.partitions.size() == 4);
  check_contiguous(spec.partitions, spec.all);
  for (const auto& p : spec.partitions) CHECK(p.rows == 50);  // balanced by rows, not by key span
  check_contiguous(spec.batches, spec.all);
}

namespace {

// The refusal prepare_table raises for `rows` rows of `options`.
plan::ReadRefused refusal(const std::string& conninfo, const ReadOptions& options, std::uint64_t rows) {
  try {
    (void)plan::prepare_table(conninfo, options, rows);
  } catch (const plan::ReadRefused& e) {
    return e;
  }
  FAIL("prepare_table did not refuse the read");
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("dataset: user table errors name the problem and the fix", "[dataset][db]") {
  test::ScratchDatabase db("dataset_err");
  db.admin().exec("CREATE TABLE public.t (id bigint, name text, n smallint); INSERT INTO public.t VALUES (1, 'a', 1)");
  ReadOptions options;
  options.table = std::string("public.t");
  options.key = std::string("name");
  const plan::ReadRefused not_integer = refusal(db.conninfo(), options, 1);
  CHECK(not_integer.problem() == plan::ReadRefused::Problem::key_not_integer);
  CHECK(not_integer.setting() == Setting::key);
  CHECK(not_integer.found().integer_columns == std::vector<std::string>{"id", "n"});
  CHECK(cli::word(not_integer) ==
        "key column \"name\" of table public.t is text, not an integer (smallint, integer or bigint); use --key with "
        "one of its integer columns: id, n");
  options.key = std::string("id");
  const plan::ReadRefused few = refusal(db.conninfo(), options, 2);
  CHECK(few.problem() == plan::ReadRefused::Problem::too_few_keyed_rows);
  CHECK(few.found().have == 1);
  CHECK(cli::word(few) == "table public.t holds only 1 rows (with a non-null key id); use --rows 1 or fewer");
  options.table = std::string("public.absent");
  const plan::ReadRefused absent = refusal(db.conninfo(), options, 1);
  CHECK(absent.problem() == plan::ReadRefused::Problem::no_such_table);
  CHECK(cli::error_message(absent).find("check --table") != std::string::npos);
  CHECK(std::string(absent.what()).find("--") == std::string::npos);  // below the CLI: no option names
}

TEST_CASE("dataset: a non-unique key never puts one key value in two parts", "[dataset][db]") {
  test::ScratchDatabase db("dataset_dup");
  db.admin().exec(
      "CREATE TABLE public.dups (k bigint, v int); CREATE INDEX ON public.dups (k); "
      "INSERT INTO public.dups SELECT g / 4, g FROM generate_series(0, 399) g; ANALYZE public.dups");
  ReadOptions options;
  options.table = std::string("public.dups");
  options.key = std::string("k");
  options.workers = 3;
  options.batch_rows = 1;
  const auto table = plan::prepare_table(db.conninfo(), options, 10);
  const ReadSpec spec = plan::plan_read(db.conninfo(), table, 10, options);
  CHECK(spec.all.lo == 0);
  CHECK(spec.all.hi == 2);  // the 10th row has key 2, whose 4 rows all count
  CHECK(spec.all.rows == 12);
  check_contiguous(spec.partitions, spec.all);
  check_contiguous(spec.batches, spec.all);
  const auto admin = db.admin();
  for (const auto& p : spec.batches) CHECK(count_in(admin, spec.relation_sql, spec.key_sql, p) == p.rows);
}

TEST_CASE("dataset: a prefix plan's parts add up to exactly N rows and are balanced", "[dataset][db]") {
  // A unique key with gaps and a dense run, so balance by rows differs from balance by key span.
  test::ScratchDatabase db("dataset_prefix");
  db.admin().exec(
      "CREATE TABLE public.pre (id bigint PRIMARY KEY, v text); "
      "INSERT INTO public.pre SELECT g, 'a' FROM generate_series(1, 3000) g; "
      "INSERT INTO public.pre SELECT 1000000 + g * 37, 'b' FROM generate_series(1, 5000) g; ANALYZE public.pre");
  ReadOptions options;
  options.table = std::string("public.pre");
  options.key = std::string("id");
  options.workers = 3;
  options.batch_rows = 7;
  const auto table = plan::prepare_table(db.conninfo(), options, 8000);
  const auto admin = db.admin();
  for (std::uint64_t rows : {1ULL, 2ULL, 3001ULL, 4999ULL, 7999ULL, 8000ULL}) {
    CAPTURE(rows);
    const ReadSpec spec = plan::plan_read(db.conninfo(), table, rows, options);
    CHECK(spec.all.rows == rows);
    CHECK(spec.all.lo == 1);
    CHECK(spec.all.hi ==
          (rows <= 3000 ? static_cast<std::int64_t>(rows) : 1000000 + static_cast<std::int64_t>(rows - 3000) * 37));
    REQUIRE(spec.partitions.size() == 3);
    check_contiguous(spec.partitions, spec.all);
    std::uint64_t sum = 0, most = 0, least = rows;
    for (const auto& p : spec.partitions) {
      CHECK(count_in(admin, spec.relation_sql, spec.key_sql, p) == p.rows);
      sum += p.rows;
      most = std::max(most, p.rows);
      least = std::min(least, p.rows);
    }
    CHECK(sum == rows);
    CHECK(most - least <= 1);
    check_contiguous(spec.batches, spec.all);
    std::uint64_t batch_most = 0, batch_least = rows;
    for (const auto& b : spec.batches) {
      if (rows >= spec.batches.size()) batch_least = std::min(batch_least, b.rows);
      batch_most = std::max(batch_most, b.rows);
    }
    if (rows >= spec.batches.size()) CHECK(batch_most - batch_least <= 1);
  }
}

TEST_CASE("dataset: a partitioned table split by ctid is planned leaf by leaf, each leaf covered", "[dataset][db]") {
  test::ScratchDatabase db("dataset_parted");
  const auto admin = db.admin();
  // One leaf about 30 times the size of the other, one empty, one sub-partitioned.
  admin.exec(
      "CREATE TABLE public.pl (region text, v text) PARTITION BY LIST (region);"
      "CREATE TABLE public.pl_big PARTITION OF public.pl FOR VALUES IN ('big');"
      "CREATE TABLE public.pl_small PARTITION OF public.pl FOR VALUES IN ('small');"
      "CREATE TABLE public.pl_empty PARTITION OF public.pl FOR VALUES IN ('none');"
      "CREATE TABLE public.pl_sub PARTITION OF public.pl FOR VALUES IN ('sub') PARTITION BY LIST (v);"
      "CREATE TABLE public.pl_sub_a PARTITION OF public.pl_sub DEFAULT;"
      "INSERT INTO public.pl SELECT CASE WHEN g <= 30000 THEN 'big' WHEN g <= 31000 THEN 'small' ELSE 'sub' END, "
      "md5(g::text) FROM generate_series(1, 32000) g;"
      "ANALYZE public.pl");
  ReadOptions options;
  options.table = "public.pl";
  options.all_rows = true;
  options.split = SplitChoice::ctid;
  options.workers = 2;
  options.batch_rows = 100;
  const auto table = plan::prepare_table(db.conninfo(), options, 0);
  CHECK(table.relkind == 'p');
  CHECK(table.split == Split::ctid);
  const ReadSpec spec = plan::plan_read(db.conninfo(), table, 0, options);
  const std::vector<std::string> leaves = {"public.pl_big", "public.pl_small", "public.pl_empty", "public.pl_sub_a"};
  for (const auto* list : {&spec.partitions, &spec.batches}) {
    for (const auto& leaf : leaves) {
      INFO("leaf " << leaf << ", " << (list == &spec.partitions ? "partitions" : "batches"));
      std::vector<KeyRange> parts;
      for (const auto& p : *list)
        if (p.relation_sql == leaf) parts.push_back(p);
      // Contiguous block ranges from block 0, the last open-ended: the whole leaf, also as it grows.
      REQUIRE_FALSE(parts.empty());
      CHECK(parts.front().lo == 0);
      for (std::size_t i = 1; i < parts.size(); ++i) CHECK(parts[i].lo == parts[i - 1].hi + 1);
      CHECK(parts.back().hi == kOpenEnd);
      if (leaf == "public.pl_empty") CHECK(parts.size() == 1);
      // Every row of the leaf is in one of its parts, by TID range scans of the leaf itself.
      std::uint64_t rows = 0;
      for (const auto& p : parts)
        rows += std::stoull(admin.query_value("SELECT count(*) FROM (" + spec.range_query(p) + ") s"));
      CHECK(rows == std::stoull(admin.query_value("SELECT count(*) FROM " + leaf)));
    }
    // Nothing but the leaves: not the parent, not the sub-partitioned table.
    for (const auto& p : *list) CHECK(std::find(leaves.begin(), leaves.end(), p.relation_sql) != leaves.end());
  }
  // Parts in proportion to each leaf's size: the big leaf gets more of them.
  const auto count_of = [](const std::vector<KeyRange>& list, const std::string& leaf) {
    return std::count_if(list.begin(), list.end(), [&](const KeyRange& p) { return p.relation_sql == leaf; });
  };
  CHECK(count_of(spec.partitions, "public.pl_big") == 2);
  CHECK(count_of(spec.partitions, "public.pl_small") == 1);
  CHECK(count_of(spec.batches, "public.pl_big") > 10 * count_of(spec.batches, "public.pl_small"));
  CHECK(spec.range_query(spec.partitions.front()).find("FROM public.pl_big WHERE ctid >= '(0,0)'::tid") !=
        std::string::npos);
}

TEST_CASE("dataset: a partitioned table with a foreign leaf is refused by ctid, naming the leaf", "[dataset][db]") {
  test::ScratchDatabase db("dataset_parted_fdw");
  const auto admin = db.admin();
  admin.exec(
      "CREATE FOREIGN DATA WRAPPER benchlab_dummy_fdw;"
      "CREATE SERVER benchlab_dummy FOREIGN DATA WRAPPER benchlab_dummy_fdw;"
      "CREATE TABLE public.pf (region text, v text) PARTITION BY LIST (region);"
      "CREATE TABLE public.pf_local PARTITION OF public.pf FOR VALUES IN ('here');"
      "CREATE FOREIGN TABLE public.pf_remote PARTITION OF public.pf FOR VALUES IN ('there') SERVER benchlab_dummy");
  ReadOptions options;
  options.table = "public.pf";
  options.all_rows = true;
  for (const SplitChoice split : {SplitChoice::ctid, SplitChoice::automatic}) {
    options.split = split;
    try {
      (void)plan::prepare_table(db.conninfo(), options, 0);
      FAIL("no exception");
    } catch (const plan::ReadRefused& e) {
      CHECK(e.problem() == plan::ReadRefused::Problem::ctid_leaf_without_pages);
      const std::string what = cli::word(e);
      CHECK(what.find("pf_remote") != std::string::npos);
      CHECK(what.find("foreign table") != std::string::npos);
      CHECK(what.find("--split key") != std::string::npos);
      CHECK(what.find('\n') == std::string::npos);
    }
  }
  admin.exec("DROP TABLE public.pf; DROP SERVER benchlab_dummy; DROP FOREIGN DATA WRAPPER benchlab_dummy_fdw");
}

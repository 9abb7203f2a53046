// benchclient verify: reconciliation of a table across two real servers (the test
// cluster and a second throwaway cluster), and across two tables on one server
// through the real binary.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "cluster/throwaway_cluster.hpp"
#include "pg/connection.hpp"
#include "support.hpp"
#include "verify/verify.hpp"

using namespace benchlab;

namespace {

pg::Connection read_write(const std::string& conninfo) {
  pg::SessionOptions s;
  s.read_only = false;
  return pg::Connection::open(conninfo, s);
}

constexpr const char* kItems =
    "CREATE TABLE public.items (id bigint PRIMARY KEY, name text, amount numeric, note text);"
    "INSERT INTO public.items SELECT g, 'n' || g, g * 1.5, CASE WHEN g % 10 = 0 THEN NULL ELSE 'x' END "
    "FROM generate_series(1, 20000) g";

std::vector<RowDifference> expected(std::initializer_list<std::pair<std::int64_t, RowDifference::Kind>> list) {
  std::vector<RowDifference> out;
  for (const auto& [k, kind] : list) out.push_back({k, kind});
  return out;
}

}  // namespace

TEST_CASE("verify: two servers with known missing, extra and changed rows, and a changed type", "[db][verify]") {
  test::ScratchDatabase db("verify_src");
  db.admin().exec(kItems);
  cluster::ThrowawayCluster other({});
  const std::string target_conninfo = other.conninfo();
  const pg::Connection target = read_write(target_conninfo);
  target.exec("CREATE EXTENSION benchlab");
  target.exec(kItems);

  VerifyOptions options;
  options.table = "public.items";
  options.segments = 16;
  options.fetch_rows = 100;
  const VerifyReport same = verify::verify(db.conninfo(), target_conninfo, options);
  CHECK(same.equal());
  CHECK(same.differences.empty());
  CHECK(same.source.rows == 20000);
  CHECK(same.target.rows == 20000);
  CHECK(same.segments_differing == 0);
  CHECK(same.key == "id");

  // Deleted, inserted (inside and outside the source's key range), changed values,
  // a value that became NULL and a NULL that became a value.
  target.exec(
      "DELETE FROM public.items WHERE id IN (17, 5000);"
      "INSERT INTO public.items VALUES (0, 'below', 0, NULL), (20001, 'above', 1, 'x'), (25000, 'far', 2, NULL);"
      "UPDATE public.items SET name = 'changed' WHERE id = 777;"
      "UPDATE public.items SET note = NULL WHERE id = 1234;"
      "UPDATE public.items SET note = 'now' WHERE id = 30;"
      "UPDATE public.items SET amount = amount + 0.01 WHERE id = 19999");
  using K = RowDifference::Kind;
  const VerifyReport diff = verify::verify(db.conninfo(), target_conninfo, options);
  CHECK_FALSE(diff.equal());
  CHECK(diff.schema_differences.empty());
  CHECK(diff.differences == expected({{0, K::extra_in_target},
                                      {17, K::missing_in_target},
                                      {30, K::changed},
                                      {777, K::changed},
                                      {1234, K::changed},
                                      {5000, K::missing_in_target},
                                      {19999, K::changed},
                                      {20001, K::extra_in_target},
                                      {25000, K::extra_in_target}}));
  CHECK(diff.target.rows == 20001);
  // Bisection fetched only the neighbourhood of the differences, not the table.
  CHECK(diff.rows_fetched < 2 * 20000 / 4);

  options.max_differences = 3;
  const VerifyReport first = verify::verify(db.conninfo(), target_conninfo, options);
  CHECK(first.differences.size() == 3);
  CHECK(first.truncated);

  // A changed type is reported as such, not as 20000 changed rows.
  target.exec("ALTER TABLE public.items ALTER COLUMN amount TYPE float8");
  const VerifyReport typed = verify::verify(db.conninfo(), target_conninfo, options);
  CHECK_FALSE(typed.equal());
  REQUIRE(typed.schema_differences.size() == 1);
  CHECK(typed.schema_differences[0] == "column \"amount\" is numeric in the source, double precision in the target");
  CHECK(typed.differences.empty());
}

TEST_CASE("verify: the command on two tables of one server, JSON, exit status and bad input", "[db][verify][cli]") {
  test::ScratchDatabase db("verify_cli");
  db.admin().exec(
      "CREATE TABLE public.a (k int PRIMARY KEY, v text);"
      "INSERT INTO public.a SELECT g, md5(g::text) FROM generate_series(1, 3000) g;"
      "CREATE TABLE public.b AS SELECT * FROM public.a; ALTER TABLE public.b ADD PRIMARY KEY (k);"
      "CREATE TABLE public.nokey (v text)");
  test::TempDir dir("verify_cli");
  const std::vector<std::string> base = {"verify",   "--dsn",          db.conninfo(), "--table",
                                         "public.a", "--target-table", "public.b",    "--no-progress"};

  const test::Outcome equal = test::run_benchclient(base, dir.path);
  CHECK(equal.exit_code == 0);
  CHECK(equal.out.find("equal: the target holds exactly the source's rows") != std::string::npos);

  db.admin().exec("UPDATE public.b SET v = NULL WHERE k = 42; DELETE FROM public.b WHERE k = 2999");
  std::vector<std::string> json_args = base;
  json_args.push_back("--json");
  const test::Outcome differ = test::run_benchclient(json_args, dir.path);
  CHECK(differ.exit_code == 1);
  const auto doc = nlohmann::ordered_json::parse(differ.out);
  CHECK(doc.begin().key() == "kind");
  CHECK(doc["kind"] == "verify");
  CHECK(doc["schema_version"] == 1);
  CHECK(doc["context"]["host"]["cores"].get<unsigned>() > 0);
  CHECK(doc["equal"] == false);
  REQUIRE(doc["differences"].size() == 2);
  CHECK(doc["differences"][0] == nlohmann::json({{"key", 42}, {"kind", "changed"}}));
  CHECK(doc["differences"][1] == nlohmann::json({{"key", 2999}, {"kind", "missing_in_target"}}));

  const test::Outcome missing = test::run_benchclient(
      {"verify", "--dsn", db.conninfo(), "--table", "public.a", "--target-table", "public.gone"}, dir.path);
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("public.gone does not exist") != std::string::npos);
  CHECK(test::line_count(missing.err) == 1);

  const test::Outcome nokey = test::run_benchclient(
      {"verify", "--dsn", db.conninfo(), "--table", "public.nokey", "--target-table", "public.a"}, dir.path);
  CHECK(nokey.exit_code == 2);
  CHECK(nokey.err.find("no integer primary key") != std::string::npos);

  const test::Outcome nothing = test::run_benchclient({"verify", "--dsn", db.conninfo()}, dir.path);
  CHECK(nothing.exit_code == 2);
  CHECK(nothing.err.find("--target-dsn") != std::string::npos);
}

TEST_CASE("verify --digest sha256: segments compared by digest find a changed row, the digests are in the JSON",
          "[db][verify][cli][digest]") {
  test::ScratchDatabase db("verify_digest");
  db.admin().exec(
      "CREATE TABLE public.a (k int PRIMARY KEY, v text);"
      "INSERT INTO public.a SELECT g, md5(g::text) FROM generate_series(1, 2000) g;"
      "CREATE TABLE public.b AS SELECT * FROM public.a; ALTER TABLE public.b ADD PRIMARY KEY (k)");
  test::TempDir dir("verify_digest");
  const std::vector<std::string> base = {"verify",   "--dsn",          db.conninfo(), "--table",
                                         "public.a", "--target-table", "public.b",    "--no-progress",
                                         "--digest", "sha256",         "--json"};
  const test::Outcome equal = test::run_benchclient(base, dir.path);
  INFO("stderr: " << equal.err);
  CHECK(equal.exit_code == 0);
  auto doc = nlohmann::json::parse(equal.out);
  CHECK(doc["equal"] == true);
  REQUIRE(doc["source"].contains("digest"));
  CHECK(doc["source"]["digest"].get<std::string>().size() == 64);
  CHECK(doc["source"]["digest"] == doc["target"]["digest"]);

  db.admin().exec("UPDATE public.b SET v = 'changed' WHERE k = 1234");
  const test::Outcome differ = test::run_benchclient(base, dir.path);
  CHECK(differ.exit_code == 1);
  doc = nlohmann::json::parse(differ.out);
  CHECK(doc["equal"] == false);
  CHECK(doc["source"]["digest"] != doc["target"]["digest"]);
  REQUIRE(doc["differences"].size() == 1);
  CHECK(doc["differences"][0] == nlohmann::json({{"key", 1234}, {"kind", "changed"}}));

  // xxh3 (the default): no digest in the JSON
  std::vector<std::string> plain(base.begin(), base.end() - 3);
  plain.push_back("--json");
  const test::Outcome xxh3 = test::run_benchclient(plain, dir.path);
  CHECK(xxh3.exit_code == 1);
  CHECK_FALSE(nlohmann::json::parse(xxh3.out)["source"].contains("digest"));
}

TEST_CASE("verify: rows whose only differences have a NULL key are counted and said to be so", "[db][verify][cli]") {
  test::ScratchDatabase db("verify_nullkey");
  // k is an integer key column, not a primary key: three rows have none.
  db.admin().exec(
      "CREATE TABLE public.a (k int, v text);"
      "INSERT INTO public.a SELECT g, 'v' || g FROM generate_series(1, 1000) g;"
      "INSERT INTO public.a VALUES (NULL, 'x'), (NULL, 'y'), (NULL, 'z');"
      "CREATE TABLE public.b AS SELECT * FROM public.a;"
      "UPDATE public.b SET v = 'y changed' WHERE k IS NULL AND v = 'y';"  // one changed: missing + extra
      "DELETE FROM public.b WHERE k IS NULL AND v = 'z'");                // one missing
  test::TempDir dir("verify_nullkey");
  const std::vector<std::string> base = {"verify",         "--dsn",    db.conninfo(), "--table", "public.a",
                                         "--target-table", "public.b", "--key",       "k",       "--no-progress"};
  const std::string where =
      "a NULL key cannot locate them: compare SELECT * FROM \"public\".\"a\" WHERE \"k\" IS NULL on the source with "
      "SELECT * FROM \"public\".\"b\" WHERE \"k\" IS NULL on the target";

  const test::Outcome o = test::run_benchclient(base, dir.path);
  INFO("stdout: " << o.out << "\nstderr: " << o.err);
  CHECK(o.exit_code == 1);  // they differ
  CHECK(o.err.empty());
  CHECK(o.out.find("3 row(s) with a NULL key differ: 2 missing in target, 1 extra in target (a changed row is one "
                   "of each); " +
                   where + "\n") != std::string::npos);
  CHECK(o.out.find("0 differing row(s)") == std::string::npos);

  std::vector<std::string> json = base;
  json.push_back("--json");
  const test::Outcome j = test::run_benchclient(json, dir.path);
  CHECK(j.exit_code == 1);
  const auto doc = nlohmann::json::parse(j.out);
  CHECK(doc["equal"] == false);
  CHECK(doc["differences"].empty());
  CHECK(doc["null_key_differences"] ==
        nlohmann::json({{"compared", true}, {"missing_in_target", 2}, {"extra_in_target", 1}}));
  CHECK(doc["source"]["null_key_rows"] == 3);
  CHECK(doc["target"]["null_key_rows"] == 2);

  // More of them than --fetch-rows: only the counts are known, and said so.
  std::vector<std::string> few = base;
  few.insert(few.end(), {"--fetch-rows", "1"});
  const test::Outcome f = test::run_benchclient(few, dir.path);
  CHECK(f.exit_code == 1);
  CHECK(f.out.find("rows with a NULL key differ (source 3, target 2: more than --fetch-rows, so not compared one by "
                   "one); " +
                   where + "\n") != std::string::npos);

  // With a keyed difference too: both are listed.
  db.admin().exec("DELETE FROM public.b WHERE k = 500");
  const test::Outcome both = test::run_benchclient(base, dir.path);
  CHECK(both.exit_code == 1);
  CHECK(both.out.find("1 differing row(s): 1 missing in target, 0 extra in target, 0 changed\n  k = 500: "
                      "missing_in_target\n3 row(s) with a NULL key differ") != std::string::npos);

  // The same NULL-key rows on both sides (in another order): equal.
  db.admin().exec("TRUNCATE public.b; INSERT INTO public.b SELECT * FROM public.a ORDER BY v DESC");
  const test::Outcome same = test::run_benchclient(base, dir.path);
  CHECK(same.exit_code == 0);
  CHECK(same.out.find("equal: the target holds exactly the source's rows") != std::string::npos);
}

TEST_CASE("verify: its errors carry one prefix", "[db][verify][cli]") {
  test::ScratchDatabase db("verify_prefix");
  test::TempDir dir("verify_prefix");
  const test::Outcome same = test::run_benchclient(
      {"verify", "--dsn", db.conninfo(), "--target-dsn", db.conninfo(), "--no-progress"}, dir.path);
  CHECK(same.exit_code == 2);
  CHECK(same.err ==
        "benchclient: error: verify: the source and the target are the same table on the same server; give "
        "--target-dsn or --target-table\n");
  const test::Outcome gone = test::run_benchclient(
      {"verify", "--dsn", db.conninfo(), "--table", "public.nope", "--target-table", "public.nope2"}, dir.path);
  CHECK(gone.exit_code == 2);
  CHECK(test::line_count(gone.err) == 1);
  CHECK(gone.err.starts_with("benchclient: error: verify: source: table public.nope does not exist"));
  CHECK(gone.err.find("verify: verify:") == std::string::npos);
  // A server that cannot be reached is named by the option that names it.
  db.admin().exec("CREATE TABLE public.x (id int PRIMARY KEY)");
  const test::Outcome unreachable = test::run_benchclient(
      {"verify", "--dsn", db.conninfo(), "--target-dsn", "host=/nonexistent connect_timeout=1", "--table", "public.x"},
      dir.path);
  CHECK(unreachable.exit_code == 2);
  CHECK(test::line_count(unreachable.err) == 1);
  CHECK(unreachable.err.starts_with("benchclient: error: verify: target (--target-dsn): cannot connect to PostgreSQL"));
}

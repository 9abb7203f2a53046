// The edges of a user's table, through the real binary: a column with no binary
// output, an empty table, a table whose rows all have a NULL key.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "support.hpp"

namespace fs = std::filesystem;
using benchlab::test::contains;
using benchlab::test::Outcome;
using benchlab::test::ScratchDatabase;
using benchlab::test::TempDir;

namespace {

Outcome run(const ScratchDatabase& db, const std::vector<std::string>& args, const TempDir& dir) {
  std::vector<std::string> all{"--dsn", db.conninfo()};
  all.insert(all.end(), args.begin(), args.end());
  all.insert(all.end(), {"--results-dir", (dir.path / "results").string(), "--no-progress", "--runs", "1"});
  return benchlab::test::run_benchclient(all, dir.path);
}

}  // namespace

TEST_CASE("a column with no binary output: a text run of every strategy works, binary is refused naming it",
          "[db][edges]") {
  ScratchDatabase db("edges_acl");
  db.admin().exec(
      "CREATE TABLE public.grants (id int PRIMARY KEY, acl aclitem, acls aclitem[], n int);"
      "INSERT INTO public.grants SELECT g, '=r/postgres', '{=r/postgres,postgres=arw/postgres}', g "
      "FROM generate_series(1, 500) g");
  TempDir dir("edges_acl");
  const Outcome text = run(db, {"--table", "public.grants", "--rows", "all", "--all", "--policy", "strict"}, dir);
  INFO(text.err);
  CHECK(text.exit_code == 0);
  const nlohmann::json artifact = benchlab::test::only_run_artifact(dir.path / "results");
  const auto& size = artifact.at("sizes").at(0);
  CHECK(size.at("wire_ceiling").contains("text"));
  CHECK_FALSE(size.at("wire_ceiling").contains("binary"));
  CHECK(contains(size.at("notes").dump(), "binary wire ceiling not measured"));
  CHECK(contains(text.out, "binary wire ceiling not measured: columns \"acl\" (aclitem), \"acls\" (aclitem[])"));
  for (const auto& b : artifact.at("benchmarks")) CHECK(b.at("rows_match").get<bool>());

  TempDir dir2("edges_acl_binary");
  const Outcome binary = run(db, {"--table", "public.grants", "--rows", "all", "--all", "--format", "binary"}, dir2);
  CHECK(binary.exit_code == 2);
  CHECK(benchlab::test::line_count(binary.err) <= 2);  // "checking ..." and the error
  CHECK(contains(binary.err,
                 "--format binary: table public.grants has columns \"acl\" (aclitem), \"acls\" "
                 "(aclitem[]) with no binary output"));
  CHECK(contains(binary.err, "use --format text"));
  CHECK_FALSE(fs::exists(dir2.path / "results"));
}

TEST_CASE("an empty table is said to be empty: no verdict, no artifact, exit 0", "[db][edges]") {
  ScratchDatabase db("edges_empty");
  db.admin().exec(
      "CREATE TABLE public.nothing (id int PRIMARY KEY, v text);"
      "CREATE TABLE public.nullkeys (k int, v text); INSERT INTO public.nullkeys SELECT NULL, 'x' FROM "
      "generate_series(1, 10)");
  for (const std::vector<std::string>& rows : {std::vector<std::string>{"--rows", "all"}, {"--rows", "1000"}}) {
    INFO(rows.back());
    TempDir dir("edges_empty");
    std::vector<std::string> args{"--table", "public.nothing", "--all"};
    args.insert(args.end(), rows.begin(), rows.end());
    const Outcome o = run(db, args, dir);
    INFO(o.err);
    CHECK(o.exit_code == 0);
    CHECK(contains(o.err, "table public.nothing has no rows that this user can read: there is nothing to measure"));
    CHECK_FALSE(contains(o.out + o.err, "verdict"));
    CHECK_FALSE(contains(o.out + o.err, "extension"));
    CHECK_FALSE(fs::exists(dir.path / "results"));
  }
  // Rows, but none with a key: the first N in key order do not exist; --rows all reads them.
  TempDir dir("edges_nullkeys");
  const Outcome o = run(db, {"--table", "public.nullkeys", "--key", "k", "--rows", "5", "--all"}, dir);
  CHECK(o.exit_code == 1);
  CHECK(contains(o.err, "has no row with a non-null key k"));
  CHECK(contains(o.err, "--rows all"));
  TempDir dir2("edges_nullkeys_all");
  const Outcome all = run(db, {"--table", "public.nullkeys", "--key", "k", "--rows", "all", "--all"}, dir2);
  INFO(all.err);
  CHECK(all.exit_code == 0);
}

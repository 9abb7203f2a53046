// The schema pre-check: `benchclient schema` writes a table's schema as JSON, and
// `--expect-schema FILE` refuses a run whose table drifted, before any strategy
// runs, naming each difference; a bad schema file is one line naming the file and
// the field. Unit cases need no server; [db] cases run the real binary.
#include <fmt/format.h>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/schema.hpp"
#include "plan/table.hpp"
#include "store/schema_json.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
namespace test = benchlab::test;
using benchlab::ColumnSchema;
using benchlab::TableSchema;

namespace {

TableSchema sample_schema() {
  TableSchema s;
  s.table = "public.orders";
  s.relkind = 'r';
  s.columns = {{"id", "uuid", 2950, true, true, ""},
               {"status", "public.order_status", 16390, true, false, ""},
               {"note", "text", 25, false, false, "C"}};
  s.primary_key = {"id"};
  return s;
}

bool mentions(const std::vector<std::string>& lines, const std::string& text) {
  for (const auto& l : lines)
    if (l.find(text) != std::string::npos) return true;
  return false;
}

void write_file(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

// What a refused run must not leave behind in its private TMPDIR and results dir.
bool no_cluster_dirs(const fs::path& dir) {
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().starts_with("benchlab-cluster-")) return false;
  return true;
}

}  // namespace

TEST_CASE("schema: differences are named one per line, type OIDs and defaults are not drift", "[schema]") {
  const TableSchema was = sample_schema();
  CHECK(benchlab::schema_differences(was, was).empty());

  TableSchema other_db = was;  // an enum's OID differs from database to database
  other_db.columns[1].type_oid = 99999;
  other_db.columns[0].has_default = false;
  CHECK(benchlab::schema_differences(was, other_db).empty());

  TableSchema now = was;
  now.columns.push_back({"extra", "integer", 23, true, false, ""});
  now.columns[2].type = "varchar(20)";
  now.columns[1].not_null = false;
  now.columns[2].collation.clear();
  auto diffs = benchlab::schema_differences(was, now);
  INFO(fmt::format("{}", fmt::join(diffs, "\n")));
  CHECK(diffs.size() == 4);
  CHECK(mentions(diffs, "column \"extra\" added (integer NOT NULL)"));
  CHECK(mentions(diffs, "column \"note\" type changed: text -> varchar(20)"));
  CHECK(mentions(diffs, "column \"status\" nullability changed: NOT NULL -> nullable"));
  CHECK(mentions(diffs, "column \"note\" collation changed: \"C\" -> the default collation"));

  now = was;
  std::swap(now.columns[1], now.columns[2]);
  now.columns.erase(now.columns.begin());
  now.primary_key.clear();
  now.key.clear();
  TableSchema keyed = was;
  keyed.key = "id";
  diffs = benchlab::schema_differences(keyed, now);
  INFO(fmt::format("{}", fmt::join(diffs, "\n")));
  CHECK(mentions(diffs, "column \"id\" removed (uuid)"));
  CHECK(mentions(diffs, "columns reordered: were status, note, are note, status"));
  CHECK(mentions(diffs, "key changed: \"id\" -> none"));
  CHECK(mentions(diffs, "primary key changed: (id) -> none"));

  now = was;
  now.table = "public.orders_v";
  now.relkind = 'v';
  diffs = benchlab::schema_differences(was, now);
  CHECK(mentions(diffs, "the file describes public.orders, the run reads public.orders_v"));
  CHECK(mentions(diffs, "was a table, is a view"));
}

TEST_CASE("schema: the file round-trips, and a bad one names the file and the field", "[schema]") {
  test::TempDir dir("schematest");
  const fs::path file = dir.path / "orders.schema.json";
  const TableSchema s = sample_schema();
  const std::string doc = benchlab::schema_document(s);
  write_file(file, doc);
  CHECK(benchlab::read_schema_file(file) == s);
  const auto j = nlohmann::ordered_json::parse(doc);
  CHECK(j.begin().key() == "kind");
  CHECK(j["kind"] == "schema");
  CHECK(j["schema_version"] == benchlab::kTableSchemaVersion);
  CHECK(j["key"].is_null());
  CHECK(j["columns"][0]["collation"].is_null());
  CHECK(j["columns"][2]["collation"] == "C");

  auto refused = [&](const std::string& text) {
    write_file(file, text);
    try {
      (void)benchlab::read_schema_file(file);
    } catch (const benchlab::SchemaFileError& e) {
      const std::string what = e.what();
      CHECK(what.starts_with(file.string() + ": "));
      CHECK(what.find('\n') == std::string::npos);
      return what;
    }
    FAIL("not refused: " << text);
    return std::string();
  };
  auto broken = j;
  broken["columns"][1].erase("type");
  CHECK_THAT(refused(broken.dump()), Catch::Contains("missing columns[1].type"));
  broken = j;
  broken["columns"][0]["not_null"] = "yes";
  CHECK_THAT(refused(broken.dump()), Catch::Contains("columns[0].not_null is not true or false"));
  broken = j;
  broken["schema_version"] = 7;
  CHECK_THAT(refused(broken.dump()), Catch::Contains("schema_version 7 is not supported"));
  broken = j;
  broken.erase("schema_version");
  CHECK_THAT(refused(broken.dump()), Catch::Contains("missing schema_version"));
  CHECK_THAT(refused(R"({"context": {"schema_version": 1}, "benchmarks": []})"),
             Catch::Contains("a benchmark artifact, not a schema file"));
  CHECK_THAT(refused(R"({"kind": "run", "schema_version": 1, "context": {}, "benchmarks": []})"),
             Catch::Contains("a run file, not a schema file"));
  CHECK_THAT(refused("[1, 2]"), Catch::Contains("not a schema file"));
  CHECK_THAT(refused("{\"schema_version\": 1, \"table\""), Catch::Contains("not JSON"));
  CHECK_THROWS_WITH(benchlab::read_schema_file(dir.path / "nope.json"), Catch::Contains("nope.json: no such file"));
}

namespace {

// A table with a uuid primary key (no integer key: split by ctid), a NOT NULL
// column, an enum column and a column with a collation of its own.
void create_orders(const test::ScratchDatabase& db) {
  db.admin().exec(
      "CREATE TYPE public.order_status AS ENUM ('new', 'paid', 'shipped');"
      "CREATE TABLE public.orders (id uuid PRIMARY KEY, status public.order_status NOT NULL DEFAULT 'new', "
      "amount numeric(12,2) NOT NULL, note text COLLATE \"C\");"
      "INSERT INTO public.orders SELECT md5(g::text)::uuid, (ARRAY['new','paid','shipped'])[1 + g % 3]::"
      "public.order_status, g / 100.0, CASE WHEN g % 5 = 0 THEN NULL ELSE 'n' || g END "
      "FROM generate_series(1, 300) g");
}

}  // namespace

TEST_CASE("schema: benchclient schema writes the table as the server names it", "[schema][db]") {
  test::ScratchDatabase db("schema_cmd");
  create_orders(db);
  test::TempDir dir("schematest");
  const fs::path file = dir.path / "orders.json";
  test::Outcome o = test::run_benchclient(
      {"schema", "--dsn", db.conninfo(), "--table", "orders", "--output", file.string()}, dir.path);
  INFO("stderr: " << o.err);
  REQUIRE(o.exit_code == 0);
  CHECK(o.out.empty());
  CHECK(o.err.find("written to " + file.string()) != std::string::npos);

  const TableSchema s = benchlab::read_schema_file(file);
  CHECK(s.table == "public.orders");  // as the server names it, not as it was asked for
  CHECK(s.relkind == 'r');
  REQUIRE(s.columns.size() == 4);
  CHECK(s.columns[0] == ColumnSchema{"id", "uuid", 2950, true, false, ""});
  CHECK(s.columns[1].name == "status");
  CHECK(s.columns[1].type == "order_status");  // format_type: on the search_path, unqualified
  CHECK(s.columns[1].type_oid == std::stoul(db.admin().query_value("SELECT 'public.order_status'::regtype::oid")));
  CHECK(s.columns[1].not_null);
  CHECK(s.columns[1].has_default);
  CHECK(s.columns[2] == ColumnSchema{"amount", "numeric(12,2)", 1700, true, false, ""});
  CHECK(s.columns[3] == ColumnSchema{"note", "text", 25, false, false, "C"});
  CHECK(s.key.empty());  // a uuid key: nothing to split by key
  CHECK(s.primary_key == std::vector<std::string>{"id"});
  // The command writes what planning reads: the same queries, the same schema.
  CHECK(benchlab::plan::read_table_schema(db.conninfo(), "public.orders") == s);

  // On stdout without --output, byte for byte the file's content.
  o = test::run_benchclient({"schema", "--dsn", db.conninfo(), "--table", "public.orders"}, dir.path);
  REQUIRE(o.exit_code == 0);
  CHECK(o.out == test::slurp(file));

  // An integer primary key is the key.
  db.admin().exec("CREATE TABLE public.items (item_id bigint PRIMARY KEY, orders_id uuid)");
  o = test::run_benchclient({"schema", "--dsn", db.conninfo(), "--table", "public.items"}, dir.path);
  REQUIRE(o.exit_code == 0);
  const auto j = nlohmann::json::parse(o.out);
  CHECK(j["key"] == "item_id");
  CHECK(j["primary_key"] == nlohmann::json::array({"item_id"}));

  // Bad input: one line, exit 2 (usage) or 1 (the server says no such table).
  o = test::run_benchclient({"schema", "--dsn", db.conninfo(), "--table", "public.nope"}, dir.path);
  CHECK(o.exit_code == 1);
  CHECK(test::line_count(o.err) == 1);
  CHECK(o.err.find("public.nope does not exist") != std::string::npos);
  o = test::run_benchclient({"schema", "--table", "public.orders"}, dir.path);
  CHECK(o.exit_code == 2);
  CHECK(o.err.find("--table needs --dsn") != std::string::npos);
  o = test::run_benchclient({"schema", "--dsn", db.conninfo(), "--table", "public.orders", "--output",
                             (dir.path / "no-dir" / "x.json").string()},
                            dir.path);
  CHECK(o.exit_code == 2);  // a path the command line names that cannot be written: bad input
  CHECK(test::line_count(o.err) == 1);
  CHECK(o.err.find("schema --output") != std::string::npos);
  o = test::run_benchclient({"--runs", "2", "schema", "--dsn", db.conninfo()}, dir.path);
  CHECK(o.exit_code == 2);
  CHECK(o.err.find("--runs is an option of a benchmark run") != std::string::npos);
}

TEST_CASE("schema: without --dsn, the standard table of a throwaway cluster", "[schema][db][cluster]") {
  test::TempDir dir("schematest", /*traversable=*/true);
  const test::Outcome o = test::run_benchclient({"schema"}, dir.path);
  INFO("stderr: " << o.err);
  REQUIRE(o.exit_code == 0);
  const auto j = nlohmann::json::parse(o.out);
  CHECK(j["table"] == "public.benchlab_records");
  CHECK(j["key"] == "id");
  CHECK(j["columns"].size() == 8);
  CHECK(j["columns"][0]["name"] == "id");
  CHECK(j["columns"][0]["has_default"] == true);  // bigserial
  CHECK(no_cluster_dirs(dir.path));
}

TEST_CASE("schema: --expect-schema passes an unchanged table and stops a drifted one before any strategy",
          "[schema][db]") {
  test::ScratchDatabase db("schema_expect");
  create_orders(db);
  test::TempDir dir("schematest");
  const fs::path file = dir.path / "orders.json", results = dir.path / "results";
  REQUIRE(test::run_benchclient(
              {"schema", "--dsn", db.conninfo(), "--table", "public.orders", "--output", file.string()}, dir.path)
              .exit_code == 0);
  const std::vector<std::string> run{
      "--dsn",      db.conninfo(),   "--table",           "public.orders",  "--rows",
      "all",        "--strategy",    "naive,copy_stream", "--runs",         "1",
      "--json",     "--no-progress", "--results-dir",     results.string(), "--expect-schema",
      file.string()};

  SECTION("unchanged: the run goes ahead") {
    const test::Outcome o = test::run_benchclient(run, dir.path);
    INFO("stderr: " << o.err);
    REQUIRE(o.exit_code == 0);
    CHECK(nlohmann::json::parse(o.out)["benchmarks"].size() == 2);
  }
  // Drift: the differences, one a line, then one error line; exit 1, nothing ran,
  // nothing written (the results directory it made for the check is removed).
  auto drifted = [&](const std::string& alter, const std::string& difference) {
    db.admin().exec(alter);
    const test::Outcome o = test::run_benchclient(run, dir.path);
    INFO("stderr: " << o.err);
    CHECK(o.exit_code == 1);
    CHECK(o.out.empty());
    CHECK(o.err.find("benchclient: schema drift: " + difference + "\n") != std::string::npos);
    CHECK(o.err.find("benchclient: error: --expect-schema " + file.string()) != std::string::npos);
    CHECK(o.err.find("benchclient schema --dsn ... --table public.orders --output " + file.string()) !=
          std::string::npos);
    CHECK(o.err.find("naive") == std::string::npos);  // no strategy output
    CHECK(o.err.find("wire ceiling") == std::string::npos);
    CHECK_FALSE(fs::exists(results));
    return o;
  };
  SECTION("a column added") {
    const auto o = drifted("ALTER TABLE public.orders ADD COLUMN shipped_at timestamptz",
                           "column \"shipped_at\" added (timestamp with time zone)");
    CHECK(test::line_count(o.err) == 2);
  }
  SECTION("a column's type changed") {
    const auto o = drifted("ALTER TABLE public.orders ALTER COLUMN amount TYPE numeric(14,4)",
                           "column \"amount\" type changed: numeric(12,2) -> numeric(14,4)");
    CHECK(test::line_count(o.err) == 2);
  }
  SECTION("two differences at once, each on its line") {
    const auto o = drifted("ALTER TABLE public.orders ALTER COLUMN amount DROP NOT NULL, DROP COLUMN status",
                           "column \"status\" removed (order_status)");
    CHECK(o.err.find("benchclient: schema drift: column \"amount\" nullability changed: NOT NULL -> nullable\n") !=
          std::string::npos);
    CHECK(o.err.find("(2 differences above)") != std::string::npos);
    CHECK(test::line_count(o.err) == 3);
  }
}

TEST_CASE("schema: a bad --expect-schema file is refused before anything starts", "[schema]") {
  test::TempDir dir("schematest", /*traversable=*/true);
  const fs::path file = dir.path / "bad.json", results = dir.path / "results";
  auto j = nlohmann::ordered_json::parse(benchlab::schema_document(sample_schema()));
  j["columns"][2].erase("name");
  write_file(file, j.dump());
  // No --dsn: a throwaway cluster would be started, were the file not checked first.
  test::Outcome o = test::run_benchclient(
      {"--strategy", "naive", "--rows", "10", "--results-dir", results.string(), "--expect-schema", file.string()},
      dir.path);
  INFO("stderr: " << o.err);
  CHECK(o.exit_code == 2);
  CHECK(test::line_count(o.err) == 1);
  CHECK(o.err.find("--expect-schema " + file.string() + ": missing columns[2].name") != std::string::npos);
  CHECK_FALSE(fs::exists(results));
  CHECK(no_cluster_dirs(dir.path));

  o = test::run_benchclient({"--strategy", "naive", "--expect-schema", (dir.path / "missing.json").string()}, dir.path);
  CHECK(o.exit_code == 2);
  CHECK(test::line_count(o.err) == 1);
  CHECK(o.err.find("missing.json: no such file") != std::string::npos);
  CHECK(no_cluster_dirs(dir.path));
}

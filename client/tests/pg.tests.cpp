// The libpq layer against the test server: errors typed by SQLSTATE (so callers
// match types, never message strings), checked result accessors, and the one
// interruptible wait with its cancel guard.
#include <unistd.h>

#include <catch2/catch.hpp>

#include <functional>
#include <stdexcept>
#include <string>

#include "pg/cancel.hpp"
#include "pg/connection.hpp"
#include "pg/copy_in.hpp"
#include "pg/error.hpp"
#include "pg/wait.hpp"
#include "support.hpp"

using namespace benchlab;

namespace {

template <typename E>
E caught(const std::function<void()>& f) {
  try {
    f();
  } catch (const E& e) {
    return e;
  }
  FAIL("the expected error was not thrown");
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("pg errors: each SQLSTATE class benchlab acts on has its own type", "[pg][db]") {
  test::ScratchDatabase db("pg_errors");
  const pg::Connection admin = db.admin();
  // Roles are cluster-wide: one of this process's own, made anew for each section.
  const std::string role = "benchlab_nobody_" + std::to_string(getpid());
  admin.exec("CREATE TABLE secret (id int); DROP ROLE IF EXISTS " + role + "; CREATE ROLE " + role);

  SECTION("statement timeout: QueryCanceled, with the SQLSTATE and the query") {
    // pg_sleep(30) outlasts a 20 ms timeout on any machine: slow by construction.
    pg::SessionOptions s;
    s.statement_timeout_ms = 20;
    const pg::Connection conn = pg::Connection::open(db.conninfo(), s);
    const auto e = caught<pg::QueryCanceled>([&] { conn.exec("SELECT pg_sleep(30)"); });
    CHECK(e.sqlstate() == "57014");
    CHECK(e.query() == "SELECT pg_sleep(30)");
    CHECK(std::string(e.what()).find('\n') == std::string::npos);
  }
  SECTION("no such table: UndefinedTable") {
    const auto e = caught<pg::UndefinedTable>([&] { admin.exec("SELECT * FROM no_such_table"); });
    CHECK(e.sqlstate() == "42P01");
  }
  SECTION("no such column: UndefinedColumn") {
    const auto e = caught<pg::UndefinedColumn>([&] { admin.exec("SELECT no_such_column FROM secret"); });
    CHECK(e.sqlstate() == "42703");
  }
  SECTION("no privilege: InsufficientPrivilege") {
    admin.exec("SET ROLE " + role);
    const auto e = caught<pg::InsufficientPrivilege>([&] { admin.exec("SELECT * FROM secret"); });
    CHECK(e.sqlstate() == "42501");
    admin.exec("RESET ROLE");
  }
  SECTION("every typed SQL error is still a SqlError and a pg::Error") {
    CHECK_THROWS_AS(admin.exec("SELECT * FROM no_such_table"), pg::SqlError);
    CHECK_THROWS_AS(admin.exec("SELECT 1/0"), pg::Error);
  }
  admin.exec("RESET ROLE; DROP TABLE secret; DROP ROLE " + role);
}

TEST_CASE("pg results: checked accessors throw naming what was expected", "[pg][db]") {
  test::ScratchDatabase db("pg_results");
  const pg::Connection conn = db.admin();
  const pg::Result two = conn.exec("SELECT g, NULL::int, 'x' FROM generate_series(1, 2) g");
  CHECK_THROWS_WITH(two.expect_rows(1, "the probe"),
                    Catch::Contains("the probe") && Catch::Contains("expected 1 row, got 2"));
  CHECK_NOTHROW(two.expect_rows(2, "the probe").expect_columns(3, "the probe"));
  CHECK(two.int64(1, 0, "g") == 2);
  CHECK(two.uint64(0, 0, "g") == 1);
  CHECK_THROWS_WITH(two.int64(0, 1, "the null"), Catch::Contains("is NULL"));
  CHECK_THROWS_WITH(two.int64(0, 2, "the letter"), Catch::Contains("'x' is not an integer"));
  CHECK_THROWS_WITH(two.text(5, 0, "past the end"), Catch::Contains("no field"));
  CHECK(conn.query_value("SELECT 'one'") == "one");
  CHECK_THROWS_AS(conn.query_value("SELECT 1 FROM generate_series(1, 3)"), pg::Error);
}

TEST_CASE("pg wait: a throwing wait cancels the query on the server and leaves the connection usable", "[pg][db]") {
  test::ScratchDatabase db("pg_wait");
  const pg::Connection conn = db.admin();
  PGconn* raw = conn.raw();
  REQUIRE(PQsendQuery(raw, "SELECT pg_sleep(30)") == 1);
  int polls = 0;
  try {
    pg::CancelOnUnwind cancel(raw);
    pg::wait_for_result(
        raw,
        [&] {
          if (++polls == 3) throw std::runtime_error("stop waiting");
        },
        "the sleep");
    FAIL("the wait returned although the query sleeps for 30 s");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()) == "stop waiting");
  }
  // The cancel went out as the guard unwound: the sleep ends with 57014, now.
  PGresult* r = nullptr;
  pg::Result last;
  bool canceled = false;
  while ((r = PQgetResult(raw)) != nullptr) {
    pg::Result owned(r);
    if (owned.status() == PGRES_FATAL_ERROR) {
      const char* state = PQresultErrorField(owned.get(), PG_DIAG_SQLSTATE);
      canceled = state != nullptr && std::string(state) == "57014";
    }
  }
  CHECK(canceled);
  CHECK(conn.query_value("SELECT 42") == "42");
}

TEST_CASE("pg wait: exec_interruptible runs simple-protocol statements and reports typed errors", "[pg][db]") {
  test::ScratchDatabase db("pg_exec");
  const pg::Connection conn = db.admin();
  CHECK(pg::exec_interruptible(conn, "SELECT $1::int + 1", {"41"}).int64(0, 0, "sum") == 42);
  pg::exec_interruptible(conn, "CREATE TABLE t (id int)");
  pg::exec_interruptible(conn, "VACUUM t");  // no parameters: the simple protocol, where VACUUM may run
  CHECK_THROWS_AS(pg::exec_interruptible(conn, "SELECT * FROM no_such_table"), pg::UndefinedTable);
}

TEST_CASE("pg copy in: rows land on finish, an abandoned copy leaves nothing and the connection usable", "[pg][db]") {
  test::ScratchDatabase db("pg_copy_in");
  const pg::Connection conn = db.admin();
  conn.exec("CREATE TABLE t (id int, name text)");
  {
    pg::CopyIn copy(conn, "COPY t (id, name) FROM STDIN");
    copy.put("1\tone\n2\t");  // a row may straddle two puts
    copy.put("two\n");
    copy.finish();
  }
  CHECK(conn.query_value("SELECT string_agg(id || name, ',' ORDER BY id) FROM t") == "1one,2two");
  try {
    pg::CopyIn copy(conn, "COPY t (id, name) FROM STDIN");
    copy.put("3\tthree\n");
    throw std::runtime_error("the producer failed");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()) == "the producer failed");
  }
  CHECK(conn.query_value("SELECT count(*) FROM t") == "2");
  // A row the server refuses: the typed error, and the connection is idle again.
  CHECK_THROWS_AS(
      [&] {
        pg::CopyIn copy(conn, "COPY t (id, name) FROM STDIN");
        copy.put("not a number\tfour\n");
        copy.finish();
      }(),
      pg::SqlError);
  CHECK(conn.query_value("SELECT count(*) FROM t") == "2");
  CHECK_THROWS_AS(pg::CopyIn(conn, "COPY no_such_table FROM STDIN"), pg::UndefinedTable);
}

TEST_CASE("pg errors: retryable by SQLSTATE class", "[pg]") {
  CHECK(pg::sqlstate_is_retryable(""));       // libpq's own failure: a lost connection
  CHECK(pg::sqlstate_is_retryable("57014"));  // canceled
  CHECK(pg::sqlstate_is_retryable("40001"));  // serialization failure
  CHECK_FALSE(pg::sqlstate_is_retryable("42P01"));
  CHECK_FALSE(pg::sqlstate_is_retryable("22023"));
  CHECK_FALSE(pg::SqlError("permission denied", "42501").retryable());
  CHECK(pg::BrokenConnection("server closed the connection unexpectedly").retryable());
}

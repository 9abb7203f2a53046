// No password given to benchclient is written anywhere: not in an artifact's
// command line, a report, a checkpoint, a console or progress line, nor an error
// message — while libpq still gets it, and PGPASSWORD, a password file and a
// service file still work. The redactor on tricky inputs first (no server), then
// libpq's own messages (no server), then every command against a server that
// demands the password ([db]).
#include <signal.h>
#include <sys/stat.h>

#include <fmt/format.h>
#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cluster/throwaway_cluster.hpp"
#include "model/command_line.hpp"
#include "model/secrets.hpp"
#include "pg/connection.hpp"
#include "store/artifact_json.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace benchlab;
namespace test = benchlab::test;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

bool has_secret(const DsnSecrets& d, const std::string& s) {
  return std::find(d.secrets.begin(), d.secrets.end(), s) != d.secrets.end();
}

}  // namespace

TEST_CASE("secrets: a keyword=value DSN keeps everything but its passwords", "[secrets]") {
  CHECK(redact_dsn("host=db port=5433 password=hunter2 dbname=app") == "host=db port=5433 password=***** dbname=app");
  // Quoted, with a blank and an escaped quote; libpq's reading of it is a secret too.
  const DsnSecrets q = find_dsn_secrets(R"(host=db password='a b\'c' user=me)");
  CHECK(q.parsed);
  CHECK(q.redacted == "host=db password=***** user=me");
  CHECK(has_secret(q, "a b'c"));
  CHECK(has_secret(q, R"('a b\'c')"));
  // Blanks around '=', a backslash-escaped blank unquoted, and the other secret keywords.
  CHECK(redact_dsn("password = spaced host=db") == "password = ***** host=db");
  CHECK(redact_dsn(R"(password=a\ b host=db)") == "password=***** host=db");
  CHECK(redact_dsn("sslpassword=k1 oauth_client_secret=k2 host=db") ==
        "sslpassword=***** oauth_client_secret=***** host=db");
  // Empty: nothing to hide. But `password= host=x` is libpq's password "host=x".
  CHECK(redact_dsn("host=db password=") == "host=db password=");
  CHECK(redact_dsn("password='' host=db") == "password='' host=db");
  CHECK(redact_dsn("password= host=db") == "password= *****");
  CHECK(redact_dsn("") == "");
  CHECK(redact_dsn("host=db user=me") == "host=db user=me");
  // Redacting twice changes nothing more.
  CHECK(redact_dsn("host=db password=*****") == "host=db password=*****");
  // A dbname that is itself a connection string with a password is hidden whole.
  CHECK(redact_dsn("dbname='host=x password=y' user=me") == "dbname=***** user=me");
}

TEST_CASE("secrets: a DSN libpq would refuse is hidden whole, and what libpq would quote of it is a secret",
          "[secrets]") {
  // Unquoted blank: libpq reads password=two, then stops at "words" and quotes it.
  const DsnSecrets two = find_dsn_secrets("host=db password=two words");
  CHECK_FALSE(two.parsed);
  CHECK(two.redacted == std::string(kSecretMask));
  CHECK(has_secret(two, "two"));
  CHECK(has_secret(two, "words"));
  CHECK(redact_dsn("host=db password='unterminated") == std::string(kSecretMask));
  CHECK(redact_dsn("nosuchkeyword=1 password=x") == std::string(kSecretMask));
  CHECK(has_secret(find_dsn_secrets("nosuchkeyword=1 password=x"), "x"));
  CHECK(redact_dsn("mydb") == std::string(kSecretMask));
  // A quote left open swallows the rest, a password with it.
  CHECK(has_secret(find_dsn_secrets("host='db password=x"), "x"));
  CHECK(redact_argument("host='db password=x") == std::string(kSecretMask));
  CHECK(redact_argument("host='db user=x") == "host='db user=x");
}

TEST_CASE("secrets: a URI keeps everything but user:PASSWORD@ and a password query parameter", "[secrets]") {
  const DsnSecrets u = find_dsn_secrets("postgresql://me:p%40ss%20w@db:5433/app?sslmode=require");
  CHECK(u.parsed);
  CHECK(u.redacted == "postgresql://me:*****@db:5433/app?sslmode=require");
  CHECK(has_secret(u, "p%40ss%20w"));
  CHECK(has_secret(u, "p@ss w"));  // as libpq decodes it
  CHECK(redact_dsn("postgres://me:pw@db/app") == "postgres://me:*****@db/app");
  const DsnSecrets q = find_dsn_secrets("postgresql://db/app?user=me&password=s3cr%65t&sslmode=require");
  CHECK(q.redacted == "postgresql://db/app?user=me&password=*****&sslmode=require");
  CHECK(has_secret(q, "s3cret"));
  // The parameter's name percent-encoded counts too.
  CHECK(redact_dsn("postgresql://db/app?pass%77ord=zz") == "postgresql://db/app?pass%77ord=*****");
  // A stray '@' or '/' in the password: hidden whole, however libpq splits it.
  CHECK(redact_dsn("postgresql://me:p@ss@db/app") == "postgresql://me:*****@db/app");
  CHECK(redact_dsn("postgresql://me:pa/ss@db/app") == "postgresql://me:*****@db/app");
  // Multiple hosts, IPv6, a Unix socket in the query: only the password goes.
  CHECK(redact_dsn("postgresql://me:pw@h1:5432,[::1]:5433/app") == "postgresql://me:*****@h1:5432,[::1]:5433/app");
  CHECK(redact_dsn("postgresql://me:pw@/app?host=%2Ftmp%2Fsock&port=5432") ==
        "postgresql://me:*****@/app?host=%2Ftmp%2Fsock&port=5432");
  // Empty password, no password, no user: nothing to hide.
  CHECK(redact_dsn("postgresql://me:@db/app") == "postgresql://me:@db/app");
  CHECK(redact_dsn("postgresql://me@db/app") == "postgresql://me@db/app");
  CHECK(redact_dsn("postgresql://db:5432/app") == "postgresql://db:5432/app");
  CHECK(redact_dsn("postgresql://") == "postgresql://");
}

TEST_CASE("secrets: the command line keeps every argument, each DSN option's value redacted", "[secrets]") {
  const std::vector<std::string> argv = {
      "benchclient", "verify", "--dsn", "host=a password='x y'", "--target-dsn", "postgresql://me:tpw@b/app", "--json"};
  CHECK(redacted_argv(argv) == std::vector<std::string>{"benchclient", "verify", "--dsn", "host=a password=*****",
                                                        "--target-dsn", "postgresql://me:*****@b/app", "--json"});
  // --dsn=VALUE in one argument; a value that does not parse is hidden whole.
  CHECK(redacted_argv({"benchclient", "--dsn=host=a password=pw", "--all"}) ==
        std::vector<std::string>{"benchclient", "--dsn=host=a password=*****", "--all"});
  CHECK(redacted_argv({"benchclient", "--target-dsn=postgresql://me:pw@b"}) ==
        std::vector<std::string>{"benchclient", "--target-dsn=postgresql://me:*****@b"});
  CHECK(redacted_argv({"benchclient", "--dsn", "host=a password=two words"}) ==
        std::vector<std::string>{"benchclient", "--dsn", "*****"});
  // Any other argument that reads as a connection string with a password, and PGPASSWORD=.
  CHECK(redacted_argv({"benchclient", "with-cluster", "--", "psql", "postgresql://me:pw@db/app", "PGPASSWORD=pw"}) ==
        std::vector<std::string>{"benchclient", "with-cluster", "--", "psql", "postgresql://me:*****@db/app",
                                 "PGPASSWORD=*****"});
  // Not connection strings: unchanged.
  const std::vector<std::string> plain = {
      "benchclient", "--pg-set", "password_encryption=md5", "--rows=1000", "--table", "public.password", "--dsn", ""};
  CHECK(redacted_argv(plain) == plain);
  // What an artifact keeps: shell-quoted, no secret.
  const char* const args[] = {"benchclient", "--dsn", "host=/tmp/s user=me password='p w'", "--all"};
  const std::string recorded = recorded_command(4, args);
  CHECK(recorded == "benchclient --dsn 'host=/tmp/s user=me password=*****' --all");
  CHECK_FALSE(has(recorded, "p w"));
}

TEST_CASE("secrets: a command line kept by an older artifact is redacted when read, the rest byte for byte",
          "[secrets]") {
  CHECK(redact_command_line(R"(benchclient --dsn 'host=x password='\''a b'\''' --all)") ==
        "benchclient --dsn 'host=x password=*****' --all");
  CHECK(redact_command_line("benchclient --dsn=postgresql://me:pw@db/app --all") ==
        "benchclient '--dsn=postgresql://me:*****@db/app' --all");  // quoted anew: * is special to a shell
  CHECK(redact_command_line(R"(benchclient verify --dsn "host=a password=\"q\"" --target-dsn '')") ==
        "benchclient verify --dsn 'host=a password=*****' --target-dsn ''");
  for (const std::string unchanged :
       {"build/client/benchclient --all --rows 100000", R"(benchclient --table "a b"   --key 'k'  )", ""})
    CHECK(redact_command_line(unchanged) == unchanged);

  // An artifact from before: its command and target are redacted as they are read.
  Context c;
  c.date = "2026-01-01T00:00:00Z";
  c.command = "benchclient --dsn 'host=db password=OldSecret42' --all";
  c.target.dsn_redacted = "host=db password=OldSecret42";
  Json j;
  to_json(j, c);
  Context back;
  from_json(Json::parse(j.dump()), back);  // as read from a file
  CHECK(back.command == "benchclient --dsn 'host=db password=*****' --all");
  CHECK(back.target.dsn_redacted == "host=db password=*****");
}

TEST_CASE("secrets: scrubbing a message masks every occurrence, the longest secret first", "[secrets]") {
  CHECK(scrub_secrets("pw abc and abcdef, abc", {"abc", "abcdef"}) == "pw ***** and *****, *****");
  CHECK(scrub_secrets("nothing here", {}) == "nothing here");
  CHECK(scrub_secrets("x", {""}) == "x");
}

TEST_CASE("secrets: a message quoting the arguments (the parser's) loses their secrets", "[secrets]") {
  const std::vector<std::string> argv = {
      "benchclient", "compare", "a.json", "--dsn", "host=x password='Qx7 Jm4'", "--target-dsn=postgresql://me:Jm4x@db"};
  const std::string m = scrub_arguments(
      "The following arguments were not expected: --target-dsn=postgresql://me:Jm4x@db host=x password='Qx7 Jm4' "
      "--dsn",
      argv);
  CHECK(m ==
        "The following arguments were not expected: --target-dsn=postgresql://me:*****@db host=x password=***** "
        "--dsn");
  CHECK(scrub_arguments("password Qx7 Jm4 alone", argv) == "password ***** alone");

  // The real binary: an option it does not take here, with a password in it.
  test::TempDir dir("secrets-usage");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"compare", "a.json", "b.json", "--dsn", "host=/nonexistent password=Qx7LeakJm4"},
        std::vector<std::string>{"report", "a.json", "--target-dsn=postgresql://me:Qx7LeakJm4@db/app"},
        std::vector<std::string>{"--all", "--rows", "x", "--dsn", "host=/nonexistent password=Qx7LeakJm4"},
        std::vector<std::string>{"--dsn", "host=/nonexistent port=1 password=Qx7LeakJm4", "--all", "--rows", "10",
                                 "--results-dir", (dir.path / "r").string()}}) {
    const test::Outcome o = test::run_benchclient(args, dir.path);
    INFO(o.err);
    CHECK(o.exit_code != 0);
    CHECK(has(o.err, "benchclient: error: "));
    CHECK_FALSE(has(o.err, "Qx7LeakJm4"));
    CHECK_FALSE(has(o.out, "Qx7LeakJm4"));
  }
}

TEST_CASE("secrets: libpq knows no connection keyword the redactor does not", "[secrets]") {
  // A keyword missing from libpq_keywords() would make a valid DSN read as unparseable
  // (hidden whole); a secret libpq displays as "*" must be one is_secret_keyword names.
  PQconninfoOption* options = PQconndefaults();
  REQUIRE(options != nullptr);
  for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    INFO(o->keyword);
    const auto& known = libpq_keywords();
    CHECK(std::find(known.begin(), known.end(), o->keyword) != known.end());
    if (o->dispchar != nullptr && std::string_view(o->dispchar) == "*") CHECK(is_secret_keyword(o->keyword));
  }
  PQconninfoFree(options);
}

TEST_CASE("secrets: libpq's own messages lose the password, and keep what helps", "[secrets]") {
  auto error_of = [](const std::string& conninfo) -> std::string {
    try {
      (void)pg::Connection::open(conninfo);
    } catch (const pg::BrokenConnection& e) {
      return e.what();
    }
    FAIL("connected to " + conninfo);
    return {};
  };
  // libpq quotes what it cannot parse: a stray word, a bad percent-escape, the whole URI.
  for (const std::string& conninfo : {std::string("host=/nonexistent password=Qx7two Jm4words"),
                                      std::string("postgresql://me:Qx7two%zzJm4words@/app?host=/nonexistent"),
                                      std::string("postgresql://me:Qx7two-Jm4words@[::1/app"),
                                      std::string("host=/nonexistent password='Qx7two Jm4words")}) {
    const std::string e = error_of(conninfo);
    INFO(e);
    CHECK(has(e, "cannot connect to PostgreSQL"));
    CHECK_FALSE(has(e, "Qx7two"));
    CHECK_FALSE(has(e, "Jm4words"));
  }
  // Parsed, but no server there: the message says where it looked, not the password.
  const std::string e = error_of("host=/nonexistent port=1 user=me password='Qx7two Jm4words' connect_timeout=1");
  INFO(e);
  CHECK(has(e, "host=/nonexistent port=1"));
  CHECK(has(e, "/nonexistent/.s.PGSQL.1"));
  CHECK_FALSE(has(e, "Qx7two"));
  CHECK_FALSE(has(e, "Jm4words"));
  // A keyword libpq names in its complaint stays readable, and so does a misspelt one
  // that follows no password; a word after a password does not.
  const std::string missing = error_of("host /nonexistent");
  INFO(missing);
  CHECK(has(missing, "missing \"=\" after \"host\""));
  const std::string typo = error_of("hots=/nonexistent password=Qx7two");
  INFO(typo);
  CHECK(has(typo, "invalid connection option \"hots\""));
  CHECK_FALSE(has(typo, "Qx7two"));
  const std::string after = error_of("host=/nonexistent password=Qx7two Jm4words=1");
  INFO(after);
  CHECK(has(after, "invalid connection option \"*****\""));
  // The description artifacts keep: never the password.
  CHECK(pg::redact_conninfo("postgresql://me:Qx7two@db:5433/app") == "host=db port=5433 dbname=app user=me");
  CHECK(pg::redact_conninfo("host=db port=5433 dbname=app user=me password='Qx7two Jm4words'") ==
        "host=db port=5433 dbname=app user=me");
}

// ---- every command, against a server that demands the password -----------------

namespace {

constexpr const char* kRole = "benchlab_secret_user";
constexpr const char* kDatabase = "benchlab_secret_db";
// Distinctive, with a blank and a quote; searched for in halves, so that a password
// cut at its blank shows too.
const std::string kPassword = "Zq8vK w'Wv_PaSsWoRd";
const std::vector<std::string> kPasswordParts = {"Zq8vK", "Wv_PaSsWoRd"};
const std::string kWrongPassword = "Nope9 x'Yy_WrOnGpAsS";
const std::vector<std::string> kWrongParts = {"Nope9", "Yy_WrOnGpAsS"};

std::string percent_encoded(const std::string& s) {
  std::string out;
  for (const unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
      out.push_back(static_cast<char>(c));
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string quoted_value(const std::string& s) {
  std::string out = "'";
  for (const char c : s) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "'";
}

// A throwaway cluster of the test's own whose pg_hba.conf asks kRole for its password
// (scram-sha-256), everyone else trusted as usual.
struct PasswordServer {
  test::TempDir base{"secrets-cluster", /*traversable=*/true};
  std::unique_ptr<cluster::ThrowawayCluster> server;

  PasswordServer() {
    cluster::ClusterOptions options;
    options.base_dir = base.path;
    options.hba_lines = {fmt::format("local all {} scram-sha-256", kRole)};
    server = std::make_unique<cluster::ThrowawayCluster>(options);
    pg::SessionOptions rw;
    rw.read_only = false;
    const pg::Connection admin = pg::Connection::open(server->conninfo(), rw);
    std::string sql_password;
    for (const char c : kPassword) sql_password += c == '\'' ? std::string("''") : std::string(1, c);
    admin.exec("SET password_encryption = 'scram-sha-256'");
    admin.exec(fmt::format("CREATE ROLE {} LOGIN SUPERUSER PASSWORD '{}'", kRole, sql_password));
    admin.exec(fmt::format("CREATE DATABASE {} OWNER {}", kDatabase, kRole));
    const pg::Connection db = pg::Connection::open(server->conninfo(kDatabase), rw);
    db.exec("CREATE EXTENSION benchlab");
  }

  // Without a password: what PGPASSWORD, a password file or a service file complete.
  [[nodiscard]] std::string kv_without_password() const {
    return fmt::format("host={} port={} user={} dbname={} connect_timeout=10", server->socket_dir().string(),
                       server->port(), kRole, kDatabase);
  }
  [[nodiscard]] std::string kv(const std::string& password) const {
    return kv_without_password() + " password=" + quoted_value(password);
  }
  [[nodiscard]] std::string uri(const std::string& password) const {
    return fmt::format("postgresql://{}:{}@/{}?host={}&port={}&connect_timeout=10", kRole, percent_encoded(password),
                       kDatabase, percent_encoded(server->socket_dir().string()), server->port());
  }
};

struct Written {
  std::string what;  // the command, for the failure message
  test::Outcome outcome;
};

// Every byte of every file under `dir` that holds one of `parts`.
std::vector<std::string> files_holding(const fs::path& dir, const std::vector<std::string>& parts) {
  std::vector<std::string> found;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    const std::string bytes = test::slurp(e.path());
    for (const auto& p : parts)
      if (has(bytes, p)) found.push_back(e.path().string() + " holds " + p);
  }
  return found;
}

// The one artifact in `dir` whose name starts with `prefix` (a run's HTML report beside it aside).
fs::path only_file(const fs::path& dir, const std::string& prefix) {
  std::vector<fs::path> found;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().starts_with(prefix) && e.path().extension() != ".html") found.push_back(e.path());
  REQUIRE(found.size() == 1);
  return found.front();
}

std::size_t files_under(const fs::path& dir) {
  std::size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) n += e.is_regular_file() ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("secrets: no command writes the password anywhere, and every one of them works with it", "[db][secrets]") {
  PasswordServer pw;
  const std::string kv = pw.kv(kPassword), uri = pw.uri(kPassword);

  // The server really asks: without the password there is no connection.
  CHECK_THROWS_WITH(pg::Connection::open(pw.kv_without_password()),
                    Catch::Contains("no password supplied") || Catch::Contains("password authentication failed"));
  REQUIRE_NOTHROW(pg::Connection::open(kv));
  REQUIRE_NOTHROW(pg::Connection::open(uri));

  test::TempDir results("secrets-results");
  int step = 0;
  std::vector<Written> written;
  // Each command in a directory of its own (stdout, stderr and its files in it).
  auto dir_of = [&](const std::string& name) {
    const fs::path d = results.path / fmt::format("{:02}-{}", ++step, name);
    fs::create_directories(d);
    return d;
  };
  auto run = [&](const std::string& name, std::vector<std::string> args, int expected_exit = 0,
                 const std::vector<std::string>& env = {}) -> fs::path {
    const fs::path d = dir_of(name);
    for (auto& a : args) {
      const auto at = a.find("@DIR@");
      if (at != std::string::npos) a.replace(at, 5, d.string());
    }
    const test::Outcome o = test::run_benchclient(args, d, env);
    INFO(name << ": " << o.err);
    CHECK(o.exit_code == expected_exit);
    written.push_back({name, o});
    return d;
  };
  const std::vector<std::string> small = {"--rows", "2000", "--runs", "1"};
  auto with = [](std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };

  // run: a key=value DSN, a URI, --dsn=... in one argument; Markdown and checkpoint files too.
  const fs::path run_kv = run("run-kv", with({"--dsn", kv, "--strategy", "naive,pooled_sync", "--results-dir",
                                              "@DIR@/r", "--markdown", "@DIR@/run.md", "--console", "markdown"},
                                             small));
  const fs::path run_uri = run("run-uri", with({"--dsn", uri, "--strategy", "multiprocessing", "--checkpoint",
                                                "@DIR@/read.checkpoint.json", "--results-dir", "@DIR@/r"},
                                               small));
  const fs::path run_eq =
      run("run-eq",
          with({"--dsn=" + kv, "--strategy", "naive", "--results-dir", "@DIR@/r", "--json", "--no-progress"}, small));
  const auto a_kv = test::only_run_artifact(run_kv / "r");
  const auto a_uri = test::only_run_artifact(run_uri / "r");
  const auto a_eq = test::only_run_artifact(run_eq / "r");
  // The command is kept, its secret masked.
  CHECK(has(a_kv["context"]["command"].get<std::string>(), "password=*****"));
  CHECK(has(a_uri["context"]["command"].get<std::string>(), std::string(kRole) + ":*****@/"));
  CHECK(has(a_eq["context"]["command"].get<std::string>(), "--dsn=host="));
  CHECK(has(a_eq["context"]["command"].get<std::string>(), "password=*****"));
  CHECK(a_kv["context"]["target"]["dsn"].get<std::string>() == fmt::format("host={} port={} dbname={} user={}",
                                                                           pw.server->socket_dir().string(),
                                                                           pw.server->port(), kDatabase, kRole));
  CHECK(fs::exists(run_kv / "run.md"));

  // plan, schema, the server's versions with nothing selected.
  const fs::path plan = run("plan", with({"plan", "--dsn", uri, "--strategy", "pooled_sync"}, small));
  CHECK(has(test::slurp(plan / "stdout"), "pooled_sync"));
  const fs::path schema = run("schema", {"schema", "--dsn", kv, "--output", "@DIR@/schema.json"});
  CHECK(fs::exists(schema / "schema.json"));
  const fs::path info = run("info", {"--dsn", uri});
  CHECK(has(test::slurp(info / "stdout"), "extension: benchlab"));

  // verify across the two spellings of one server: JSON (for the report) and text.
  const fs::path verify =
      run("verify-json", {"verify", "--dsn", kv, "--target-dsn", uri, "--json", "--measure-baseline"});
  const auto v = nlohmann::json::parse(test::slurp(verify / "stdout"));
  CHECK(v["equal"] == true);
  CHECK(has(v["context"]["command"].get<std::string>(), "--target-dsn 'postgresql://"));
  const fs::path verify_file = verify / "verify.json";
  fs::copy_file(verify / "stdout", verify_file);
  run("verify-text", {"verify", "--dsn=" + uri, "--target-dsn=" + kv});

  // snapshot hold, and a run in the snapshot it holds.
  {
    const fs::path d = dir_of("snapshot-hold");
    test::Benchclient holder({"snapshot", "hold", "--dsn", uri}, d);
    const std::string id = test::held_snapshot_id(d);
    REQUIRE_FALSE(id.empty());
    run("run-in-snapshot",
        with({"--dsn", kv, "--strategy", "async_stream", "--snapshot", id, "--results-dir", "@DIR@/r"}, small));
    kill(holder.pid(), SIGINT);
    test::Outcome held = holder.wait();
    INFO(held.err);
    CHECK(held.exit_code == 0);
    written.push_back({"snapshot hold", held});
  }

  // queue on --dsn.
  const fs::path queue = run("queue", {"queue", "--dsn", uri, "--jobs", "60", "--concurrency", "1,2", "--samples", "1",
                                       "--results-dir", "@DIR@/r"});
  const std::vector<std::string> inputs = {
      only_file(run_kv / "r", "run-").string(), only_file(run_uri / "r", "run-").string(),
      only_file(run_eq / "r", "run-").string(), only_file(queue / "r", "queue-").string(), verify_file.string()};
  for (const std::string format : {"md", "html", "csv", "json"}) {
    const fs::path d = run(
        "report-" + format,
        with({"report", "--format", format, "-o", "@DIR@/report." + format, "--charts-dir", "@DIR@/charts"}, inputs));
    const std::string report = test::slurp(d / ("report." + format));
    CHECK_FALSE(report.empty());
    // Each artifact's command, as it was kept.
    CHECK(has(report, "password=*****"));
    CHECK(has(report, std::string(kRole) + ":*****@/"));
  }
  run("report-stdout", with({"report"}, inputs));
  run("compare", {"compare", inputs[0], inputs[0]});
  run("compare-json", {"compare", inputs[2], inputs[2], "--json"});

  // PGPASSWORD, a password file and a service file still hand libpq the password.
  {
    const test::TempDir secrets_dir("secrets-files");
    const fs::path passfile = secrets_dir.path / "pgpass";
    std::string escaped;
    for (const char c : kPassword) escaped += (c == ':' || c == '\\') ? std::string("\\") + c : std::string(1, c);
    std::ofstream(passfile) << "*:*:*:" << kRole << ":" << escaped << "\n";
    fs::permissions(passfile, fs::perms::owner_read | fs::perms::owner_write);
    const fs::path service = secrets_dir.path / "pg_service.conf";
    std::ofstream(service) << "[benchlab_secret]\nhost=" << pw.server->socket_dir().string()
                           << "\nport=" << pw.server->port() << "\nuser=" << kRole << "\ndbname=" << kDatabase
                           << "\npassword=" << kPassword << "\n";
    run("pgpassword", {"--dsn", pw.kv_without_password()}, 0, {"PGPASSWORD=" + kPassword});
    run("pgpassfile", {"--dsn", pw.kv_without_password()}, 0, {"PGPASSFILE=" + passfile.string()});
    run("pgservice", {"--dsn", "service=benchlab_secret"}, 0, {"PGSERVICEFILE=" + service.string()});
    run("pgservice-env", {"--dsn", ""}, 0,
        {"PGSERVICEFILE=" + service.string(), "PGSERVICE=benchlab_secret",
         "PGHOST=", "PGPORT=", "PGUSER=", "PGDATABASE="});
  }

  // Every command succeeded and wrote what it should: the search below is not vacuous.
  for (const auto& w : written) {
    INFO(w.what << ": " << w.outcome.err);
    CHECK(w.outcome.exit_code == 0);
  }
  CHECK(files_under(results.path) >= 2 * written.size());  // stdout and stderr of each, and what they wrote
  const auto leaks = files_holding(results.path, kPasswordParts);
  for (const auto& leak : leaks) UNSCOPED_INFO(leak);
  CHECK(leaks.empty());
  for (const auto& w : written)
    for (const auto& p : kPasswordParts) {
      INFO(w.what);
      CHECK_FALSE(has(w.outcome.out, p));
      CHECK_FALSE(has(w.outcome.err, p));
    }
}

TEST_CASE("secrets: a wrong or malformed password fails with a message that does not hold it", "[db][secrets]") {
  PasswordServer pw;
  test::TempDir results("secrets-wrong");
  int step = 0;
  auto fails = [&](const std::string& name, std::vector<std::string> args, const std::string& says) {
    const fs::path d = results.path / fmt::format("{:02}-{}", ++step, name);
    fs::create_directories(d);
    // Where a run would write (never the working directory).
    const bool writes = args.front() == "queue" || std::find(args.begin(), args.end(), "--all") != args.end() ||
                        std::find(args.begin(), args.end(), "--strategy") != args.end();
    if (writes) args.insert(args.end(), {"--results-dir", (d / "r").string()});
    const test::Outcome o = test::run_benchclient(args, d);
    INFO(name << ": " << o.err);
    CHECK(o.exit_code != 0);
    CHECK(has(o.err, "cannot connect to PostgreSQL"));
    CHECK(has(o.err, says));
    for (const auto& p : kWrongParts) {
      CHECK_FALSE(has(o.err, p));
      CHECK_FALSE(has(o.out, p));
    }
  };
  fails("kv", {"--dsn", pw.kv(kWrongPassword), "--strategy", "naive", "--rows", "100"},
        "password authentication failed");
  fails("uri", {"--dsn", pw.uri(kWrongPassword)}, "password authentication failed");
  fails("eq", {"--dsn=" + pw.kv(kWrongPassword), "--all", "--rows", "100"}, "password authentication failed");
  fails("plan", {"plan", "--dsn", pw.uri(kWrongPassword), "--all"}, "password authentication failed");
  fails("schema", {"schema", "--dsn", pw.kv(kWrongPassword)}, "password authentication failed");
  fails("queue", {"queue", "--dsn", pw.uri(kWrongPassword), "--jobs", "10", "--concurrency", "1", "--samples", "1"},
        "password authentication failed");
  fails("snapshot", {"snapshot", "hold", "--dsn", pw.kv(kWrongPassword)}, "password authentication failed");
  {
    pg::SessionOptions rw;
    rw.read_only = false;
    pg::Connection::open(pw.server->conninfo(kDatabase), rw).exec("SELECT benchlab.seed_records('public.t', 100)");
  }
  fails("verify-target",
        {"verify", "--dsn", pw.kv(kPassword), "--target-dsn", pw.uri(kWrongPassword), "--table", "public.t"},
        "password authentication failed");
  // What libpq cannot parse: it would quote the password, a piece of it or the whole URI.
  fails("unquoted-blank", {"--dsn", pw.kv_without_password() + " password=" + kWrongPassword}, "connection");
  fails("bad-escape", {"--dsn", fmt::format("postgresql://{}:Nope9%zzYy_WrOnGpAsS@/{}", kRole, kDatabase)},
        "percent-encoded");
  fails("bad-uri", {"--dsn", fmt::format("postgresql://{}:Nope9-Yy_WrOnGpAsS@[::1/{}", kRole, kDatabase)}, "URI");
  CHECK(files_holding(results.path, kWrongParts).empty());
  CHECK(files_holding(results.path, kPasswordParts).empty());
}

TEST_CASE("secrets: the mask key reaches with-cluster's command, never the cluster's server, never an output",
          "[db][secrets][mask]") {
  constexpr const char* kMaskKey = "mask-key-never-printed-4c1e";
  test::TempDir dir("secrets-maskkey", true);
  // The checkpointer lives as long as the cluster and has the postmaster's environment.
  const std::string script = fmt::format(
      "{}/psql -XAtc \"SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'\" | "
      "{{ read p; echo \"checkpointer: ${{p:-none}}\"; "
      "echo \"server: $(tr '\\0' '\\n' < /proc/$p/environ | grep -c '^BENCHLAB_MASK_KEY=')\"; }}; "
      "echo \"command: ${{BENCHLAB_MASK_KEY:+set}}\"; "
      // benchclient itself (this shell's parent): its environment as the kernel shows it.
      "echo \"benchclient: $(tr '\\0' '\\n' < /proc/$PPID/environ | grep -c '{}')\"",
      BENCHLAB_PG_BINDIR, kMaskKey);
  const test::Outcome o = test::run_benchclient({"with-cluster", "--", "sh", "-c", script}, dir.path,
                                                {std::string("BENCHLAB_MASK_KEY=") + kMaskKey});
  INFO(o.err);
  CHECK(o.exit_code == 0);
  CHECK_FALSE(has(o.out, "checkpointer: none\n"));  // the server was looked at
  CHECK(has(o.out, "server: 0\n"));
  CHECK(has(o.out, "benchclient: 0\n"));  // overwritten where the kernel keeps it, not only unset
  CHECK(has(o.out, "command: set\n"));
  CHECK_FALSE(has(o.out + o.err, kMaskKey));
}

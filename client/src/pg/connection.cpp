#include "pg/connection.hpp"

#include <fmt/format.h>
#include <poll.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <memory>
#include <system_error>

#include "model/secrets.hpp"
#include "pg/notices.hpp"

namespace benchlab::pg {

namespace {

struct ConninfoOptionsDeleter {
  void operator()(PQconninfoOption* o) const noexcept { PQconninfoFree(o); }
};
using ConninfoOptions = std::unique_ptr<PQconninfoOption, ConninfoOptionsDeleter>;

const char* option_value(const ConninfoOptions& options, std::string_view keyword) {
  for (const PQconninfoOption* o = options.get(); o != nullptr && o->keyword != nullptr; ++o) {
    if (keyword == o->keyword && o->val != nullptr && *o->val != '\0') return o->val;
  }
  return nullptr;
}

// libpq's own parse of a connection string (URIs and quoted values as libpq reads
// them); null when libpq refuses it.
ConninfoOptions parse_conninfo(const std::string& conninfo) {
  char* err = nullptr;
  ConninfoOptions parsed(PQconninfoParse(conninfo.c_str(), &err));
  PQfreemem(err);  // it may quote the string: never shown
  return parsed;
}

bool is_keyword(const ConninfoOptions& defaults, std::string_view word) {
  for (const PQconninfoOption* o = defaults.get(); o != nullptr && o->keyword != nullptr; ++o)
    if (word == o->keyword) return true;
  const auto& known = libpq_keywords();
  return std::find(known.begin(), known.end(), word) != known.end();
}

// libpq's messages about a string it cannot parse quote the offending part of it
// ("missing \"=\" after \"secret\"", "invalid percent-encoded token: \"p%zz\"", the
// whole URI): each quoted fragment masked, but a keyword, a word that stands in a
// keyword's place after no secret (find_dsn_secrets' names), or a lone punctuation mark.
std::string mask_quoted_fragments(const std::string& message, const std::string& conninfo) {
  const ConninfoOptions defaults(PQconndefaults());
  const std::vector<std::string> names = find_dsn_secrets(conninfo).names;
  auto shown = [&](const std::string& fragment) {
    if (fragment.size() == 1 && std::ispunct(static_cast<unsigned char>(fragment[0])) != 0) return true;
    return is_keyword(defaults, fragment) || std::find(names.begin(), names.end(), fragment) != names.end();
  };
  std::string out;
  std::size_t at = 0;
  for (;;) {
    const std::size_t open = message.find('"', at);
    if (open == std::string::npos) break;
    const std::size_t close = message.find('"', open + 1);
    if (close == std::string::npos) {
      out.append(message, at, open + 1 - at);
      out.append(kSecretMask);
      return out;
    }
    const std::string fragment = message.substr(open + 1, close - open - 1);
    out.append(message, at, open + 1 - at);
    out.append(shown(fragment) ? fragment : std::string(kSecretMask));
    out.push_back('"');
    at = close + 1;
  }
  out.append(message, at);
  return out;
}

}  // namespace

std::vector<std::string> conninfo_secrets(const std::string& conninfo) {
  std::vector<std::string> secrets = find_dsn_secrets(conninfo).secrets;
  if (const ConninfoOptions parsed = parse_conninfo(conninfo)) {
    for (const PQconninfoOption* o = parsed.get(); o->keyword != nullptr; ++o) {
      if (o->val == nullptr || *o->val == '\0') continue;
      const bool secret = (o->dispchar != nullptr && std::string_view(o->dispchar) == "*") ||
                          is_secret_keyword(o->keyword) ||
                          (std::string_view(o->keyword) == "dbname" && looks_like_conninfo(o->val) &&
                           !find_dsn_secrets(o->val).secrets.empty());
      if (secret && std::find(secrets.begin(), secrets.end(), o->val) == secrets.end()) secrets.emplace_back(o->val);
    }
  }
  return secrets;
}

std::string scrub_connection_message(const std::string& message, const std::string& conninfo) {
  const std::string text = parse_conninfo(conninfo) ? message : mask_quoted_fragments(message, conninfo);
  return scrub_secrets(text, conninfo_secrets(conninfo));
}

std::string redact_conninfo(const std::string& conninfo) {
  const ConninfoOptions parsed = parse_conninfo(conninfo);
  if (!parsed) return "unparseable connection string";
  // Where the string is silent, libpq uses the PG* environment and its defaults.
  ConninfoOptions defaults(PQconndefaults());
  auto pick = [&](std::string_view keyword) -> std::string {
    if (const char* v = option_value(parsed, keyword)) return v;
    if (const char* v = option_value(defaults, keyword)) return v;
    return "(default)";
  };
  // A host, a user or a database name that is the password (or holds it) says it too.
  return scrub_secrets(
      fmt::format("host={} port={} dbname={} user={}", pick("host"), pick("port"), pick("dbname"), pick("user")),
      conninfo_secrets(conninfo));
}

Connection Connection::open(const std::string& conninfo, const SessionOptions& options) {
  Connection c(PQconnectdb(conninfo.c_str()));
  if (!c.conn_) throw BrokenConnection("out of memory allocating a libpq connection");
  route_notices(c.raw());  // not libpq's raw "NOTICE:" lines on stderr
  if (PQstatus(c.raw()) != CONNECTION_OK) {
    // libpq's message may quote the string (a URI it cannot parse, a bad escape in a
    // password), and the server's may name a user or database that is the password.
    throw BrokenConnection(
        scrub_connection_message(fmt::format("cannot connect to PostgreSQL ({}): {}", redact_conninfo(conninfo),
                                             one_line(PQerrorMessage(c.raw()))),
                                 conninfo));
  }
  // Pinned settings: identical text output everywhere; reads only; bounded statements.
  std::string setup = fmt::format(
      "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, MDY'; SET IntervalStyle = 'postgres'; "
      "SET extra_float_digits = 1; SET bytea_output = 'hex'; SET client_encoding = 'UTF8'; "
      "SET lc_monetary = 'C'; "
      "SET statement_timeout = {}; SET application_name = '{}'",
      options.statement_timeout_ms, options.application_name);
  if (options.read_only) setup += "; SET default_transaction_read_only = on";
  if (options.jit_off) setup += "; SET jit = off";
  c.exec(setup);
  return c;
}

void check_result(PGconn* conn, const PGresult* result, std::string_view what, std::string_view query) {
  if (result == nullptr) {
    throw BrokenConnection(fmt::format("{}: {}", what, one_line(PQerrorMessage(conn))), "", std::string(query));
  }
  const ExecStatusType st = PQresultStatus(result);
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_SINGLE_TUPLE || st == PGRES_COPY_OUT ||
      st == PGRES_COPY_IN || st == PGRES_PIPELINE_SYNC) {
    return;
  }
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  std::string sqlstate = state != nullptr ? state : "";
  std::string message = one_line(PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY));
  if (message.empty()) message = one_line(PQresultErrorMessage(result));
  if (message.empty()) message = one_line(PQerrorMessage(conn));
  std::string text = fmt::format("{}: {}", what, message);
  if (PQstatus(conn) == CONNECTION_BAD) throw BrokenConnection(text, sqlstate, std::string(query), message);
  throw_sql_error(text, sqlstate, std::string(query), message);
}

Result Connection::exec(const std::string& sql) const {
  Result r(PQexec(raw(), sql.c_str()));
  check_result(raw(), r.get(), "query failed", sql);
  return r;
}

Result Connection::exec_params(const std::string& sql, const std::vector<std::optional<std::string>>& params,
                               int result_format) const {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  Result r(PQexecParams(raw(), sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr,
                        result_format));
  check_result(raw(), r.get(), "query failed", sql);
  return r;
}

void Connection::prepare(const std::string& name, const std::string& sql, int param_count) const {
  const Result r(PQprepare(raw(), name.c_str(), sql.c_str(), param_count, nullptr));
  check_result(raw(), r.get(), "prepare", sql);
}

Result Connection::exec_prepared(const std::string& name, const std::vector<std::string>& params,
                                 std::string_view what) const {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p.c_str());
  Result r(PQexecPrepared(raw(), name.c_str(), static_cast<int>(values.size()), values.data(), nullptr, nullptr, 0));
  check_result(raw(), r.get(), what);
  return r;
}

std::string Connection::query_value(const std::string& sql,
                                    const std::vector<std::optional<std::string>>& params) const {
  Result r = exec_params(sql, params);
  return std::string(r.expect_rows(1, sql).expect_columns(1, sql).text(0, 0, sql));
}

bool wait_readable(int socket, std::chrono::milliseconds timeout) {
  pollfd p{socket, POLLIN, 0};
  const int r = ::poll(&p, 1, static_cast<int>(timeout.count()));
  if (r < 0 && errno != EINTR) throw BrokenConnection("poll failed: " + std::generic_category().message(errno));
  return r > 0;
}

void Connection::wait_input(std::chrono::milliseconds timeout) const {
  if (!wait_readable(PQsocket(raw()), timeout)) return;
  if (PQconsumeInput(raw()) == 0 || PQstatus(raw()) != CONNECTION_OK)
    throw BrokenConnection(one_line(PQerrorMessage(raw())));
}

Result Connection::exec_unchecked(const std::string& sql) const { return Result(PQexec(raw(), sql.c_str())); }

std::string Connection::error_message() const { return one_line(PQerrorMessage(raw())); }

bool Connection::idle() const { return PQtransactionStatus(raw()) == PQTRANS_IDLE && PQisBusy(raw()) == 0; }

std::string Connection::quote_identifier(const std::string& name) const {
  char* q = PQescapeIdentifier(raw(), name.c_str(), name.size());
  if (q == nullptr) throw Error("cannot quote identifier: " + error_message());
  std::string out(q);
  PQfreemem(q);
  return out;
}

int libpq_version() { return PQlibVersion(); }

bool server_accepting(const std::string& conninfo) { return PQping(conninfo.c_str()) == PQPING_OK; }

std::string Connection::describe() const {
  return fmt::format("host={} port={} dbname={} user={}", PQhost(raw()), PQport(raw()), PQdb(raw()), PQuser(raw()));
}

std::string quote_qualified_identifier(PGconn* conn, std::string_view name) {
  // Split on dots outside double quotes; quote each part with libpq.
  std::vector<std::string> parts;
  std::string current;
  bool in_quotes = false;
  for (char ch : name) {
    if (ch == '"') in_quotes = !in_quotes;
    if (ch == '.' && !in_quotes) {
      parts.push_back(current);
      current.clear();
    } else {
      current.push_back(ch);
    }
  }
  parts.push_back(current);
  std::string out;
  for (auto& part : parts) {
    // A part the user already quoted keeps its exact spelling.
    if (part.size() >= 2 && part.front() == '"' && part.back() == '"') {
      std::string inner;
      for (std::size_t i = 1; i + 1 < part.size(); ++i) {
        inner.push_back(part[i]);
        if (part[i] == '"' && i + 2 < part.size() && part[i + 1] == '"') ++i;
      }
      part = inner;
    }
    char* q = PQescapeIdentifier(conn, part.c_str(), part.size());
    if (q == nullptr) throw Error("cannot quote identifier: " + one_line(PQerrorMessage(conn)));
    if (!out.empty()) out.push_back('.');
    out += q;
    PQfreemem(q);
  }
  return out;
}

}  // namespace benchlab::pg

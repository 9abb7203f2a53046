#include "pg/connection.hpp"

#include <fmt/format.h>

#include <memory>

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

}  // namespace

std::string redact_conninfo(const std::string& conninfo) {
  char* err = nullptr;
  ConninfoOptions parsed(PQconninfoParse(conninfo.c_str(), &err));
  if (!parsed) {
    PQfreemem(err);
    return "unparseable connection string";
  }
  // Where the string is silent, libpq uses the PG* environment and its defaults.
  ConninfoOptions defaults(PQconndefaults());
  auto pick = [&](std::string_view keyword) -> std::string {
    if (const char* v = option_value(parsed, keyword)) return v;
    if (const char* v = option_value(defaults, keyword)) return v;
    return "(default)";
  };
  return fmt::format("host={} port={} dbname={} user={}", pick("host"), pick("port"), pick("dbname"), pick("user"));
}

Connection Connection::open(const std::string& conninfo, const SessionOptions& options) {
  Connection c(PQconnectdb(conninfo.c_str()));
  if (!c.conn_) throw BrokenConnection("out of memory allocating a libpq connection");
  if (PQstatus(c.raw()) != CONNECTION_OK) {
    throw BrokenConnection(fmt::format("cannot connect to PostgreSQL ({}): {}", redact_conninfo(conninfo),
                                       one_line(PQerrorMessage(c.raw()))));
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

std::string Connection::query_value(const std::string& sql,
                                    const std::vector<std::optional<std::string>>& params) const {
  Result r = exec_params(sql, params);
  return std::string(r.expect_rows(1, sql).expect_columns(1, sql).text(0, 0, sql));
}

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

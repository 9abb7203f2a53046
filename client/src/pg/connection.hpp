// RAII over PGconn: move-only, never throws from its destructor.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pg/error.hpp"
#include "pg/result.hpp"

namespace benchlab::pg {

struct ConnDeleter {
  void operator()(PGconn* c) const noexcept { PQfinish(c); }
};

// Settings every benchlab session pins so that text output is byte-identical on
// every connection (the checksum is over wire bytes), and so reads stay reads.
struct SessionOptions {
  bool read_only = true;
  int statement_timeout_ms = 0;  // 0: no timeout
  // JIT compiles a query whose cost passes jit_above_cost before its first row
  // (≈20 ms here) and gains nothing on a bulk read of plain columns; left on, it
  // makes the time to first row depend on the table's size. Off unless asked.
  bool jit_off = true;
  std::string application_name = "benchclient";
};

class Connection {
 public:
  // Connects (blocking) and pins the session settings. Throws BrokenConnection
  // with a one-line message naming the target, never the password.
  static Connection open(const std::string& conninfo, const SessionOptions& options = {});

  Connection() = default;
  [[nodiscard]] PGconn* raw() const { return conn_.get(); }
  explicit operator bool() const { return conn_ != nullptr; }

  // Runs one statement; throws SqlError/BrokenConnection unless it succeeded.
  Result exec(const std::string& sql) const;
  // Parameters travel out of line ($1, $2 ...): values are never interpolated.
  Result exec_params(const std::string& sql, const std::vector<std::optional<std::string>>& params,
                     int result_format = 0) const;
  // A named prepared statement with `param_count` text parameters, and one run of
  // it; its error message starts with `what`.
  void prepare(const std::string& name, const std::string& sql, int param_count) const;
  Result exec_prepared(const std::string& name, const std::vector<std::string>& params,
                       std::string_view what = "query failed") const;
  // The one value of a one-row, one-column result, as text (throws otherwise, or if NULL).
  std::string query_value(const std::string& sql, const std::vector<std::optional<std::string>>& params = {}) const;

  // Waits up to `timeout` for the server to send something (a notice, its
  // goodbye) and reads it. Throws BrokenConnection, with libpq's one-line
  // message, once the server has ended the session.
  void wait_input(std::chrono::milliseconds timeout) const;

  // Runs one statement and returns whatever came back, failure included (a
  // caller that can do without the answer looks at its status).
  [[nodiscard]] Result exec_unchecked(const std::string& sql) const;

  [[nodiscard]] int server_version() const { return PQserverVersion(conn_.get()); }
  [[nodiscard]] std::string user() const { return PQuser(conn_.get()); }
  [[nodiscard]] int backend_pid() const { return PQbackendPID(conn_.get()); }
  // libpq's last error on this connection, on one line.
  [[nodiscard]] std::string error_message() const;
  // Idle: outside any transaction and with no result pending (not mid-COPY, mid-query).
  [[nodiscard]] bool idle() const;
  // Non-blocking sends (PQsetnonblocking); false if libpq refused (error_message says why).
  [[nodiscard]] bool set_nonblocking(bool on) const { return PQsetnonblocking(conn_.get(), on ? 1 : 0) == 0; }
  // One identifier (a column, a schema, a relation name) quoted for SQL text.
  [[nodiscard]] std::string quote_identifier(const std::string& name) const;
  // "host=... port=... dbname=... user=..." for messages: no password.
  [[nodiscard]] std::string describe() const;

 private:
  explicit Connection(PGconn* raw) : conn_(raw) {}
  std::unique_ptr<PGconn, ConnDeleter> conn_;
};

// Throws the typed error (pg/error.hpp) if `result` is not a success: the message
// starts with `what`; `query`, if given, is carried by the error.
void check_result(PGconn* conn, const PGresult* result, std::string_view what, std::string_view query = {});

// The version of the libpq benchclient runs with (PQlibVersion: 150004 for 15.4).
[[nodiscard]] int libpq_version();

// Whether a server at `conninfo` accepts connections now (PQping).
[[nodiscard]] bool server_accepting(const std::string& conninfo);

// Waits up to `timeout` for `socket` (a connection's) to be readable: false on
// the timeout or a signal (EINTR). Throws BrokenConnection if poll() fails.
bool wait_readable(int socket, std::chrono::milliseconds timeout);

// Quotes an identifier (possibly schema-qualified "a.b") safely for SQL text.
std::string quote_qualified_identifier(PGconn* conn, std::string_view name);

// Describes a conninfo string for messages and artifacts: "host=… port=… dbname=…
// user=…" as libpq reads it (PQconninfoParse, then the PG* environment and its
// defaults), never a password; "unparseable connection string" when libpq refuses it.
std::string redact_conninfo(const std::string& conninfo);

// Every secret in `conninfo` (model/secrets.hpp): as written, and as libpq reads it
// (PQconninfoParse: each option it displays as secret, and the keywords
// is_secret_keyword names). Empty when it has none.
std::vector<std::string> conninfo_secrets(const std::string& conninfo);

// A message about a connection to `conninfo` — libpq's, the server's — with no secret
// of it left: each one masked; and when libpq cannot parse `conninfo` (its message
// then quotes fragments of it, even of a password), every "quoted" fragment but a
// keyword's. Connection::open's errors are made with it.
std::string scrub_connection_message(const std::string& message, const std::string& conninfo);

}  // namespace benchlab::pg

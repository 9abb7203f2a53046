// Typed errors from libpq and the server, by SQLSTATE class as far as benchlab
// needs them, so that callers and tests match
// types, never message strings.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace benchlab::pg {

// Whether a failure with this SQLSTATE may pass on a retry: a lost connection,
// libpq's own failure (no SQLSTATE), a cancel, a shutdown, a conflict — but not
// syntax and access (42), data (22: also an invalid snapshot id), feature (0A),
// authorization (28) or catalog (3D, 3F) errors: the same statement fails the
// same way again.
[[nodiscard]] bool sqlstate_is_retryable(std::string_view sqlstate);

// Any failure talking to PostgreSQL. what() is one line, never a password.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, std::string sqlstate = {}, std::string query = {},
                 std::string server_message = {})
      : std::runtime_error(message),
        sqlstate_(std::move(sqlstate)),
        query_(std::move(query)),
        server_message_(std::move(server_message)) {}
  [[nodiscard]] const std::string& sqlstate() const { return sqlstate_; }
  // The server's own primary message (one line), without the step that ran into it;
  // what() where there is none (a libpq failure, a client-side check).
  [[nodiscard]] std::string server_message() const { return server_message_.empty() ? what() : server_message_; }
  // The statement that failed, where there was one (empty otherwise).
  [[nodiscard]] const std::string& query() const { return query_; }
  // Whether the same statement, sent again on a new connection, may succeed
  // (sqlstate_is_retryable).
  [[nodiscard]] bool retryable() const { return sqlstate_is_retryable(sqlstate_); }

 private:
  std::string sqlstate_;
  std::string query_;
  std::string server_message_;
};

// The connection could not be made or was lost (class 08, or libpq's own failure).
class BrokenConnection : public Error {
  using Error::Error;
};

// The server rejected a statement. Subclasses for the classes benchlab acts on.
class SqlError : public Error {
  using Error::Error;
};

// 57014: statement_timeout fired, or a cancel request arrived.
class QueryCanceled : public SqlError {
  using SqlError::SqlError;
};

// 42501: the user lacks a privilege.
class InsufficientPrivilege : public SqlError {
  using SqlError::SqlError;
};

// 42P01: no such table (or view, or other relation).
class UndefinedTable : public SqlError {
  using SqlError::SqlError;
};

// 42703: no such column.
class UndefinedColumn : public SqlError {
  using SqlError::SqlError;
};

// 42883 (no such function) and 3F000 (no such schema): most often, the benchlab
// extension is missing or older than this client.
class UndefinedFunction : public SqlError {
  using SqlError::SqlError;
};

// Throws the error type that `sqlstate` names (SqlError for any other state).
// `server_message`: the server's primary message alone (Error::server_message).
[[noreturn]] void throw_sql_error(const std::string& message, std::string_view sqlstate, std::string query = {},
                                  std::string server_message = {});

// Collapses libpq's multi-line messages into one line.
std::string one_line(const char* message);
inline std::string one_line(const std::string& message) { return one_line(message.c_str()); }

}  // namespace benchlab::pg

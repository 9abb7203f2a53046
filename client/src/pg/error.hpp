// Typed errors from libpq and the server, by SQLSTATE class (as libpqxx does).
#pragma once

#include <stdexcept>
#include <string>

namespace benchlab::pg {

// Any failure talking to PostgreSQL. what() is one line, never a password.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, std::string sqlstate = {})
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
  [[nodiscard]] const std::string& sqlstate() const { return sqlstate_; }

 private:
  std::string sqlstate_;
};

// The connection could not be made or was lost (class 08, or libpq's own failure).
class BrokenConnection : public Error {
  using Error::Error;
};

// The server rejected a statement (any other SQLSTATE).
class SqlError : public Error {
  using Error::Error;
};

// Collapses libpq's multi-line messages into one line.
std::string one_line(const char* message);

}  // namespace benchlab::pg

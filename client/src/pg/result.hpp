// RAII for PGresult (a unique_ptr whose deleter calls PQclear), with checked
// accessors: a caller states what it expects (one row, a
// field that is not NULL, an integer) and gets a typed error naming the query
// when the server answered otherwise — never a silently skipped result.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace benchlab::pg {

struct ResultDeleter {
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};

class Result {
 public:
  Result() = default;
  explicit Result(PGresult* raw) : raw_(raw) {}

  [[nodiscard]] PGresult* get() const { return raw_.get(); }
  explicit operator bool() const { return raw_ != nullptr; }
  [[nodiscard]] int rows() const { return PQntuples(raw_.get()); }
  [[nodiscard]] int columns() const { return PQnfields(raw_.get()); }
  [[nodiscard]] bool is_null(int row, int col) const { return PQgetisnull(raw_.get(), row, col) != 0; }
  [[nodiscard]] std::string_view value(int row, int col) const {
    return {PQgetvalue(raw_.get(), row, col), static_cast<std::size_t>(PQgetlength(raw_.get(), row, col))};
  }
  [[nodiscard]] ExecStatusType status() const { return PQresultStatus(raw_.get()); }

  // Contracts: each throws pg::Error naming `what` (the query, or what it was for).
  const Result& expect_rows(int n, std::string_view what) const;
  const Result& expect_columns(int n, std::string_view what) const;
  // Field (row, col) as text / as an integer; NULL or unparseable text throws.
  [[nodiscard]] std::string_view text(int row, int col, std::string_view what) const;
  [[nodiscard]] std::int64_t int64(int row, int col, std::string_view what) const;
  [[nodiscard]] std::uint64_t uint64(int row, int col, std::string_view what) const;

 private:
  std::unique_ptr<PGresult, ResultDeleter> raw_;
};

}  // namespace benchlab::pg

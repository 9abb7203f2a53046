// RAII for PGresult: owned by a unique_ptr whose deleter calls PQclear.
#pragma once

#include <libpq-fe.h>

#include <memory>
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

 private:
  std::unique_ptr<PGresult, ResultDeleter> raw_;
};

}  // namespace benchlab::pg

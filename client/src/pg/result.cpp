#include "pg/result.hpp"

#include <fmt/format.h>

#include <charconv>

#include "pg/error.hpp"

namespace benchlab::pg {

const Result& Result::expect_rows(int n, std::string_view what) const {
  if (rows() != n) throw Error(fmt::format("{}: expected {} row{}, got {}", what, n, n == 1 ? "" : "s", rows()));
  return *this;
}

const Result& Result::expect_columns(int n, std::string_view what) const {
  if (columns() < n) throw Error(fmt::format("{}: expected {} columns, got {}", what, n, columns()));
  return *this;
}

std::string_view Result::text(int row, int col, std::string_view what) const {
  if (row < 0 || row >= rows() || col < 0 || col >= columns())
    throw Error(fmt::format("{}: no field ({}, {}) in a result of {}×{}", what, row, col, rows(), columns()));
  if (is_null(row, col)) throw Error(fmt::format("{}: field {} of row {} is NULL", what, col + 1, row + 1));
  return value(row, col);
}

namespace {

template <typename T>
T parse_integer(std::string_view text, std::string_view what) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size())
    throw Error(fmt::format("{}: '{}' is not an integer", what, text));
  return value;
}

}  // namespace

std::int64_t Result::int64(int row, int col, std::string_view what) const {
  return parse_integer<std::int64_t>(text(row, col, what), what);
}

std::uint64_t Result::uint64(int row, int col, std::string_view what) const {
  return parse_integer<std::uint64_t>(text(row, col, what), what);
}

}  // namespace benchlab::pg

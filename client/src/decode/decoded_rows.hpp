// Rows kept decoded in memory (the naive strategy): one typed vector per column.
//
// Ownership — why the views stay valid:
// text, varchar, bpchar, name, json/jsonb, bytea (binary) and Raw values are
// std::string_views into the PGresult they came from (no copy). A DecodedRows
// therefore owns those PGresults: hand each one over before keeping its rows,
//
//     const PGresult* r = rows.adopt(std::move(result));   // rows now owns it
//     decoder.consume_and_keep(r, rows);
//
// and the views live exactly as long as the DecodedRows. Values whose decoded
// form is not in the wire bytes (text-format bytea, binary numerics of more than
// 38 digits) are copied into the DecodedRows' own arena. If consume_and_keep is
// given a result this DecodedRows does not own, every viewed byte is copied into
// the arena instead (safe whatever the caller does with the result afterwards,
// but it costs the memory again: copied_bytes() shows it).
//
// Moving a DecodedRows keeps every view valid (results and arena chunks never move).
#pragma once

#include <libpq-fe.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <variant>
#include <vector>

#include "decode/value.hpp"
#include "pg/result.hpp"

namespace benchlab {

class RowDecoder;

namespace decode {

template <typename V>
struct VectorsOf;
template <typename... Ts>
struct VectorsOf<std::variant<Ts...>> {
  using type = std::variant<std::vector<Ts>...>;
};
// One std::vector per Value alternative; a column uses the one its type decodes to.
using ColumnData = VectorsOf<Value>::type;

struct Column {
  std::uint32_t type_oid = 0;
  bool known = false;       // false: values are Raw
  ColumnData values;        // a NULL holds a default-constructed value here
  std::vector<bool> nulls;  // one bit per row

  template <typename T>
  [[nodiscard]] const std::vector<T>& as() const {
    return std::get<std::vector<T>>(values);
  }
  [[nodiscard]] Value at(std::size_t row) const;
  [[nodiscard]] std::size_t memory_bytes() const;
};

// Bytes that must outlive a reused buffer: chunks never move once allocated.
class ByteArena {
 public:
  std::string_view copy(std::string_view bytes);
  [[nodiscard]] std::size_t bytes() const { return used_total_; }
  [[nodiscard]] std::size_t capacity_bytes() const { return capacity_total_; }

 private:
  static constexpr std::size_t kChunk = 1 << 20;
  std::vector<std::unique_ptr<char[]>> chunks_;
  char* cursor_ = nullptr;
  std::size_t left_ = 0;
  std::size_t used_total_ = 0;
  std::size_t capacity_total_ = 0;
};

}  // namespace decode

class DecodedRows {
 public:
  DecodedRows() = default;
  DecodedRows(DecodedRows&&) noexcept = default;
  DecodedRows& operator=(DecodedRows&&) noexcept = default;
  DecodedRows(const DecodedRows&) = delete;
  DecodedRows& operator=(const DecodedRows&) = delete;
  ~DecodedRows() = default;

  // Takes ownership of `result` (freed with this object); returns it for consume_and_keep.
  const PGresult* adopt(pg::Result result);
  [[nodiscard]] bool owns(const PGresult* result) const;

  [[nodiscard]] std::size_t rows() const { return rows_; }
  [[nodiscard]] std::size_t columns() const { return columns_.size(); }
  [[nodiscard]] const decode::Column& column(std::size_t col) const { return columns_.at(col); }
  [[nodiscard]] bool is_null(std::size_t row, std::size_t col) const { return columns_.at(col).nulls.at(row); }
  [[nodiscard]] decode::Value value(std::size_t row, std::size_t col) const { return columns_.at(col).at(row); }

  // Memory held by the decoded columns and the arena (not the PGresults).
  [[nodiscard]] std::size_t decoded_bytes() const;
  // Bytes copied into the arena (see above).
  [[nodiscard]] std::size_t copied_bytes() const { return arena_.bytes(); }

 private:
  friend class RowDecoder;
  std::vector<pg::Result> results_;
  std::vector<decode::Column> columns_;
  decode::ByteArena arena_;
  std::size_t rows_ = 0;
};

}  // namespace benchlab

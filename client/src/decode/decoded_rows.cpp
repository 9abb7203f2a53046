#include "decode/decoded_rows.hpp"

#include <algorithm>
#include <cstring>
#include <type_traits>

namespace benchlab {
namespace decode {

Value Column::at(std::size_t row) const {
  if (nulls.at(row)) return Null{};
  return std::visit([row](const auto& vec) -> Value { return vec.at(row); }, values);
}

std::size_t Column::memory_bytes() const {
  const std::size_t data = std::visit(
      [](const auto& vec) -> std::size_t {
        using T = typename std::decay_t<decltype(vec)>::value_type;
        if constexpr (std::is_same_v<T, bool>)
          return vec.capacity() / 8;
        else
          return vec.capacity() * sizeof(T);
      },
      values);
  return data + nulls.capacity() / 8;
}

std::string_view ByteArena::copy(std::string_view bytes) {
  if (bytes.empty()) return {};
  if (bytes.size() > left_) {
    const std::size_t size = std::max(kChunk, bytes.size());
    chunks_.push_back(std::make_unique_for_overwrite<char[]>(size));
    cursor_ = chunks_.back().get();
    left_ = size;
    capacity_total_ += size;
  }
  std::memcpy(cursor_, bytes.data(), bytes.size());
  const std::string_view out(cursor_, bytes.size());
  cursor_ += bytes.size();
  left_ -= bytes.size();
  used_total_ += bytes.size();
  return out;
}

}  // namespace decode

const PGresult* DecodedRows::adopt(pg::Result result) {
  const PGresult* raw = result.get();
  if (raw != nullptr && !owns(raw)) results_.push_back(std::move(result));
  return raw;
}

bool DecodedRows::owns(const PGresult* result) const {
  return std::any_of(results_.begin(), results_.end(), [result](const pg::Result& r) { return r.get() == result; });
}

std::size_t DecodedRows::decoded_bytes() const {
  std::size_t total = arena_.capacity_bytes() + columns_.capacity() * sizeof(decode::Column);
  for (const auto& c : columns_) total += c.memory_bytes();
  return total;
}

}  // namespace benchlab

// The benchlab row checksum — one definition shared by the extension and the client.
//
// Per row: XXH3-64 (seed 0) over, for each column in order, a 4-byte little-endian
// length (0xFFFFFFFF for NULL) followed by the value's bytes exactly as they travel
// on the wire (text output or binary send). A set of rows: the sum of the row hashes
// modulo 2^64, plus the row count. Order does not matter and partitions add up, so
// every strategy, however it splits the work, must arrive at the server's figure.
//
// Pure C++ (no PostgreSQL or libpq headers): both halves include this one file, so
// the definition cannot drift. Test vectors: regress/data/checksum_vectors.tsv.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

// Inline XXH3 into each half: no runtime library to link or version-match.
#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL
#endif
#include <xxhash.h>

namespace benchlab {

inline constexpr std::uint32_t kNullLength = 0xFFFFFFFFu;

// Builds the byte image of one row into a caller-owned buffer, then hashes it in
// one shot (faster than XXH3's streaming state for rows of a few hundred bytes).
// Buffer needs: void append(const char*, std::size_t); void clear(); const char* data() const;
// std::size_t size() const. The client uses std::string, the extension a palloc'd buffer.
template <typename Buffer>
class RowEncoder {
 public:
  explicit RowEncoder(Buffer& buffer) : buffer_(buffer) { buffer_.clear(); }

  void add_value(const char* bytes, std::size_t length) {
    append_length(static_cast<std::uint32_t>(length));
    buffer_.append(bytes, length);
  }
  void add_null() { append_length(kNullLength); }

  [[nodiscard]] std::uint64_t finish() const { return XXH3_64bits(buffer_.data(), buffer_.size()); }
  // The row's byte image as built so far: what --digest sha256 hashes (set_digest.hpp).
  [[nodiscard]] const char* data() const { return buffer_.data(); }
  [[nodiscard]] std::size_t size() const { return buffer_.size(); }

 private:
  void append_length(std::uint32_t length) {
    const char le[4] = {static_cast<char>(length & 0xFFu), static_cast<char>((length >> 8) & 0xFFu),
                        static_cast<char>((length >> 16) & 0xFFu), static_cast<char>((length >> 24) & 0xFFu)};
    buffer_.append(le, sizeof le);
  }
  Buffer& buffer_;
};

// The checksum of a set of rows: order-independent and additive across partitions.
struct SetChecksum {
  std::uint64_t rows = 0;
  std::uint64_t sum = 0;  // wraps modulo 2^64 by unsigned arithmetic

  void add_row(std::uint64_t row_hash) {
    sum += row_hash;
    ++rows;
  }
  void merge(const SetChecksum& other) {
    sum += other.sum;
    rows += other.rows;
  }
  friend bool operator==(const SetChecksum&, const SetChecksum&) = default;
};

// SQL has no unsigned 64-bit type: the extension returns the sum as bigint with the
// same bits. These two make the round trip explicit.
[[nodiscard]] inline std::int64_t checksum_to_sql(std::uint64_t sum) {
  std::int64_t out;
  std::memcpy(&out, &sum, sizeof out);
  return out;
}
[[nodiscard]] inline std::uint64_t checksum_from_sql(std::int64_t sql) {
  std::uint64_t out;
  std::memcpy(&out, &sql, sizeof out);
  return out;
}

}  // namespace benchlab

// The benchlab audit-grade digest (--digest sha256) — one definition shared by the
// extension and the client, beside the xxh3 checksum of row_checksum.hpp.
//
// Per row: SHA-256 over exactly the bytes RowEncoder builds for the checksum (per
// column a 4-byte little-endian length, 0xFFFFFFFF for NULL, then the value's wire
// bytes). A set of rows: the sum of the 32-byte row digests, each read as a 256-bit
// big-endian unsigned integer, modulo 2^256, written as 64 lowercase hex digits.
// Like the checksum it is order-free and partitions add up, so every strategy,
// however it splits the work, arrives at the server's figure. What it protects and
// what it does not (a sum is not a sequential hash): docs/digest.md.
//
// Pure C++ (no PostgreSQL, libpq or OpenSSL headers): SHA-256 itself comes from each
// half's own library (PostgreSQL's cryptohash in the extension, OpenSSL EVP in the
// client); this file only adds and prints. Test vectors: regress/data/checksum_vectors.tsv.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace benchlab {

// Which per-row hash a run verifies with: xxh3 (the checksum, always computed) or,
// in addition, sha256 (the digest).
enum class DigestAlgorithm { xxh3, sha256 };

[[nodiscard]] constexpr std::string_view to_string(DigestAlgorithm a) {
  return a == DigestAlgorithm::sha256 ? "sha256" : "xxh3";
}
[[nodiscard]] constexpr std::optional<DigestAlgorithm> digest_algorithm_named(std::string_view name) {
  if (name == "xxh3") return DigestAlgorithm::xxh3;
  if (name == "sha256") return DigestAlgorithm::sha256;
  return std::nullopt;
}

inline constexpr std::size_t kDigestBytes = 32;
using RowDigest = std::array<std::uint8_t, kDigestBytes>;

// The digest of a set of rows: a 256-bit unsigned sum, big-endian (byte 0 most
// significant). Trivially copyable: forked workers put it in shared memory.
struct SetDigest {
  RowDigest sum{};  // all zero: the digest of no rows

  void add_row(const RowDigest& row) { add(row); }
  void add_row(const unsigned char* row) {
    RowDigest r;
    for (std::size_t i = 0; i < kDigestBytes; ++i) r[i] = row[i];
    add(r);
  }
  void merge(const SetDigest& other) { add(other.sum); }
  // The digest of the rows in this set and not in `earlier` (a reader's totals now
  // less its totals when a part began: the part's own share), modulo 2^256.
  [[nodiscard]] SetDigest minus(const SetDigest& earlier) const {
    RowDigest negated;  // two's complement: ~earlier + 1
    for (std::size_t i = 0; i < kDigestBytes; ++i) negated[i] = static_cast<std::uint8_t>(~earlier.sum[i]);
    RowDigest one{};
    one[kDigestBytes - 1] = 1;
    SetDigest out = *this;
    out.add(negated);
    out.add(one);
    return out;
  }
  [[nodiscard]] bool is_zero() const {
    for (const std::uint8_t b : sum)
      if (b != 0) return false;
    return true;
  }

  // 64 lowercase hex digits, most significant first, and a terminating NUL, into a
  // caller's buffer: allocates nothing (the extension calls it between PostgreSQL calls).
  void hex_into(char (&out)[2 * kDigestBytes + 1]) const {
    static constexpr char kHex[] = "0123456789abcdef";
    for (std::size_t i = 0; i < kDigestBytes; ++i) {
      out[2 * i] = kHex[sum[i] >> 4];
      out[2 * i + 1] = kHex[sum[i] & 0x0F];
    }
    out[2 * kDigestBytes] = '\0';
  }
  [[nodiscard]] std::string hex() const {
    char out[2 * kDigestBytes + 1];
    hex_into(out);
    return std::string(out, 2 * kDigestBytes);
  }
  // The inverse of hex(); nullopt unless exactly 64 hex digits (either case).
  [[nodiscard]] static std::optional<SetDigest> from_hex(std::string_view hex) {
    if (hex.size() != 2 * kDigestBytes) return std::nullopt;
    const auto nibble = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    SetDigest d;
    for (std::size_t i = 0; i < kDigestBytes; ++i) {
      const int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
      if (hi < 0 || lo < 0) return std::nullopt;
      d.sum[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    return d;
  }
  friend bool operator==(const SetDigest&, const SetDigest&) = default;

 private:
  // sum += v modulo 2^256: byte-wise from the least significant end, the carry out
  // of the top byte dropped.
  void add(const RowDigest& v) {
    unsigned carry = 0;
    for (std::size_t i = kDigestBytes; i-- > 0;) {
      const unsigned s = static_cast<unsigned>(sum[i]) + v[i] + carry;
      sum[i] = static_cast<std::uint8_t>(s & 0xFFu);
      carry = s >> 8;
    }
  }
};

}  // namespace benchlab

// The masks of --mask, computed where a value is decoded (docs/masking.md):
//   hash(v)  = hex(HMAC-SHA-256(K_hash, v)), 64 lower-case hex digits
//   token(v) = "tok_" + base32(first 10 bytes of HMAC-SHA-256(K_token, v)), 16 lower-case RFC 4648 characters
// with K_hash = HMAC-SHA-256(key, "benchlab-mask-hash-v1") and K_token =
// HMAC-SHA-256(key, "benchlab-mask-token-v1"): two keys derived from the one the
// user gives, so a token is never a prefix of the hash of the same value.
// v is the value's bytes as the server sent them, in the read's wire format.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "model/mask.hpp"

namespace benchlab::decode {

class Masker {
 public:
  explicit Masker(const std::string& key);
  ~Masker();
  Masker(Masker&&) noexcept;
  Masker& operator=(Masker&&) noexcept;
  Masker(const Masker&) = delete;
  Masker& operator=(const Masker&) = delete;

  // The mask of `length` bytes at `data`: a view into this Masker, valid until its next call.
  std::string_view mask(MaskMethod method, const char* data, std::size_t length);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace benchlab::decode

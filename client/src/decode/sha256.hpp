// SHA-256 of one row image at a time, for --digest sha256 (benchlab/set_digest.hpp):
// OpenSSL's EVP interface, one context and one fetched algorithm reused row after
// row (fetching or allocating per row would cost more than hashing a short row).
#pragma once

#include <cstddef>

#include "benchlab/set_digest.hpp"

namespace benchlab {

class Sha256 {
 public:
  Sha256();  // throws std::runtime_error when OpenSSL has no SHA-256 (or no memory)
  ~Sha256();
  Sha256(Sha256&& other) noexcept;
  Sha256& operator=(Sha256&& other) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  // The digest of `length` bytes at `data` (throws std::runtime_error on an OpenSSL failure).
  [[nodiscard]] RowDigest hash(const char* data, std::size_t length);

 private:
  void release() noexcept;
  void* md_ = nullptr;   // EVP_MD*
  void* ctx_ = nullptr;  // EVP_MD_CTX*
};

}  // namespace benchlab

#include "decode/sha256.hpp"

#include <openssl/evp.h>

#include <stdexcept>
#include <utility>

namespace benchlab {

Sha256::Sha256() {
  md_ = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  ctx_ = EVP_MD_CTX_new();
  if (md_ == nullptr || ctx_ == nullptr) {
    release();
    throw std::runtime_error("OpenSSL has no SHA-256 available (EVP_MD_fetch)");
  }
}

Sha256::~Sha256() { release(); }

Sha256::Sha256(Sha256&& other) noexcept
    : md_(std::exchange(other.md_, nullptr)), ctx_(std::exchange(other.ctx_, nullptr)) {}

Sha256& Sha256::operator=(Sha256&& other) noexcept {
  if (this != &other) {
    release();
    md_ = std::exchange(other.md_, nullptr);
    ctx_ = std::exchange(other.ctx_, nullptr);
  }
  return *this;
}

void Sha256::release() noexcept {
  EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_));
  EVP_MD_free(static_cast<EVP_MD*>(md_));
  ctx_ = md_ = nullptr;
}

RowDigest Sha256::hash(const char* data, std::size_t length) {
  auto* ctx = static_cast<EVP_MD_CTX*>(ctx_);
  RowDigest out;
  unsigned int written = 0;
  if (EVP_DigestInit_ex2(ctx, static_cast<const EVP_MD*>(md_), nullptr) != 1 ||
      EVP_DigestUpdate(ctx, data, length) != 1 || EVP_DigestFinal_ex(ctx, out.data(), &written) != 1 ||
      written != out.size())
    throw std::runtime_error("OpenSSL's SHA-256 of a row failed");
  return out;
}

}  // namespace benchlab

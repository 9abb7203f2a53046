#include "decode/mask.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <array>
#include <stdexcept>
#include <string>

namespace benchlab::decode {
namespace {

constexpr std::size_t kMacBytes = 32;
constexpr std::size_t kTokenBytes = 10;  // 80 bits: 16 base32 characters

struct MacFree {
  void operator()(EVP_MAC* m) const { EVP_MAC_free(m); }
  void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};
using MacPtr = std::unique_ptr<EVP_MAC, MacFree>;
using CtxPtr = std::unique_ptr<EVP_MAC_CTX, MacFree>;

[[noreturn]] void openssl_failed(const char* what) {
  // OpenSSL's own error queue is not quoted: nothing of the key or a value goes into a message.
  throw std::runtime_error(std::string("masking: OpenSSL ") + what + " failed");
}

// An HMAC-SHA-256 context keyed with `key`; EVP_MAC_init(ctx, nullptr, …) restarts it with the same key.
CtxPtr keyed(EVP_MAC* mac, const unsigned char* key, std::size_t length) {
  CtxPtr ctx(EVP_MAC_CTX_new(mac));
  if (!ctx) openssl_failed("EVP_MAC_CTX_new");
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_construct_end()};
  if (EVP_MAC_init(ctx.get(), key, length, params) != 1) openssl_failed("EVP_MAC_init");
  return ctx;
}

void run(EVP_MAC_CTX* ctx, const void* data, std::size_t length, std::array<unsigned char, kMacBytes>& out) {
  std::size_t written = 0;
  if (EVP_MAC_init(ctx, nullptr, 0, nullptr) != 1 ||
      EVP_MAC_update(ctx, static_cast<const unsigned char*>(data), length) != 1 ||
      EVP_MAC_final(ctx, out.data(), &written, out.size()) != 1 || written != kMacBytes)
    openssl_failed("HMAC-SHA-256");
}

}  // namespace

struct Masker::Impl {
  MacPtr mac;
  CtxPtr hash, token;  // keyed with K_hash and K_token
  std::array<unsigned char, kMacBytes> out{};
  std::string text;
};

Masker::Masker(const std::string& key) : impl_(std::make_unique<Impl>()) {
  impl_->mac.reset(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  if (!impl_->mac) openssl_failed("EVP_MAC_fetch(HMAC)");
  const CtxPtr root = keyed(impl_->mac.get(), reinterpret_cast<const unsigned char*>(key.data()), key.size());
  std::array<unsigned char, kMacBytes> derived{};
  constexpr std::string_view kHashLabel = "benchlab-mask-hash-v1", kTokenLabel = "benchlab-mask-token-v1";
  run(root.get(), kHashLabel.data(), kHashLabel.size(), derived);
  impl_->hash = keyed(impl_->mac.get(), derived.data(), derived.size());
  run(root.get(), kTokenLabel.data(), kTokenLabel.size(), derived);
  impl_->token = keyed(impl_->mac.get(), derived.data(), derived.size());
  derived.fill(0);
  impl_->text.reserve(2 * kMacBytes);
}

Masker::~Masker() = default;
Masker::Masker(Masker&&) noexcept = default;
Masker& Masker::operator=(Masker&&) noexcept = default;

std::string_view Masker::mask(MaskMethod method, const char* data, std::size_t length) {
  Impl& m = *impl_;
  m.text.clear();
  if (method == MaskMethod::hash) {
    run(m.hash.get(), data, length, m.out);
    constexpr char kHex[] = "0123456789abcdef";
    for (const unsigned char b : m.out) {
      m.text.push_back(kHex[b >> 4]);
      m.text.push_back(kHex[b & 15]);
    }
    return m.text;
  }
  run(m.token.get(), data, length, m.out);
  constexpr char kBase32[] = "abcdefghijklmnopqrstuvwxyz234567";
  m.text = "tok_";
  // 10 bytes = 80 bits = 16 groups of 5 bits, most significant first (RFC 4648 order).
  for (std::size_t group = 0; group < kTokenBytes * 8 / 5; ++group) {
    unsigned v = 0;
    for (std::size_t bit = group * 5; bit < group * 5 + 5; ++bit)
      v = (v << 1) | ((m.out[bit / 8] >> (7 - bit % 8)) & 1U);
    m.text.push_back(kBase32[v]);
  }
  return m.text;
}

}  // namespace benchlab::decode

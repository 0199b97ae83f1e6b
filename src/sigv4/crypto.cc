#include "sigv4/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstdlib>

namespace iamd::sigv4 {
namespace {

constexpr std::size_t kBlock = 64;

const EVP_MD* sha256_md() {
  // Fetched once and kept for the life of the process.
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (md == nullptr) std::abort();
  return md;
}

// One digest context per thread, re-initialised for every hash.
class ThreadDigest {
 public:
  ThreadDigest() : ctx_(EVP_MD_CTX_new()) {
    if (ctx_ == nullptr) std::abort();
  }
  ~ThreadDigest() { EVP_MD_CTX_free(ctx_); }
  ThreadDigest(const ThreadDigest&) = delete;
  ThreadDigest& operator=(const ThreadDigest&) = delete;

  // OpenSSL fails here only on allocation failure or a broken provider, which leaves no sane
  // way to continue; a verifier must never answer "valid" by accident, so it stops.
  void init() { check(EVP_DigestInit_ex2(ctx_, sha256_md(), nullptr)); }
  void update(const void* data, std::size_t size) {
    if (size > 0) check(EVP_DigestUpdate(ctx_, data, size));
  }
  Digest final() {
    Digest out;
    unsigned int n = 0;
    check(EVP_DigestFinal_ex(ctx_, out.data(), &n));
    if (n != out.size()) std::abort();
    return out;
  }

 private:
  static void check(int ok) {
    if (ok != 1) std::abort();
  }
  EVP_MD_CTX* ctx_;
};

ThreadDigest& thread_digest() {
  thread_local ThreadDigest d;
  return d;
}

}  // namespace

Digest sha256(std::string_view data) {
  ThreadDigest& d = thread_digest();
  d.init();
  d.update(data.data(), data.size());
  return d.final();
}

Digest hmac_sha256(std::span<const std::uint8_t> key, std::string_view message) {
  std::array<std::uint8_t, kBlock> pad{};
  if (key.size() > kBlock) {
    Digest hashed = sha256(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()));
    std::copy(hashed.begin(), hashed.end(), pad.begin());
  } else {
    std::copy(key.begin(), key.end(), pad.begin());
  }
  for (auto& b : pad) b ^= 0x36;
  ThreadDigest& d = thread_digest();
  d.init();
  d.update(pad.data(), pad.size());
  d.update(message.data(), message.size());
  Digest inner = d.final();
  for (auto& b : pad) b ^= 0x36 ^ 0x5c;
  d.init();
  d.update(pad.data(), pad.size());
  d.update(inner.data(), inner.size());
  Digest out = d.final();
  OPENSSL_cleanse(pad.data(), pad.size());
  return out;
}

Digest derive_signing_key(std::string_view secret, std::string_view date, std::string_view region,
                          std::string_view service) {
  std::string k = "AWS4";
  k.append(secret);
  Digest key = hmac_sha256(std::span(reinterpret_cast<const std::uint8_t*>(k.data()), k.size()), date);
  OPENSSL_cleanse(k.data(), k.size());
  key = hmac_sha256(key, region);
  key = hmac_sha256(key, service);
  return hmac_sha256(key, "aws4_request");
}

void append_hex(std::span<const std::uint8_t> bytes, std::string& out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (std::uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  append_hex(bytes, out);
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace iamd::sigv4

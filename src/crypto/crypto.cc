#include "crypto/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstring>
#include <memory>

namespace iamd::crypto {

using common::Error;
using common::Random;
using common::Result;

namespace {

// RAND_bytes only fails when the OS entropy source is unusable: nothing can continue.
void rand_bytes(std::uint8_t* out, std::size_t n) {
  if (RAND_bytes(out, static_cast<int>(n)) != 1) std::abort();
}

// Bytes of OpenSSL's generator drawn ahead, per thread. Each RAND_bytes call costs a lock,
// a getpid() system call (OpenSSL's fork check) and a DRBG step whatever its size, and ids
// and secrets are drawn a byte at a time (common/ids.h: rejection sampling), so one
// AssumeRole made ~70 calls. Bytes handed out are wiped from the buffer. [IMPL] The process
// never forks after it starts drawing (a forked child would share the buffered bytes).
struct RandomBuffer {
  static constexpr std::size_t kSize = 256;
  std::uint8_t bytes[kSize];
  std::size_t next = kSize;  // empty
  ~RandomBuffer() { OPENSSL_cleanse(bytes, kSize); }
};
thread_local RandomBuffer random_buffer;

}  // namespace

void OsRandom::fill(std::uint8_t* out, std::size_t n) {
  if (n > RandomBuffer::kSize / 4) {
    rand_bytes(out, n);
    return;
  }
  RandomBuffer& b = random_buffer;
  if (RandomBuffer::kSize - b.next < n) {
    rand_bytes(b.bytes, RandomBuffer::kSize);
    b.next = 0;
  }
  std::memcpy(out, b.bytes + b.next, n);
  OPENSSL_cleanse(b.bytes + b.next, n);
  b.next += n;
}

std::string sha256(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(md), len);
}

bool constant_time_equals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

namespace {

constexpr std::size_t kNonce = 12;
constexpr std::size_t kTag = 16;
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const unsigned char* u8(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// AES-256-GCM, fetched once: OpenSSL 3 looks the cipher up by name on every init given
// EVP_aes_256_gcm() (string compares, parameter lists) and expands the key each time. Per
// thread, one context per direction keeps the last key's schedule, so sealing or opening with
// the same key again (the token key, the master key) only sets the nonce. A context that
// failed is fully initialized again before its next use.
const EVP_CIPHER* aes_256_gcm() {
  static EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  return cipher;
}

struct GcmContext {
  CipherCtx ctx{EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free};
  unsigned char key[kSealKeySize] = {};
  bool keyed = false;
  ~GcmContext() { OPENSSL_cleanse(key, sizeof key); }
};
thread_local GcmContext encrypt_context;
thread_local GcmContext decrypt_context;

// The context of `g` ready for one message under `key` and `nonce` (null when it cannot be).
EVP_CIPHER_CTX* gcm_begin(GcmContext& g, bool encrypt, std::string_view key, const unsigned char* nonce) {
  if (!g.ctx || aes_256_gcm() == nullptr) return nullptr;
  const int enc = encrypt ? 1 : 0;
  if (g.keyed && CRYPTO_memcmp(g.key, key.data(), kSealKeySize) == 0) {
    if (EVP_CipherInit_ex(g.ctx.get(), nullptr, nullptr, nullptr, nonce, enc) == 1) return g.ctx.get();
  }
  g.keyed = false;
  if (EVP_CipherInit_ex(g.ctx.get(), aes_256_gcm(), nullptr, u8(key), nonce, enc) != 1) return nullptr;
  std::memcpy(g.key, key.data(), kSealKeySize);
  g.keyed = true;
  return g.ctx.get();
}

}  // namespace

Result<std::string> seal(std::string_view key, std::string_view plaintext, std::string_view associated,
                         Random& random) {
  if (key.size() != kSealKeySize) return Error{"InvalidKey", "the sealing key must be 32 bytes", ""};
  std::string out(kNonce + plaintext.size() + kTag, '\0');
  auto* buf = reinterpret_cast<unsigned char*>(out.data());
  random.fill(buf, kNonce);
  GcmContext& g = encrypt_context;
  EVP_CIPHER_CTX* ctx = gcm_begin(g, true, key, buf);
  int len = 0;
  if (ctx == nullptr ||
      EVP_EncryptUpdate(ctx, nullptr, &len, u8(associated), static_cast<int>(associated.size())) != 1 ||
      EVP_EncryptUpdate(ctx, buf + kNonce, &len, u8(plaintext), static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx, buf + kNonce + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, kTag, buf + kNonce + plaintext.size()) != 1) {
    g.keyed = false;
    return Error{"EncryptionFailed", "AES-256-GCM encryption failed", ""};
  }
  return out;
}

Result<std::string> open_sealed(std::string_view key, std::string_view sealed, std::string_view associated) {
  if (key.size() != kSealKeySize) return Error{"InvalidKey", "the sealing key must be 32 bytes", ""};
  if (sealed.size() < kNonce + kTag) return Error{"DecryptionFailed", "sealed data is too short", ""};
  std::size_t n = sealed.size() - kNonce - kTag;
  std::string out(n, '\0');
  std::string tag(sealed.substr(kNonce + n));
  GcmContext& g = decrypt_context;
  EVP_CIPHER_CTX* ctx = gcm_begin(g, false, key, u8(sealed));
  int len = 0;
  if (ctx == nullptr ||
      EVP_DecryptUpdate(ctx, nullptr, &len, u8(associated), static_cast<int>(associated.size())) != 1 ||
      EVP_DecryptUpdate(ctx, reinterpret_cast<unsigned char*>(out.data()), &len, u8(sealed) + kNonce,
                        static_cast<int>(n)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, kTag, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx, reinterpret_cast<unsigned char*>(out.data()) + len, &len) != 1) {
    g.keyed = false;
    OPENSSL_cleanse(out.data(), out.size());
    return Error{"DecryptionFailed", "the sealed data does not open with this key", ""};
  }
  return out;
}

// ---- One-time passwords and key fingerprints ----

std::string hmac_sha1(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), u8(data), data.size(), md, &len);
  return std::string(reinterpret_cast<char*>(md), len);
}

std::string derive_key(std::string_view master, std::string_view purpose) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  const std::string info = std::string(purpose) + '\x01';  // HKDF-Expand's single block (RFC 5869 §2.3)
  HMAC(EVP_sha256(), master.data(), static_cast<int>(master.size()), u8(info), info.size(), md, &len);
  return std::string(reinterpret_cast<char*>(md), len);
}

std::string md5(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_md5(), nullptr);
  return std::string(reinterpret_cast<char*>(md), len);
}

std::string hotp(std::string_view secret, std::uint64_t counter, int digits) {
  std::string message(8, '\0');
  for (int i = 7; i >= 0; --i) {
    message[static_cast<std::size_t>(i)] = static_cast<char>(counter & 0xff);
    counter >>= 8;
  }
  const std::string mac = hmac_sha1(secret, message);
  // Dynamic truncation (RFC 4226 §5.3).
  const std::size_t offset = static_cast<unsigned char>(mac[19]) & 0x0f;
  const std::uint32_t binary = (static_cast<std::uint32_t>(static_cast<unsigned char>(mac[offset]) & 0x7f) << 24) |
                               (static_cast<std::uint32_t>(static_cast<unsigned char>(mac[offset + 1])) << 16) |
                               (static_cast<std::uint32_t>(static_cast<unsigned char>(mac[offset + 2])) << 8) |
                               static_cast<std::uint32_t>(static_cast<unsigned char>(mac[offset + 3]));
  std::uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  std::string code = std::to_string(binary % modulus);
  const auto width = static_cast<std::size_t>(digits);
  if (code.size() < width) code.insert(0, width - code.size(), '0');
  return code;
}

std::int64_t totp_step(std::int64_t unix_seconds, int step_seconds) {
  std::int64_t step = unix_seconds / step_seconds;
  if (unix_seconds % step_seconds < 0) --step;  // floor for times before the epoch
  return step;
}

std::string totp(std::string_view secret, std::int64_t unix_seconds, int digits, int step_seconds) {
  return hotp(secret, static_cast<std::uint64_t>(totp_step(unix_seconds, step_seconds)), digits);
}

}  // namespace iamd::crypto

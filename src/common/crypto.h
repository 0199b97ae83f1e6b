// Cryptography the server needs outside SigV4, with OpenSSL kept inside common/crypto.cc:
// secure randomness behind an injectable interface, SHA-256, and AES-256-GCM sealing for
// secrets at rest (access key secrets under the master key) and sealed session tokens.
// Thread-safety: free functions are thread-safe; OsRandom is thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace iamd::common {

// Randomness is injected, so ids, keys and nonces are deterministic in tests.
class Random {
 public:
  virtual ~Random() = default;
  virtual void fill(std::uint8_t* out, std::size_t n) = 0;
  std::string bytes(std::size_t n);
};

// The operating system's CSPRNG (OpenSSL RAND_bytes).
class OsRandom final : public Random {
 public:
  void fill(std::uint8_t* out, std::size_t n) override;
};

// A deterministic generator for tests (splitmix64); never for production secrets.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(std::uint64_t seed) : state_(seed) {}
  void fill(std::uint8_t* out, std::size_t n) override;

 private:
  std::uint64_t state_;
};

std::string sha256(std::string_view data);   // 32 raw bytes
std::string to_hex(std::string_view bytes);  // lowercase
bool constant_time_equals(std::string_view a, std::string_view b);

// AES-256-GCM with a 96-bit random nonce. The sealed form is nonce | ciphertext | tag;
// `associated` is authenticated but not encrypted (bind a secret to its owner's id).
inline constexpr std::size_t kSealKeySize = 32;
Result<std::string> seal(std::string_view key, std::string_view plaintext, std::string_view associated, Random& random);
// Fails with code "DecryptionFailed" when the key, data or associated data do not match.
Result<std::string> open_sealed(std::string_view key, std::string_view sealed, std::string_view associated);

}  // namespace iamd::common

// Cryptography the server needs outside SigV4, with OpenSSL kept inside crypto/crypto.cc:
// the operating system's randomness behind common::Random, SHA-256, and AES-256-GCM sealing
// for secrets at rest (access key secrets under the master key) and sealed session tokens.
// Outside common, so the policy engine links no OpenSSL (test: engine_links).
// Thread-safety: free functions are thread-safe; OsRandom is thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/random.h"
#include "common/result.h"

namespace iamd::crypto {

// The operating system's CSPRNG (OpenSSL RAND_bytes).
class OsRandom final : public common::Random {
 public:
  void fill(std::uint8_t* out, std::size_t n) override;
};

std::string sha256(std::string_view data);  // 32 raw bytes
bool constant_time_equals(std::string_view a, std::string_view b);

// AES-256-GCM with a 96-bit random nonce. The sealed form is nonce | ciphertext | tag;
// `associated` is authenticated but not encrypted (bind a secret to its owner's id).
inline constexpr std::size_t kSealKeySize = 32;
common::Result<std::string> seal(std::string_view key, std::string_view plaintext, std::string_view associated,
                                 common::Random& random);
// Fails with code "DecryptionFailed" when the key, data or associated data do not match.
common::Result<std::string> open_sealed(std::string_view key, std::string_view sealed, std::string_view associated);

// A 32-byte key for one purpose derived from a master key (HKDF-Expand with HMAC-SHA256,
// RFC 5869, one block; the master key is already uniformly random, so no extract step):
// keys for different purposes are independent, and none reveals the master key.
std::string derive_key(std::string_view master, std::string_view purpose);

// ---- One-time passwords and key fingerprints (MFA devices, SSH public keys) ----
// HMAC-SHA1 (RFC 2104): 20 raw bytes, the MAC of HOTP/TOTP.
std::string hmac_sha1(std::string_view key, std::string_view data);
// MD5: 16 raw bytes. Only for fingerprints AWS defines with it (SSH public keys), never for
// security.
std::string md5(std::string_view data);
// HOTP (RFC 4226): the code of `counter` under `secret`, `digits` decimal digits zero-padded.
std::string hotp(std::string_view secret, std::uint64_t counter, int digits = 6);
// The TOTP time step (RFC 6238) of a Unix time: floor(unix_seconds / step_seconds).
std::int64_t totp_step(std::int64_t unix_seconds, int step_seconds = 30);
// TOTP (RFC 6238) with HMAC-SHA1: the HOTP of totp_step(unix_seconds, step_seconds).
std::string totp(std::string_view secret, std::int64_t unix_seconds, int digits = 6, int step_seconds = 30);
// ---- end of One-time passwords and key fingerprints ----

}  // namespace iamd::crypto

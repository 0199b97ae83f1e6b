// SHA-256 and HMAC-SHA256 for SigV4, with OpenSSL kept inside crypto.cc.
//
// Speed (../shared/bench/results.md): OpenSSL 3's one-shot calls (`HMAC()`,
// `EVP_Digest(EVP_sha256())`) fetch the algorithm on every call. Here the EVP_MD is fetched
// once per process and each thread reuses one EVP_MD_CTX; HMAC is built on that digest
// (RFC 2104). OpenSSL 3.0 still re-creates the provider's digest state on every
// EVP_DigestInit_ex2 (and on EVP_MD_CTX_copy_ex): one small allocation per digest, two per
// HMAC, measured with CRYPTO_set_mem_functions; the EVP API offers no way around it.
// Thread-safety: every function may be called from any thread concurrently.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace iamd::sigv4 {

using Digest = std::array<std::uint8_t, 32>;

Digest sha256(std::string_view data);
Digest hmac_sha256(std::span<const std::uint8_t> key, std::string_view message);
inline Digest hmac_sha256(const Digest& key, std::string_view message) {
  return hmac_sha256(std::span<const std::uint8_t>(key), message);
}

// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
Digest derive_signing_key(std::string_view secret, std::string_view date, std::string_view region,
                          std::string_view service);

// Lowercase hex.
void append_hex(std::span<const std::uint8_t> bytes, std::string& out);
std::string to_hex(std::span<const std::uint8_t> bytes);

// Equal length and equal bytes, in time that depends only on the length (CRYPTO_memcmp).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace iamd::sigv4

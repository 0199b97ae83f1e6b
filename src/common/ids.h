// AWS-shaped identifiers (identifiers.md §3): unique ids (AIDA.., AROA.., ANPA.., ...),
// access key ids (AKIA.., ASIA..) and secret access keys, drawn from injected randomness.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/random.h"

namespace iamd::common {

// `prefix` + 17 characters of the base32 alphabet A-Z2-7: 21 characters for unique ids.
std::string make_unique_id(std::string_view prefix, Random& random);
// `prefix` (AKIA/ASIA) + 16 base32 characters: 20 characters.
std::string make_access_key_id(std::string_view prefix, Random& random);
// The same, with the owning account encoded as AWS encodes it [OBS] (identifiers.md §3: the
// 16 characters are 80 bits; bits 1-40 of the first 48, big-endian, hold the 12-digit
// account id; the rest is random), so that sts:GetAccessKeyInfo answers from the id alone.
// `account_id` must be 12 decimal digits.
std::string make_access_key_id(std::string_view prefix, std::string_view account_id, Random& random);
// The account an access key id encodes (12 digits, zero-padded), or nothing when the id
// is not 20 characters of an AKIA/ASIA-style prefix and base32.
std::optional<std::string> account_of_access_key_id(std::string_view access_key_id);
// 40 characters of the base64 alphabet, as AWS's secret access keys.
std::string make_secret_access_key(Random& random);
// 12 random decimal digits, not starting with 0.
std::string make_account_id(Random& random);
// A random (version 4) UUID in its lowercase 8-4-4-4-12 form: request ids, deletion task ids.
std::string make_uuid(Random& random);

// Request ids at the rate of every request: version-4-shaped UUIDs drawn without a lock
// from a 128-bit key taken once from `random` and a counter, through a mixing function.
// Unique within the sequence and unpredictable without the key; not for secrets.
class RequestIds {
 public:
  explicit RequestIds(Random& random);
  std::string next();

 private:
  std::uint64_t key_[2];
  std::atomic<std::uint64_t> counter_{0};
};

}  // namespace iamd::common

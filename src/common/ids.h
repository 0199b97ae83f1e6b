// AWS-shaped identifiers (identifiers.md §3): unique ids (AIDA.., AROA.., ANPA.., ...),
// access key ids (AKIA.., ASIA..) and secret access keys, drawn from injected randomness.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/random.h"

namespace iamd::common {

// `prefix` + 17 characters of the base32 alphabet A-Z2-7: 21 characters for unique ids.
std::string make_unique_id(std::string_view prefix, Random& random);
// `prefix` (AKIA/ASIA) + 16 base32 characters: 20 characters.
std::string make_access_key_id(std::string_view prefix, Random& random);
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

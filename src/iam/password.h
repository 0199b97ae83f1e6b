// Console passwords: Argon2id hashes in the PHC string format ($argon2id$v=19$m=...,t=...,p=...$salt$hash),
// never the password itself. Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/random.h"
#include "common/result.h"

namespace iamd::iam {

struct Argon2Params {
  unsigned time_cost = 2;           // iterations
  unsigned memory_kib = 19 * 1024;  // OWASP's minimum recommendation for Argon2id
  unsigned parallelism = 1;
};

common::Result<std::string> hash_password(std::string_view password, common::Random& random,
                                          const Argon2Params& params = {});
// True when `password` matches the encoded hash; false for a mismatch or a malformed hash.
bool verify_password(std::string_view password, const std::string& encoded_hash);

}  // namespace iamd::iam

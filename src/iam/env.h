// The environment every family of the IAM domain works in: references to the store, clock,
// randomness, keys, catalogue and quotas, shared by all of them (one per server).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/random.h"
#include "common/time.h"
#include "crypto/key_ring.h"
#include "iam/catalog.h"
#include "iam/password.h"
#include "iam/quotas.h"
#include "store/store.h"

namespace iamd::iam {

using common::Result;

inline constexpr std::string_view kLimitExceeded = "LimitExceeded";
inline constexpr std::string_view kMalformedPolicy = "MalformedPolicyDocument";

struct DomainEnv {
  store::Store* store = nullptr;
  const common::Clock* clock = nullptr;
  common::Random* random = nullptr;  // thread-safe (password salts are drawn outside transactions)
  // The master keys (crypto/key_ring.h): the current one seals access key secrets, MFA seeds
  // and service passwords; every key of the ring opens them.
  crypto::KeyRing master_key;
  std::string partition = "aws";
  const ManagedCatalog* catalog = nullptr;
  Quotas quotas;  // AWS's defaults unless configured
  // Console passwords; null: Argon2id with the default parameters.
  const PasswordHasher* passwords = nullptr;
  // Seconds between writes of the last accessed information (AccessTracker).
  std::int64_t last_accessed_interval = 60;
};

}  // namespace iamd::iam

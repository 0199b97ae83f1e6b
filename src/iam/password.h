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

// How the domain hashes and checks console passwords; injectable so that tests can run fast
// and see when hashing happens. Hashing costs tens of milliseconds by design: the domain
// never calls it while a store write transaction is open (the single writer would wait).
// Implementations are thread-safe.
class PasswordHasher {
 public:
  virtual ~PasswordHasher() = default;
  virtual common::Result<std::string> hash(std::string_view password, common::Random& random) const = 0;
  virtual bool verify(std::string_view password, const std::string& encoded_hash) const = 0;
};

// Argon2id with `params` (hash_password, verify_password).
class Argon2idHasher final : public PasswordHasher {
 public:
  explicit Argon2idHasher(Argon2Params params = {}) : params_(params) {}
  common::Result<std::string> hash(std::string_view password, common::Random& random) const override {
    return hash_password(password, random, params_);
  }
  bool verify(std::string_view password, const std::string& encoded_hash) const override {
    return verify_password(password, encoded_hash);
  }

 private:
  Argon2Params params_;
};

}  // namespace iamd::iam

#include "iam/password.h"

#include <argon2.h>

#include <vector>

namespace iamd::iam {

common::Result<std::string> hash_password(std::string_view password, common::Random& random, const Argon2Params& p) {
  constexpr std::size_t kSalt = 16, kHash = 32;
  std::string salt = random.bytes(kSalt);
  std::size_t len = argon2_encodedlen(p.time_cost, p.memory_kib, p.parallelism, kSalt, kHash, Argon2_id);
  std::vector<char> encoded(len);
  int rc = argon2id_hash_encoded(p.time_cost, p.memory_kib, p.parallelism, password.data(), password.size(),
                                 salt.data(), kSalt, kHash, encoded.data(), len);
  if (rc != ARGON2_OK) return common::Error{"ServiceFailure", argon2_error_message(rc), ""};
  return std::string(encoded.data());
}

bool verify_password(std::string_view password, const std::string& encoded_hash) {
  return argon2id_verify(encoded_hash.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace iamd::iam

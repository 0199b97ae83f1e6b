// STS sessions and their sealed tokens (DESIGN.md decision 3, evaluation.md §4).
//
// A session is what temporary credentials stand for: who it is (a user's GetSessionToken
// session, a role session, a federated user), in which account, until when, with which MFA
// state, session policies and tags, and the temporary secret itself. It is not stored: the
// session token handed out with the credentials is the session sealed with AES-256-GCM under
// the server's token key, bound to the temporary access key id (the associated data), so
// that any node holding the key verifies a request signed with the credentials without a
// store read, and a token presented with any other access key id, altered, truncated or
// sealed under another key does not open.
//
// Token layout [IMPL]: base64 of  'I' | version | sealed, the sealed form of
// crypto::KeyRing: version 2 names the master key that sealed it (key id, then nonce (12) |
// ciphertext | tag (16)); version 1 (before key rings) is nonce | ciphertext | tag and opens
// under any key of the ring. The plaintext is the fields below in a fixed order, each a
// varint length and bytes. A token sealed under a key the ring no longer holds does not open.
// Thread-safety: TokenSealer is immutable after construction; seal/open are thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/random.h"
#include "common/result.h"
#include "common/time.h"
#include "crypto/key_ring.h"

namespace iamd::sts {

enum class SessionKind : std::uint8_t {
  kUser = 1,       // GetSessionToken: the same user (or root), with the MFA state of the call
  kRole = 2,       // AssumeRole*: a role session
  kFederated = 3,  // GetFederationToken: a federated user
};

struct Session {
  SessionKind kind = SessionKind::kUser;
  std::string account_id;
  std::string access_key_id;  // ASIA...
  std::string secret_access_key;
  common::Timestamp issued;
  common::Timestamp expires;
  // kUser: the user's id (empty for the root user) and name; kRole: the role's id, name and
  // ARN; kFederated: the calling user's id and the federated name.
  std::string principal_id;
  std::string principal_name;
  std::string principal_arn;
  std::string session_name;  // kRole: RoleSessionName
  bool mfa = false;          // created with a validated MFA code (or inherited)
  common::Timestamp mfa_time;
  std::string source_identity;
  std::string policy;                    // inline session policy (JSON text), empty when none
  std::vector<std::string> policy_arns;  // managed session policies
  std::vector<std::pair<std::string, std::string>> tags;
  std::vector<std::string> transitive_tag_keys;
};

// ExpiredToken "The security token included in the request is expired" (403) [OBS].
common::Error expired_token();

inline constexpr std::string_view kTokenDoesNotOpen = "TokenDoesNotOpen";

class TokenSealer {
 public:
  // `keys`: the token keys (the master keys' ring derived for tokens); the current seals.
  explicit TokenSealer(crypto::KeyRing keys);

  common::Result<std::string> seal(const Session& session, common::Random& random) const;
  // The session of `token` when it opens under a key of the ring and was sealed for `access_key_id`;
  // an error with code kTokenDoesNotOpen otherwise (the caller answers InvalidClientTokenId).
  // Expiry is the caller's check (it has the clock).
  common::Result<Session> open(std::string_view access_key_id, std::string_view token) const;

 private:
  crypto::KeyRing keys_;
};

}  // namespace iamd::sts

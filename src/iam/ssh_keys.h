// SSH public keys of users, for CodeCommit (ssh_keys.cc), each function one step of a unit of
// work (iam/scope.h). Kept as store::Resource kSshPublicKey records: id = name = APKA...,
// owner = the user. RSA keys of at least 2048 bits, given as an ssh-rsa line or PEM; 5 per
// user (identifiers.md §5); the same key twice for a user is DuplicateSSHPublicKey.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "iam/env.h"
#include "iam/scope.h"
#include "iam/types.h"

namespace iamd::iam {

class SshKeys {
 public:
  explicit SshKeys(const DomainEnv& env) : env_(env) {}

  struct SshPublicKey {
    std::string id;  // APKA...
    std::string user_name;
    std::string fingerprint;  // MD5 of the key, aa:bb:...
    std::string body;         // as uploaded, or converted by get_ssh_public_key
    store::AccessKeyStatus status = store::AccessKeyStatus::kActive;
    common::Timestamp upload_date;
  };
  enum class SshKeyEncoding { kSsh, kPem };
  Result<SshPublicKey> upload_ssh_public_key(const Write& wr, std::string_view user_name, std::string_view body);
  // The key with its body in `encoding` (as uploaded when that was the encoding given).
  Result<SshPublicKey> get_ssh_public_key(const Read& rd, std::string_view user_name, std::string_view key_id,
                                          SshKeyEncoding encoding);
  // `user_name` empty: the root user's (it has none).
  Result<store::Page<SshPublicKey>> list_ssh_public_keys(const Read& rd, std::string_view user_name,
                                                         const store::ListOptions& options);
  Result<void> update_ssh_public_key(const Write& wr, std::string_view user_name, std::string_view key_id,
                                     store::AccessKeyStatus status);
  Result<void> delete_ssh_public_key(const Write& wr, std::string_view user_name, std::string_view key_id);

 private:
  const DomainEnv& env_;
};

}  // namespace iamd::iam

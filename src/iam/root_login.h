// The root user's console sign-in (the console's sign-up and root sign-in, docs/console.md):
// the account's root email address, unique across the server as AWS's are, the account's
// name, and the Argon2id hash of the root password. Kept as one store::Resource
// kRootLogin record per account: id = the email address in lower case (so the store keeps it
// unique and finds it), name = the email address as given, body = the encoded rest. Each
// function is one step of the caller's transaction (iam/scope.h); hashing is the caller's,
// outside any write transaction (Accounts::hash_password).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/time.h"
#include "iam/env.h"
#include "iam/scope.h"

namespace iamd::iam {

struct RootLogin {
  std::string account_id;
  std::string email;         // as given at sign-up
  std::string account_name;  // AWS's "AWS account name"
  std::string password_hash;
  common::Timestamp create_date;
  std::optional<common::Timestamp> password_last_used;
};

class RootLogins {
 public:
  explicit RootLogins(const DomainEnv& env) : env_(env) {}

  // [AWS] The root user's email address: 6 to 64 characters, one '@', a dot in the domain, no
  // white space. The account name: 1 to 50 printable ASCII characters. The root password: 8
  // to 128 characters with at least three of upper case, lower case, digits and symbols.
  // InvalidInput with the rule broken (PasswordPolicyViolation for the password).
  static Result<void> check_email(std::string_view email);
  static Result<void> check_account_name(std::string_view name);
  static Result<void> check_password(std::string_view password);

  // The root sign-in whose email is `email` (any case), NotFound when none.
  Result<RootLogin> find_by_email(const Read& rd, std::string_view email);
  // The root sign-in of the account of `rd`; empty when the account has none.
  Result<std::optional<RootLogin>> of_account(const Read& rd);
  // Makes the root sign-in of the account of `wr` (which must exist): AlreadyExists
  // (EmailAlreadyExists) when another account has the email, or this one a sign-in already.
  Result<void> create(const Write& wr, std::string_view email, std::string_view account_name, std::string_view hash);
  // A new password hash for the account's root sign-in (NotFound when it has none).
  Result<void> set_password(const Write& wr, std::string_view hash);
  // Records a successful sign-in (PasswordLastUsed of the root user).
  Result<void> record_sign_in(const Write& wr);

 private:
  const DomainEnv& env_;
};

}  // namespace iamd::iam

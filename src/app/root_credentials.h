// The root user's access key at start-up (docs/operations.md, "Rotating the root access
// key"). `<data>/root-credentials` holds the account id and root key, and a marker of the
// key last applied to the store; `<data>/aws-credentials` holds the same key as an aws CLI
// shared-credentials file (profile [iamd], region us-east-1).
//
// [IMPL] The rule: the configured credentials (IAMD_ACCOUNT_ID, IAMD_ROOT_ACCESS_KEY_ID,
// IAMD_ROOT_SECRET_ACCESS_KEY from the environment, else root-credentials, else generated)
// are applied to the store only when they differ from the ones last applied. Applying
// installs the key (or replaces its secret) and deletes the key last applied when it is
// another one, so a rotated key stops working. Unchanged credentials touch neither the store
// nor the files: a root key deleted through the API stays deleted across restarts, and a
// secret given in the environment is written to disk only when it changes.
// Thread-safety: free functions for start-up.
#pragma once

#include <filesystem>
#include <string>

#include "common/random.h"
#include "common/result.h"

namespace iamd::app {

inline constexpr const char* kRootCredentialsFile = "root-credentials";
inline constexpr const char* kAwsCredentialsFile = "aws-credentials";
inline constexpr const char* kAwsProfile = "iamd";
inline constexpr const char* kAwsRegion = "us-east-1";

struct RootCredentials {
  std::string account_id;
  std::string access_key_id;
  std::string secret_access_key;
};

// The IAMD_* variables; an empty field is not set.
RootCredentials root_credentials_from_environment();

struct RootPlan {
  RootCredentials credentials;     // the root key to serve with
  bool generated = false;          // some part was generated here: show the key once
  bool account_generated = false;  // the account id too (a new account)
  bool apply = false;              // differs from the key last applied to the store
  std::string replaces;            // the key last applied, when another one: delete it on apply
  // The marker of the key last applied ("" key and "-" digest: none yet).
  std::string applied_key_id;
  std::string applied_digest = "-";
};

// Reads root-credentials (when present) and decides. Fails on malformed values.
common::Result<RootPlan> plan_root_credentials(const std::filesystem::path& dir, const RootCredentials& environment,
                                               common::Random& random);

// Writes root-credentials (0600) when its text changes: before applying with `applied`
// false (so generated credentials survive a crash before the store commits, and the next
// start applies them again), after with `applied` true. With `applied` true or when missing,
// also writes aws-credentials.
common::Result<void> save_root_credentials(const std::filesystem::path& dir, const RootPlan& plan, bool applied);

// The aws CLI shared-credentials file for `c` (profile kAwsProfile with the region).
std::string aws_credentials_text(const RootCredentials& c);

}  // namespace iamd::app

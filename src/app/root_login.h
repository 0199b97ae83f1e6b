// The root user's console sign-in of the server's own account (docs/console.md): on a start
// that finds the account without one, iamd makes it — with IAMD_ROOT_EMAIL and
// IAMD_ROOT_PASSWORD from the environment when set, else root@<account id>.iamd and a
// generated password — and writes both to <data>/root-console-login (0600), as it keeps the
// root access key in root-credentials. Later starts leave it alone: the password is changed in
// the console. Thread-safety: a free function for start-up.
#pragma once

#include <filesystem>
#include <string>

#include "common/random.h"
#include "common/result.h"
#include "iam/service.h"

namespace iamd::app {

inline constexpr const char* kRootLoginFile = "root-console-login";

struct RootLoginMade {
  bool made = false;  // false: the account had one already
  std::string email;
  std::string password;  // generated or from the environment; empty when not made
};

common::Result<RootLoginMade> ensure_root_login(iam::IamDomain& domain, const std::string& account_id,
                                                const std::filesystem::path& data, common::Random& random);

}  // namespace iamd::app

// The web console (docs/console.md): its files under /console/, and its endpoints under
// /console/api/: sign-up, root and IAM user sign-in (Argon2id hashes, MFA codes, forced
// password change, a brake on guessing), sessions behind an HttpOnly SameSite=Strict cookie
// with a CSRF token, switch role, policy validation as the editor types, and every IAM and
// STS operation run as the signed-in principal through api::Gateway::handle_console: the
// same pipeline and authorizer as a signed API request, with the denial's explanation.
// Thread-safe: handle() may run on many threads at once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string_view>

#include "api/gateway.h"
#include "common/random.h"
#include "common/time.h"
#include "iam/service.h"

namespace iamd::console {

struct ConsoleOptions {
  bool allow_signup = false;             // POST /console/api/signup makes accounts (off by default)
  std::filesystem::path assets_dir;      // empty: the embedded files
  std::int64_t session_seconds = 43200;  // [AWS] a console sign-in lasts 12 hours
  std::int64_t role_seconds = 3600;      // [AWS] a switched role's session lasts one hour
  // The account the console's sessions and sign-in counters are stored in (the server's
  // own); empty: the store's first account (console/sessions.h).
  std::string home_account;
};

class Console {
 public:
  Console(api::Gateway& gateway, iam::IamDomain& domain, const common::Clock& clock, common::Random& random,
          ConsoleOptions options);
  ~Console();
  Console(const Console&) = delete;
  Console& operator=(const Console&) = delete;

  // Whether the server gives `request` to the console: a path under /console, or a browser's
  // unsigned GET / with no query (redirected to /console/). Cheap.
  static bool serves(const api::ApiRequest& request);
  // Whether the request may wait (password hashing, store writes): POSTs to the API.
  static bool may_block(std::string_view method, std::string_view path);

  api::ApiResponse handle(const api::ApiRequest& request);

  // Deletes the expired sessions and the sign-in counters quiet for a day from the store
  // (the server's hourly flusher). Returns how many records went.
  common::Result<std::size_t> prune();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace iamd::console

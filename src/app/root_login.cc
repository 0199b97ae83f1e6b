#include "app/root_login.h"

#include <cstdlib>
#include <string>

#include "app/data_dir.h"
#include "common/strings.h"
#include "iam/root_login.h"
#include "iam/scope.h"

namespace iamd::app {

namespace {

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

// 24 characters: three groups of random lower-case hex, upper case and digits mixed in so that
// the root password rule (three kinds of characters) always holds.
std::string generate_password(common::Random& random) {
  std::string bytes(9, '\0');
  random.fill(reinterpret_cast<std::uint8_t*>(bytes.data()), bytes.size());
  const std::string hex = common::to_hex(bytes);  // 18 characters
  return "Iamd-" + hex.substr(0, 6) + "-" + hex.substr(6, 6) + "-" + hex.substr(12, 6) + "9";
}

}  // namespace

common::Result<RootLoginMade> ensure_root_login(iam::IamDomain& domain, const std::string& account_id,
                                                const std::filesystem::path& data, common::Random& random) {
  store::Store& store = *domain.env().store;
  auto existing =
      iam::in_read(store, account_id, [&](const iam::Read& rd) { return domain.root_logins.of_account(rd); });
  if (!existing) return existing.error();
  if (*existing) return RootLoginMade{false, (*existing)->email, ""};
  RootLoginMade made;
  made.made = true;
  made.email = env_or_empty("IAMD_ROOT_EMAIL");
  made.password = env_or_empty("IAMD_ROOT_PASSWORD");
  if (made.email.empty()) made.email = "root@" + account_id + ".iamd";
  if (made.password.empty()) made.password = generate_password(random);
  if (auto c = iam::RootLogins::check_email(made.email); !c) {
    return common::Error{"InvalidArgument", "IAMD_ROOT_EMAIL: " + c.error().message, ""};
  }
  if (auto c = iam::RootLogins::check_password(made.password); !c) {
    return common::Error{"InvalidArgument", "IAMD_ROOT_PASSWORD: " + c.error().message, ""};
  }
  auto hash = domain.accounts.hash_password(made.password);
  if (!hash) return hash.error();
  // The file first, so that a crash before the store commits leaves the password known.
  if (auto w = write_private_file(data / kRootLoginFile, "email=" + made.email + "\npassword=" + made.password + "\n");
      !w) {
    return w.error();
  }
  auto created = iam::in_write(store, account_id, [&](const iam::Write& wr) {
    return domain.root_logins.create(wr, made.email, "iamd", *hash);
  });
  if (!created) return created.error();
  return made;
}

}  // namespace iamd::app

#include "iam/root_login.h"

#include <cctype>
#include <cstdint>
#include <string>
#include <vector>

#include "common/strings.h"
#include "store/store.h"

namespace iamd::iam {

using common::Error;

namespace {

// body: "<account name>\n<hash>\n<password last used, epoch seconds, or empty>"
std::string encode(const RootLogin& l) {
  std::string body = l.account_name + "\n" + l.password_hash + "\n";
  if (l.password_last_used) body += std::to_string(l.password_last_used->seconds);
  return body;
}

RootLogin decode(const store::Resource& r) {
  RootLogin l;
  l.account_id = r.account_id;
  l.email = r.name;
  l.create_date = r.create_date;
  const std::string& b = r.body;
  const std::size_t first = b.find('\n');
  const std::size_t second = first == std::string::npos ? std::string::npos : b.find('\n', first + 1);
  if (second == std::string::npos) return l;  // written by this file only: never malformed
  l.account_name = b.substr(0, first);
  l.password_hash = b.substr(first + 1, second - first - 1);
  const std::string last = b.substr(second + 1);
  if (!last.empty()) l.password_last_used = common::Timestamp{std::stoll(last)};
  return l;
}

store::Resource record(const RootLogin& l) {
  store::Resource r;
  r.kind = store::ResourceKind::kRootLogin;
  r.account_id = l.account_id;
  r.id = common::to_lower(l.email);
  r.name = l.email;
  r.create_date = l.create_date;
  r.body = encode(l);
  return r;
}

Error invalid(std::string message) {
  return Error{"InvalidInput", std::move(message), ""};
}

}  // namespace

Result<void> RootLogins::check_email(std::string_view email) {
  const std::size_t at = email.find('@');
  bool ok = email.size() >= 6 && email.size() <= 64 && at != std::string_view::npos && at > 0 &&
            email.find('@', at + 1) == std::string_view::npos;
  if (ok) {
    const std::string_view domain = email.substr(at + 1);
    const std::size_t dot = domain.rfind('.');
    ok = dot != std::string_view::npos && dot > 0 && dot + 1 < domain.size();
  }
  for (char c : email) {
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) ok = false;
  }
  if (!ok) return invalid("Enter a valid email address (6 to 64 characters, like name@example.com).");
  return {};
}

Result<void> RootLogins::check_account_name(std::string_view name) {
  bool ok = !name.empty() && name.size() <= 50;
  for (char c : name) {
    if (c < 0x20 || c > 0x7e) ok = false;
  }
  if (!ok) return invalid("The AWS account name must be 1 to 50 printable ASCII characters.");
  return {};
}

Result<void> RootLogins::check_password(std::string_view password) {
  int upper = 0, lower = 0, digit = 0, symbol = 0;
  bool printable = true;
  for (char c : password) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e) printable = false;
    if (std::isupper(u) != 0) {
      upper = 1;
    } else if (std::islower(u) != 0) {
      lower = 1;
    } else if (std::isdigit(u) != 0) {
      digit = 1;
    } else {
      symbol = 1;
    }
  }
  if (password.size() < 8 || password.size() > 128 || !printable || upper + lower + digit + symbol < 3) {
    return Error{"PasswordPolicyViolation",
                 "The password must be 8 to 128 characters and include at least three of: upper case "
                 "letters, lower case letters, numbers, and symbols.",
                 ""};
  }
  return {};
}

Result<RootLogin> RootLogins::find_by_email(const Read& rd, std::string_view email) {
  auto r = rd.tx.get_resource(store::ResourceKind::kRootLogin, common::to_lower(email));
  if (!r) return r.error();
  return decode(*r);
}

Result<std::optional<RootLogin>> RootLogins::of_account(const Read& rd) {
  store::ListOptions options;
  auto page = rd.tx.list_resources(store::ResourceKind::kRootLogin, rd.account_id, std::nullopt, options);
  if (!page) return page.error();
  if (page->items.empty()) return std::optional<RootLogin>{};
  return std::optional<RootLogin>(decode(page->items.front()));
}

Result<void> RootLogins::create(const Write& wr, std::string_view email, std::string_view account_name,
                                std::string_view hash) {
  if (auto c = check_email(email); !c) return c;
  if (auto c = check_account_name(account_name); !c) return c;
  auto account = wr.tx.get_account(wr.account_id);
  if (!account) return account.error();
  auto existing = of_account(wr);
  if (!existing) return existing.error();
  if (*existing) return Error{"EmailAlreadyExists", "The account already has a root user sign-in.", ""};
  RootLogin l;
  l.account_id = std::string(wr.account_id);
  l.email = std::string(email);
  l.account_name = std::string(account_name);
  l.password_hash = std::string(hash);
  l.create_date = env_.clock->now();
  auto created = wr.tx.create_resource(record(l));
  if (!created) {
    if (store::is_already_exists(created.error())) {
      return Error{"EmailAlreadyExists", "An account with this email address already exists.", ""};
    }
    return created.error();
  }
  return {};
}

Result<void> RootLogins::set_password(const Write& wr, std::string_view hash) {
  auto existing = of_account(wr);
  if (!existing) return existing.error();
  if (!*existing) return Error{std::string(store::kNotFound), "The account has no root user sign-in.", ""};
  RootLogin l = **existing;
  l.password_hash = std::string(hash);
  return wr.tx.update_resource(record(l));
}

Result<void> RootLogins::record_sign_in(const Write& wr) {
  auto existing = of_account(wr);
  if (!existing) return existing.error();
  if (!*existing) return Error{std::string(store::kNotFound), "The account has no root user sign-in.", ""};
  RootLogin l = **existing;
  l.password_last_used = env_.clock->now();
  return wr.tx.update_resource(record(l));
}

}  // namespace iamd::iam

// The root user's MFA devices (iam/mfa.h), driven through the domain on the memory store with
// a fixed clock: enabled with two consecutive codes (the console's Assign MFA device), listed
// as ListMFADevices and ListVirtualMFADevices show them, counted by GetAccountSummary and the
// credential report, used as GetSessionToken does, deactivated; and kept apart from the
// devices of IAM users and the unassigned ones, which have no owner either.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "common/random.h"
#include "common/strings.h"
#include "common/time.h"
#include "crypto/crypto.h"
#include "iam/service.h"
#include "store/store.h"

namespace iamd::iam {
namespace {

constexpr const char* kAccount = "123456789012";
constexpr std::int64_t kT = 1'700'000'010;  // 10 s into a 30 s step

std::string base32_decode(std::string_view in) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : in) {
    const int v = c >= 'A' && c <= 'Z' ? c - 'A' : c >= '2' && c <= '7' ? c - '2' + 26 : -1;
    if (v < 0) continue;
    buffer = (buffer << 5) | static_cast<unsigned>(v);
    bits += 5;
    if (bits >= 8) {
      out += static_cast<char>((buffer >> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return out;
}

class RootMfaTest : public ::testing::Test {
 protected:
  RootMfaTest() {
    store_ = std::move(store::open_store("memory:")).value();
    DomainEnv env;
    env.store = store_.get();
    env.clock = &clock_;
    env.random = &random_;
    env.master_key = crypto::KeyRing::single(std::string(32, 'k'));
    domain_ = std::make_unique<IamDomain>(env);
    EXPECT_TRUE(domain_->bootstrap(kAccount, "AKIAROOTEXAMPLE00001", "root-secret").has_value());
  }

  template <class F>
  auto write(F&& f) -> decltype(f(std::declval<const Write&>())) {
    return in_write(*store_, kAccount, std::forward<F>(f));
  }
  template <class F>
  auto read(F&& f) -> decltype(f(std::declval<const Read&>())) {
    return in_read(*store_, kAccount, std::forward<F>(f));
  }

  struct Made {
    std::string serial, seed;
  };
  Made create(const std::string& name) {
    auto d = write([&](const Write& w) { return mfa().create_virtual_mfa_device(w, name, "/", {}); });
    EXPECT_TRUE(d.has_value()) << d.error().message;
    return Made{d->device.serial_number, base32_decode(d->base32_seed)};
  }
  // Enables the device for the root user with the codes of the last two steps.
  Result<void> enable_root(const Made& d) {
    const std::int64_t t = clock_.now().seconds;
    return write([&](const Write& w) {
      return mfa().enable_root_mfa_device(w, d.serial, crypto::totp(d.seed, t - 30), crypto::totp(d.seed, t));
    });
  }
  std::vector<std::string> root_serials() {
    auto page = read([&](const Read& r) { return mfa().list_mfa_devices(r, "", store::ListOptions{}); });
    EXPECT_TRUE(page.has_value()) << page.error().message;
    std::vector<std::string> out;
    for (const auto& d : page->items) {
      EXPECT_TRUE(d.root);
      EXPECT_FALSE(d.user.has_value());
      EXPECT_TRUE(d.enable_date.has_value());
      out.push_back(d.serial_number);
    }
    return out;
  }
  std::vector<std::string> virtual_serials(MfaDevices::MfaAssignment a) {
    auto page = read([&](const Read& r) { return mfa().list_virtual_mfa_devices(r, a, store::ListOptions{}); });
    EXPECT_TRUE(page.has_value()) << page.error().message;
    std::vector<std::string> out;
    for (const auto& d : page->items) out.push_back(d.serial_number + (d.root ? " root" : d.user ? " user" : ""));
    return out;
  }
  std::int64_t summary(std::string_view key) {
    auto s = read([&](const Read& r) { return domain_->accounts.account_summary(r); });
    EXPECT_TRUE(s.has_value());
    for (const auto& [k, v] : *s) {
      if (k == key) return v;
    }
    ADD_FAILURE() << "no " << key;
    return -1;
  }
  // The root row's mfa_active of a fresh credential report.
  std::string report_root_mfa() {
    clock_.set(common::Timestamp{clock_.now().seconds + 5 * 3600, 0});  // past the report's lifetime
    EXPECT_TRUE(write([&](const Write& w) { return domain_->reports.generate_credential_report(w); }).has_value());
    auto report = read([&](const Read& r) { return domain_->reports.get_credential_report(r); });
    EXPECT_TRUE(report.has_value());
    const std::string& csv = report->csv;
    const std::string header = csv.substr(0, csv.find('\n'));
    const std::string root = csv.substr(header.size() + 1, csv.find('\n', header.size() + 1) - header.size() - 1);
    auto fields = [](const std::string& line) {
      std::vector<std::string> out(1);
      for (char c : line) {
        if (c == ',') {
          out.emplace_back();
        } else {
          out.back() += c;
        }
      }
      return out;
    };
    const auto names = fields(header);
    const auto values = fields(root);
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == "mfa_active") return values.at(i);
    }
    ADD_FAILURE() << "no mfa_active";
    return {};
  }

  MfaDevices& mfa() { return domain_->mfa_devices; }

  std::unique_ptr<store::Store> store_;
  common::FixedClock clock_{common::Timestamp{kT, 0}};
  common::SeededRandom random_{7};
  std::unique_ptr<IamDomain> domain_;
};

void expect_error(const Result<void>& r, std::string_view code, std::string_view message = {}) {
  ASSERT_FALSE(r.has_value()) << "expected " << code;
  EXPECT_EQ(r.error().code, code) << r.error().message;
  if (!message.empty()) {
    EXPECT_EQ(r.error().message, message);
  }
}

TEST_F(RootMfaTest, EnabledWithTwoConsecutiveCodesAndListedAsTheRootsOwn) {
  const Made d = create("root-account-mfa-device");
  const Made spare = create("spare");
  const std::int64_t t = kT;
  // Codes that are not two consecutive ones of the device: refused, nothing changes.
  struct Bad {
    std::string code1, code2;
  };
  const Bad bad[] = {
      {crypto::totp(d.seed, t), crypto::totp(d.seed, t - 30)},           // in the wrong order
      {crypto::totp(d.seed, t - 60), crypto::totp(d.seed, t)},           // not consecutive
      {crypto::totp(spare.seed, t - 30), crypto::totp(spare.seed, t)},   // another device's
      {crypto::totp(d.seed, t - 3600), crypto::totp(d.seed, t - 3570)},  // an hour old
  };
  for (const Bad& b : bad) {
    expect_error(write([&](const Write& w) { return mfa().enable_root_mfa_device(w, d.serial, b.code1, b.code2); }),
                 "InvalidAuthenticationCode", "Authentication code for device is not valid.");
  }
  EXPECT_TRUE(root_serials().empty());
  EXPECT_EQ(summary("AccountMFAEnabled"), 0);

  ASSERT_TRUE(enable_root(d).has_value());
  EXPECT_EQ(root_serials(), std::vector<std::string>{d.serial});
  using A = MfaDevices::MfaAssignment;
  EXPECT_EQ(virtual_serials(A::kAssigned), std::vector<std::string>{d.serial + " root"});
  EXPECT_EQ(virtual_serials(A::kUnassigned), std::vector<std::string>{spare.serial});
  EXPECT_EQ(virtual_serials(A::kAny), (std::vector<std::string>{d.serial + " root", spare.serial}));
  EXPECT_EQ(summary("AccountMFAEnabled"), 1);
  EXPECT_EQ(summary("MFADevicesInUse"), 1);
  EXPECT_EQ(summary("MFADevices"), 2);

  // In use: not enabled again (for the root or a user), not deleted.
  expect_error(enable_root(d), "AlreadyExists", "MFA Device is already in use.");
  ASSERT_TRUE(write([&](const Write& w) { return domain_->users.create_user(w, "alice", "/", "", {}); }).has_value());
  expect_error(write([&](const Write& w) {
                 return mfa().enable_mfa_device(w, "alice", d.serial, crypto::totp(d.seed, t - 30),
                                                crypto::totp(d.seed, t));
               }),
               "AlreadyExists");
  expect_error(write([&](const Write& w) { return mfa().delete_virtual_mfa_device(w, d.serial); }), "Conflict");
  // The user's own list does not show it.
  auto alice = read([&](const Read& r) { return mfa().list_mfa_devices(r, "alice", store::ListOptions{}); });
  ASSERT_TRUE(alice.has_value());
  EXPECT_TRUE(alice->items.empty());
}

TEST_F(RootMfaTest, DeactivatedItStaysUnassignedUntilDeleted) {
  const Made d = create("root-mfa");
  const Made spare = create("spare");
  ASSERT_TRUE(enable_root(d).has_value());
  // Only a device enabled for the root user is deactivated here.
  ASSERT_TRUE(write([&](const Write& w) { return domain_->users.create_user(w, "alice", "/", "", {}); }).has_value());
  const Made hers = create("alice");
  ASSERT_TRUE(write([&](const Write& w) {
                return mfa().enable_mfa_device(w, "alice", hers.serial, crypto::totp(hers.seed, kT - 30),
                                               crypto::totp(hers.seed, kT));
              }).has_value());
  for (const std::string& other : {spare.serial, hers.serial, std::string("arn:aws:iam::123456789012:mfa/none")}) {
    expect_error(write([&](const Write& w) { return mfa().deactivate_root_mfa_device(w, other); }), "NotFound",
                 "MFA Device with serial number " + other + " does not exist.");
  }
  EXPECT_EQ(summary("MFADevicesInUse"), 2);
  ASSERT_TRUE(write([&](const Write& w) { return mfa().deactivate_root_mfa_device(w, d.serial); }).has_value());
  EXPECT_TRUE(root_serials().empty());
  EXPECT_EQ(summary("AccountMFAEnabled"), 0);
  EXPECT_EQ(summary("MFADevicesInUse"), 1);
  using A = MfaDevices::MfaAssignment;
  EXPECT_EQ(virtual_serials(A::kUnassigned), (std::vector<std::string>{d.serial, spare.serial}));
  ASSERT_TRUE(write([&](const Write& w) { return mfa().delete_virtual_mfa_device(w, d.serial); }).has_value());
  EXPECT_EQ(summary("MFADevices"), 2);
}

// As GetSessionToken and the console's root sign-in check a code.
TEST_F(RootMfaTest, AuthenticatesTheRootWithItsOwnDeviceOnly) {
  const Made d = create("root-mfa");
  const Made spare = create("spare");
  ASSERT_TRUE(write([&](const Write& w) { return domain_->users.create_user(w, "alice", "/", "", {}); }).has_value());
  const Made hers = create("alice");
  ASSERT_TRUE(write([&](const Write& w) {
                return mfa().enable_mfa_device(w, "alice", hers.serial, crypto::totp(hers.seed, kT - 30),
                                               crypto::totp(hers.seed, kT));
              }).has_value());
  ASSERT_TRUE(enable_root(d).has_value());
  const std::int64_t t = kT + 30;
  clock_.set(common::Timestamp{t, 0});
  const std::string unusable =
      "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid "
      "and associated with this user.";
  auto root = [&](const std::string& serial, const std::string& code) {
    return write([&](const Write& w) { return mfa().authenticate_root(w, serial, code); });
  };
  // Not the root's: unassigned, a user's, none.
  expect_error(root(spare.serial, crypto::totp(spare.seed, t)), "AccessDenied", unusable);
  expect_error(root(hers.serial, crypto::totp(hers.seed, t)), "AccessDenied", unusable);
  expect_error(root("arn:aws:iam::123456789012:mfa/none", "123456"), "AccessDenied", unusable);
  expect_error(root(d.serial, ""), "AccessDenied",
               "MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.");
  // A principal without devices (a role session) cannot use the root's.
  expect_error(
      write([&](const Write& w) { return mfa().authenticate(w, std::nullopt, d.serial, crypto::totp(d.seed, t)); }),
      "AccessDenied", unusable);
  // The user cannot use the root's device.
  auto user = read([&](const Read& r) { return domain_->users.get_user(r, "alice"); });
  ASSERT_TRUE(user.has_value());
  expect_error(write([&](const Write& w) { return mfa().authenticate(w, *user, d.serial, crypto::totp(d.seed, t)); }),
               "AccessDenied", unusable);
  // The codes used to enable it do not count again; the next one counts once.
  expect_error(root(d.serial, crypto::totp(d.seed, kT)), "AccessDenied",
               "MultiFactorAuthentication failed with invalid MFA one time pass code.");
  ASSERT_TRUE(root(d.serial, crypto::totp(d.seed, t)).has_value());
  expect_error(root(d.serial, crypto::totp(d.seed, t)), "AccessDenied",
               "MultiFactorAuthentication failed with invalid MFA one time pass code.");
}

// The credential report's root row counts the root's enabled devices only: an unassigned
// device has no owner either.
TEST_F(RootMfaTest, CredentialReportShowsTheRootsMfaOnlyWhenEnabled) {
  const Made d = create("root-mfa");
  EXPECT_EQ(report_root_mfa(), "false");
  ASSERT_TRUE(enable_root(d).has_value());
  EXPECT_EQ(report_root_mfa(), "true");
  ASSERT_TRUE(write([&](const Write& w) { return mfa().deactivate_root_mfa_device(w, d.serial); }).has_value());
  EXPECT_EQ(report_root_mfa(), "false");
}

// [AWS] Up to 8 MFA devices for the root user.
TEST_F(RootMfaTest, TheRootHasAtMostEightDevices) {
  for (int i = 0; i < 8; ++i) {
    ASSERT_TRUE(enable_root(create("root-" + std::to_string(i))).has_value()) << i;
  }
  const Made ninth = create("root-8");
  expect_error(enable_root(ninth), "LimitExceeded");
  EXPECT_EQ(root_serials().size(), 8u);
}

}  // namespace
}  // namespace iamd::iam

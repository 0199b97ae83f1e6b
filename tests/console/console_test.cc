// The console's endpoints without HTTP: console::Console over the real gateway, on the memory
// store with a fixed clock and seeded randomness (a fast password hasher stands in for
// Argon2id, whose own tests are tests/iam). Each test drives the endpoints as the pages do:
// JSON in and out, the session cookie and the CSRF token carried by hand.
#include "console/console.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "api/gateway.h"
#include "common/strings.h"
#include "console/sessions.h"
#include "crypto/crypto.h"
#include "iam/catalog.h"
#include "iam/password.h"
#include "iam/service.h"
#include "protocol/json.h"
#include "store/store.h"

namespace iamd::console {
namespace {

const common::Timestamp kNow{1'764'000'000, 0};  // 2025-11-24T16:00:00Z
constexpr const char* kBootAccount = "123456789012";

// A fast stand-in for Argon2id: "fast$" + the password.
class FastHasher final : public iam::PasswordHasher {
 public:
  common::Result<std::string> hash(std::string_view password, common::Random&) const override {
    return "fast$" + std::string(password);
  }
  bool verify(std::string_view password, const std::string& encoded) const override {
    return encoded == "fast$" + std::string(password);
  }
};

std::string form_escape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      static const char* hex = "0123456789ABCDEF";
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string header_of(const api::ApiResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (common::iequals(k, name)) return v;
  }
  return {};
}

// The JSON member `key` of an answer's body (a string, or a bool/number's text).
std::string json_member(const api::ApiResponse& r, std::string_view key) {
  auto body = protocol::parse_json_body(r.body);
  if (!body) return "<not json>";
  const protocol::JsonNode* n = body->find(key);
  if (n == nullptr) return "<absent>";
  if (n->type == protocol::JsonNode::Type::kBool) return n->boolean ? "true" : "false";
  if (n->type == protocol::JsonNode::Type::kNull) return "null";
  return n->text;
}

std::string xml_text(const std::string& xml, const std::string& tag) {
  const std::size_t b = xml.find("<" + tag + ">");
  if (b == std::string::npos) return {};
  const std::size_t e = xml.find("</" + tag + ">", b);
  return xml.substr(b + tag.size() + 2, e - b - tag.size() - 2);
}

std::string base32_decode(std::string_view in) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : in) {
    int v = c >= 'A' && c <= 'Z' ? c - 'A' : c >= '2' && c <= '7' ? c - '2' + 26 : -1;
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

// A browser: its cookie and the session's CSRF token.
struct Browser {
  std::string cookie;  // the iamd-console cookie's value
  std::string csrf;
  std::string address = "192.0.2.10";
};

class ConsoleTest : public ::testing::Test {
 protected:
  ConsoleTest() : clock_(kNow), random_(42), gateway_random_(7), console_random_(9) {
    auto s = store::open_store("memory:");
    EXPECT_TRUE(s.has_value());
    store_ = std::move(*s);
    iam::DomainEnv env;
    env.store = store_.get();
    env.clock = &clock_;
    env.random = &random_;
    env.master_key = crypto::KeyRing::single(std::string(32, 'k'));
    env.catalog = &iam::ManagedCatalog::builtin();
    env.passwords = &hasher_;
    env.last_accessed_interval = 86400;
    domain_ = std::make_unique<iam::IamDomain>(env);
    EXPECT_TRUE(domain_->bootstrap(kBootAccount, "AKIACONSOLEROOT00001", std::string(40, 's')).has_value());
    gateway_ = std::make_unique<api::Gateway>(*domain_, clock_, gateway_random_);
    make_console(true);
  }

  void make_console(bool allow_signup, std::filesystem::path dir = {}) {
    ConsoleOptions o;
    o.allow_signup = allow_signup;
    o.assets_dir = std::move(dir);
    o.home_account = kBootAccount;
    console_ = std::make_unique<Console>(*gateway_, *domain_, clock_, console_random_, o);
  }

  api::ApiResponse request(Browser& b, const std::string& method, const std::string& path, const std::string& body,
                           const std::string& type = "application/json", bool with_csrf = true,
                           std::map<std::string, std::string> extra = {}) {
    api::ApiRequest r;
    r.method = method;
    r.path = path;
    r.body = body;
    r.source_ip = b.address;
    r.headers.emplace_back("Host", "console.test");
    if (!body.empty() || method == "POST") r.headers.emplace_back("Content-Type", type);
    if (!b.cookie.empty()) r.headers.emplace_back("Cookie", "other=1; iamd-console=" + b.cookie);
    if (with_csrf && !b.csrf.empty()) r.headers.emplace_back("X-CSRF-Token", b.csrf);
    for (const auto& [k, v] : extra) r.headers.emplace_back(k, v);
    EXPECT_TRUE(Console::serves(r)) << path;
    api::ApiResponse answer = (node_ != nullptr ? node_ : console_.get())->handle(r);
    const std::string set = header_of(answer, "Set-Cookie");
    if (!set.empty()) {
      const std::size_t eq = set.find('=');
      b.cookie = set.substr(eq + 1, set.find(';') - eq - 1);
    }
    if (answer.status == 200 && json_member(answer, "signedIn") == "true") b.csrf = json_member(answer, "csrfToken");
    return answer;
  }

  api::ApiResponse post(Browser& b, const std::string& endpoint, const std::string& json) {
    return request(b, "POST", "/console/api/" + endpoint, json);
  }

  // One IAM or STS call of the pages: `form` without Version (added for the action's service).
  api::ApiResponse call(Browser& b, const std::string& form, bool sts = false) {
    return request(b, "POST", "/console/api/call", form + (sts ? "&Version=2011-06-15" : "&Version=2010-05-08"),
                   "application/x-www-form-urlencoded");
  }

  Browser signup(const std::string& email = "owner@example.com", const std::string& name = "Demo") {
    Browser b;
    api::ApiResponse r =
        post(b, "signup", R"({"email": ")" + email + R"(", "password": "Passw0rd!x", "accountName": ")" + name + "\"}");
    EXPECT_EQ(r.status, 200) << r.body;
    return b;
  }

  std::string account_of(Browser& b) { return json_member(request(b, "GET", "/console/api/session", ""), "accountId"); }

  // A user of the root's account with a console password and the given managed policies.
  void make_user(Browser& root, const std::string& name, const std::string& password,
                 std::initializer_list<std::string> policies, bool reset = false) {
    ASSERT_EQ(call(root, "Action=CreateUser&UserName=" + name).status, 200);
    ASSERT_EQ(call(root, "Action=CreateLoginProfile&UserName=" + name + "&Password=" + form_escape(password) +
                             (reset ? "&PasswordResetRequired=true" : ""))
                  .status,
              200);
    for (const std::string& p : policies) {
      ASSERT_EQ(call(root, "Action=AttachUserPolicy&UserName=" + name + "&PolicyArn=" + form_escape(p)).status, 200);
    }
  }

  api::ApiResponse user_signin(Browser& b, const std::string& account, const std::string& name,
                               const std::string& password, const std::string& mfa = "") {
    return post(b, "signin",
                R"({"type": "user", "account": ")" + account + R"(", "userName": ")" + name + R"(", "password": ")" +
                    password + "\"" + (mfa.empty() ? "" : R"(, "mfaCode": ")" + mfa + "\"") + "}");
  }

  FastHasher hasher_;
  common::FixedClock clock_;
  common::SeededRandom random_;
  common::SeededRandom gateway_random_;
  common::SeededRandom console_random_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<iam::IamDomain> domain_;
  std::unique_ptr<api::Gateway> gateway_;
  std::unique_ptr<Console> console_;
  Console* node_ = nullptr;  // another node's console to send requests to (none: console_)
};

TEST_F(ConsoleTest, SignUpIsOffUnlessAllowed) {
  make_console(false);
  Browser b;
  api::ApiResponse r = post(b, "signup", R"({"email": "a@example.com", "password": "Passw0rd!x", "accountName": "A"})");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(json_member(r, "code"), "SignupDisabled");
  EXPECT_EQ(json_member(request(b, "GET", "/console/api/session", ""), "signupAllowed"), "false");
}

TEST_F(ConsoleTest, SignUpMakesAnAccountAndSignsInItsRoot) {
  Browser b;
  api::ApiResponse r =
      post(b, "signup", R"({"email": "Owner@Example.com", "password": "Passw0rd!x", "accountName": "Demo"})");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string cookie = header_of(r, "Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(cookie.find("Path=/console"), std::string::npos);
  EXPECT_EQ(cookie.find("Secure"), std::string::npos);  // plain HTTP
  const std::string account = json_member(r, "accountId");
  EXPECT_EQ(account.size(), 12u);
  EXPECT_NE(account, kBootAccount);
  EXPECT_EQ(json_member(r, "accountName"), "Demo");
  EXPECT_EQ(json_member(r, "signInUrl"), "http://console.test/console/?account=" + account);
  // The root user acts in its new account.
  api::ApiResponse who = call(b, "Action=GetCallerIdentity", true);
  ASSERT_EQ(who.status, 200) << who.body;
  EXPECT_EQ(xml_text(who.body, "Arn"), "arn:aws:iam::" + account + ":root");
  // Signed out, and in again with the email in another case.
  EXPECT_EQ(post(b, "signout", "{}").status, 200);
  EXPECT_EQ(json_member(request(b, "GET", "/console/api/session", ""), "signedIn"), "false");
  Browser again;
  r = post(again, "signin", R"({"type": "root", "email": "owner@example.COM", "password": "Passw0rd!x"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_member(r, "accountId"), account);
}

TEST_F(ConsoleTest, SignUpRefusesBadInputAndChangesNothing) {
  struct Row {
    std::string body, code;
  };
  const Row rows[] = {
      {R"({"email": "not-an-email", "password": "Passw0rd!x", "accountName": "A"})", "InvalidInput"},
      {R"({"email": "a@example.com", "password": "password", "accountName": "A"})", "PasswordPolicyViolation"},
      {R"({"email": "a@example.com", "password": "Passw0rd!x", "accountName": ""})", "InvalidInput"},
      {R"({"email": "a@example.com", "password": "Passw0rd!x", "accountName": "tab\there"})", "InvalidInput"},
      {R"({"email": 5})", "InvalidInput"},
      {R"(not json)", "InvalidInput"},
  };
  for (const Row& row : rows) {
    Browser b;
    api::ApiResponse r = post(b, "signup", row.body);
    EXPECT_EQ(r.status, 400) << row.body;
    EXPECT_EQ(json_member(r, "code"), row.code) << row.body;
    EXPECT_TRUE(b.cookie.empty());
  }
  signup("taken@example.com");
  Browser b;
  api::ApiResponse r =
      post(b, "signup", R"({"email": "TAKEN@example.com", "password": "Passw0rd!x", "accountName": "B"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json_member(r, "code"), "EmailAlreadyExists");
}

TEST_F(ConsoleTest, EveryStateChangeNeedsTheSessionsCsrfToken) {
  Browser b = signup();
  const std::string form = "Action=CreateUser&UserName=mallory&Version=2010-05-08";
  api::ApiResponse r = request(b, "POST", "/console/api/call", form, "application/x-www-form-urlencoded", false);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(json_member(r, "code"), "InvalidCsrfToken");
  Browser forged = b;
  forged.csrf = std::string(64, '0');
  r = request(forged, "POST", "/console/api/call", form, "application/x-www-form-urlencoded");
  EXPECT_EQ(r.status, 403);
  // Another site's page, even with the token.
  r = request(b, "POST", "/console/api/call", form, "application/x-www-form-urlencoded", true,
              {{"Origin", "https://evil.example"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(json_member(r, "code"), "InvalidOrigin");
  // A form post (no JSON) cannot sign in.
  Browser other;
  r = request(other, "POST", "/console/api/signin", "type=root", "application/x-www-form-urlencoded");
  EXPECT_EQ(r.status, 415);
  // Nothing was made.
  EXPECT_EQ(call(b, "Action=GetUser&UserName=mallory").status, 404);
  // The same request with the token and from the page's own origin works.
  r = request(b, "POST", "/console/api/call", form, "application/x-www-form-urlencoded", true,
              {{"Origin", "http://console.test"}});
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(ConsoleTest, ASessionEndsAtSignOutAndAtItsExpiry) {
  Browser b = signup();
  Browser copy = b;
  EXPECT_EQ(post(b, "signout", "{}").status, 200);
  api::ApiResponse r = call(copy, "Action=ListUsers");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(json_member(r, "code"), "NotSignedIn");
  Browser c = signup("second@example.com");
  clock_.set(common::Timestamp{kNow.seconds + 12 * 3600});
  EXPECT_EQ(call(c, "Action=ListUsers").status, 401);
}

TEST_F(ConsoleTest, FailedSignInsAreSlowedPerPrincipalAndAddress) {
  Browser root = signup();
  const std::string bad = R"({"type": "root", "email": "owner@example.com", "password": "wrong"})";
  for (int i = 0; i < 5; ++i) {
    Browser b;
    api::ApiResponse r = post(b, "signin", bad);
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(json_member(r, "code"), "InvalidCredentials");
    EXPECT_EQ(json_member(r, "message"), "Your authentication information is incorrect. Please try again.");
  }
  Browser b;
  api::ApiResponse r = post(b, "signin", R"({"type": "root", "email": "owner@example.com", "password": "Passw0rd!x"})");
  EXPECT_EQ(r.status, 429);  // even the right password waits
  EXPECT_EQ(json_member(r, "code"), "Throttling");
  EXPECT_EQ(json_member(r, "retryAfter"), "1");
  // Another address is not slowed by this one's failures.
  Browser elsewhere;
  elsewhere.address = "198.51.100.7";
  EXPECT_EQ(
      post(elsewhere, "signin", R"({"type": "root", "email": "owner@example.com", "password": "Passw0rd!x"})").status,
      200);
  // The wait doubles with each failure after it.
  clock_.set(common::Timestamp{kNow.seconds + 1});
  EXPECT_EQ(post(b, "signin", bad).status, 401);
  r = post(b, "signin", bad);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(json_member(r, "retryAfter"), "2");
  clock_.set(common::Timestamp{kNow.seconds + 3});
  EXPECT_EQ(post(b, "signin", R"({"type": "root", "email": "owner@example.com", "password": "Passw0rd!x"})").status,
            200);
  // An unknown email fails the same way.
  Browser x;
  r = post(x, "signin", R"({"type": "root", "email": "nobody@example.com", "password": "Passw0rd!x"})");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(json_member(r, "code"), "InvalidCredentials");
}

TEST_F(ConsoleTest, AnIamUserActsWithItsOwnPermissionsAndSeesWhyItWasDenied) {
  Browser root = signup();
  const std::string account = account_of(root);
  make_user(root, "reader", "Reader123!x", {"arn:aws:iam::aws:policy/IAMReadOnlyAccess"});
  Browser b;
  EXPECT_EQ(user_signin(b, account, "reader", "wrong").status, 401);
  api::ApiResponse r = user_signin(b, account, "READER", "Reader123!x");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_member(r, "mfa"), "false");
  EXPECT_EQ(call(b, "Action=ListUsers").status, 200);
  r = call(b, "Action=CreateUser&UserName=eve");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(xml_text(r.body, "Message"),
            "User: arn:aws:iam::" + account +
                ":user/reader is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::" + account +
                ":user/eve because no identity-based policy allows the iam:CreateUser action");
  std::string explanation;
  ASSERT_TRUE(common::base64_decode(header_of(r, "X-Iamd-Explanation"), explanation));
  auto json = protocol::parse_json_body(explanation);
  ASSERT_TRUE(json.has_value()) << explanation;
  const protocol::JsonNode* iamd = json->find("iamd");
  ASSERT_NE(iamd, nullptr);
  EXPECT_EQ(iamd->find("decision")->text, "implicitDeny");
  EXPECT_EQ(iamd->find("blockedBy")->text, "identity-based");
  // A principal allowed to decode authorization messages gets IAM's message alone too (the
  // explanation is in the header).
  ASSERT_EQ(call(root, "Action=PutUserPolicy&UserName=reader&PolicyName=decode&PolicyDocument=" +
                           form_escape(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                                       R"("Action":"sts:DecodeAuthorizationMessage","Resource":"*"}]})"))
                .status,
            200);
  r = call(b, "Action=CreateUser&UserName=eve");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body.find("Encoded authorization failure message"), std::string::npos) << r.body;
  EXPECT_NE(header_of(r, "X-Iamd-Explanation"), "");
  // An explicit deny names its statement's policy as a person reads it.
  ASSERT_EQ(call(root, "Action=PutUserPolicy&UserName=reader&PolicyName=no-groups&PolicyDocument=" +
                           form_escape(R"({"Version":"2012-10-17","Statement":[{"Sid":"NoGroups","Effect":"Deny",)"
                                       R"("Action":"iam:ListGroups","Resource":"*"}]})"))
                .status,
            200);
  r = call(b, "Action=ListGroups");
  EXPECT_EQ(r.status, 403);
  ASSERT_TRUE(common::base64_decode(header_of(r, "X-Iamd-Explanation"), explanation));
  EXPECT_NE(explanation.find(R"("policyLabel": "inline policy no-groups of the user")"), std::string::npos)
      << explanation;
  EXPECT_NE(explanation.find(R"("statementId": "NoGroups")"), std::string::npos) << explanation;
  // Allowed calls carry none.
  EXPECT_EQ(header_of(call(b, "Action=ListUsers"), "X-Iamd-Explanation"), "");
  // The account alias signs in too; a user of another account does not.
  ASSERT_EQ(call(root, "Action=CreateAccountAlias&AccountAlias=demo-alias").status, 200);
  Browser c;
  EXPECT_EQ(user_signin(c, "demo-alias", "reader", "Reader123!x").status, 200);
  Browser d;
  EXPECT_EQ(user_signin(d, kBootAccount, "reader", "Reader123!x").status, 401);
  // A user without a console password cannot sign in.
  ASSERT_EQ(call(root, "Action=CreateUser&UserName=keysonly").status, 200);
  Browser e;
  EXPECT_EQ(user_signin(e, account, "keysonly", "").status, 400);
  EXPECT_EQ(user_signin(e, account, "keysonly", "Reader123!x").status, 401);
}

TEST_F(ConsoleTest, APasswordThatMustBeResetIsChangedFirst) {
  Browser root = signup();
  const std::string account = account_of(root);
  make_user(root, "newbie", "Initial123!x",
            {"arn:aws:iam::aws:policy/IAMUserChangePassword", "arn:aws:iam::aws:policy/IAMReadOnlyAccess"}, true);
  Browser b;
  api::ApiResponse r = user_signin(b, account, "newbie", "Initial123!x");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json_member(r, "passwordResetRequired"), "true");
  r = call(b, "Action=GetUser");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(json_member(r, "code"), "PasswordResetRequired");
  r = post(b, "change-password", R"({"oldPassword": "wrong", "newPassword": "Changed123!x"})");
  EXPECT_NE(r.status, 200);
  r = post(b, "change-password", R"({"oldPassword": "Initial123!x", "newPassword": "Changed123!x"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_member(r, "passwordResetRequired"), "false");
  EXPECT_EQ(call(b, "Action=GetUser").status, 200);
  Browser again;
  EXPECT_EQ(user_signin(again, account, "newbie", "Initial123!x").status, 401);
  r = user_signin(again, account, "newbie", "Changed123!x");
  EXPECT_EQ(json_member(r, "passwordResetRequired"), "false");
}

TEST_F(ConsoleTest, AnExpiredPasswordIsChangedOrWithHardExpiryRefused) {
  Browser root = signup();
  const std::string account = account_of(root);
  make_user(root, "old", "Ancient123!x", {"arn:aws:iam::aws:policy/IAMReadOnlyAccess"});
  ASSERT_EQ(call(root, "Action=UpdateAccountPasswordPolicy&MaxPasswordAge=30&AllowUsersToChangePassword=true").status,
            200);
  Browser b;
  EXPECT_EQ(json_member(user_signin(b, account, "old", "Ancient123!x"), "passwordResetRequired"), "false");
  clock_.set(common::Timestamp{kNow.seconds + 31 * 86400});
  Browser c;
  api::ApiResponse r = user_signin(c, account, "old", "Ancient123!x");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_member(r, "passwordResetRequired"), "true");
  // AllowUsersToChangePassword lets it change its own password without a policy saying so.
  r = post(c, "change-password", R"({"oldPassword": "Ancient123!x", "newPassword": "Renewed123!x"})");
  ASSERT_EQ(r.status, 200) << r.body;
  Browser d;
  EXPECT_EQ(json_member(user_signin(d, account, "old", "Renewed123!x"), "passwordResetRequired"), "false");
  Browser root_again;
  ASSERT_EQ(
      post(root_again, "signin", R"({"type": "root", "email": "owner@example.com", "password": "Passw0rd!x"})").status,
      200);
  ASSERT_EQ(call(root_again, "Action=UpdateAccountPasswordPolicy&MaxPasswordAge=30&HardExpiry=true").status, 200);
  clock_.set(common::Timestamp{kNow.seconds + 62 * 86400});
  Browser e;
  r = user_signin(e, account, "old", "Renewed123!x");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(json_member(r, "code"), "PasswordExpired");
}

TEST_F(ConsoleTest, AUserWithAnMfaDeviceGivesItsCode) {
  Browser root = signup();
  const std::string account = account_of(root);
  make_user(root, "careful", "Careful123!x", {});
  api::ApiResponse r = call(root, "Action=CreateVirtualMFADevice&VirtualMFADeviceName=careful");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string serial = xml_text(r.body, "SerialNumber");
  // A blob: base64 of the base32 text.
  std::string base32;
  ASSERT_TRUE(common::base64_decode(xml_text(r.body, "Base32StringSeed"), base32));
  const std::string seed = base32_decode(base32);
  const std::int64_t t = kNow.seconds;
  r = call(root, "Action=EnableMFADevice&UserName=careful&SerialNumber=" + form_escape(serial) +
                     "&AuthenticationCode1=" + crypto::totp(seed, t - 60) +
                     "&AuthenticationCode2=" + crypto::totp(seed, t - 30));
  ASSERT_EQ(r.status, 200) << r.body;
  Browser b;
  r = user_signin(b, account, "careful", "Careful123!x");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(json_member(r, "code"), "MfaRequired");
  EXPECT_TRUE(b.cookie.empty());
  r = user_signin(b, account, "careful", "Careful123!x", "000000" == crypto::totp(seed, t) ? "111111" : "000000");
  EXPECT_EQ(json_member(r, "code"), "InvalidMfaCode");
  r = user_signin(b, account, "careful", "Careful123!x", crypto::totp(seed, t));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_member(r, "mfa"), "true");
}

// The root user's Security credentials page: the device is made through CreateVirtualMFADevice,
// assigned with two consecutive codes through root-mfa/enable; the root's sign-in then asks
// for a code, and the session says so.
TEST_F(ConsoleTest, TheRootUserAssignsAnMfaDeviceAndThenSignsInWithItsCode) {
  Browser root = signup("owner@example.com", "Demo");
  api::ApiResponse r = call(root, "Action=CreateVirtualMFADevice&VirtualMFADeviceName=root-account-mfa-device");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string serial = xml_text(r.body, "SerialNumber");
  std::string base32;
  ASSERT_TRUE(common::base64_decode(xml_text(r.body, "Base32StringSeed"), base32));
  const std::string seed = base32_decode(base32);
  const std::int64_t t = kNow.seconds;
  auto enable = [&](Browser& b, const std::string& code1, const std::string& code2) {
    return post(b, "root-mfa/enable",
                R"({"serialNumber": ")" + serial + R"(", "code1": ")" + code1 + R"(", "code2": ")" + code2 + "\"}");
  };
  struct Bad {
    std::string code1, code2, code;
    int status;
  };
  const Bad bad[] = {
      {crypto::totp(seed, t), crypto::totp(seed, t - 30), "InvalidAuthenticationCode", 403},  // wrong order
      {"12345", crypto::totp(seed, t), "InvalidInput", 400},
      {crypto::totp(seed, t - 30), "", "InvalidInput", 400},
      {"abcdef", "123456", "InvalidInput", 400},
  };
  for (const Bad& b : bad) {
    r = enable(root, b.code1, b.code2);
    EXPECT_EQ(r.status, b.status) << b.code1 << " " << b.code2;
    EXPECT_EQ(json_member(r, "code"), b.code) << r.body;
  }
  r = post(root, "root-mfa/enable",
           R"({"serialNumber": "arn:aws:iam::123456789012:mfa/nope", "code1": "123456", "code2": "654321"})");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(json_member(r, "code"), "NoSuchEntity");
  // Still unassigned: the root signs in without a code.
  Browser check;
  r = post(check, "signin", R"({"type": "root", "email": "owner@example.com", "password": "Passw0rd!x"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_member(r, "mfa"), "false");

  r = enable(root, crypto::totp(seed, t - 30), crypto::totp(seed, t));
  ASSERT_EQ(r.status, 200) << r.body;
  r = enable(root, crypto::totp(seed, t - 30), crypto::totp(seed, t));
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(json_member(r, "code"), "EntityAlreadyExists");
  // The API shows it as the root's: ListMFADevices without UserName, the summary, the list of
  // virtual devices with the root user as its User.
  r = call(root, "Action=ListMFADevices");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(xml_text(r.body, "SerialNumber"), serial);
  r = call(root, "Action=GetAccountSummary");
  std::string summary = r.body;
  std::erase_if(summary, [](char c) { return c == ' ' || c == '\n'; });
  EXPECT_NE(summary.find("<key>AccountMFAEnabled</key><value>1</value>"), std::string::npos) << r.body;
  r = call(root, "Action=ListVirtualMFADevices&AssignmentStatus=Assigned");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string account = account_of(root);
  EXPECT_EQ(xml_text(r.body, "Arn"), "arn:aws:iam::" + account + ":root");
  EXPECT_EQ(xml_text(r.body, "UserId"), account);
  EXPECT_EQ(r.body.find("<UserName>"), std::string::npos);
  // Deleting it while it is in use is refused.
  r = call(root, "Action=DeleteVirtualMFADevice&SerialNumber=" + form_escape(serial));
  EXPECT_EQ(r.status, 409) << r.body;

  clock_.set(common::Timestamp{t + 30, 0});
  Browser b;
  const std::string signin = R"({"type": "root", "email": "owner@example.com", "password": "Passw0rd!x")";
  r = post(b, "signin", signin + "}");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(json_member(r, "code"), "MfaRequired");
  EXPECT_TRUE(b.cookie.empty());
  // The codes that enabled it do not count again.
  r = post(b, "signin", signin + R"(, "mfaCode": ")" + crypto::totp(seed, t) + "\"}");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(json_member(r, "code"), "InvalidMfaCode");
  EXPECT_TRUE(b.cookie.empty());
  r = post(b, "signin", signin + R"(, "mfaCode": ")" + crypto::totp(seed, t + 30) + "\"}");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_member(r, "mfa"), "true");
  EXPECT_EQ(json_member(request(b, "GET", "/console/api/session", ""), "mfa"), "true");

  // Removed: the root signs in with its password alone, and the device may be deleted.
  r = post(b, "root-mfa/deactivate", R"({"serialNumber": ")" + serial + "\"}");
  ASSERT_EQ(r.status, 200) << r.body;
  r = post(b, "root-mfa/deactivate", R"({"serialNumber": ")" + serial + "\"}");
  EXPECT_EQ(r.status, 404);
  Browser again;
  r = post(again, "signin", signin + "}");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_member(r, "mfa"), "false");
  EXPECT_EQ(call(again, "Action=DeleteVirtualMFADevice&SerialNumber=" + form_escape(serial)).status, 200);
}

TEST_F(ConsoleTest, OnlyTheRootsOwnSessionManagesTheRootsMfa) {
  Browser root = signup();
  const std::string account = account_of(root);
  make_user(root, "admin", "Admin123!x", {"arn:aws:iam::aws:policy/AdministratorAccess"});
  api::ApiResponse r = call(root, "Action=CreateVirtualMFADevice&VirtualMFADeviceName=root-mfa");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string serial = xml_text(r.body, "SerialNumber");
  std::string base32;
  ASSERT_TRUE(common::base64_decode(xml_text(r.body, "Base32StringSeed"), base32));
  const std::string seed = base32_decode(base32);
  const std::string body = R"({"serialNumber": ")" + serial + R"(", "code1": ")" +
                           crypto::totp(seed, kNow.seconds - 30) + R"(", "code2": ")" +
                           crypto::totp(seed, kNow.seconds) + "\"}";
  // An IAM user, even an administrator.
  Browser user;
  ASSERT_EQ(user_signin(user, account, "admin", "Admin123!x").status, 200);
  r = post(user, "root-mfa/enable", body);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(json_member(r, "code"), "AccessDenied");
  r = post(user, "root-mfa/deactivate", R"({"serialNumber": ")" + serial + "\"}");
  EXPECT_EQ(r.status, 403);
  // The root's session without its CSRF token, or with another.
  r = request(root, "POST", "/console/api/root-mfa/enable", body, "application/json", false);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(json_member(r, "code"), "InvalidCsrfToken");
  Browser forged = root;
  forged.csrf = user.csrf;
  r = post(forged, "root-mfa/enable", body);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(json_member(r, "code"), "InvalidCsrfToken");
  // Nothing was assigned.
  r = call(root, "Action=ListVirtualMFADevices&AssignmentStatus=Unassigned");
  EXPECT_EQ(xml_text(r.body, "SerialNumber"), serial);
  EXPECT_EQ(post(root, "root-mfa/enable", body).status, 200);
}

TEST_F(ConsoleTest, SwitchRoleActsAsTheRoleSessionUntilSwitchBack) {
  Browser a = signup("a@example.com", "A");
  Browser bb = signup("b@example.com", "B");
  const std::string account_a = account_of(a);
  const std::string account_b = account_of(bb);
  const std::string trust =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::)" + account_a +
      R"(:root"},"Action":"sts:AssumeRole"}]})";
  ASSERT_EQ(call(bb, "Action=CreateRole&RoleName=Admin&AssumeRolePolicyDocument=" + form_escape(trust)).status, 200);
  ASSERT_EQ(call(bb, "Action=AttachRolePolicy&RoleName=Admin&PolicyArn=" +
                         form_escape("arn:aws:iam::aws:policy/AdministratorAccess"))
                .status,
            200);
  ASSERT_EQ(call(bb, "Action=CreateUser&UserName=in-b").status, 200);
  make_user(a, "dev", "Develop123!x", {"arn:aws:iam::aws:policy/AdministratorAccess"});
  // The root user cannot switch roles.
  EXPECT_EQ(post(a, "switch-role", R"({"account": ")" + account_b + R"(", "roleName": "Admin"})").status, 403);
  Browser dev;
  ASSERT_EQ(user_signin(dev, account_a, "dev", "Develop123!x").status, 200);
  // A role that does not trust account A: AssumeRole's AccessDenied.
  const std::string none =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::)" + account_b +
      R"(:root"},"Action":"sts:AssumeRole"}]})";
  ASSERT_EQ(call(bb, "Action=CreateRole&RoleName=Private&AssumeRolePolicyDocument=" + form_escape(none)).status, 200);
  api::ApiResponse r = post(dev, "switch-role", R"({"account": ")" + account_b + R"(", "roleName": "Private"})");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(json_member(r, "code"), "AccessDenied");
  r = post(dev, "switch-role", R"({"account": ")" + account_b + R"(", "roleName": "Admin", "displayName": "B admin"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_member(r, "accountId"), account_b);
  r = call(dev, "Action=GetCallerIdentity", true);
  EXPECT_EQ(xml_text(r.body, "Arn"), "arn:aws:sts::" + account_b + ":assumed-role/Admin/dev");
  r = call(dev, "Action=ListUsers");
  EXPECT_NE(r.body.find("<UserName>in-b</UserName>"), std::string::npos);
  r = post(dev, "switch-back", "{}");
  EXPECT_EQ(json_member(r, "accountId"), account_a);
  r = call(dev, "Action=GetCallerIdentity", true);
  EXPECT_EQ(xml_text(r.body, "Arn"), "arn:aws:iam::" + account_a + ":user/dev");
}

TEST_F(ConsoleTest, PolicyValidationNamesTheLineOfTheError) {
  Browser b = signup();
  struct Row {
    std::string document;
    int line;
    std::string message_part;
  };
  const Row rows[] = {
      {"{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\" \"Action\": \"*\"}\n  ]\n}",
       4, "Syntax errors"},
      {"{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\n    \"Effect\": \"Allow\",\n    \"Action\": \"*\",\n"
       "    \"Resource\": \"*\"\n  }, {\n    \"Effect\": \"Maybe\",\n    \"Action\": \"*\",\n    \"Resource\": \"*\"\n"
       "  }]\n}",
       8, ""},
  };
  for (const Row& row : rows) {
    std::string doc;
    protocol::append_json_text(doc, row.document);
    api::ApiResponse r = post(b, "validate-policy", R"({"kind": "identity", "document": )" + doc + "}");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(json_member(r, "valid"), "false") << r.body;
    EXPECT_NE(r.body.find("\"line\": " + std::to_string(row.line)), std::string::npos) << r.body;
    EXPECT_NE(r.body.find(row.message_part), std::string::npos) << r.body;
  }
  api::ApiResponse r = post(b, "validate-policy",
                            R"({"document": "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",)"
                            R"(\"Action\":\"*\",\"Resource\":\"*\"}}"})");
  EXPECT_EQ(json_member(r, "valid"), "true") << r.body;
}

TEST_F(ConsoleTest, FilesAreServedWithTheirHeadersAndNothingElse) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "iamd-console-files";
  std::filesystem::create_directories(dir / "js");
  std::ofstream(dir / "index.html") << "<!doctype html><title>iamd</title>";
  std::ofstream(dir / "js" / "app.js") << "export {};";
  std::ofstream(dir / "secret.key") << "no";
  make_console(false, dir);
  Browser b;
  api::ApiResponse r = request(b, "GET", "/console/", "");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(header_of(r, "Content-Type"), "text/html; charset=utf-8");
  const std::string csp = header_of(r, "Content-Security-Policy");
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(header_of(r, "X-Content-Type-Options"), "nosniff");
  r = request(b, "GET", "/console/js/app.js", "");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(header_of(r, "Content-Type"), "text/javascript; charset=utf-8");
  for (const char* path : {"/console/secret.key", "/console/../index.html", "/console/js/../index.html",
                           "/console/.hidden", "/console/nothing.js", "/console//index.html"}) {
    EXPECT_EQ(request(b, "GET", path, "").status, 404) << path;
  }
  EXPECT_EQ(request(b, "POST", "/console/index.html", "x").status, 405);
  EXPECT_EQ(request(b, "GET", "/console", "").status, 302);
  // A browser opening the server's address goes to the console; an API request does not.
  api::ApiRequest browser;
  browser.method = "GET";
  browser.path = "/";
  browser.headers = {{"Accept", "text/html,application/xhtml+xml"}};
  EXPECT_TRUE(Console::serves(browser));
  EXPECT_EQ(console_->handle(browser).status, 302);
  api::ApiRequest api_call = browser;
  api_call.headers = {{"Accept", "*/*"}};
  EXPECT_FALSE(Console::serves(api_call));
  api_call.method = "POST";
  EXPECT_FALSE(Console::serves(api_call));
}

// ---- Sessions and the brake in the store (issue 14) ----

TEST_F(ConsoleTest, TwoConsolesOverOneStoreShareSessionsAndTheBrake) {
  // A second node: its own domain, gateway and console over the same store.
  iam::DomainEnv env = domain_->env();
  iam::IamDomain domain2(env);
  api::Gateway gateway2(domain2, clock_, gateway_random_);
  ConsoleOptions o;
  o.home_account = kBootAccount;
  Console node2(gateway2, domain2, clock_, console_random_, o);
  Browser a = signup("a@example.com", "A");
  // The cookie made by node 1 works on node 2, with its CSRF token.
  node_ = &node2;
  api::ApiResponse r = call(a, "Action=GetCallerIdentity", true);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_NE(xml_text(r.body, "Arn").find(":root"), std::string::npos);
  // Signed out through node 2: node 1 knows at the next request.
  Browser copy = a;
  EXPECT_EQ(post(a, "signout", "{}").status, 200);
  node_ = nullptr;
  r = call(copy, "Action=ListUsers");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(json_member(r, "code"), "NotSignedIn");

  // Guessing through both nodes is braked as through one: 3 failures on node 1 and 2 on
  // node 2 from one address use up the 5 free ones.
  const std::string bad = R"({"type": "root", "email": "a@example.com", "password": "wrong"})";
  const std::string good = R"({"type": "root", "email": "a@example.com", "password": "Passw0rd!x"})";
  Browser g;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(post(g, "signin", bad).status, 401);
  node_ = &node2;
  for (int i = 0; i < 2; ++i) EXPECT_EQ(post(g, "signin", bad).status, 401);
  r = post(g, "signin", good);
  EXPECT_EQ(r.status, 429) << r.body;
  node_ = nullptr;
  r = post(g, "signin", good);
  EXPECT_EQ(r.status, 429) << r.body;
  EXPECT_EQ(json_member(r, "retryAfter"), "1");
}

TEST_F(ConsoleTest, ARestartKeepsASessionAndItsSwitchedRole) {
  Browser a = signup("a@example.com", "A");
  const std::string account_a = account_of(a);
  make_user(a, "dev", "Develop123!x", {"arn:aws:iam::aws:policy/AdministratorAccess"});
  const std::string trust =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::)" + account_a +
      R"(:root"},"Action":"sts:AssumeRole"}]})";
  ASSERT_EQ(call(a, "Action=CreateRole&RoleName=Ops&AssumeRolePolicyDocument=" + form_escape(trust)).status, 200);
  Browser dev;
  ASSERT_EQ(user_signin(dev, account_a, "dev", "Develop123!x").status, 200);
  ASSERT_EQ(post(dev, "switch-role", R"({"account": ")" + account_a + R"(", "roleName": "Ops"})").status, 200);
  // A restart: a new gateway and console (nothing of the old ones kept), the same store.
  console_.reset();
  gateway_ = std::make_unique<api::Gateway>(*domain_, clock_, gateway_random_);
  make_console(true);
  api::ApiResponse r = call(dev, "Action=GetCallerIdentity", true);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(xml_text(r.body, "Arn"), "arn:aws:sts::" + account_a + ":assumed-role/Ops/dev");
  r = call(a, "Action=ListUsers");
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(ConsoleTest, TheStoreHoldsNeitherCookiesNorCredentialsAndForgetsExpiredSessions) {
  Browser a = signup("a@example.com", "A");
  const std::string account_a = account_of(a);
  make_user(a, "dev", "Develop123!x", {"arn:aws:iam::aws:policy/AdministratorAccess"});
  const std::string trust =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::)" + account_a +
      R"(:root"},"Action":"sts:AssumeRole"}]})";
  ASSERT_EQ(call(a, "Action=CreateRole&RoleName=Ops&AssumeRolePolicyDocument=" + form_escape(trust)).status, 200);
  Browser dev;
  ASSERT_EQ(user_signin(dev, account_a, "dev", "Develop123!x").status, 200);
  api::ApiResponse switched = post(dev, "switch-role", R"({"account": ")" + account_a + R"(", "roleName": "Ops"})");
  ASSERT_EQ(switched.status, 200);
  auto records = [&] {
    auto tx = store_->begin_read();
    EXPECT_TRUE(tx.has_value());
    auto page = (*tx)->list_resources(store::ResourceKind::kConsoleSession, kBootAccount, std::nullopt, {});
    EXPECT_TRUE(page.has_value());
    return page->items;
  };
  const auto stored = records();
  ASSERT_EQ(stored.size(), 2u);
  for (const store::Resource& r : stored) {
    EXPECT_NE(r.id, a.cookie);
    EXPECT_NE(r.id, dev.cookie);
    EXPECT_EQ(r.body.find(a.cookie), std::string::npos);
    EXPECT_EQ(r.body.find(dev.cookie), std::string::npos);
    EXPECT_EQ(r.body.find("ASIA"), std::string::npos) << "the role's credentials are sealed";
  }
  // Expired sessions are refused at once and deleted by prune; live ones stay.
  clock_.set(common::Timestamp{kNow.seconds + 6 * 3600});
  Browser late = signup("late@example.com", "Late");
  clock_.set(common::Timestamp{kNow.seconds + 12 * 3600});
  EXPECT_EQ(call(dev, "Action=ListUsers").status, 401);
  auto pruned = console_->prune();
  ASSERT_TRUE(pruned.has_value()) << pruned.error().message;
  EXPECT_EQ(records().size(), 1u);
  EXPECT_EQ(call(late, "Action=ListUsers").status, 200);
}

TEST_F(ConsoleTest, ReadingASessionIsACacheHitUntilItsRecordChanges) {
  ConsoleStore records(*domain_, kBootAccount);
  SessionTable table(records);
  Session s;
  s.who.account_id = kBootAccount;
  s.arn = "arn:aws:iam::123456789012:root";
  s.expires = common::Timestamp{kNow.seconds + 3600};
  auto made = table.create(s, console_random_, kNow);
  ASSERT_TRUE(made.has_value());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(table.find(made->id, kNow).has_value());
  EXPECT_EQ(table.reads(), 1u);
  Session changed = *made;
  changed.password_reset_required = true;
  ASSERT_TRUE(table.update(changed).has_value());
  auto after = table.find(made->id, kNow);
  ASSERT_TRUE(after.has_value());
  EXPECT_TRUE(after->password_reset_required);
  EXPECT_EQ(table.reads(), 2u);
  EXPECT_FALSE(table.find(std::string(64, 'f'), kNow).has_value());
  ASSERT_TRUE(table.erase(made->id).has_value());
  EXPECT_FALSE(table.find(made->id, kNow).has_value());
}

}  // namespace
}  // namespace iamd::console

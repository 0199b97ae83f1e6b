// OpenID Connect ID token verification for AssumeRoleWithWebIdentity (api/web_identity.h,
// crypto/jws.h): tables of tokens that verify and tokens refused (bad signature, another key,
// wrong or unsupported alg, expired, not yet valid, wrong kid, malformed), and JWKS refused.
#include "api/web_identity.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "web_identity_vectors.h"

namespace iamd {
namespace {

using namespace test_vectors;  // NOLINT(google-build-using-namespace)

constexpr std::string_view kNotJwt =
    "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)";
constexpr std::string_view kNoKey =
    "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity "
    "documentation for requirements";
constexpr std::string_view kNotValidated =
    "The web identity token that was passed could not be validated by Amazon Web Services. Get a new identity token "
    "from the identity provider and then retry the request.";
constexpr common::Timestamp kNow{1800000000, 0};

api::WebIdentityKeys keys() {
  api::WebIdentityKeys k;
  auto added = k.add("https://idp.example.com", kJwks);
  EXPECT_TRUE(added) << added.error().message;
  return k;
}

// Parse, signature, times: the first error's code and message ("" when it verifies).
std::pair<std::string, std::string> verify(std::string_view token, common::Timestamp now = kNow) {
  static const api::WebIdentityKeys k = keys();
  auto t = api::parse_identity_token(token);
  if (!t) return {t.error().code, t.error().message};
  if (auto v = api::verify_identity_token(*t, k); !v) return {v.error().code, v.error().message};
  if (auto v = api::check_identity_token_times(*t, now); !v) return {v.error().code, v.error().message};
  return {"", ""};
}

struct Case {
  const char* name;
  std::string token;
  std::string code;
  std::string message;  // "" when any
};

TEST(WebIdentityToken, Table) {
  const std::string kHeaderOnly = std::string(kRs256.substr(0, kRs256.find('.')));
  const std::string kSig = std::string(kRs256.substr(kRs256.rfind('.') + 1));
  std::string tampered(kRs256);
  tampered[tampered.size() - 10] = tampered[tampered.size() - 10] == 'A' ? 'B' : 'A';
  std::string tampered_es(kEs256);
  tampered_es[tampered_es.size() - 50] = tampered_es[tampered_es.size() - 50] == 'A' ? 'B' : 'A';
  const std::string claims_not_json = kHeaderOnly + ".bm90IGpzb24." + kSig;  // "not json"
  const Case cases[] = {
      {"RS256", std::string(kRs256), "", ""},
      {"RS384", std::string(kRs384), "", ""},
      {"RS512", std::string(kRs512), "", ""},
      {"ES256", std::string(kEs256), "", ""},
      {"ES384 with a key pinned to it", std::string(kEs384), "", ""},
      {"no kid, one RSA key", std::string(kNoKid), "", ""},
      {"aud as a list", std::string(kAudList), "", ""},
      {"RSA signature altered", tampered, "InvalidIdentityToken", std::string(kNotValidated)},
      {"ECDSA signature altered", tampered_es, "InvalidIdentityToken", std::string(kNotValidated)},
      {"signed by another key under a known kid", std::string(kOtherKey), "InvalidIdentityToken",
       std::string(kNotValidated)},
      {"kid of an encryption key (skipped)", std::string(kEncKey), "InvalidIdentityToken", std::string(kNoKey)},
      {"unknown kid", std::string(kWrongKid), "InvalidIdentityToken", std::string(kNoKey)},
      {"RS256 under an EC key", std::string(kRsOnEcKey), "InvalidIdentityToken", std::string(kNotValidated)},
      {"ES256 under a key pinned to ES384", std::string(kEs256OnEs384Key), "InvalidIdentityToken",
       std::string(kNotValidated)},
      {"HS256", std::string(kHs256), "InvalidIdentityToken", "Unsupported signing algorithm: HS256"},
      {"PS256", std::string(kPs256), "InvalidIdentityToken", "Unsupported signing algorithm: PS256"},
      {"alg none", std::string(kNone), "InvalidIdentityToken", "Unsupported signing algorithm: none"},
      {"issuer without keys", std::string(kOtherIssuer), "InvalidIdentityToken", std::string(kNoKey)},
      {"no aud", std::string(kNoAud), "InvalidIdentityToken", "The token has no audience (aud)."},
      {"no sub", std::string(kNoSub), "InvalidIdentityToken", "The token has no subject (sub)."},
      {"no exp", std::string(kNoExp), "InvalidIdentityToken", "The token has no expiration time (exp)."},
      {"nbf now", std::string(kNbfLater), "", ""},  // nbf 1800000000 == kNow
      {"two parts", kHeaderOnly + "." + kSig, "InvalidIdentityToken", std::string(kNotJwt)},
      {"four parts", std::string(kRs256) + ".AAAA", "InvalidIdentityToken", std::string(kNotJwt)},
      {"empty signature", std::string(kRs256.substr(0, kRs256.rfind('.') + 1)), "InvalidIdentityToken",
       std::string(kNotJwt)},
      {"not base64url", "e30.e30.a+b/", "InvalidIdentityToken", std::string(kNotJwt)},
      {"padded base64url", std::string(kRs256) + "==", "InvalidIdentityToken", std::string(kNotJwt)},
      {"header not JSON", "bm90IGpzb24.e30.c2ln", "InvalidIdentityToken", std::string(kNotJwt)},
      {"claims not JSON", claims_not_json, "InvalidIdentityToken", std::string(kNotJwt)},
      {"not a JWT at all", "opaque-access-token", "InvalidIdentityToken", std::string(kNotJwt)},
  };
  for (const Case& c : cases) {
    auto [code, message] = verify(c.token);
    EXPECT_EQ(code, c.code) << c.name << ": " << message;
    if (!c.message.empty()) {
      EXPECT_EQ(message, c.message) << c.name;
    }
  }
}

TEST(WebIdentityToken, Times) {
  // exp 2000000000: valid until the second before.
  EXPECT_EQ(verify(kRs256, {1999999999, 0}).first, "");
  auto expired = verify(kRs256, {2000000000, 0});
  EXPECT_EQ(expired.first, "ExpiredTokenException");
  EXPECT_EQ(expired.second,
            "Token expired: current date/time 2000000000 must be before the expiration date/time2000000000");
  // nbf 1800000000, with kClockSkew (300 s) of tolerance.
  EXPECT_EQ(verify(kNbfLater, {1800000000 - 300, 0}).first, "");
  EXPECT_EQ(verify(kNbfLater, {1800000000 - 301, 0}).first, "InvalidIdentityToken");
  // iat 1700000000.
  EXPECT_EQ(verify(kRs256, {1700000000 - 301, 0}).first, "InvalidIdentityToken");
}

TEST(WebIdentityToken, Claims) {
  auto t = api::parse_identity_token(kAudList);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->issuer, "https://idp.example.com");
  EXPECT_EQ(t->subject, "user-1");
  EXPECT_EQ(t->audiences, (std::vector<std::string>{"a", "client"}));
  EXPECT_EQ(t->amr, std::vector<std::string>{"pwd"});
  EXPECT_EQ(t->expires, 2000000000);
  EXPECT_EQ(t->issued_at, 1700000000);
  EXPECT_EQ(t->kid, "r1");
}

TEST(WebIdentityKeys, Refused) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"not JSON", "{"},
      {"no keys", R"({"keys": []})"},
      {"keys not a list", R"({"keys": {}})"},
      {"only an HMAC key", R"({"keys": [{"kty": "oct", "k": "c2VjcmV0"}]})"},
      {"RSA without e", R"({"keys": [{"kty": "RSA", "n": "AQAB"}]})"},
      {"RSA n not base64url", R"({"keys": [{"kty": "RSA", "n": "a+b/", "e": "AQAB"}]})"},
      {"RSA under 2048 bits", kSmallRsaJwks},
      {"EC point off the curve", kOffCurveJwks},
      {"no kty", R"({"keys": [{"n": "AQAB", "e": "AQAB"}]})"},
  };
  for (const auto& [name, jwks] : cases) {
    api::WebIdentityKeys k;
    auto added = k.add("https://idp.example.com", jwks);
    ASSERT_FALSE(added) << name;
    EXPECT_EQ(added.error().code, "InvalidJwks") << name;
    EXPECT_EQ(k.find("idp.example.com"), nullptr) << name;
  }
  api::WebIdentityKeys k;
  EXPECT_FALSE(k.add("https://", kJwks));
}

TEST(WebIdentityKeys, IssuerForms) {
  EXPECT_EQ(api::oidc_provider_url("https://idp.example.com/"), "idp.example.com/");
  EXPECT_EQ(api::oidc_provider_url("https://idp.example.com/tenant"), "idp.example.com/tenant");
  EXPECT_EQ(api::oidc_provider_url("accounts.google.com"), "accounts.google.com");
  const api::WebIdentityKeys k = keys();
  ASSERT_NE(k.find("https://idp.example.com"), nullptr);
  EXPECT_EQ(k.find("idp.example.com")->size(), 3u);  // the "enc" key is skipped
  EXPECT_EQ(k.find("https://idp.example.com.evil"), nullptr);
  EXPECT_EQ(k.find("https://idp.example.com/"), nullptr);  // another issuer, as another provider
}

}  // namespace
}  // namespace iamd

#include "api/web_identity.h"

#include <charconv>
#include <cmath>

#include "common/strings.h"
#include "policy/json.h"

namespace iamd::api {

using common::Error;
using common::Result;

namespace {

// [UNCERTAIN] AWS's texts below are those reported by its users (GitHub issues of
// aws-actions/configure-aws-credentials and others), not documented; the others are iamd's.
constexpr std::string_view kNotJwt =
    "The ID Token provided is not a valid JWT. (You may see this error if you sent "
    "an Access Token)";
constexpr std::string_view kNoKey =
    "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity "
    "documentation for requirements";
// The API reference's description of InvalidIdentityToken.
constexpr std::string_view kNotValidated =
    "The web identity token that was passed could not be validated by Amazon Web Services. Get a new identity token "
    "from the identity provider and then retry the request.";

Error invalid_token(std::string_view message) {
  return Error{"InvalidIdentityToken", std::string(message), ""};
}
Error invalid_jwks(std::string message) {
  return Error{"InvalidJwks", std::move(message), ""};
}

// base64url without padding (RFC 7515 §2); false on any other character or a bad length.
bool base64url_decode(std::string_view in, std::string& out) {
  if (in.size() % 4 == 1) return false;
  std::string s;
  s.reserve(in.size() + 3);
  for (char c : in) {
    if (c == '-') {
      s.push_back('+');
    } else if (c == '_') {
      s.push_back('/');
    } else if (c == '+' || c == '/' || c == '=') {
      return false;
    } else {
      s.push_back(c);
    }
  }
  while (s.size() % 4 != 0) s.push_back('=');
  return common::base64_decode(s, out);
}

// A NumericDate (RFC 7519 §2): a JSON number of seconds, possibly with a fraction (dropped).
std::optional<std::int64_t> numeric_date(const policy::JsonValue& v) {
  if (v.kind != policy::JsonValue::Kind::kNumber) return std::nullopt;
  double d = 0;
  auto [p, ec] = std::from_chars(v.text.data(), v.text.data() + v.text.size(), d);
  if (ec != std::errc() || p != v.text.data() + v.text.size() || !std::isfinite(d) || d < 0 || d > 1e15) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(d);
}

// A string, or a list of strings (aud, amr); false for anything else.
bool strings_of(const policy::JsonValue& v, std::vector<std::string>& out) {
  if (v.is_string()) {
    out.push_back(v.text);
    return true;
  }
  if (!v.is_array()) return false;
  for (const policy::JsonValue& item : v.items) {
    if (!item.is_string()) return false;
    out.push_back(item.text);
  }
  return true;
}

const std::string* string_member(const policy::JsonValue& obj, std::string_view key) {
  const policy::JsonValue* v = obj.find(key);
  return v != nullptr && v->is_string() ? &v->text : nullptr;
}

// An object whose keys appear once each (RFC 7515 §4: a JOSE header with duplicates is
// refused; iamd refuses them in the claims too, so no claim is read two ways).
Result<policy::JsonValue> json_object(std::string_view text) {
  auto v = policy::parse_json(text);
  if (!v || !v->is_object()) return invalid_token(kNotJwt);
  for (std::size_t i = 0; i < v->members.size(); ++i) {
    for (std::size_t j = i + 1; j < v->members.size(); ++j) {
      if (v->members[i].key == v->members[j].key) return invalid_token(kNotJwt);
    }
  }
  return std::move(v).value();
}

}  // namespace

std::string oidc_provider_url(std::string_view issuer) {
  if (issuer.starts_with("https://")) issuer.remove_prefix(8);
  return std::string(issuer);
}

Result<void> WebIdentityKeys::add(std::string_view issuer, std::string_view jwks) {
  const std::string url = oidc_provider_url(issuer);
  if (url.empty()) return invalid_jwks("the issuer is empty");
  auto doc = policy::parse_json(jwks);
  if (!doc) return invalid_jwks("the JWKS is not JSON: " + doc.error().message);
  const policy::JsonValue* list = doc->is_object() ? doc->find("keys") : nullptr;
  if (list == nullptr || !list->is_array()) return invalid_jwks("the JWKS has no \"keys\" list");
  std::vector<WebIdentityKey> keys;
  for (std::size_t i = 0; i < list->items.size(); ++i) {
    const policy::JsonValue& jwk = list->items[i];
    const std::string where = "key " + std::to_string(i + 1) + ": ";
    if (!jwk.is_object()) return invalid_jwks(where + "not a JSON object");
    const std::string* kty = string_member(jwk, "kty");
    if (kty == nullptr) return invalid_jwks(where + "no \"kty\"");
    const std::string* use = string_member(jwk, "use");
    if (use != nullptr && *use != "sig") continue;  // an encryption key
    const std::string* crv = string_member(jwk, "crv");
    if (*kty != "RSA" && *kty != "EC") continue;  // oct, OKP: not verified here
    if (*kty == "EC" && (crv == nullptr || (*crv != "P-256" && *crv != "P-384"))) continue;  // P-521, ...
    crypto::JwkValues values;
    values.kty = *kty;
    auto field = [&](std::string_view name, std::string& out) -> Result<void> {
      const std::string* text = string_member(jwk, name);
      if (text == nullptr || !base64url_decode(*text, out) || out.empty()) {
        return invalid_jwks(where + "\"" + std::string(name) + "\" is missing or not base64url");
      }
      return {};
    };
    if (values.kty == "RSA") {
      if (auto f = field("n", values.n); !f) return f;
      if (auto f = field("e", values.e); !f) return f;
    } else {
      values.crv = *crv;
      if (auto f = field("x", values.x); !f) return f;
      if (auto f = field("y", values.y); !f) return f;
    }
    WebIdentityKey key;
    if (const std::string* kid = string_member(jwk, "kid")) key.kid = *kid;
    if (const std::string* alg = string_member(jwk, "alg")) {
      key.alg = crypto::jws_algorithm(*alg);
      if (!key.alg) continue;  // a key for an algorithm iamd does not verify (PS256, ...)
    }
    auto made = crypto::JwsKey::make(values);
    if (!made) return invalid_jwks(where + made.error().message);
    key.key = std::move(made).value();
    keys.push_back(std::move(key));
  }
  if (keys.empty()) return invalid_jwks("the JWKS has no RSA or EC (P-256, P-384) signing key");
  auto& slot = keys_[url];
  for (WebIdentityKey& k : keys) slot.push_back(std::move(k));
  return {};
}

const std::vector<WebIdentityKey>* WebIdentityKeys::find(std::string_view issuer) const {
  auto it = keys_.find(oidc_provider_url(issuer));
  return it == keys_.end() ? nullptr : &it->second;
}

Result<IdentityToken> parse_identity_token(std::string_view token) {
  const std::size_t dot1 = token.find('.');
  const std::size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return invalid_token(kNotJwt);  // also a JWE (five parts)
  }
  std::string header_text;
  std::string claims_text;
  IdentityToken t;
  if (!base64url_decode(token.substr(0, dot1), header_text) ||
      !base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1), claims_text) ||
      !base64url_decode(token.substr(dot2 + 1), t.signature) || t.signature.empty()) {
    return invalid_token(kNotJwt);
  }
  auto header = json_object(header_text);
  if (!header) return header.error();
  const std::string* alg = string_member(*header, "alg");
  if (alg == nullptr) return invalid_token(kNotJwt);
  auto a = crypto::jws_algorithm(*alg);
  // [UNCERTAIN] AWS's text for an algorithm it does not accept.
  if (!a) return invalid_token("Unsupported signing algorithm: " + *alg);
  t.alg = *a;
  // A critical extension iamd does not know must be refused (RFC 7515 §4.1.11): it knows none.
  if (header->find("crit") != nullptr) return invalid_token(kNotValidated);
  if (const policy::JsonValue* kid = header->find("kid")) {
    if (!kid->is_string()) return invalid_token(kNotJwt);
    t.kid = kid->text;
  }
  t.signing_input = std::string(token.substr(0, dot2));

  auto claims = json_object(claims_text);
  if (!claims) return claims.error();
  const std::string* iss = string_member(*claims, "iss");
  const std::string* sub = string_member(*claims, "sub");
  const policy::JsonValue* aud = claims->find("aud");
  const policy::JsonValue* exp = claims->find("exp");
  // [UNCERTAIN] AWS's texts for missing claims: iamd names the claim.
  if (iss == nullptr || iss->empty()) return invalid_token("The token has no issuer (iss).");
  if (sub == nullptr || sub->empty()) return invalid_token("The token has no subject (sub).");
  if (aud == nullptr || !strings_of(*aud, t.audiences) || t.audiences.empty()) {
    return invalid_token("The token has no audience (aud).");
  }
  auto exp_value = exp != nullptr ? numeric_date(*exp) : std::nullopt;
  if (!exp_value) return invalid_token("The token has no expiration time (exp).");
  t.issuer = *iss;
  t.subject = *sub;
  t.expires = *exp_value;
  if (const policy::JsonValue* nbf = claims->find("nbf")) {
    t.not_before = numeric_date(*nbf);
    if (!t.not_before) return invalid_token(kNotJwt);
  }
  if (const policy::JsonValue* iat = claims->find("iat")) {
    t.issued_at = numeric_date(*iat);
    if (!t.issued_at) return invalid_token(kNotJwt);
  }
  if (const policy::JsonValue* amr = claims->find("amr")) {
    if (!strings_of(*amr, t.amr)) return invalid_token(kNotJwt);
  }
  if (const std::string* azp = string_member(*claims, "azp")) t.azp = *azp;
  // [UNCERTAIN] AWS's texts for session tag and source identity claims of the wrong shape.
  if (const policy::JsonValue* tags = claims->find("https://aws.amazon.com/tags")) {
    const Error bad = invalid_token("The session tags claim https://aws.amazon.com/tags is not valid.");
    if (!tags->is_object()) return bad;
    for (const policy::JsonMember& m : tags->members) {
      if (m.key == "principal_tags") {
        if (!m.value.is_object()) return bad;
        // Each value is a list of exactly one string (AWS's documented form).
        for (const policy::JsonMember& tag : m.value.members) {
          if (!tag.value.is_array() || tag.value.items.size() != 1 || !tag.value.items[0].is_string()) return bad;
          t.tags.emplace_back(tag.key, tag.value.items[0].text);
        }
      } else if (m.key == "transitive_tag_keys") {
        std::vector<std::string> keys;
        if (!strings_of(m.value, keys)) return bad;
        t.transitive_tag_keys.insert(t.transitive_tag_keys.end(), keys.begin(), keys.end());
      } else {
        return bad;
      }
    }
  }
  if (const policy::JsonValue* source = claims->find("https://aws.amazon.com/source_identity")) {
    if (!source->is_string()) return invalid_token("The source identity claim is not a string.");
    t.source_identity = source->text;
  }
  return t;
}

Result<void> verify_identity_token(const IdentityToken& token, const WebIdentityKeys& keys) {
  const std::vector<WebIdentityKey>* candidates = keys.find(token.issuer);
  if (candidates == nullptr) return invalid_token(kNoKey);
  const WebIdentityKey* chosen = nullptr;
  if (!token.kid.empty()) {
    for (const WebIdentityKey& k : *candidates) {
      if (k.kid == token.kid) {
        chosen = &k;
        break;
      }
    }
  } else {
    // [IMPL] Without a kid the issuer must have exactly one key that fits the algorithm.
    const bool rsa = token.alg == crypto::JwsAlgorithm::kRS256 || token.alg == crypto::JwsAlgorithm::kRS384 ||
                     token.alg == crypto::JwsAlgorithm::kRS512;
    for (const WebIdentityKey& k : *candidates) {
      if (k.key.is_rsa() != rsa) continue;
      if (chosen != nullptr) return invalid_token(kNoKey);
      chosen = &k;
    }
  }
  if (chosen == nullptr) return invalid_token(kNoKey);
  if (chosen->alg && *chosen->alg != token.alg) return invalid_token(kNotValidated);
  if (!chosen->key.verify(token.alg, token.signing_input, token.signature)) return invalid_token(kNotValidated);
  return {};
}

Result<void> check_identity_token_times(const IdentityToken& token, common::Timestamp now) {
  // [UNCERTAIN] AWS's text as its users report it (no space before the second time).
  if (now.seconds >= token.expires) {
    return Error{"ExpiredTokenException",
                 "Token expired: current date/time " + std::to_string(now.seconds) +
                     " must be before the expiration date/time" + std::to_string(token.expires),
                 ""};
  }
  // [UNCERTAIN] AWS's texts for a token not valid yet or issued in the future.
  if (token.not_before && *token.not_before > now.seconds + kClockSkew) {
    return invalid_token("The token is not valid yet (nbf is in the future).");
  }
  if (token.issued_at && *token.issued_at > now.seconds + kClockSkew) {
    return invalid_token("The token was issued in the future (iat).");
  }
  return {};
}

}  // namespace iamd::api

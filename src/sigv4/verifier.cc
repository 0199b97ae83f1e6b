#include "sigv4/verifier.h"

#include <openssl/crypto.h>

#include <utility>

#include "common/strings.h"
#include "sigv4/authorization.h"
#include "sigv4/canonical.h"
#include "sigv4/crypto.h"
#include "sigv4/errors.h"

namespace iamd::sigv4 {
namespace {

// Per-thread buffers for the canonical request and string to sign: a warm thread builds
// them without allocating. A buffer grown past this by an unusual request is dropped.
constexpr std::size_t kMaxKeptBuffer = 64 * 1024;

std::string& scratch(std::string& s) {
  if (s.capacity() > kMaxKeptBuffer) std::string().swap(s);
  s.clear();
  return s;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

const HeaderView* find_header(const RequestView& r, std::string_view name) {
  for (const HeaderView& h : r.headers) {
    if (common::iequals(h.name, name)) return &h;
  }
  return nullptr;
}

bool list_contains(std::string_view list, std::string_view name) {
  std::size_t pos = 0;
  while (pos <= list.size()) {
    std::size_t semi = list.find(';', pos);
    if (semi == std::string_view::npos) semi = list.size();
    if (common::iequals(list.substr(pos, semi - pos), name)) return true;
    pos = semi + 1;
  }
  return false;
}

bool allowed(const std::vector<std::string>& set, std::string_view value) {
  if (set.empty()) return true;
  for (const auto& s : set) {
    if (s == value) return true;
  }
  return false;
}

common::Error bad_date(std::string_view text) {
  return incomplete_signature("Date must be in ISO-8601 'basic format'. Got '" + std::string(text) +
                              "'. See http://en.wikipedia.org/wiki/ISO_8601");
}

std::string minutes(std::int64_t seconds) {
  return seconds % 60 == 0 ? std::to_string(seconds / 60) + " min." : std::to_string(seconds) + " sec.";
}

common::Error expired(common::Timestamp t, std::int64_t now, std::int64_t skew) {
  return signature_does_not_match("Signature expired: " + format_amz_date(t) + " is now earlier than " +
                                  format_amz_date({now - skew, 0}) + " (" + format_amz_date({now, 0}) + " - " +
                                  minutes(skew) + ")");
}

common::Error not_yet_current(common::Timestamp t, std::int64_t now, std::int64_t skew) {
  return signature_does_not_match("Signature not yet current: " + format_amz_date(t) + " is still later than " +
                                  format_amz_date({now + skew, 0}) + " (" + format_amz_date({now, 0}) + " + " +
                                  minutes(skew) + ")");
}

}  // namespace

Verifier::Verifier(const CredentialLookup& lookup, const common::Clock& clock, VerifyOptions options,
                   std::size_t key_cache_capacity)
    : lookup_(lookup), clock_(clock), options_(std::move(options)), cache_(key_cache_capacity) {}

common::Result<VerifiedRequest> Verifier::verify(const Request& request, std::string_view service) const {
  thread_local std::vector<HeaderView> storage;
  return verify(view_of(request, storage), service);
}

common::Result<VerifiedRequest> Verifier::verify(const RequestView& r, std::string_view service) const {
  const HeaderView* auth = find_header(r, "authorization");
  const bool presigned = has_presigned_params(r.query);
  if (auth == nullptr && !presigned) return missing_authentication_token();
  if (auth != nullptr && presigned) {
    return incomplete_signature(
        "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header "
        "should be specified");
  }

  // The signature's parts, as views into the request or into `query` (presigned form).
  std::string_view credential, signed_headers, signature, amz_date, session_token;
  PresignedQuery query;
  std::string date_from_http;  // the Date header in basic format, when it is the signing time
  common::Timestamp signing_time;
  if (auth != nullptr) {
    const HeaderView* x_amz_date = find_header(r, "x-amz-date");
    const HeaderView* http_date = x_amz_date != nullptr ? nullptr : find_header(r, "date");
    auto parsed = parse_authorization(auth->value, x_amz_date != nullptr || http_date != nullptr);
    if (!parsed) return parsed.error();
    credential = parsed->credential;
    signed_headers = parsed->signed_headers;
    signature = parsed->signature;
    if (x_amz_date != nullptr) {
      amz_date = trim(x_amz_date->value);
      auto t = parse_amz_date(amz_date);
      if (!t) return bad_date(amz_date);
      signing_time = *t;
    } else {
      auto t = parse_http_date(trim(http_date->value));
      if (!t) return bad_date(trim(http_date->value));
      signing_time = *t;
      date_from_http = format_amz_date(*t);
      amz_date = date_from_http;
    }
    if (const HeaderView* token = find_header(r, "x-amz-security-token")) session_token = trim(token->value);
  } else {
    auto parsed = parse_presigned(r.query);
    if (!parsed) return parsed.error();
    query = std::move(*parsed);
    credential = query.credential;
    signed_headers = query.signed_headers;
    signature = query.signature;
    amz_date = query.amz_date;
    session_token = query.security_token;
    auto t = parse_amz_date(amz_date);
    if (!t) return bad_date(amz_date);
    signing_time = *t;
  }

  auto scope = parse_credential(credential);
  if (!scope) return scope.error();
  if (scope->terminator != kTerminator) {
    return signature_does_not_match("Credential should be scoped with a valid terminator: 'aws4_request', not '" +
                                    std::string(scope->terminator) + "'.");
  }
  if (scope->date != amz_date.substr(0, 8)) {
    return signature_does_not_match(
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '" +
        std::string(scope->date) + "' != '" + std::string(amz_date.substr(0, 8)) + "', from '" + std::string(amz_date) +
        "'.");
  }
  // The region is echoed only inside AWS's error text; the encoder of the response escapes it.
  if (scope->region.empty() || !allowed(options_.regions, scope->region)) {
    return signature_does_not_match("Credential should be scoped to a valid region, not '" +
                                    std::string(scope->region) + "'. ");
  }
  if (scope->service.empty() || !allowed(options_.services, scope->service) ||
      (!service.empty() && scope->service != service)) {
    std::string_view expected = service;
    if (expected.empty() && !options_.services.empty()) expected = options_.services.front();
    return signature_does_not_match("Credential should be scoped to correct service: '" + std::string(expected) +
                                    "'. ");
  }
  if (!list_contains(signed_headers, "host")) {
    return incomplete_signature("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }

  const std::int64_t now = clock_.now().seconds;
  const std::int64_t skew = options_.max_skew_seconds;
  if (!presigned && signing_time.seconds < now - skew) return expired(signing_time, now, skew);
  if (signing_time.seconds > now + skew) return not_yet_current(signing_time, now, skew);
  if (presigned && now > signing_time.seconds + query.expires) return request_expired();

  auto credential_found = lookup_.lookup(scope->access_key_id, session_token);
  if (!credential_found) return credential_found.error();

  thread_local std::string payload_hash_buffer;
  std::string& body_hash = scratch(payload_hash_buffer);
  std::string_view payload_hash;
  const HeaderView* content_sha256 = find_header(r, "x-amz-content-sha256");
  std::string_view claimed = content_sha256 != nullptr ? trim(content_sha256->value) : std::string_view();
  if (content_sha256 != nullptr && claimed == kUnsignedPayload) {
    if (!options_.allow_unsigned_payload) return signature_does_not_match();
    payload_hash = claimed;
  } else {
    append_hex(sha256(r.body), body_hash);
    if (content_sha256 != nullptr && !common::iequals(claimed, body_hash)) return content_sha256_mismatch();
    payload_hash = content_sha256 != nullptr ? claimed : std::string_view(body_hash);
  }

  thread_local std::string canonical_buffer;
  thread_local std::string string_to_sign_buffer;
  std::string& canonical = scratch(canonical_buffer);
  std::string& string_to_sign = scratch(string_to_sign_buffer);
  append_canonical_request(r, signed_headers, payload_hash, presigned, canonical);
  append_string_to_sign(amz_date, scope->scope, canonical, string_to_sign);
  Digest key = cache_.get(credential_found->secret_access_key, scope->date, scope->region, scope->service);
  Digest mac = hmac_sha256(key, string_to_sign);
  OPENSSL_cleanse(key.data(), key.size());
  char expected[64];
  static constexpr char kDigits[] = "0123456789abcdef";
  for (std::size_t i = 0; i < mac.size(); ++i) {
    expected[2 * i] = kDigits[mac[i] >> 4];
    expected[2 * i + 1] = kDigits[mac[i] & 0xf];
  }
  if (!constant_time_equal(signature, std::string_view(expected, sizeof expected))) {
    if (!options_.explain_signature_mismatch) return signature_does_not_match();
    return signature_does_not_match(std::string(kSignatureDoesNotMatchMessage) +
                                    "\n\nThe Canonical String for this request should have been\n'" + canonical +
                                    "'\n\nThe String-to-Sign should have been\n'" + string_to_sign + "'\n");
  }

  VerifiedRequest out;
  out.access_key_id = scope->access_key_id;
  out.region = scope->region;
  out.service = scope->service;
  out.signing_time = signing_time;
  out.session_token = session_token;
  out.presigned = presigned;
  out.principal = std::move(credential_found->principal);
  return out;
}

}  // namespace iamd::sigv4

#include "sigv4/authorization.h"

#include <algorithm>
#include <utility>

#include "sigv4/canonical.h"
#include "sigv4/errors.h"

namespace iamd::sigv4 {
namespace {

constexpr std::int64_t kMaxExpires = 604800;  // one week

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Calls fn(decoded name, raw value) for each non-empty '&'-separated piece. The name is
// decoded into a per-thread buffer, so header-signed requests with a query allocate nothing
// here; fn must not keep the reference.
template <class Fn>
void for_each_param(std::string_view raw_query, Fn&& fn) {
  thread_local std::string name;
  std::size_t pos = 0;
  while (pos < raw_query.size()) {
    std::size_t amp = raw_query.find('&', pos);
    if (amp == std::string_view::npos) amp = raw_query.size();
    std::string_view piece = raw_query.substr(pos, amp - pos);
    pos = amp + 1;
    if (piece.empty()) continue;
    std::size_t eq = piece.find('=');
    std::string_view value = eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
    name.clear();
    append_percent_decoded(piece.substr(0, eq), true, name);
    fn(static_cast<const std::string&>(name), value);
  }
}

}  // namespace

common::Result<AuthorizationHeader> parse_authorization(std::string_view header, bool has_date) {
  std::string_view text = trim(header);
  std::size_t space = text.find(' ');
  std::string_view algorithm = text.substr(0, space);
  if (algorithm != kAlgorithm) {
    return incomplete_signature("Unsupported AWS 'algorithm': '" + std::string(algorithm) + "'");
  }
  std::string_view rest = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
  AuthorizationHeader out;
  bool have_credential = false, have_signed_headers = false, have_signature = false;
  std::size_t pos = 0;
  while (pos < rest.size()) {
    std::size_t comma = rest.find(',', pos);
    if (comma == std::string_view::npos) comma = rest.size();
    std::string_view part = trim(rest.substr(pos, comma - pos));
    pos = comma + 1;
    if (part.empty()) continue;
    std::size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      // Built by appending: GCC 12 warns falsely (-Wrestrict) on "'" + std::string(...).
      std::string message = "'";
      message += part;
      message += "' not a valid key=value pair (missing equal-sign) in Authorization header: '";
      message += header;
      message += "'.";
      return incomplete_signature(message);
    }
    std::string_view key = part.substr(0, eq);
    std::string_view value = part.substr(eq + 1);
    if (key == "Credential" && !have_credential) {
      out.credential = value;
      have_credential = true;
    } else if (key == "SignedHeaders" && !have_signed_headers) {
      out.signed_headers = value;
      have_signed_headers = true;
    } else if (key == "Signature" && !have_signature) {
      out.signature = value;
      have_signature = true;
    }
  }
  if (have_credential && have_signed_headers && have_signature && has_date) return out;
  std::string message;
  if (!have_credential) message += "Authorization header requires 'Credential' parameter. ";
  if (!have_signature) message += "Authorization header requires 'Signature' parameter. ";
  if (!have_signed_headers) message += "Authorization header requires 'SignedHeaders' parameter. ";
  if (!has_date) message += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  message += "Authorization=";
  message += header;
  return incomplete_signature(std::move(message));
}

common::Result<CredentialScope> parse_credential(std::string_view credential) {
  if (std::count(credential.begin(), credential.end(), '/') != 4) {
    return incomplete_signature(
        "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '" +
        std::string(credential) + "'");
  }
  std::string_view parts[5];
  std::size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    std::size_t slash = credential.find('/', pos);
    parts[i] = credential.substr(pos, slash - pos);
    pos = slash + 1;
  }
  parts[4] = credential.substr(pos);
  CredentialScope s;
  s.access_key_id = parts[0];
  s.date = parts[1];
  s.region = parts[2];
  s.service = parts[3];
  s.terminator = parts[4];
  s.scope = credential.substr(parts[0].size() + 1);
  return s;
}

bool has_presigned_params(std::string_view raw_query) {
  bool found = false;
  for_each_param(raw_query, [&](const std::string& name, std::string_view) {
    if (name == "X-Amz-Algorithm" || name == "X-Amz-Credential" || name == "X-Amz-Signature") found = true;
  });
  return found;
}

common::Result<PresignedQuery> parse_presigned(std::string_view raw_query) {
  PresignedQuery q;
  bool have_algorithm = false, have_credential = false, have_date = false, have_expires = false,
       have_signed_headers = false, have_signature = false, have_token = false;
  std::string algorithm, expires;
  auto take = [](bool& have, std::string& field, std::string_view raw) {
    if (have) return;
    have = true;
    field = percent_decode(raw, true);
  };
  for_each_param(raw_query, [&](const std::string& name, std::string_view value) {
    if (name == "X-Amz-Algorithm") take(have_algorithm, algorithm, value);
    if (name == "X-Amz-Credential") take(have_credential, q.credential, value);
    if (name == "X-Amz-Date") take(have_date, q.amz_date, value);
    if (name == "X-Amz-Expires") take(have_expires, expires, value);
    if (name == "X-Amz-SignedHeaders") take(have_signed_headers, q.signed_headers, value);
    if (name == "X-Amz-Signature") take(have_signature, q.signature, value);
    if (name == "X-Amz-Security-Token") take(have_token, q.security_token, value);
  });
  if (!have_algorithm || !have_credential || !have_date || !have_expires || !have_signed_headers || !have_signature) {
    return incomplete_signature(
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, "
        "X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
  }
  if (algorithm != kAlgorithm) return incomplete_signature("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
  std::string_view digits = expires;
  bool negative = !digits.empty() && digits.front() == '-';
  if (negative) digits.remove_prefix(1);
  if (digits.empty() || digits.size() > 18 || digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return incomplete_signature("X-Amz-Expires should be a number");
  }
  std::int64_t value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  if (negative && value > 0) return incomplete_signature("X-Amz-Expires must be non-negative");
  if (value == 0) return incomplete_signature("X-Amz-Expires must be greater than 0");
  if (value > kMaxExpires) {
    return incomplete_signature("X-Amz-Expires must be less than a week (in seconds) that is 604800");
  }
  q.expires = value;
  return q;
}

}  // namespace iamd::sigv4

#include "sigv4/signer.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include "common/strings.h"
#include "sigv4/canonical.h"
#include "sigv4/crypto.h"

namespace iamd::sigv4 {
namespace {

// Lowercase, sorted, unique names of the headers to sign, joined with ';'.
std::string signed_header_list(const Request& request) {
  std::vector<std::string> names;
  for (const auto& [name, value] : request.headers) {
    std::string lower = common::to_lower(name);
    if (lower == "user-agent" || lower == "expect" || lower == "x-amzn-trace-id" || lower == "authorization") {
      continue;
    }
    names.push_back(std::move(lower));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out.push_back(';');
    out.append(n);
  }
  return out;
}

std::string scope_of(const SigningParams& p, std::string_view amz_date) {
  std::string scope(amz_date.substr(0, 8));
  scope.append("/").append(p.region).append("/").append(p.service).append("/").append(kTerminator);
  return scope;
}

std::string compute_signature(const Request& request, const SigningParams& p, std::string_view signed_headers,
                              std::string_view payload_hash, bool presigned, std::string_view amz_date) {
  std::vector<HeaderView> storage;
  RequestView view = view_of(request, storage);
  std::string canonical = canonical_request(view, signed_headers, payload_hash, presigned);
  std::string string_to_sign;
  append_string_to_sign(amz_date, scope_of(p, amz_date), canonical, string_to_sign);
  Digest key = derive_signing_key(p.secret_access_key, amz_date.substr(0, 8), p.region, p.service);
  return to_hex(hmac_sha256(key, string_to_sign));
}

// X-Amz-Content-SHA256 when the request has it (botocore signs that value), else the body's hash.
std::string payload_hash_of(const Request& request) {
  const std::string* claimed = request.header("X-Amz-Content-SHA256");
  return claimed != nullptr ? *claimed : to_hex(sha256(request.body));
}

void append_param(std::string& query, std::string_view name, std::string_view value) {
  if (!query.empty()) query.push_back('&');
  append_uri_encoded(name, false, query);
  query.push_back('=');
  append_uri_encoded(value, false, query);
}

}  // namespace

void sign(Request& request, const SigningParams& params) {
  const std::string amz_date = format_amz_date(params.time);
  request.remove_header("Authorization");
  bool date_header = request.header("Date") != nullptr && request.header("X-Amz-Date") == nullptr;
  if (!date_header) {
    request.remove_header("X-Amz-Date");
    request.headers.emplace_back("X-Amz-Date", amz_date);
  }
  if (!params.session_token.empty()) {
    request.remove_header("X-Amz-Security-Token");
    request.headers.emplace_back("X-Amz-Security-Token", params.session_token);
  }
  const std::string signed_headers = signed_header_list(request);
  const std::string signature =
      compute_signature(request, params, signed_headers, payload_hash_of(request), false, amz_date);
  std::string auth(kAlgorithm);
  auth.append(" Credential=").append(params.access_key_id).append("/").append(scope_of(params, amz_date));
  auth.append(", SignedHeaders=").append(signed_headers);
  auth.append(", Signature=").append(signature);
  request.headers.emplace_back("Authorization", std::move(auth));
}

void presign(Request& request, const SigningParams& params, std::int64_t expires_seconds) {
  const std::string amz_date = format_amz_date(params.time);
  request.remove_header("Authorization");
  const std::string signed_headers = signed_header_list(request);
  append_param(request.query, "X-Amz-Algorithm", kAlgorithm);
  append_param(request.query, "X-Amz-Credential", params.access_key_id + "/" + scope_of(params, amz_date));
  append_param(request.query, "X-Amz-Date", amz_date);
  append_param(request.query, "X-Amz-Expires", std::to_string(expires_seconds));
  append_param(request.query, "X-Amz-SignedHeaders", signed_headers);
  if (!params.session_token.empty()) append_param(request.query, "X-Amz-Security-Token", params.session_token);
  const std::string signature =
      compute_signature(request, params, signed_headers, payload_hash_of(request), true, amz_date);
  append_param(request.query, "X-Amz-Signature", signature);
}

}  // namespace iamd::sigv4

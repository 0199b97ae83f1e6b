// The SigV4 fuzz entry point, shared by fuzz/sigv4_fuzz.cc and the seed-replay test in
// tests/sigv4. It must never crash, leak or trip a sanitizer, whatever the bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.h"
#include "sigv4/authorization.h"
#include "sigv4/canonical.h"
#include "sigv4/errors.h"
#include "sigv4/signer.h"
#include "sigv4/verifier.h"

namespace iamd::fuzz {

namespace sigv4_detail {

inline constexpr std::int64_t kTime = 1440938160;  // 20150830T123600Z

// Knows every access key id; the secret is derived from it so different keys differ.
class AnyKeyLookup final : public sigv4::CredentialLookup {
 public:
  common::Result<sigv4::Credential> lookup(std::string_view access_key_id, std::string_view) const override {
    if (access_key_id.empty()) return sigv4::invalid_client_token_id();
    return sigv4::Credential{"secret-" + std::string(access_key_id), nullptr};
  }
};

inline const sigv4::Verifier& verifier() {
  static const AnyKeyLookup lookup;
  static const common::FixedClock clock(common::Timestamp{kTime, 0});
  static const sigv4::Verifier v(lookup, clock, {}, 64);
  return v;
}

// Bytes as a request: "method\npath\nquery\n(name: value\n)*\nbody".
inline sigv4::Request request_from(std::string_view text) {
  sigv4::Request r;
  auto next_line = [&text]() {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    return line;
  };
  r.method = next_line();
  r.path = next_line();
  r.query = next_line();
  while (!text.empty()) {
    std::string_view line = next_line();
    if (line.empty()) break;
    std::size_t colon = line.find(':');
    std::string_view name = line.substr(0, colon);
    std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
    r.headers.emplace_back(std::string(name), std::string(value));
  }
  r.body = text;
  return r;
}

// Whether the signer's output must verify: header names the Authorization syntax cannot carry
// (',' ';' whitespace, empty) and a query that already looks presigned are out of scope.
inline bool round_trip_applies(const sigv4::Request& r) {
  if (sigv4::has_presigned_params(r.query)) return false;
  for (const auto& [name, value] : r.headers) {
    if (name.empty() || name.find_first_of(",; \t\r\n\v\f") != std::string::npos) return false;
  }
  return true;
}

}  // namespace sigv4_detail

// Arbitrary bytes -> the Authorization-header parser, the credential, presigned-query and
// date parsers, the canonicalisation, and full verification of (1) a request built from the
// bytes, (2) a well-formed request carrying the bytes as its Authorization header, (3) the
// bytes as a presigned query; finally the request built from the bytes, signed by the signer,
// must verify.
inline void sigv4_target(const std::uint8_t* data, std::size_t size) {
  using namespace sigv4_detail;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)sigv4::parse_authorization(text, size % 2 == 0);
  (void)sigv4::parse_credential(text);
  (void)sigv4::parse_presigned(text);
  (void)sigv4::has_presigned_params(text);
  (void)sigv4::parse_amz_date(text);
  (void)sigv4::parse_http_date(text);
  std::string canonical;
  sigv4::append_canonical_uri(text, canonical);
  sigv4::append_canonical_query(text, size % 3 == 0, canonical);

  sigv4::Request built = request_from(text);
  (void)verifier().verify(built);

  sigv4::Request with_header;
  with_header.headers = {{"Host", "iam.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}, {"Authorization", ""}};
  with_header.headers.back().second = text;
  (void)verifier().verify(with_header);

  sigv4::Request presigned;
  presigned.query = text;
  presigned.headers = {{"Host", "sts.amazonaws.com"}};
  (void)verifier().verify(presigned);

  sigv4::Request signed_request = built;
  for (const char* h :
       {"Authorization", "X-Amz-Date", "Date", "X-Amz-Security-Token", "X-Amz-Content-SHA256", "Host"}) {
    signed_request.remove_header(h);
  }
  signed_request.headers.emplace_back("Host", "iam.amazonaws.com");
  if (!round_trip_applies(signed_request)) return;
  sigv4::SigningParams params{"AKIDFUZZ", "secret-AKIDFUZZ",          size % 5 == 0 ? "token" : "", "us-east-1",
                              "iam",      common::Timestamp{kTime, 0}};
  sigv4::sign(signed_request, params);
  if (!verifier().verify(signed_request).has_value()) __builtin_trap();
}

}  // namespace iamd::fuzz

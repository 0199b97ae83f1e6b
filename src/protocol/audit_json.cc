// The audit trail's copy of requests and results (protocol/response.h CallNotes,
// codec.h AuditEncoder): the secret list and the scalar writers.
#include <algorithm>
#include <array>

#include "common/strings.h"
#include "protocol/codec.h"
#include "protocol/json.h"
#include "protocol/response.h"

namespace iamd::protocol {

namespace {

// The members whose value is a secret, in the IAM, STS and Organizations models, by member
// name: passwords, secret keys and session tokens, private keys, identity assertions and
// tokens, MFA codes and seeds, service-specific passwords. [IMPL] Kept by name rather than by
// shape because the trimmed models mark only some of them sensitive (STS's none).
constexpr std::array<std::string_view, 14> kSecretMembers = {
    "AuthenticationCode1", "AuthenticationCode2", "Base32StringSeed",
    "NewPassword",         "OldPassword",         "Password",
    "PrivateKey",          "QRCodePNG",           "SAMLAssertion",
    "SecretAccessKey",     "ServicePassword",     "SessionToken",
    "TokenCode",           "WebIdentityToken",
};

}  // namespace

bool is_secret_member(std::string_view name) {
  return std::find(kSecretMembers.begin(), kSecretMembers.end(), name) != kSecretMembers.end();
}

namespace detail {

void audit_json_text(std::string& out, std::string_view s) {
  append_json_text(out, s);
}

void audit_scalar(std::string& out, const ShapeInfo& shape, const std::string& v) {
  append_json_text(out, shape.kind == Kind::kBlob ? common::base64_encode(v) : v);
}

void audit_scalar(std::string& out, const ShapeInfo&, std::int64_t v) {
  out += std::to_string(v);
}

void audit_scalar(std::string& out, const ShapeInfo&, bool v) {
  out += v ? "true" : "false";
}

// [UNCERTAIN] CloudTrail writes IAM's dates in its own forms ("Dec 5, 2026, 8:00:00 AM" in
// many IAM records); iamd writes ISO 8601, as eventTime is.
void audit_scalar(std::string& out, const ShapeInfo&, const common::Timestamp& v) {
  append_json_text(out, common::format_iso8601(v));
}

}  // namespace detail

}  // namespace iamd::protocol

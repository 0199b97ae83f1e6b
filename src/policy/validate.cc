// Steps 2-9 of validation and the size quotas (policy-language.md §2, §2.1), in AWS's order:
// each step runs over the whole document before the next, and the first failure wins.
#include <algorithm>
#include <array>
#include <optional>
#include <set>

#include "common/strings.h"
#include "condition/operators.h"
#include "condition/values.h"
#include "policy/document.h"
#include "policy/json.h"
#include "policy/messages.h"

namespace iamd::policy {

common::Result<void> read_document(const JsonValue& root, PolicyDocument& doc);  // document.cc

namespace {

using common::Error;

Error malformed(std::string_view message, std::string path) {
  return Error{std::string(kMalformed), std::string(message), std::move(path)};
}

bool principal_allowed(PolicyKind k) {
  return k == PolicyKind::kTrust || k == PolicyKind::kResource || k == PolicyKind::kRcp;
}
bool needs_2012(PolicyKind k) {
  return k == PolicyKind::kManaged || k == PolicyKind::kBoundary || k == PolicyKind::kScp || k == PolicyKind::kRcp;
}

// Step 4: Sid uniqueness, then the Sid character set.
common::Result<void> check_sids(const PolicyDocument& doc) {
  std::set<std::string> seen;
  for (const StatementDoc& st : doc.statements) {
    if (!st.has_sid || st.sid.empty()) continue;
    if (!seen.insert(st.sid).second) return malformed(kSidUnique, st.path + ".Sid");
  }
  for (const StatementDoc& st : doc.statements) {
    for (char c : st.sid) {
      bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
      if (!ok) return malformed(kSidCharset, st.path + ".Sid");
    }
  }
  return {};
}

bool valid_partition(std::string_view p) {
  return p == "aws" || p == "aws-cn" || p == "aws-us-gov" || p == "*" || p.starts_with("aws-iso") || p == "aws-eusc";
}

// Step 6: the format of one Resource/NotResource entry; empty string when fine.
std::string resource_format_error(std::string_view r) {
  if (r == "*") return "";
  std::size_t c1 = r.find(':');
  if (c1 == std::string_view::npos) return "Resource " + std::string(r) + " must be in ARN format or \"*\".";
  std::string_view rest = r.substr(c1 + 1);
  std::size_t c2 = rest.find(':');
  std::string_view partition = rest.substr(0, c2);
  if (!valid_partition(partition)) {
    std::vector<std::string_view> more;
    if (c2 != std::string_view::npos) more = common::split(rest.substr(c2 + 1), ':');
    auto part = [&](std::size_t i) -> std::string {
      if (i >= more.size()) return "*";
      if (i == 0 && more[0].empty() && more.size() == 1) return "*";
      if (i == 3) {
        std::string joined;
        for (std::size_t j = 3; j < more.size(); ++j) {
          if (j > 3) joined += ':';
          joined += more[j];
        }
        return joined;
      }
      return std::string(more[i]);
    };
    std::string p(partition);
    return "Partition \"" + p + "\" is not valid for resource \"arn:" + p + ":" + part(0) + ":" + part(1) + ":" +
           part(2) + ":" + part(3) + "\".";
  }
  if (c2 == std::string_view::npos) return std::string(kVendorQualified);
  rest = rest.substr(c2 + 1);  // service:region:account:resource
  std::size_t c3 = rest.find(':');
  std::string_view service = rest.substr(0, c3);
  std::string_view after_service = c3 == std::string_view::npos ? std::string_view() : rest.substr(c3 + 1);
  bool has_region = c3 != std::string_view::npos && !after_service.empty() && after_service.front() != ':';
  std::string_view resource_part;
  {
    auto parts = common::split(after_service, ':');  // region, account, resource...
    if (parts.size() >= 3) {
      std::size_t skip = parts[0].size() + 1 + parts[1].size() + 1;
      resource_part = after_service.substr(skip);
    }
  }
  if (service == "iam" && has_region) return "IAM resource " + std::string(r) + " cannot contain region information.";
  // S3's regional resource types (access points, batch jobs, Storage Lens, Access Grants)
  // carry a region; buckets and objects do not [OBS: AWS managed policies use them].
  static constexpr std::string_view kS3Regional[] = {"accesspoint/",        "job/",           "storage-lens/",
                                                     "storage-lens-group/", "access-grants/", "async-request/"};
  bool s3_regional = false;
  for (std::string_view prefix : kS3Regional) s3_regional = s3_regional || resource_part.starts_with(prefix);
  if (service == "s3" && has_region && !s3_regional) {
    return "Resource " + std::string(r) + " can not contain region information.";
  }
  if (service == "iam" && c3 != std::string_view::npos) {
    static constexpr std::string_view kPrefixes[] = {"user/",
                                                     "federated-user/",
                                                     "role/",
                                                     "group/",
                                                     "instance-profile/",
                                                     "mfa/",
                                                     "server-certificate/",
                                                     "policy/",
                                                     "sms-mfa/",
                                                     "saml-provider/",
                                                     "oidc-provider/",
                                                     "report/",
                                                     "access-report/"};
    // "root" is accepted too: AWS managed policies name arn:aws:iam::*:root [OBS].
    bool ok = resource_part == "*" || resource_part == "root";
    for (std::string_view prefix : kPrefixes) ok = ok || resource_part.starts_with(prefix);
    if (!ok) return std::string(kIamPath);
  }
  return "";
}

// A resource string that IAM's legacy parser refuses: ARN text with "::" but fewer than five
// colons ("arn:aws:s3::bucket"), or an empty service ("arn:aws::::x"). Only ARN-prefixed
// text: "s3:::bucket" fails later, on its partition [OBS, moto's cases].
bool legacy_resource_error(std::string_view r) {
  if (r == "*") return false;
  auto colons = std::count(r.begin(), r.end(), ':');
  auto parts = common::split(r, ':');
  bool arn_prefixed = parts.size() >= 2 && parts[0] == "arn";
  bool short_with_empty = arn_prefixed && r.find("::") != std::string_view::npos && colons < 5;
  bool empty_service = arn_prefixed && parts.size() >= 3 && parts[2].empty();
  return short_with_empty || empty_service;
}

// Step 3: legacy parsing. First every statement's Effect and Date* values: those failures
// win over any resource problem [OBS: aws-recorded-errors.md create_policy_invalid_document
// invalid-76, a bad partition and a bad date: legacy parsing; invalid-69, a lowercase Effect
// and an S3 region]. Then the resources one by one, statements and entries in document
// order: the first resource with a problem decides. A format problem (partition, vendor,
// region, IAM path: step 6's messages) is kept in `format_error` and reported at step 6,
// after the Sid and action checks, and ends the scan; a legacy problem fails now
// [OBS: invalid-25, ["arn:error:s3:::example_bucket", "arn:error:s3::example_bucket"]
// answers the first one's partition, where the second alone fails legacy parsing].
common::Result<void> check_legacy(const PolicyDocument& doc, std::optional<Error>& format_error) {
  for (const StatementDoc& st : doc.statements) {
    if (st.effect != "Allow" && st.effect != "Deny") return malformed(kLegacyParsing, st.path + ".Effect");
    for (const ConditionEntry& c : st.conditions) {
      auto spec = condition::parse_operator(c.op);
      if (!spec || spec->info->family != condition::Family::kDate) continue;
      for (std::size_t i = 0; i < c.values.size(); ++i) {
        if (!condition::parse_date(c.values[i])) return malformed(kLegacyParsing, c.path);
      }
    }
  }
  for (const StatementDoc& st : doc.statements) {
    for (std::size_t i = 0; i < st.resource.values.size(); ++i) {
      const std::string& r = st.resource.values[i];
      if (std::string e = resource_format_error(r); !e.empty()) {
        format_error = malformed(e, st.resource.paths[i]);
        return {};
      }
      if (legacy_resource_error(r)) return malformed(kLegacyParsing, st.resource.paths[i]);
    }
  }
  return {};
}

// Step 8: one Action/NotAction entry; empty when fine.
std::string action_error(std::string_view a) {
  if (a == "*") return "";
  std::size_t colon = a.find(':');
  if (colon == std::string_view::npos) return std::string(kVendorNeeded);
  if (a.find(':', colon + 1) != std::string_view::npos) return std::string(kOneColon);
  std::string_view vendor = a.substr(0, colon);
  for (char c : vendor) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
    if (!ok) return "Vendor " + std::string(vendor) + " is not valid";
  }
  return "";
}

bool digits(std::string_view s, std::size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The six parts of an ARN (the resource part may hold colons); false when it has fewer.
bool split_arn(std::string_view v, std::array<std::string_view, 6>& parts) {
  std::size_t at = 0;
  for (int i = 0; i < 5; ++i) {
    std::size_t colon = v.find(':', at);
    if (colon == std::string_view::npos) return false;
    parts[i] = v.substr(at, colon - at);
    at = colon + 1;
  }
  parts[5] = v.substr(at);
  return parts[0] == "arn";
}

// The name after `prefix` in an IAM/STS resource part ("role/path/name"): non-empty segments.
bool has_named_resource(std::string_view resource, std::string_view prefix, std::size_t segments) {
  if (!resource.starts_with(prefix)) return false;
  auto parts = common::split(resource.substr(prefix.size()), '/');
  if (segments > 0 && parts.size() != segments) return false;
  return !parts.empty() && !parts.back().empty();
}

// A principal value of a role trust policy in a form IAM accepts (policy-language.md §1.2).
// Whether a named user or role exists is the iam module's check.
bool valid_trust_principal(const PrincipalEntry& p, std::string_view partition) {
  const std::string& v = p.value;
  if (p.type == "*") return true;
  // No wildcards inside a value; only the whole value "*" of AWS.
  if (v.find_first_of("*?") != std::string::npos && !(p.type == "AWS" && v == "*")) return false;
  if (p.type == "AWS") {
    if (v == "*" || digits(v, 12)) return true;
    // Unique ids of users and roles, as IAM stores them [OBS].
    if ((v.starts_with("AIDA") || v.starts_with("AROA")) && v.size() >= 16 && v.size() <= 128 &&
        std::all_of(v.begin(), v.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); })) {
      return true;
    }
    std::array<std::string_view, 6> a;
    if (!split_arn(v, a) || a[1] != partition || !a[3].empty() || !digits(a[4], 12)) return false;
    if (a[2] == "iam") {
      return a[5] == "root" || has_named_resource(a[5], "user/", 0) || has_named_resource(a[5], "role/", 0);
    }
    if (a[2] == "sts") {
      return has_named_resource(a[5], "assumed-role/", 2) || has_named_resource(a[5], "federated-user/", 1);
    }
    return false;
  }
  if (p.type == "Service") {
    // service.amazonaws.com (also regional: states.us-east-1.amazonaws.com), China's
    // .amazonaws.com.cn and the few .amazon.com principals [IMPL: the form, not a list].
    bool charset = std::all_of(v.begin(), v.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    });
    for (std::string_view suffix : {".amazonaws.com", ".amazonaws.com.cn", ".amazon.com"}) {
      if (charset && v.size() > suffix.size() && v.ends_with(suffix) && v[0] != '.' && v[0] != '-') return true;
    }
    return false;
  }
  if (p.type == "Federated") {
    static constexpr std::string_view kWebIdentity[] = {"accounts.google.com", "graph.facebook.com", "www.amazon.com",
                                                        "cognito-identity.amazonaws.com"};
    for (std::string_view w : kWebIdentity) {
      if (v == w) return true;
    }
    std::array<std::string_view, 6> a;
    if (!split_arn(v, a) || a[1] != partition || a[2] != "iam" || !a[3].empty() || !digits(a[4], 12)) return false;
    // An OIDC provider's URL may end with "/" (an issuer such as https://tenant.auth0.com/ is
    // the provider oidc-provider/tenant.auth0.com/, and AWS accepts that ARN as a principal
    // [OBS: users' trust policies, e.g. Mozilla's Auth0 provider]): only its host must be there.
    constexpr std::string_view kOidc = "oidc-provider/";
    return has_named_resource(a[5], "saml-provider/", 0) ||
           (a[5].starts_with(kOidc) && a[5].size() > kOidc.size() && a[5][kOidc.size()] != '/');
  }
  // CanonicalUser names S3 owners, which cannot assume a role [UNCERTAIN: IAM's answer].
  return false;
}

// Step 9: principals per kind; in role trust policies the prohibited Resource, the STS
// actions and the principals' forms.
common::Result<void> check_principals(const PolicyDocument& doc, const ValidateOptions& o) {
  const PolicyKind kind = o.kind;
  for (const StatementDoc& st : doc.statements) {
    if (kind == PolicyKind::kTrust && st.resource.present) {
      return malformed(st.not_resource ? kProhibitedNotResource : kProhibitedResource, st.resource.path);
    }
    if (kind == PolicyKind::kTrust) {
      // [UNCERTAIN] the place of this check among AWS's; NotAction is held to the same list.
      for (std::size_t i = 0; i < st.action.values.size(); ++i) {
        if (!trust_policy_action(st.action.values[i])) return malformed(kTrustActions, st.action.paths[i]);
      }
    }
    if (!principal_allowed(kind)) {
      if (st.has_principal) return malformed(kNoPrincipalAllowed, st.principal_path);
      continue;
    }
    if (!st.has_principal) return malformed(kNoPrincipals, st.path);
    if (kind == PolicyKind::kTrust && st.not_principal) {
      return malformed(std::string(kInvalidPrincipal) + ": \"NotPrincipal\"", st.principal_path);
    }
    // "Principal": {} names nobody [UNCERTAIN: AWS's message for it].
    if (kind == PolicyKind::kTrust && st.principals.empty()) return malformed(kNoPrincipals, st.principal_path);
    for (const PrincipalEntry& p : st.principals) {
      if (kind == PolicyKind::kRcp && p.value != "*") return malformed(kInvalidPrincipal, st.principal_path);
      if (kind == PolicyKind::kTrust) {
        if (!valid_trust_principal(p, o.partition)) return invalid_trust_principal(p);
        continue;
      }
      if (p.value != "*" && p.value.find_first_of("*?") != std::string::npos) {
        return malformed(std::string(kInvalidPrincipal) + ": \"" + p.type + "\":\"" + p.value + "\"", p.path);
      }
    }
  }
  return {};
}

common::Result<void> check_size(const PolicyDocument& doc, const ValidateOptions& o) {
  if (!o.size_quota) return {};
  auto limit = [](std::string_view code, std::string message) {
    return Error{std::string(code), std::move(message), "$"};
  };
  switch (o.kind) {
    case PolicyKind::kManaged:
    case PolicyKind::kBoundary:
      if (o.managed_policy_quota > 0 && doc.size > static_cast<std::size_t>(o.managed_policy_quota)) {
        return limit(kLimitExceeded, "Cannot exceed quota for PolicySize: " + std::to_string(o.managed_policy_quota));
      }
      break;
    case PolicyKind::kIdentity: {
      std::size_t max = o.inline_policy_quota > 0        ? static_cast<std::size_t>(o.inline_policy_quota)
                        : o.entity == EntityType::kUser  ? 2048
                        : o.entity == EntityType::kGroup ? 5120
                                                         : 10240;
      std::string_view type = o.entity == EntityType::kUser    ? "user"
                              : o.entity == EntityType::kGroup ? "group"
                                                               : "role";
      if (doc.size > max) {
        return limit(kLimitExceeded, "Maximum policy size of " + std::to_string(max) + " bytes exceeded for " +
                                         std::string(type) + " " + o.entity_name);
      }
      break;
    }
    case PolicyKind::kTrust:
      if (doc.size > static_cast<std::size_t>(o.trust_policy_quota)) {
        return limit(kLimitExceeded, "Cannot exceed quota for ACLSizePerRole: " + std::to_string(o.trust_policy_quota));
      }
      break;
    case PolicyKind::kSession:
      if (doc.size > 2048) {
        std::size_t percent = (doc.size * 100 + 2047) / 2048;
        return limit(kPackedPolicyTooLarge, "Packed policy consumes " + std::to_string(percent) +
                                                "% of allotted space, please use smaller policy.");
      }
      break;
    case PolicyKind::kScp:
    case PolicyKind::kRcp:
      // Organizations counts whitespace too.
      if (common::utf8_length(doc.text) > static_cast<std::size_t>(o.control_policy_quota)) {
        return limit(kLimitExceeded, "Cannot exceed quota for PolicySize: " + std::to_string(o.control_policy_quota));
      }
      break;
    case PolicyKind::kResource:
      break;
  }
  return {};
}

}  // namespace

common::Error invalid_trust_principal(const PrincipalEntry& p) {
  std::string type = p.type;
  for (char& c : type) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  return malformed(std::string(kInvalidPrincipal) + ": \"" + type + "\":\"" + p.value + "\"", p.path);
}

bool trust_policy_action(std::string_view action) {
  static constexpr std::string_view kActions[] = {
      "sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity",
      "sts:TagSession", "sts:SetSourceIdentity",  "sts:SetContext"};
  for (std::string_view a : kActions) {
    if (common::iequals(action, a)) return true;
  }
  return false;
}

common::Result<PolicyDocument> parse_policy(std::string_view text, const ValidateOptions& o) {
  PolicyDocument doc;
  doc.text = std::string(text);
  // Step 1: JSON and shape.
  auto json = parse_json(text);
  if (!json) {
    return malformed(o.kind == PolicyKind::kTrust ? kInvalidJsonTrust : kSyntaxError, "$");
  }
  if (auto r = read_document(*json, doc); !r) return r.error();
  // Step 2: version, for managed and control policies.
  if (needs_2012(o.kind) && doc.version != "2012-10-17") {
    return malformed(kVersionRequired, doc.has_version ? "$.Version" : "$");
  }
  std::optional<Error> format_error;
  if (auto r = check_legacy(doc, format_error); !r) return r.error();
  if (auto r = check_sids(doc); !r) return r.error();
  // Step 5: actions present.
  for (const StatementDoc& st : doc.statements) {
    if (!st.action.present || st.action.values.empty()) return malformed(kNeedActions, st.path);
  }
  // Step 6: resource format (the first resource with a problem, found at step 3).
  if (format_error) return *format_error;
  // Step 7: resources present (trust policies have none; see step 9).
  for (const StatementDoc& st : doc.statements) {
    if (o.kind != PolicyKind::kTrust && (!st.resource.present || st.resource.values.empty())) {
      return malformed(kNeedResources, st.path);
    }
  }
  // Step 8: action vendors.
  for (const StatementDoc& st : doc.statements) {
    for (std::size_t i = 0; i < st.action.values.size(); ++i) {
      std::string e = action_error(st.action.values[i]);
      if (!e.empty()) return malformed(e, st.action.paths[i]);
    }
  }
  if (auto r = check_principals(doc, o); !r) return r.error();
  doc.size = policy_size(text);
  if (auto r = check_size(doc, o); !r) return r.error();
  return doc;
}

}  // namespace iamd::policy

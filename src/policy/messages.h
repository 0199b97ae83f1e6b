// AWS's policy validation messages, each written once.
#pragma once

#include <string_view>

namespace iamd::policy {

inline constexpr std::string_view kMalformed = "MalformedPolicyDocument";
inline constexpr std::string_view kLimitExceeded = "LimitExceeded";
inline constexpr std::string_view kPackedPolicyTooLarge = "PackedPolicyTooLarge";

inline constexpr std::string_view kSyntaxError = "Syntax errors in policy.";
inline constexpr std::string_view kInvalidJsonTrust = "This policy contains invalid Json";
inline constexpr std::string_view kVersionRequired = "Policy document must be version 2012-10-17 or greater.";
inline constexpr std::string_view kLegacyParsing = "The policy failed legacy parsing";
inline constexpr std::string_view kSidUnique = "Statement IDs (SID) in a single policy must be unique.";
inline constexpr std::string_view kSidCharset =
    "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*";
inline constexpr std::string_view kNeedActions = "Policy statement must contain actions.";
inline constexpr std::string_view kNeedResources = "Policy statement must contain resources.";
inline constexpr std::string_view kVendorNeeded =
    "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.";
inline constexpr std::string_view kOneColon = "Actions/Condition can contain only one colon.";
inline constexpr std::string_view kVendorQualified =
    "Resource vendor must be fully qualified and cannot contain regexes.";
// [OBS] aws-recorded-errors.md create_policy_invalid_document[invalid-35] (2026 wording: "root" is
// accepted and named; policy-language.md §2 quotes the older text).
inline constexpr std::string_view kIamPath =
    "IAM resource path must either be \"*\", root, or start with user/, federated-user/, role/, group/, "
    "instance-profile/, "
    "mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.";
inline constexpr std::string_view kNoPrincipalAllowed = "Policy document should not specify a principal.";
// [OBS] aws-recorded-errors.md (UpdateAssumeRolePolicy): no final period.
inline constexpr std::string_view kProhibitedResource = "Has prohibited field Resource";
// [UNCERTAIN] not recorded; the same form with the element's name.
inline constexpr std::string_view kProhibitedNotResource = "Has prohibited field NotResource";
// [OBS] aws-recorded-errors.md (UpdateAssumeRolePolicy with a non-STS action).
inline constexpr std::string_view kTrustActions = "AssumeRole policy may only specify STS AssumeRole actions.";
inline constexpr std::string_view kNoPrincipals =
    "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a "
    "statement with no principals!";
inline constexpr std::string_view kInvalidPrincipal = "Invalid principal in policy";

}  // namespace iamd::policy

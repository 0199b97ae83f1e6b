// IAM's quotas in one table (identifiers.md §5): every count and size limit the domain
// enforces, with AWS's default, the SummaryMap key GetAccountSummary reports it under and the
// quota name of AWS's "Cannot exceed quota for <Name>: <value>" message. Validation, the
// domain and GetAccountSummary all read the applied values from one `Quotas` (DomainEnv).
// Every count quota is checked inside the write transaction that adds to the count, so
// concurrent requests cannot pass it together (store writers are serialized).
// Thread-safety: `Quotas` is a value; share it read-only.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/result.h"

namespace iamd::iam {

// X(id, SummaryMap key or "" (not reported), quota name in the LimitExceeded message or ""
// (AWS words that refusal otherwise), AWS's default). Names marked [OBS] are recorded from
// AWS (aws-recorded-errors.md, identifiers.md §5); the others are [UNCERTAIN]: AWS's
// Service Quotas names, as third parties observed them.
#define IAMD_IAM_QUOTAS(X)                                                                                 \
  X(kUsersPerAccount, "UsersQuota", "UsersPerAccount", 5000)                                               \
  X(kGroupsPerAccount, "GroupsQuota", "GroupsPerAccount", 300)                                             \
  X(kRolesPerAccount, "RolesQuota", "RolesPerAccount", 1000)                                               \
  X(kPoliciesPerAccount, "PoliciesQuota", "PoliciesPerAccount", 1500) /* customer managed */               \
  X(kInstanceProfilesPerAccount, "InstanceProfilesQuota", "InstanceProfilesPerAccount", 1000)              \
  X(kServerCertificatesPerAccount, "ServerCertificatesQuota", "ServerCertificatesPerAccount", 20)          \
  X(kPolicyVersionsInUse, "PolicyVersionsInUseQuota", "PolicyVersionsInUse", 10000)                        \
  X(kGroupsPerUser, "GroupsPerUserQuota", "GroupsPerUser", 10)                                             \
  X(kAccessKeysPerUser, "AccessKeysPerUserQuota", "AccessKeysPerUser", 2) /* [OBS]; the root user's too */ \
  X(kSigningCertificatesPerUser, "SigningCertificatesPerUserQuota", "CertificatesPerUser", 2) /* [OBS] */  \
  X(kSshPublicKeysPerUser, "", "SSHPublicKeysPerUser", 5)                                                  \
  X(kMfaDevicesPerUser, "", "MFADevicesPerUser", 8)                                                        \
  X(kServiceCredentialsPerUserAndService, "", "ServiceSpecificCredentialsPerUser", 2)                      \
  X(kAttachedPoliciesPerUser, "AttachedPoliciesPerUserQuota", "PoliciesPerUser", 10)                       \
  X(kAttachedPoliciesPerGroup, "AttachedPoliciesPerGroupQuota", "PoliciesPerGroup", 10) /* [OBS] */        \
  X(kAttachedPoliciesPerRole, "AttachedPoliciesPerRoleQuota", "PoliciesPerRole", 10)    /* [OBS] */        \
  X(kVersionsPerPolicy, "VersionsPerPolicyQuota", "", 5)                                                   \
  X(kPolicySize, "PolicySizeQuota", "PolicySize", 6144) /* [OBS] customer managed document */              \
  X(kUserPolicySize, "UserPolicySizeQuota", "", 2048)   /* inline policies of a user, together */          \
  X(kGroupPolicySize, "GroupPolicySizeQuota", "", 5120)                                                    \
  X(kRolePolicySize, "RolePolicySizeQuota", "", 10240)                                                     \
  X(kAssumeRolePolicySize, "AssumeRolePolicySizeQuota", "ACLSizePerRole", 2048) /* [OBS] */                \
  X(kRolesPerInstanceProfile, "", "InstanceSessionsPerInstanceProfile", 1)      /* [OBS] */                \
  X(kTagsPerResource, "", "", 50)                                                                          \
  X(kOidcProvidersPerAccount, "", "OpenIdConnectProvidersPerAccount", 100)                                 \
  X(kSamlProvidersPerAccount, "", "SAMLProvidersPerAccount", 100)                                          \
  X(kClientIdsPerOidcProvider, "", "ClientIdsPerOpenIdConnectProvider", 100) /* [OBS] */                   \
  X(kThumbprintsPerOidcProvider, "", "", 5)

enum class Quota : std::uint8_t {
#define IAMD_QUOTA_ENUM(id, key, name, value) id,
  IAMD_IAM_QUOTAS(IAMD_QUOTA_ENUM)
#undef IAMD_QUOTA_ENUM
};

struct QuotaInfo {
  Quota id;
  std::string_view summary_key;  // "" when GetAccountSummary does not report it
  std::string_view name;         // "" when AWS's refusal does not name it
  std::int64_t aws_default;
};

inline constexpr std::array kQuotaTable = {
#define IAMD_QUOTA_ROW(id, key, name, value) QuotaInfo{Quota::id, key, name, value},
    IAMD_IAM_QUOTAS(IAMD_QUOTA_ROW)
#undef IAMD_QUOTA_ROW
};
inline constexpr std::size_t kQuotaCount = kQuotaTable.size();

constexpr const QuotaInfo& quota_info(Quota q) {
  return kQuotaTable[static_cast<std::size_t>(q)];
}

// The applied value of every quota: AWS's defaults unless set ([IMPL] identifiers.md §5
// makes every quota configurable; AWS raises the adjustable ones through Service Quotas).
class Quotas {
 public:
  constexpr Quotas() {
    for (std::size_t i = 0; i < kQuotaCount; ++i) values_[i] = kQuotaTable[i].aws_default;
  }
  constexpr std::int64_t operator[](Quota q) const { return values_[static_cast<std::size_t>(q)]; }
  std::size_t size_of(Quota q) const { return static_cast<std::size_t>(values_[static_cast<std::size_t>(q)]); }
  constexpr void set(Quota q, std::int64_t value) { values_[static_cast<std::size_t>(q)] = value; }

  // Applies an operator's setting "NAME=VALUE" (`iamd serve --quota`): NAME is the quota's
  // GetAccountSummary key (e.g. UsersQuota) or its name in AWS's LimitExceeded message (e.g.
  // UsersPerAccount); VALUE a whole number from 1 to 1,000,000,000. Anything else is
  // InvalidConfiguration with the reason, and nothing is changed.
  common::Result<void> apply(std::string_view setting);

  // LimitExceeded when `count` things exist already (adding one would pass the quota):
  // "Cannot exceed quota for <Name>: <value>".
  common::Result<void> check_room(Quota q, std::size_t count) const;
  // LimitExceeded with AWS's message for the quota.
  common::Error exceeded(Quota q) const;
  // The inline policy size quotas (kUserPolicySize, kGroupPolicySize, kRolePolicySize): the
  // documents of one entity together, "Maximum policy size of <n> bytes exceeded for <kind>
  // <name>" [OBS].
  common::Error inline_size_exceeded(Quota q, std::string_view entity_name) const;

 private:
  std::array<std::int64_t, kQuotaCount> values_{};
};

}  // namespace iamd::iam

// The IAM domain: its families (iam/users.h, groups.h, ...: naming rules, quotas and
// invariants, each function a step of the caller's transaction, iam/scope.h) over one
// environment (iam/env.h), the ARN builders, and the entry points that are not operations and
// run their own transaction (start-up, access key resolution, policy texts for the
// authorizer). Errors carry a domain code (NotFound, AlreadyExists, Conflict,
// LimitExceeded, MalformedPolicyDocument, InvalidInput) and AWS's message text; the API edge
// maps the code to AWS's error code in one table. Secrets are sealed with the master key
// before they reach the store. Thread-safe: its only mutable state is a bound on each
// account's user count (Users' UserCountBound, behind a mutex).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/random.h"
#include "common/result.h"
#include "common/time.h"
#include "iam/accounts.h"
#include "iam/catalog.h"
#include "iam/certificates.h"
#include "iam/env.h"
#include "iam/groups.h"
#include "iam/instance_profiles.h"
#include "iam/last_accessed.h"
#include "iam/mfa.h"
#include "iam/password.h"
#include "iam/policies.h"
#include "iam/providers.h"
#include "iam/quotas.h"
#include "iam/reports.h"
#include "iam/roles.h"
#include "iam/root_login.h"
#include "iam/ssh_keys.h"
#include "iam/types.h"
#include "iam/users.h"
#include "store/store.h"

namespace iamd::iam {

using common::Result;

class IamDomain {
 public:
  explicit IamDomain(DomainEnv env);
  IamDomain(const IamDomain&) = delete;
  IamDomain& operator=(const IamDomain&) = delete;

  // The customer managed policy of the account, or the AWS managed policy, with this ARN
  // (NotFound otherwise), as the operation pipeline resolves a policy target.
  Result<store::ManagedPolicy> find_policy(const Read& rd, std::string_view arn);

  const DomainEnv& env() const { return env_; }
  std::string user_arn(const store::User& user) const;
  std::string root_arn(std::string_view account_id) const;
  // A federated user's ARN: arn:<p>:sts::<acct>:federated-user/<Name>.
  std::string federated_user_arn(std::string_view account_id, std::string_view name) const;
  // A role session's ARN: arn:<p>:sts::<acct>:assumed-role/<RoleName>/<RoleSessionName> (no path).
  std::string assumed_role_arn(std::string_view account_id, std::string_view role_name,
                               std::string_view session_name) const;

  // Start-up (app/root_credentials.h has the rule): makes sure the account exists; with
  // `install`, makes (root_key_id, root_secret) a root access key of the account (created,
  // or its secret replaced) and deletes the root key `previous_key_id` (the one applied
  // before) when it is another key or belongs to another account, in one transaction.
  // Without `install` the root keys are left as they are, so a root key deleted through the
  // API stays deleted. Fails when root_key_id is a key of an IAM user or of another account.
  // Returns whether the root key root_key_id exists afterwards.
  Result<bool> bootstrap_root(std::string_view account_id, std::string_view root_key_id, std::string_view root_secret,
                              bool install, std::string_view previous_key_id);
  // bootstrap_root with install and nothing replaced (idempotent).
  Result<void> bootstrap(std::string_view account_id, std::string_view root_key_id, std::string_view root_secret);
  // `iamd keys reseal` (reseal.cc; docs/operations.md "Keys and their rotation"): every
  // secret of the store (access key secrets, MFA seeds, server certificates' private keys,
  // service-specific credentials' passwords) re-sealed under the current master key, in one
  // write transaction; values sealed with it already are left alone. Fails, changing nothing,
  // when a secret opens under no key of the ring.
  struct ResealCounts {
    std::size_t access_keys = 0;  // re-sealed
    std::size_t mfa_devices = 0;
    std::size_t certificates = 0;  // server certificates and service-specific credentials
    std::size_t unchanged = 0;     // sealed with the current key already
  };
  Result<ResealCounts> reseal_secrets();
  Result<KeyOwner> resolve_access_key(std::string_view access_key_id);
  // The user with unique id `user_id` (a session's user), in a read snapshot of its own.
  Result<store::User> user_by_id(std::string_view user_id);
  // The role with unique id `role_id` (a role session's role), in a read snapshot of its own.
  Result<store::Role> role_by_id(std::string_view role_id);

  // Records that the key signed a request to `service` in `region` (usage bookkeeping: it
  // leaves the store generation, and so every cache, alone).
  Result<void> record_access_key_use(std::string_view key_id, std::string_view service, std::string_view region);

  // ---- Groups (groups.cc) ----
  // Quotas are AWS's fixed ones (identifiers.md §5): 10 groups per user, 10 managed
  // policies per group, 5,120 bytes of inline policy per group.
  std::string group_arn(const store::Group& group) const;
  // ---- end of Groups ----

  // ---- Managed policies (policies.cc) ----
  // The operations are the Policies family's (iam/policies.h); find_policy (above) resolves
  // the pipeline's policy targets.
  std::string policy_arn(std::string_view account_id, std::string_view path, std::string_view name) const;
  // ---- end of Managed policies ----

  // ---- Roles (roles.cc) ----
  // The operations are the Roles family's (iam/roles.h).
  std::string role_arn(const store::Role& role) const;
  // ---- end of Roles ----

  // ---- Instance profiles (instance_profiles.cc) ----
  // The operations are the family iam::InstanceProfiles (instance_profiles.h).
  std::string instance_profile_arn(const store::InstanceProfile& profile) const;
  // The role ARN a deletion task id names (InvalidInput when malformed).
  Result<std::string> deletion_task_role_arn(std::string_view account_id, std::string_view task_id) const;
  // ---- end of Instance profiles ----

  // ---- MFA devices (mfa.cc) ----
  // The serial number of a virtual MFA device: arn:<p>:iam::<acct>:mfa/<path><name>
  // (the operations: iam/mfa.h).
  std::string mfa_serial(std::string_view account_id, std::string_view path, std::string_view name) const;
  // ---- end of MFA devices ----

  // ---- Certificates and service-specific credentials (certificates.cc) ----
  // The operations: iam/certificates.h.
  std::string server_certificate_arn(const Certificates::ServerCertificate& certificate) const;
  // ---- end of Certificates and service-specific credentials ----

  // ---- Identity providers (providers.cc) ----
  // The operations are the family iam::Providers (providers.h).
  std::string oidc_provider_arn(std::string_view account_id, std::string_view url) const;
  std::string saml_provider_arn(std::string_view account_id, std::string_view name) const;
  // ---- end of Identity providers ----

  // Every policy document that applies to the user, for the authorizer.
  Result<PrincipalPolicyTexts> user_policies(std::string_view user_id);
  // The same for a role (a role session's identity policies and boundary).
  Result<PrincipalPolicyTexts> role_policies(std::string_view role_id);
  // The texts of managed policies named by ARN (a session's PolicyArns), in `identity`.
  Result<PrincipalPolicyTexts> managed_policy_texts(const std::vector<std::string>& arns);
  // In the caller's transaction: the text of one managed policy (AWS managed or the
  // account's), NoSuchEntity when there is none.
  Result<PolicyText> managed_policy_text(const Read& rd, std::string_view arn) {
    return managed_policy_text(rd.tx, arn);
  }
  // The same for a user, group or role of the account named by its ARN (the simulator's
  // PolicySourceArn): NoSuchEntity when it does not exist, InvalidInput when the ARN names
  // no such entity.
  Result<PrincipalPolicyTexts> policies_of_arn(const Read& rd, std::string_view arn);

 private:
  Result<PolicyText> managed_policy_text(store::ReadTransaction& tx, std::string_view arn);
  Result<PrincipalPolicyTexts> policies_of_user(store::ReadTransaction& tx, const store::User& user);
  Result<PrincipalPolicyTexts> policies_of_role(store::ReadTransaction& tx, const store::Role& role);
  // The inline and attached policies of one entity, appended to `out`.
  Result<void> add_entity_policies(store::ReadTransaction& tx, store::EntityKind kind, const std::string& id,
                                   PrincipalPolicyTexts& out);

  DomainEnv env_;

 public:
  // The families of the domain, each over env_ (so declared after it).
  Users users{env_};
  Groups groups{env_};
  Accounts accounts{env_};
  Policies policies{env_};
  Roles roles{env_};
  InstanceProfiles instance_profiles{env_};
  Providers providers{env_};
  MfaDevices mfa_devices{env_};
  SshKeys ssh_keys{env_};
  Certificates certificates{env_};
  Reports reports{env_, *this};
  RootLogins root_logins{env_};
  // The last accesses noted by the gateway (in memory, flushed to the store in batches) and
  // the reports over them.
  AccessTracker tracker{env_.last_accessed_interval};
  LastAccessed last_accessed{env_, tracker};
};

}  // namespace iamd::iam

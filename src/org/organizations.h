// The Organizations domain: AWS's rules for an organization, its OUs, member accounts and
// control policies, each function one step of the caller's store transaction (it never
// begins or commits; a failing call leaves the transaction as it was). `caller` is the
// account of the calling principal. Errors carry AWS Organizations' codes and messages; a
// ConstraintViolationException carries its Reason in Error::reason.
//
// Who may call what [AWS]: an account in no organization gets
// AWSOrganizationsNotInUseException from everything but CreateOrganization; a member
// account may describe its organization (and DescribeAccount of itself is left to the
// management account, as AWS does); every other operation needs the management account:
// AccessDeniedException otherwise.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/random.h"
#include "common/result.h"
#include "common/time.h"
#include "org/organization.h"
#include "store/store.h"

namespace iamd::org {

struct Env {
  const common::Clock* clock = nullptr;
  common::Random* random = nullptr;
  std::string partition = "aws";
  // Organizations quotas [AWS: Quotas for AWS Organizations]. The policy document size is a
  // setting: 5,120 characters, reported raised to 10,240 in 2026 [UNCERTAIN].
  int policy_size = 5120;
  int max_accounts = 10;  // default quota for a new organization (AWS raises it on request)
  int max_units = 2000;
  int max_depth = 5;
  int max_policies_per_type = 1000;
  int max_attached_per_target = 5;
  int max_tags = 50;

  // "NAME=VALUE" (`iamd serve --org-quota`): ControlPolicySize (characters of an SCP or RCP
  // document, 5,120 by default, at most 1,000,000) or AccountsPerOrganization (10 by default),
  // the two quotas AWS adjusts. InvalidConfiguration naming the setting otherwise.
  common::Result<void> apply(std::string_view setting);
};

// The control policies that apply to one account (evaluation.md §2): one list per level on
// the path from the root to the account, for each enabled type; empty when the account is
// in no organization or is its management account. `depends_on` names the records read.
struct ControlLevels {
  // The account's organization and its path from the root, as aws:PrincipalOrgID /
  // aws:PrincipalOrgPaths (and aws:ResourceOrg*) read them: "o-.../r-.../ou-.../"; empty when
  // the account is in no organization (the management account has them).
  std::string org_id;
  std::string org_path;
  std::vector<std::vector<ControlPolicy>> scp;
  std::vector<std::vector<ControlPolicy>> rcp;
  std::vector<std::string> depends_on;
};

class Organizations {
 public:
  explicit Organizations(Env env) : env_(std::move(env)) {}
  const Env& env() const { return env_; }

  // The organization `account` belongs to: AWSOrganizationsNotInUseException when none.
  common::Result<Organization> of_account(store::ReadTransaction& tx, std::string_view account) const;
  // The organization whose management account is `caller`: AccessDeniedException for a
  // member account.
  common::Result<Organization> managed_by(store::ReadTransaction& tx, std::string_view caller) const;

  common::Result<Organization> create(store::Transaction& tx, std::string_view caller, std::string_view feature_set);
  // DeleteOrganization: only when the management account is the only member.
  common::Result<void> remove(store::Transaction& tx, std::string_view caller);

  common::Result<Unit> create_unit(store::Transaction& tx, std::string_view caller, std::string_view parent_id,
                                   std::string_view name, const store::Tags& tags);
  common::Result<Unit> rename_unit(store::Transaction& tx, std::string_view caller, std::string_view unit_id,
                                   std::string_view name);
  common::Result<void> delete_unit(store::Transaction& tx, std::string_view caller, std::string_view unit_id);

  // CreateAccount: the request's status, SUCCEEDED with a new member under the root, or
  // FAILED with AWS's reason (an email address in use). `create` makes the account itself (its
  // record, OrganizationAccountAccessRole) in the same transaction and returns its id; it is
  // called only when the request can succeed.
  common::Result<CreateStatus> add_created_account(store::Transaction& tx, std::string_view caller,
                                                   std::string_view name, std::string_view email,
                                                   const store::Tags& tags,
                                                   const std::function<common::Result<std::string>()>& create);
  common::Result<void> move_account(store::Transaction& tx, std::string_view caller, std::string_view account_id,
                                    std::string_view source, std::string_view destination);
  // InviteAccountToOrganization (an account of this server, by id), and the invited
  // account's answers. `now` decides expiry (15 days).
  common::Result<Handshake> invite(store::Transaction& tx, std::string_view caller, std::string_view target,
                                   std::string_view notes);
  // The handshake `id` as the caller may see it (the management account or the invited one),
  // with its organization.
  common::Result<std::pair<Organization, Handshake>> handshake(store::ReadTransaction& tx, std::string_view caller,
                                                               std::string_view id) const;
  // AcceptHandshake (the invited account joins under the root), DeclineHandshake (the invited
  // account), CancelHandshake (the management account).
  common::Result<std::pair<Organization, Handshake>> answer_handshake(store::Transaction& tx, std::string_view caller,
                                                                      std::string_view id, std::string_view answer);
  // The handshakes addressed to an account, with their organizations.
  common::Result<std::vector<std::pair<Organization, Handshake>>> handshakes_for(store::ReadTransaction& tx,
                                                                                 std::string_view account) const;
  // LeaveOrganization: a member account leaves on its own.
  common::Result<void> leave(store::Transaction& tx, std::string_view caller);
  // RemoveAccountFromOrganization: the account becomes standalone.
  common::Result<void> remove_account(store::Transaction& tx, std::string_view caller, std::string_view account_id);

  common::Result<ControlPolicy> create_policy(store::Transaction& tx, std::string_view caller, std::string_view name,
                                              std::string_view description, std::string_view type,
                                              std::string_view content, const store::Tags& tags);
  common::Result<ControlPolicy> update_policy(store::Transaction& tx, std::string_view caller,
                                              std::string_view policy_id, std::optional<std::string_view> name,
                                              std::optional<std::string_view> description,
                                              std::optional<std::string_view> content);
  common::Result<void> delete_policy(store::Transaction& tx, std::string_view caller, std::string_view policy_id);
  common::Result<void> attach(store::Transaction& tx, std::string_view caller, std::string_view policy_id,
                              std::string_view target_id);
  common::Result<void> detach(store::Transaction& tx, std::string_view caller, std::string_view policy_id,
                              std::string_view target_id);
  common::Result<Organization> enable_type(store::Transaction& tx, std::string_view caller, std::string_view root_id,
                                           std::string_view type);
  common::Result<Organization> disable_type(store::Transaction& tx, std::string_view caller, std::string_view root_id,
                                            std::string_view type);

  // Trusted access of AWS services (EnableAWSServiceAccess, DisableAWSServiceAccess) and
  // delegated administrators (RegisterDelegatedAdministrator, DeregisterDelegatedAdministrator).
  common::Result<void> set_service_access(store::Transaction& tx, std::string_view caller, std::string_view principal,
                                          bool enabled);
  common::Result<void> register_delegated_admin(store::Transaction& tx, std::string_view caller,
                                                std::string_view account_id, std::string_view principal);
  common::Result<void> deregister_delegated_admin(store::Transaction& tx, std::string_view caller,
                                                  std::string_view account_id, std::string_view principal);

  // Tags of a root, OU, account or policy, by id.
  common::Result<store::Tags> tags_of(store::ReadTransaction& tx, std::string_view caller,
                                      std::string_view resource_id) const;
  common::Result<void> tag(store::Transaction& tx, std::string_view caller, std::string_view resource_id,
                           const store::Tags& tags);
  common::Result<void> untag(store::Transaction& tx, std::string_view caller, std::string_view resource_id,
                             const std::vector<std::string>& keys);

  // The policy of an id (customer or AWS managed) in `o`: PolicyNotFoundException when none.
  static common::Result<ControlPolicy> find_policy(const Organization& o, std::string_view policy_id);
  // Checks a target id (root, OU or account) exists in `o`: TargetNotFoundException.
  static common::Result<void> find_target(const Organization& o, std::string_view target_id);
  // The policy ids attached to a target, of one type, in attachment order.
  static std::vector<std::string> attached(const Organization& o, std::string_view target_id, std::string_view type);

  // For the authorizer (evaluation.md §2, §3): the SCP and RCP levels of an account.
  common::Result<ControlLevels> control_levels(store::ReadTransaction& tx, std::string_view account) const;

 private:
  common::Result<void> save(store::Transaction& tx, const Organization& o) const;
  common::Result<void> join(store::Transaction& tx, Organization& o, std::string_view account,
                            std::string_view method) const;
  // A handshake as read now: OPEN past its expiry reads EXPIRED.
  Handshake current(const Handshake& h) const;
  std::string new_id(std::string_view prefix, std::size_t length) const;
  common::Result<void> check_content(std::string_view type, std::string_view content) const;
  Env env_;
};

// AWS Organizations' errors, one definition each.
common::Error not_in_use();
common::Error access_denied();
common::Error constraint(std::string_view reason, std::string_view message);
common::Error invalid_input(std::string_view reason, std::string_view message);

}  // namespace iamd::org

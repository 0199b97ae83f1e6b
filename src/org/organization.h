// AWS Organizations as iamd keeps it: one organization per management account, with its
// root, organizational units, member accounts, control policies (SCPs and RCPs) and their
// attachments, and its invitations (handshakes; a record per handshake, kind kOrgHandshake in
// the invited account, points to the organization), held as one value (`Organization`) in one store record (kind
// kOrganization, its management account's), and a membership record per account (kind kOrgMembership) that says which
// organization an account belongs to. Organizations change rarely and are read whole (a path from the root to an
// account for every decision's SCP levels, cached), so one record keeps each change a single atomic write that every
// rule of the organization (names, limits, the minimum of one SCP per target) can be checked against. [IMPL]
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "store/records.h"

namespace iamd::org {

// Policy types iamd enforces. Other types of AWS's enum are answered as not supported.
inline constexpr std::string_view kServiceControlPolicy = "SERVICE_CONTROL_POLICY";
inline constexpr std::string_view kResourceControlPolicy = "RESOURCE_CONTROL_POLICY";
// The AWS managed allow-all policies attached to every target when a type is enabled.
inline constexpr std::string_view kFullAwsAccessId = "p-FullAWSAccess";
inline constexpr std::string_view kRcpFullAwsAccessId = "p-RCPFullAWSAccess";

struct Unit {
  std::string id;  // ou-<root suffix>-<8>
  std::string name;
  std::string parent_id;  // the root or an OU
  store::Tags tags;
};

struct Member {
  std::string account_id;
  std::string name;
  std::string email;          // empty for the management account of an iamd account without one
  std::string parent_id;      // the root or an OU
  std::string joined_method;  // "CREATED" or "INVITED" (the management account)
  common::Timestamp joined;
  store::Tags tags;
};

struct ControlPolicy {
  std::string id;  // p-<8>
  std::string name;
  std::string description;
  std::string type;  // kServiceControlPolicy or kResourceControlPolicy
  std::string content;
  store::Tags tags;
};

struct Attachment {
  std::string policy_id;
  std::string target_id;
  friend bool operator==(const Attachment&, const Attachment&) = default;
};

struct CreateStatus {
  std::string id;  // car-<32 hex>
  std::string account_name;
  std::string account_id;
  std::string state;  // SUCCEEDED or FAILED (iamd creates accounts at once)
  std::string failure_reason;
  common::Timestamp requested;
  common::Timestamp completed;
};

// An invitation of an account to join (InviteAccountToOrganization), with AWS's states.
struct Handshake {
  std::string id;      // h-<10..32>
  std::string target;  // the invited account
  std::string state;   // OPEN, ACCEPTED, DECLINED, CANCELED (EXPIRED when read after expiry)
  std::string notes;
  common::Timestamp requested;
  common::Timestamp expires;  // 15 days after the request [AWS]
};

// A service given trusted access (EnableAWSServiceAccess), and a member account registered
// as a service's delegated administrator.
struct TrustedService {
  std::string principal;  // "securityhub.amazonaws.com"
  common::Timestamp enabled;
};
struct Delegation {
  std::string account_id;
  std::string principal;
  common::Timestamp enabled;
};

struct Organization {
  std::string id;  // o-<10>
  std::string management_account;
  std::string feature_set = "ALL";
  std::string root_id;  // r-<4>
  common::Timestamp created;
  std::vector<std::string> enabled_types;  // policy types enabled on the root
  store::Tags root_tags;
  std::vector<Unit> units;
  std::vector<Member> members;  // the management account first
  std::vector<ControlPolicy> policies;
  std::vector<Attachment> attachments;
  std::vector<CreateStatus> create_statuses;
  std::vector<Handshake> handshakes;
  std::vector<TrustedService> trusted_services;
  std::vector<Delegation> delegations;

  // Whether `account` is a delegated administrator of some service (it may then read the
  // organization [AWS]).
  bool delegated_admin(std::string_view account) const;

  const Unit* unit(std::string_view id) const;
  const Member* member(std::string_view account_id) const;
  const ControlPolicy* policy(std::string_view id) const;  // customer policies only
  bool type_enabled(std::string_view type) const;
  // The targets from the root down to `target` (root, OUs..., the target itself).
  std::vector<std::string> path_to(std::string_view target) const;
  // Depth of an OU below the root (a child of the root: 1).
  int depth(std::string_view unit_id) const;
};

// The record body and back. A body that does not decode is an internal error.
std::string encode(const Organization& o);
common::Result<Organization> decode(std::string_view body);

// The AWS managed allow-all policy of a type, as a ControlPolicy (its content AWS's).
const ControlPolicy* aws_managed_policy(std::string_view id);
const ControlPolicy& full_access_policy(std::string_view type);

// ARNs (partition "aws", "aws-cn", ...), as AWS forms them.
std::string organization_arn(std::string_view partition, const Organization& o);
std::string root_arn(std::string_view partition, const Organization& o);
std::string unit_arn(std::string_view partition, const Organization& o, std::string_view unit_id);
std::string account_arn(std::string_view partition, const Organization& o, std::string_view account_id);
std::string policy_arn(std::string_view partition, const Organization& o, const ControlPolicy& p);
std::string handshake_arn(std::string_view partition, const Organization& o, std::string_view handshake_id);
// "service_control_policy" for SERVICE_CONTROL_POLICY, ...
std::string type_segment(std::string_view type);

}  // namespace iamd::org

// The operation table: what every operation is, declared once. For each IAM and STS
// operation: the action it is authorized as, the kind of resource it targets and the request
// member that names it, the condition keys the request supplies, and whether it writes.
// The pipeline (api/pipeline.h) reads a row to decode the target, resolve it once, authorize
// and open the right transaction; handlers keep only what is particular to their operation.
// Adding an operation: one row here (operations.cc), one handler method.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace iamd::api {

// The resource an operation is authorized against (evaluation.md §6, policy-language.md §3.3).
enum class Resource : std::uint8_t {
  kAny,     // "*": account-level operations (GetAccountSummary, CreateAccountAlias, ...)
  kUser,    // the user `member` names; without it, the caller itself (a root caller: the root user)
  kGroup,   // the group `member` names
  kRole,    // the role `member` names
  kPolicy,  // the managed policy whose ARN is `member`
  kInstanceProfile,
  kServerCertificate,
  kOidcProvider,  // ARN in `member`
  kSamlProvider,  // ARN in `member`
  kMfaDevice,     // serial number (an ARN) in `member`
  kArn,           // the ARN in `member`, as given (the simulator's PolicySourceArn)
  // "<member>/<PathPrefix without its leading />" in the caller's account: the List* operations
  // over a path (ListUsers: member "user").
  kList,
  // The handler finds the resource itself and calls Pipeline::authorize (the resource depends
  // on what it reads: GetAccessKeyLastUsed authorizes against the key's owner).
  kCustom,
};

// Condition keys the request supplies (bits of Operation::keys).
enum Key : std::uint32_t {
  kRequestTags = 1u << 0,      // aws:RequestTag/<k>, aws:TagKeys from Tags.member.N
  kTagKeys = 1u << 1,          // aws:TagKeys from TagKeys.member.N (Untag*)
  kPolicyArn = 1u << 2,        // iam:PolicyARN from PolicyArn
  kRequestBoundary = 1u << 3,  // iam:PermissionsBoundary from PermissionsBoundary
  kTargetBoundary = 1u << 4,   // iam:PermissionsBoundary: the target's current boundary, when it has one
  // The target is the entity the call creates: its ARN from `member` and the Path member, and
  // the request's tags are its aws:ResourceTag/<k> (evaluation.md §5.2).
  kCreates = 1u << 5,
  // The password policy's AllowUsersToChangePassword grants the action to IAM users
  // (ChangePassword on themselves, GetAccountPasswordPolicy).
  kPasswordGrant = 1u << 6,
  // iam:ServiceSpecificCredentialServiceName from ServiceName.
  kServiceName = 1u << 7,
  // Callable without a signature (AssumeRoleWithWebIdentity, AssumeRoleWithSAML): the token or
  // assertion in the request authenticates it; the gateway lets an unsigned request through
  // as an anonymous caller for these rows only.
  kAnonymous = 1u << 8,
};

enum class Mode : std::uint8_t {
  kRead,   // one read snapshot: resolve, authorize, run
  kWrite,  // one write transaction: resolve, authorize, run, commit
  // Authorized in a read snapshot first (so a caller without the permission costs nothing),
  // then the handler prepares outside any transaction (password hashing) and opens the write
  // transaction with Pipeline::begin_write, which resolves and authorizes again in it.
  kPrepared,
  // A read snapshot, as kRead, unless the request carries an MFA code (SerialNumber or
  // TokenCode): then the handler opens the write transaction with Pipeline::begin_write
  // before anything else, since the MFA check records the code it used (AssumeRole; its
  // RoleLastUsed is bookkeeping outside the transaction, api/role_usage.h).
  kReadUnlessMfa,
  // No store access at all (GetCallerIdentity): never authorized by policy.
  kUnauthorized,
  // One write transaction, never authorized by policy: GetSessionToken, an authentication
  // step no policy controls (evaluation.md §4.1), which records the MFA code it used.
  kUnauthorizedWrite,
};

// A further action an operation needs, on a resource of its own.
struct AlsoAuthorized {
  std::string_view action;  // empty: none
  Resource resource = Resource::kAny;
  std::string_view member;
};

struct Operation {
  std::string_view name;    // the wire Action: "CreateUser"
  std::string_view action;  // "iam:CreateUser"
  Resource resource = Resource::kAny;
  std::string_view member;  // "UserName"; for Resource::kList the resource type ("user")
  std::uint32_t keys = 0;
  Mode mode = Mode::kRead;
  // A second action authorized after the first, with the request's keys
  // (AddRoleToInstanceProfile: iam:PassRole on the role).
  AlsoAuthorized second = {};
};

// The row of operation `name` of the service `service` ("iam", "sts", "organizations"); null
// when iamd does not serve the operation (it answers InvalidAction; UnknownOperationException
// in the JSON envelope).
const Operation* find_operation(std::string_view service, std::string_view name);

// Every row of the service's table, in table order (for tests and documentation).
std::span<const Operation> operations(std::string_view service);

}  // namespace iamd::api

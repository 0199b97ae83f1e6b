// The operation pipeline: what happens to every request between its decoding and its
// answer, in one place. Per operation it reads the row of the operation table
// (api/operations.h) and
//   1. opens the operation's transaction (one read snapshot, or the write transaction),
//   2. resolves the target once, in that transaction: the stored record and its canonical ARN
//      (stored path, stored case of the name), or the ARN it would have when it does not exist
//      (path "/", so a denial never reveals whether it exists),
//   3. gathers the condition keys: the caller's and the environment's (the gateway's), the
//      target's tags and boundary, and what the row says the request supplies,
//   4. authorizes the action on the target (a denial is AccessDenied),
//   5. lets the handler run the domain call in the same transaction (Pipeline::read/write),
//   6. commits a write, and maps domain errors to AWS's at the edge (api/errors.h).
// One Pipeline serves one request on one thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "api/access.h"
#include "api/caller.h"
#include "api/operations.h"
#include "api/role_usage.h"
#include "common/result.h"
#include "condition/context.h"
#include "iam/scope.h"
#include "iam/service.h"
#include "protocol/form.h"
#include "protocol/response.h"
#include "store/store.h"

namespace iamd::api {

class WebIdentityKeys;
class AuditTrail;
struct AuditCall;

struct CallContext {
  iam::IamDomain& domain;
  Access& access;
  const Caller& caller;
  const condition::Context& base_context;  // environment and principal keys
  const sts::TokenSealer& tokens;          // seals the sessions STS hands out
  // The keys of OIDC issuers (AssumeRoleWithWebIdentity); null when none are configured.
  const WebIdentityKeys* web_identity = nullptr;
  // Where a role assumption reports the role's use (RoleLastUsed); the gateway records it
  // (api/role_usage.h) once the call has succeeded, outside its transaction.
  std::optional<RoleUse>* role_use = nullptr;
  // The audit trail and this call's record in the making (api/audit.h); null: not audited.
  AuditTrail* audit_trail = nullptr;
  AuditCall* audit = nullptr;
};

// The resource an operation acts on, resolved in the operation's transaction.
struct Target {
  std::string arn;   // canonical; "*" for Resource::kAny
  std::string name;  // the stored name, or the request's when not found; empty for the root user
  bool found = false;
  // The record, for the kinds the pipeline reads (one of them, when found).
  std::optional<store::User> user;
  std::optional<store::Group> group;
  std::optional<store::Role> role;
  std::optional<store::ManagedPolicy> policy;
  std::optional<store::InstanceProfile> instance_profile;
  store::Tags tags;        // aws:ResourceTag/<k>
  bool principal = false;  // a user or role: iam:ResourceTag/<k> as well
  std::string boundary;    // the target's permissions boundary ARN, when it has one
};

class Pipeline {
 public:
  explicit Pipeline(CallContext ctx) : ctx_(ctx) {}
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Steps 1-4 for operation `name` of `service` ("iam", "sts", "organizations"). An operation without a row
  // is not one iamd serves (one of the model's operations without a handler): InvalidAction,
  // the same answer the generated default handler gives, before any store access.
  common::Result<void> begin(std::string_view service, std::string_view name, const protocol::Params& params);
  // Step 6: commits a write that succeeded (rolls back otherwise); maps any error to AWS's.
  common::Result<void> end(common::Result<void> outcome);

  const CallContext& context() const { return ctx_; }
  const Caller& caller() const { return ctx_.caller; }
  std::string_view account_id() const { return ctx_.caller.account_id; }
  const Operation* operation() const { return op_; }
  const Target& target() const { return target_; }
  // Where the codec notes the call for the audit trail; null when the call is not audited.
  protocol::CallNotes* call_notes();

  // The operation's transaction (asserts one is open: Mode::kRead/kWrite after begin, or
  // after begin_write). write() asserts it is a write transaction.
  iam::Read read();
  iam::Write write();

  // Mode::kPrepared (and kReadUnlessMfa): closes the read snapshot, opens the write
  // transaction, and resolves and authorizes the target again in it (what changed meanwhile
  // counts).
  common::Result<iam::Write> begin_write();

  // One more authorization in the operation's snapshot (Resource::kCustom rows, a rename's
  // second name, a second action): with the base keys, the resource's tags (when it is a record of
  // the caller's account) and `extra`. `grant`: Access::authorize's account-level grant.
  common::Result<void> authorize(std::string_view action, std::string_view resource,
                                 const condition::Context* extra = nullptr,
                                 const std::shared_ptr<const policy::CompiledPolicy>& grant = nullptr);

  // A role assumption (Resource::kCustom rows of STS): the caller's identity policies and the
  // role's trust policy, with the base keys, the role's tags and `extra`
  // (Access::authorize_assume).
  common::Result<void> authorize_assume(std::string_view action, const store::Role* role, std::string_view role_arn,
                                        const condition::Context& extra);

 private:
  condition::Context merged_context(std::string_view resource, const store::Tags& tags, bool principal,
                                    const condition::Context& extra) const;
  common::Result<void> check_session_rights(std::string_view service, std::string_view name) const;
  common::Result<void> resolve_and_authorize();
  // A stored ARN (in the server's partition) as the request sees it (Caller::partition).
  std::string in_request_partition(std::string_view arn) const;
  // Resolves the resource `kind` named by request member `member_name` (the new record's
  // when `creates`) into `out`.
  common::Result<void> resolve(Resource kind, std::string_view member_name, bool creates, Target& out);
  common::Result<void> authorize_with(std::string_view action, std::string_view resource, const store::Tags& tags,
                                      bool principal, const condition::Context& extra,
                                      const std::shared_ptr<const policy::CompiledPolicy>& grant);
  common::Result<std::shared_ptr<const policy::CompiledPolicy>> password_grant();
  store::ReadTransaction* tx();
  // The target's ARN into the call's audit record.
  void note_target();

  CallContext ctx_;
  const Operation* op_ = nullptr;
  const protocol::Params* params_ = nullptr;
  std::unique_ptr<store::ReadTransaction> read_;
  std::unique_ptr<store::Transaction> write_;
  Target target_;
  condition::Context request_keys_;  // what the request supplies (Operation::keys)
};

}  // namespace iamd::api

// The Organizations domain on the memory store, with a fixed clock and seeded randomness:
// who may call what, the tree of OUs and accounts, control policies (validation, quotas,
// attachments, the minimum of one per target), and the SCP/RCP levels the authorizer reads.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "common/random.h"
#include "common/time.h"
#include "org/organizations.h"
#include "store/memory/memory_store.h"

namespace iamd::org {
namespace {

constexpr std::string_view kManagement = "111111111111";
constexpr std::string_view kMember = "222222222222";
constexpr std::string_view kStandalone = "333333333333";
constexpr std::string_view kDenyS3 =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]})";

class OrgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(store::memory::open_memory_store()).value();
    auto tx = std::move(store_->begin_write()).value();
    for (std::string_view id : {kManagement, kMember, kStandalone}) {
      store::Account a;
      a.id = std::string(id);
      ASSERT_TRUE(tx->create_account(a));
    }
    ASSERT_TRUE(tx->commit());
    Env env;
    env.clock = &clock_;
    env.random = &random_;
    orgs_ = std::make_unique<Organizations>(env);
  }
  // Runs f(tx) in a write transaction, committed when it succeeds.
  template <class F>
  auto write(F&& f) {
    auto tx = std::move(store_->begin_write()).value();
    auto r = f(*tx);
    if (r) {
      EXPECT_TRUE(tx->commit());
    }
    return r;
  }
  Organization org_of(std::string_view account) {
    auto tx = std::move(store_->begin_read()).value();
    auto o = orgs_->of_account(*tx, account);
    EXPECT_TRUE(o) << o.error().message;
    return o ? *o : Organization{};
  }
  ControlLevels levels(std::string_view account) {
    auto tx = std::move(store_->begin_read()).value();
    return std::move(orgs_->control_levels(*tx, account)).value();
  }
  // An organization with kMember created in it and SCPs enabled.
  Organization with_member() {
    auto o = write([&](store::Transaction& tx) { return orgs_->create(tx, kManagement, "ALL"); });
    EXPECT_TRUE(o);
    auto s = write([&](store::Transaction& tx) {
      return orgs_->add_created_account(tx, kManagement, "dev", "dev@example.com", {},
                                        [] { return common::Result<std::string>(std::string(kMember)); });
    });
    EXPECT_TRUE(s);
    EXPECT_EQ(s->state, "SUCCEEDED");
    return org_of(kManagement);
  }

  common::FixedClock clock_{common::Timestamp{1700000000, 0}};
  common::SeededRandom random_{7};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Organizations> orgs_;
};

TEST_F(OrgTest, IdsAndArnsHaveAwsShapes) {
  const Organization o = with_member();
  EXPECT_TRUE(o.id.starts_with("o-"));
  EXPECT_EQ(o.id.size(), 12u);
  EXPECT_TRUE(o.root_id.starts_with("r-"));
  EXPECT_EQ(o.root_id.size(), 6u);
  EXPECT_EQ(organization_arn("aws", o), "arn:aws:organizations::111111111111:organization/" + o.id);
  EXPECT_EQ(account_arn("aws", o, kMember), "arn:aws:organizations::111111111111:account/" + o.id + "/222222222222");
  EXPECT_EQ(policy_arn("aws", o, full_access_policy(kServiceControlPolicy)),
            "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess");
  auto u = write([&](store::Transaction& tx) { return orgs_->create_unit(tx, kManagement, o.root_id, "Dev", {}); });
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->id.starts_with("ou-" + o.root_id.substr(2) + "-"));
  EXPECT_EQ(u->id.size(), 3u + 4u + 1u + 8u);
  ASSERT_EQ(o.members.size(), 2u);
  EXPECT_EQ(o.members[0].joined_method, "INVITED");
  EXPECT_EQ(o.members[1].joined_method, "CREATED");
}

TEST_F(OrgTest, WhoMayCallWhat) {
  with_member();
  auto tx = std::move(store_->begin_read()).value();
  struct Row {
    std::string_view account;
    std::string_view code;  // of managed_by; empty: allowed
  };
  for (const Row& row : {Row{kManagement, ""}, Row{kMember, "AccessDeniedException"},
                         Row{kStandalone, "AWSOrganizationsNotInUseException"}}) {
    auto o = orgs_->managed_by(*tx, row.account);
    EXPECT_EQ(o ? std::string() : o.error().code, row.code) << row.account;
  }
  EXPECT_TRUE(orgs_->of_account(*tx, kMember));
  tx->rollback();
  auto again = write([&](store::Transaction& t) { return orgs_->create(t, kMember, "ALL"); });
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "AlreadyInOrganizationException");
}

TEST_F(OrgTest, UnitsFollowAwsRules) {
  const Organization o = with_member();
  auto a = write([&](store::Transaction& tx) { return orgs_->create_unit(tx, kManagement, o.root_id, "A", {}); });
  ASSERT_TRUE(a);
  struct Row {
    std::string parent;
    std::string name;
    std::string code;
  };
  const std::vector<Row> rows = {
      {o.root_id, "A", "DuplicateOrganizationalUnitException"},
      {"ou-zzzz-zzzzzzzz", "B", "ParentNotFoundException"},
      {a->id, "A", ""},  // the same name under another parent
  };
  for (const Row& row : rows) {
    auto r =
        write([&](store::Transaction& tx) { return orgs_->create_unit(tx, kManagement, row.parent, row.name, {}); });
    EXPECT_EQ(r ? std::string() : r.error().code, row.code) << row.parent << " " << row.name;
  }
  // Depth: five levels at most (`a` is the first).
  std::string parent = a->id;
  for (int level = 2; level <= 5; ++level) {
    auto u = write([&](store::Transaction& tx) { return orgs_->create_unit(tx, kManagement, parent, "L", {}); });
    ASSERT_TRUE(u) << level;
    parent = u->id;
  }
  auto sixth = write([&](store::Transaction& tx) { return orgs_->create_unit(tx, kManagement, parent, "L", {}); });
  ASSERT_FALSE(sixth);
  EXPECT_EQ(sixth.error().code, "ConstraintViolationException");
  EXPECT_EQ(sixth.error().reason, "OU_DEPTH_LIMIT_EXCEEDED");
  // A unit with children cannot be deleted; moving the account out of it and deleting works.
  auto m =
      write([&](store::Transaction& tx) { return orgs_->move_account(tx, kManagement, kMember, o.root_id, a->id); });
  ASSERT_TRUE(m);
  auto dup = write([&](store::Transaction& tx) { return orgs_->move_account(tx, kManagement, kMember, a->id, a->id); });
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, "DuplicateAccountException");
  auto d = write([&](store::Transaction& tx) { return orgs_->delete_unit(tx, kManagement, a->id); });
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, "OrganizationalUnitNotEmptyException");
  EXPECT_EQ(org_of(kManagement).path_to(kMember), (std::vector<std::string>{o.root_id, a->id, std::string(kMember)}));
}

TEST_F(OrgTest, PoliciesAreValidatedAndLimited) {
  const Organization o = with_member();
  struct Row {
    std::string type;
    std::string content;
    std::string code;
    std::string reason;
  };
  const std::string big =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Sid":")" +
      std::string(5200, 'a') + R"("}]})";
  const std::vector<Row> rows = {
      {"SERVICE_CONTROL_POLICY", std::string(kDenyS3), "", ""},
      {"SERVICE_CONTROL_POLICY",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]})",
       "MalformedPolicyDocumentException", ""},
      {"SERVICE_CONTROL_POLICY", "{not json", "MalformedPolicyDocumentException", ""},
      {"SERVICE_CONTROL_POLICY", big, "ConstraintViolationException", "POLICY_CONTENT_LIMIT_EXCEEDED"},
      {"RESOURCE_CONTROL_POLICY",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole","Resource":"*"}]})",
       "", ""},
      {"RESOURCE_CONTROL_POLICY", std::string(kDenyS3), "MalformedPolicyDocumentException", ""},
      {"TAG_POLICY", "{}", "PolicyTypeNotAvailableForOrganizationException", ""},
  };
  const std::vector<std::string> names = {"p0", "p1", "p2", "p3", "p4", "p5", "p6"};
  ASSERT_EQ(names.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row& row = rows[i];
    const std::string& name = names[i];
    auto p = write([&](store::Transaction& tx) {
      return orgs_->create_policy(tx, kManagement, name, "", row.type, row.content, {});
    });
    EXPECT_EQ(p ? std::string() : p.error().code, row.code) << row.content.substr(0, 80);
    if (!p) {
      EXPECT_EQ(p.error().reason, row.reason);
    }
  }
  auto dup = write([&](store::Transaction& tx) {
    return orgs_->create_policy(tx, kManagement, "p0", "", "SERVICE_CONTROL_POLICY", kDenyS3, {});
  });
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, "DuplicatePolicyException");
  auto member = write([&](store::Transaction& tx) {
    return orgs_->create_policy(tx, kMember, "x", "", "SERVICE_CONTROL_POLICY", kDenyS3, {});
  });
  ASSERT_FALSE(member);
  EXPECT_EQ(member.error().code, "AccessDeniedException");
  (void)o;
}

TEST_F(OrgTest, ScpLevelsFollowTheTreeAndTheEnabledTypes) {
  const Organization o = with_member();
  auto p = write([&](store::Transaction& tx) {
    return orgs_->create_policy(tx, kManagement, "deny-s3", "", "SERVICE_CONTROL_POLICY", kDenyS3, {});
  });
  ASSERT_TRUE(p);
  // Not enabled yet: nothing applies, and nothing can be attached.
  EXPECT_TRUE(levels(kMember).scp.empty());
  auto early = write([&](store::Transaction& tx) { return orgs_->attach(tx, kManagement, p->id, kMember); });
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code, "PolicyTypeNotEnabledException");

  ASSERT_TRUE(write(
      [&](store::Transaction& tx) { return orgs_->enable_type(tx, kManagement, o.root_id, kServiceControlPolicy); }));
  auto again = write(
      [&](store::Transaction& tx) { return orgs_->enable_type(tx, kManagement, o.root_id, kServiceControlPolicy); });
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "PolicyTypeAlreadyEnabledException");
  // FullAWSAccess on the root and on the account: two levels, one allow-all each.
  ControlLevels l = levels(kMember);
  ASSERT_EQ(l.scp.size(), 2u);
  EXPECT_EQ(l.scp[0].size(), 1u);
  EXPECT_EQ(l.scp[0][0].id, kFullAwsAccessId);
  EXPECT_TRUE(l.rcp.empty());
  EXPECT_EQ(l.org_id, o.id);
  EXPECT_EQ(l.org_path, o.id + "/" + o.root_id + "/");
  // Never for the management account (which is in the organization) or a standalone one.
  EXPECT_TRUE(levels(kManagement).scp.empty());
  EXPECT_EQ(levels(kManagement).org_id, o.id);
  EXPECT_TRUE(levels(kStandalone).org_id.empty());
  EXPECT_TRUE(levels(kStandalone).scp.empty());

  ASSERT_TRUE(write([&](store::Transaction& tx) { return orgs_->attach(tx, kManagement, p->id, kMember); }));
  auto dup = write([&](store::Transaction& tx) { return orgs_->attach(tx, kManagement, p->id, kMember); });
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, "DuplicatePolicyAttachmentException");
  l = levels(kMember);
  ASSERT_EQ(l.scp.size(), 2u);
  ASSERT_EQ(l.scp[1].size(), 2u);
  EXPECT_EQ(l.scp[1][1].content, kDenyS3);
  // An attached policy cannot be deleted; FullAWSAccess cannot be the last one detached.
  auto del = write([&](store::Transaction& tx) { return orgs_->delete_policy(tx, kManagement, p->id); });
  ASSERT_FALSE(del);
  EXPECT_EQ(del.error().code, "PolicyInUseException");
  ASSERT_TRUE(write(
      [&](store::Transaction& tx) { return orgs_->detach(tx, kManagement, std::string(kFullAwsAccessId), kMember); }));
  auto last = write([&](store::Transaction& tx) { return orgs_->detach(tx, kManagement, p->id, kMember); });
  ASSERT_FALSE(last);
  EXPECT_EQ(last.error().reason, "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED");
  // A new OU gets FullAWSAccess; moving the account under it adds a level.
  auto u = write([&](store::Transaction& tx) { return orgs_->create_unit(tx, kManagement, o.root_id, "Dev", {}); });
  ASSERT_TRUE(u);
  ASSERT_TRUE(
      write([&](store::Transaction& tx) { return orgs_->move_account(tx, kManagement, kMember, o.root_id, u->id); }));
  l = levels(kMember);
  ASSERT_EQ(l.scp.size(), 3u);
  EXPECT_EQ(l.org_path, o.id + "/" + o.root_id + "/" + u->id + "/");
  EXPECT_EQ(l.scp[1][0].id, kFullAwsAccessId);
  // Disabling the type detaches everything of it.
  ASSERT_TRUE(write(
      [&](store::Transaction& tx) { return orgs_->disable_type(tx, kManagement, o.root_id, kServiceControlPolicy); }));
  EXPECT_TRUE(levels(kMember).scp.empty());
  EXPECT_TRUE(write([&](store::Transaction& tx) { return orgs_->delete_policy(tx, kManagement, p->id); }));
}

TEST_F(OrgTest, CreateAccountFailsOnATakenEmail) {
  with_member();
  bool called = false;
  auto s = write([&](store::Transaction& tx) {
    return orgs_->add_created_account(tx, kManagement, "again", "DEV@example.com", {}, [&] {
      called = true;
      return common::Result<std::string>(std::string(kStandalone));
    });
  });
  EXPECT_FALSE(called);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->state, "FAILED");
  EXPECT_EQ(s->failure_reason, "EMAIL_ALREADY_EXISTS");
  EXPECT_TRUE(s->account_id.empty());
  EXPECT_EQ(org_of(kManagement).create_statuses.size(), 2u);
}

TEST_F(OrgTest, DeleteNeedsAnEmptyOrganizationAndRemovalFreesTheAccount) {
  with_member();
  auto d = write([&](store::Transaction& tx) { return orgs_->remove(tx, kManagement); });
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, "OrganizationNotEmptyException");
  auto self = write([&](store::Transaction& tx) { return orgs_->remove_account(tx, kManagement, kManagement); });
  ASSERT_FALSE(self);
  EXPECT_EQ(self.error().code, "MasterCannotLeaveOrganizationException");
  ASSERT_TRUE(write([&](store::Transaction& tx) { return orgs_->remove_account(tx, kManagement, kMember); }));
  ASSERT_TRUE(write([&](store::Transaction& tx) { return orgs_->remove(tx, kManagement); }));
  auto tx = std::move(store_->begin_read()).value();
  auto gone = orgs_->of_account(*tx, kManagement);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, "AWSOrganizationsNotInUseException");
}

TEST_F(OrgTest, InvitedAccountsJoinByAcceptingAndGetTheFullAccessPolicies) {
  const Organization o = with_member();
  ASSERT_TRUE(write(
      [&](store::Transaction& tx) { return orgs_->enable_type(tx, kManagement, o.root_id, kServiceControlPolicy); }));
  auto h = write([&](store::Transaction& tx) { return orgs_->invite(tx, kManagement, kStandalone, "join us"); });
  ASSERT_TRUE(h);
  EXPECT_TRUE(h->id.starts_with("h-"));
  auto dup = write([&](store::Transaction& tx) { return orgs_->invite(tx, kManagement, kStandalone, ""); });
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, "DuplicateHandshakeException");
  auto member = write([&](store::Transaction& tx) { return orgs_->invite(tx, kManagement, kMember, ""); });
  ASSERT_FALSE(member);
  EXPECT_EQ(member.error().code, "HandshakeConstraintViolationException");
  {
    auto tx = std::move(store_->begin_read()).value();
    auto mine = orgs_->handshakes_for(*tx, kStandalone);
    ASSERT_TRUE(mine);
    ASSERT_EQ(mine->size(), 1u);
    EXPECT_EQ((*mine)[0].second.state, "OPEN");
    // Nobody else sees it.
    auto other = orgs_->handshake(*tx, kMember, h->id);
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error().code, "HandshakeNotFoundException");
  }
  // Only the invited account accepts; then it is a member under the root, with FullAWSAccess.
  auto wrong =
      write([&](store::Transaction& tx) { return orgs_->answer_handshake(tx, kManagement, h->id, "ACCEPTED"); });
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, "AccessDeniedException");
  auto ok = write([&](store::Transaction& tx) { return orgs_->answer_handshake(tx, kStandalone, h->id, "ACCEPTED"); });
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->second.state, "ACCEPTED");
  const Organization after = org_of(kStandalone);
  ASSERT_NE(after.member(kStandalone), nullptr);
  EXPECT_EQ(after.member(kStandalone)->joined_method, "INVITED");
  EXPECT_EQ(levels(kStandalone).scp.size(), 2u);
  auto twice =
      write([&](store::Transaction& tx) { return orgs_->answer_handshake(tx, kStandalone, h->id, "ACCEPTED"); });
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, "HandshakeAlreadyInStateException");
  // A member leaves on its own; the management account cannot.
  ASSERT_TRUE(write([&](store::Transaction& tx) { return orgs_->leave(tx, kStandalone); }));
  EXPECT_TRUE(levels(kStandalone).scp.empty());
  auto mgmt = write([&](store::Transaction& tx) { return orgs_->leave(tx, kManagement); });
  ASSERT_FALSE(mgmt);
  EXPECT_EQ(mgmt.error().code, "MasterCannotLeaveOrganizationException");
  // Invitations expire after 15 days.
  auto h2 = write([&](store::Transaction& tx) { return orgs_->invite(tx, kManagement, kStandalone, ""); });
  ASSERT_TRUE(h2);
  clock_.set(common::Timestamp{1700000000 + 16 * 24 * 3600, 0});
  auto late =
      write([&](store::Transaction& tx) { return orgs_->answer_handshake(tx, kStandalone, h2->id, "ACCEPTED"); });
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, "InvalidHandshakeTransitionException");
}

TEST(OrgEnv, QuotaSettings) {
  struct Row {
    std::string setting;
    bool ok;
    int policy_size;
    int max_accounts;
  };
  const std::vector<Row> rows = {
      {"ControlPolicySize=10240", true, 10240, 10}, {"AccountsPerOrganization=500", true, 5120, 500},
      {"ControlPolicySize=0", false, 5120, 10},     {"ControlPolicySize=", false, 5120, 10},
      {"ControlPolicySize=12a", false, 5120, 10},   {"ControlPolicySize", false, 5120, 10},
      {"PoliciesPerTarget=9", false, 5120, 10},     {"ControlPolicySize=1000001", false, 5120, 10},
  };
  for (const Row& row : rows) {
    Env env;
    auto r = env.apply(row.setting);
    EXPECT_EQ(static_cast<bool>(r), row.ok) << row.setting;
    if (!r) {
      EXPECT_EQ(r.error().code, "InvalidConfiguration");
    }
    EXPECT_EQ(env.policy_size, row.policy_size) << row.setting;
    EXPECT_EQ(env.max_accounts, row.max_accounts) << row.setting;
  }
}

TEST_F(OrgTest, TheControlPolicySizeIsASetting) {
  with_member();
  const std::string doc =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Sid":")" +
      std::string(6000, 'a') + R"("}]})";
  auto refused = write([&](store::Transaction& tx) {
    return orgs_->create_policy(tx, kManagement, "big", "", "SERVICE_CONTROL_POLICY", doc, {});
  });
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().reason, "POLICY_CONTENT_LIMIT_EXCEEDED");
  Env env = orgs_->env();
  ASSERT_TRUE(env.apply("ControlPolicySize=10240"));
  Organizations larger(env);
  EXPECT_TRUE(write([&](store::Transaction& tx) {
    return larger.create_policy(tx, kManagement, "big", "", "SERVICE_CONTROL_POLICY", doc, {});
  }));
}

TEST_F(OrgTest, RecordRoundTrips) {
  Organization o = with_member();
  o.units.push_back(Unit{"ou-abcd-12345678", "N\"ame", o.root_id, {{"k", "v"}}});
  o.attachments.push_back(Attachment{"p-12345678", "ou-abcd-12345678"});
  auto back = decode(encode(o));
  ASSERT_TRUE(back);
  EXPECT_EQ(encode(*back), encode(o));
  EXPECT_FALSE(decode("{}"));
  EXPECT_FALSE(decode("not json"));
}

}  // namespace
}  // namespace iamd::org

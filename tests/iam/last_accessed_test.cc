// Last accessed information on the memory store with a fixed clock and seeded randomness:
// the embedded service table, which services a policy grants (table), the access tracker's
// interval, batches and persistence, the reports of users, groups, roles and policies, jobs of
// other callers, ListPoliciesGrantingServiceAccess and the STS preferences.
#include "iam/last_accessed.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "common/random.h"
#include "common/time.h"
#include "iam/service.h"
#include "store/memory/memory_store.h"

namespace iamd::iam {
namespace {

constexpr std::string_view kAccount = "123456789012";
constexpr std::string_view kRootArn = "arn:aws:iam::123456789012:root";
constexpr std::string_view kAliceArn = "arn:aws:iam::123456789012:user/alice";

std::string doc(std::string_view statements) {
  return R"({"Version":"2012-10-17","Statement":[)" + std::string(statements) + "]}";
}

// ---- The service table ----

TEST(ServiceTable, EmbeddedTableParsesAndNamesIamAndSts) {
  ASSERT_GT(aws_services().size(), 250u);
  const AwsService* iam = find_aws_service("iam");
  ASSERT_NE(iam, nullptr);
  EXPECT_EQ(iam->name, "AWS Identity and Access Management");
  EXPECT_NE(std::find(iam->actions.begin(), iam->actions.end(), "CreateUser"), iam->actions.end());
  ASSERT_NE(find_aws_service("sts"), nullptr);
  EXPECT_EQ(find_aws_service("sts")->name, "AWS Security Token Service");
  EXPECT_EQ(find_aws_service("no-such-service"), nullptr);
}

TEST(ServiceTable, MalformedAndDuplicateLinesAreRefused) {
  EXPECT_FALSE(parse_services("iam\tIAM\n").has_value());
  EXPECT_FALSE(parse_services("iam\tIAM\tA\niam\tIAM\tB\n").has_value());
  auto ok = parse_services("# comment\nsts\tSTS\tAssumeRole\niam\tIAM\t\n");
  ASSERT_TRUE(ok.has_value());
  ASSERT_EQ(ok->size(), 2u);
  EXPECT_EQ((*ok)[0].ns, "iam");  // sorted
  EXPECT_TRUE((*ok)[0].actions.empty());
}

struct GrantCase {
  std::string name;
  std::string statements;
  std::string ns;
  bool granted;
};

class GrantsService : public ::testing::TestWithParam<GrantCase> {};

TEST_P(GrantsService, Table) {
  const GrantCase& c = GetParam();
  auto d = parse_stored_policy(doc(c.statements));
  ASSERT_TRUE(d.has_value());
  const AwsService* s = find_aws_service(c.ns);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(grants_service(*d, *s), c.granted);
}

INSTANTIATE_TEST_SUITE_P(
    Policies, GrantsService,
    ::testing::Values(
        GrantCase{"ExactAction", R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*"})", "s3", true},
        GrantCase{"OtherService", R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*"})", "iam", false},
        GrantCase{"ActionCaseInsensitive", R"({"Effect":"Allow","Action":"IAM:getuser","Resource":"*"})", "iam", true},
        GrantCase{"Star", R"({"Effect":"Allow","Action":"*","Resource":"*"})", "lambda", true},
        // [UNCERTAIN] An exact namespace grants its service whatever the action part names.
        GrantCase{"ExactVendorAnyActionName", R"({"Effect":"Allow","Action":"iam:NoSuchAction","Resource":"*"})", "iam",
                  true},
        GrantCase{"ActionWildcard", R"({"Effect":"Allow","Action":"sts:Get*","Resource":"*"})", "sts", true},
        GrantCase{"DenyGrantsNothing", R"({"Effect":"Deny","Action":"*","Resource":"*"})", "iam", false},
        GrantCase{"NotActionLeavingSomeOut", R"({"Effect":"Allow","NotAction":"iam:*","Resource":"*"})", "sts", true},
        GrantCase{"NotActionExcludingTheService", R"({"Effect":"Allow","NotAction":"iam:*","Resource":"*"})", "iam",
                  false},
        GrantCase{"NotActionExcludingOneAction",
                  R"({"Effect":"Allow","NotAction":"sts:GetCallerIdentity","Resource":"*"})", "sts", true},
        GrantCase{"NotActionExcludingEveryAction", R"({"Effect":"Allow","NotAction":"sts:*","Resource":"*"})", "sts",
                  false},
        GrantCase{"NotActionStarExcludesAll", R"({"Effect":"Allow","NotAction":"*","Resource":"*"})", "iam", false}),
    [](const ::testing::TestParamInfo<GrantCase>& info) { return info.param.name; });

TEST(TrackedActions, IamManagementActionsOnly) {
  EXPECT_TRUE(is_tracked_action("iam", "CreateUser"));
  EXPECT_TRUE(is_tracked_action("iam", "AttachRolePolicy"));
  EXPECT_FALSE(is_tracked_action("iam", "GetUser"));
  EXPECT_FALSE(is_tracked_action("iam", "ListUsers"));
  EXPECT_FALSE(is_tracked_action("sts", "AssumeRole"));
}

TEST(AccessRecords, EncodeDecodeAndMergeKeepTheLatest) {
  std::vector<ActionAccess> a{{"iam", "GetUser", {100, 0}, "us-east-1"}, {"sts", "AssumeRole", {50, 0}, "eu-west-1"}};
  EXPECT_EQ(decode_accesses(encode_accesses(a)).size(), 2u);
  EXPECT_EQ(decode_accesses(encode_accesses(a))[1].region, "eu-west-1");
  merge_accesses(a, {{"iam", "GetUser", {90, 0}, "us-west-2"}, {"sts", "AssumeRole", {60, 0}, "us-west-2"}});
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].at.seconds, 100);  // older: kept
  EXPECT_EQ(a[1].at.seconds, 60);   // newer: replaced
  EXPECT_EQ(a[1].region, "us-west-2");
  EXPECT_TRUE(decode_accesses("garbage\nline\twith\ttoo\tmany\tfields\n").empty());
}

TEST(AccessTrackerMemory, EachTrackerNotesForItselfAndARegionChangeRenews) {
  const common::Timestamp now{1'700'000'000, 0};
  AccessTracker a;
  AccessTracker b;
  const AccessTracker::Note n{"123456789012", "AIDAEXAMPLE000000001", "iam", "GetUser", "us-east-1"};
  EXPECT_TRUE(a.note(n, now));  // nothing flushed yet: due
  EXPECT_EQ(a.pending(), 1u);
  EXPECT_TRUE(b.note(n, now));  // this thread's memory of a's entry does not hide b's
  EXPECT_EQ(b.pending(), 1u);
  EXPECT_FALSE(a.note(n, now));
  EXPECT_EQ(a.pending(), 1u);
  AccessTracker::Note other_region = n;
  other_region.region = "eu-west-1";
  a.note(other_region, {now.seconds + 1, 0});
  ASSERT_EQ(a.recent("AIDAEXAMPLE000000001").size(), 1u);
  EXPECT_EQ(a.recent("AIDAEXAMPLE000000001")[0].region, "eu-west-1");
  a.note(n, {now.seconds + 2, 0});  // back to the first Region: renewed again
  EXPECT_EQ(a.recent("AIDAEXAMPLE000000001")[0].region, "us-east-1");
  EXPECT_EQ(a.recent("AIDAEXAMPLE000000001")[0].at.seconds, now.seconds + 2);
}

// ---- The domain ----

class LastAccessedTest : public ::testing::Test {
 protected:
  LastAccessedTest() : clock_(common::Timestamp{1'700'000'000, 0}), random_(7) {}

  void SetUp() override {
    auto s = store::memory::open_memory_store();
    ASSERT_TRUE(s.has_value());
    store_ = std::move(s).value();
    DomainEnv env;
    env.store = store_.get();
    env.clock = &clock_;
    env.random = &random_;
    env.master_key = crypto::KeyRing::single(std::string(32, 'k'));
    env.catalog = &ManagedCatalog::builtin();
    domain_ = std::make_unique<IamDomain>(env);
    ASSERT_TRUE(domain_->bootstrap(kAccount, "AKIAROOTEXAMPLE00001", "rootsecret").has_value());
    // alice: S3 and STS inline; the group devs: EC2; the role app: IAM (managed iam-all).
    ASSERT_TRUE(
        write([&](const Write& w) -> Result<void> {
          auto u = domain_->users.create_user(w, "alice", "/", "", {});
          if (!u) return u.error();
          alice_id_ = u->id;
          if (auto r = domain_->users.put_user_policy(
                  w, "alice", "own",
                  doc(R"({"Effect":"Allow","Action":["s3:GetObject","sts:GetCallerIdentity"],"Resource":"*"})"));
              !r) {
            return r;
          }
          if (auto g = domain_->groups.create_group(w, "devs", "/"); !g) return g.error();
          if (auto r = domain_->groups.add_user_to_group(w, "devs", "alice"); !r) return r;
          if (auto r = domain_->groups.put_group_policy(
                  w, "devs", "ec2", doc(R"({"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"})"));
              !r) {
            return r;
          }
          auto p = domain_->policies.create_policy(w, "iam-all", "/", "",
                                                   doc(R"({"Effect":"Allow","Action":"iam:*","Resource":"*"})"), {});
          if (!p) return p.error();
          policy_arn_ = p->arn;
          store::Role spec;
          spec.account_id = std::string(kAccount);
          spec.name = "app";
          spec.trust_policy =
              doc(R"({"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"})");
          auto r = domain_->roles.create_role(w, spec);
          if (!r) return r.error();
          role_id_ = r->id;
          return domain_->roles.attach_role_policy(w, "app", policy_arn_);
        }).has_value());
  }

  template <class F>
  auto write(F&& f) -> decltype(f(std::declval<const Write&>())) {
    return in_write(*store_, kAccount, std::forward<F>(f));
  }
  template <class F>
  auto read(F&& f) -> decltype(f(std::declval<const Read&>())) {
    return in_read(*store_, kAccount, std::forward<F>(f));
  }

  void note(std::string_view entity, std::string_view ns, std::string_view action,
            std::string_view region = "us-east-1") {
    if (domain_->tracker.note({kAccount, entity, ns, action, region}, clock_.now())) {
      ASSERT_TRUE(domain_->tracker.flush(*store_, clock_.now()).has_value());
    }
  }

  std::string generate(std::string_view arn, std::string_view granularity = "SERVICE_LEVEL") {
    auto id = write([&](const Write& w) { return domain_->last_accessed.generate(w, arn, granularity, kRootArn); });
    EXPECT_TRUE(id.has_value()) << (id ? "" : id.error().message);
    return id ? *id : "";
  }

  std::map<std::string, ServiceAccess> services(std::string_view job) {
    auto r = read([&](const Read& rd) { return domain_->last_accessed.service_report(rd, job, kRootArn); });
    EXPECT_TRUE(r.has_value());
    std::map<std::string, ServiceAccess> out;
    if (r) {
      for (ServiceAccess& s : r->services) out.emplace(s.ns, std::move(s));
    }
    return out;
  }

  common::FixedClock clock_;
  common::SeededRandom random_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<IamDomain> domain_;
  std::string alice_id_, role_id_, policy_arn_;
};

TEST_F(LastAccessedTest, UserReportListsEveryGrantedServiceAndItsLastAccess) {
  note(alice_id_, "sts", "GetCallerIdentity", "eu-west-1");
  auto s = services(generate(kAliceArn));
  ASSERT_EQ(s.size(), 3u);  // s3, sts (own), ec2 (group)
  ASSERT_TRUE(s.contains("s3") && s.contains("sts") && s.contains("ec2"));
  EXPECT_EQ(s["sts"].last_authenticated, clock_.now());
  EXPECT_EQ(s["sts"].last_entity_arn, kAliceArn);
  EXPECT_EQ(s["sts"].last_region, "eu-west-1");
  EXPECT_EQ(s["sts"].total_entities, 1);
  EXPECT_FALSE(s["s3"].last_authenticated.has_value());
  EXPECT_EQ(s["s3"].total_entities, 0);
  EXPECT_EQ(s["s3"].name, "Amazon Simple Storage Service");
}

TEST_F(LastAccessedTest, TrackerRenewsAnEntryOncePerIntervalAndFlushesInBatches) {
  note(alice_id_, "iam", "CreateUser");  // the first note flushes (no flush yet)
  EXPECT_EQ(domain_->tracker.pending(), 0u);
  clock_.set({clock_.now().seconds + 10, 0});
  note(alice_id_, "iam", "CreateUser");  // within the interval: nothing new
  EXPECT_EQ(domain_->tracker.pending(), 0u);
  note(alice_id_, "iam", "DeleteUser");  // a new action waits for the next flush
  note(role_id_, "iam", "CreateRole");
  EXPECT_EQ(domain_->tracker.pending(), 2u);
  clock_.set({clock_.now().seconds + 60, 0});
  note(alice_id_, "iam", "CreateUser");  // renewed, and a flush is due: all three written
  EXPECT_EQ(domain_->tracker.pending(), 0u);
  auto stored = read([&](const Read& rd) { return rd.tx.get_resource(store::ResourceKind::kLastAccessed, alice_id_); });
  ASSERT_TRUE(stored.has_value());
  auto accesses = decode_accesses(stored->body);
  ASSERT_EQ(accesses.size(), 2u);
  for (const ActionAccess& a : accesses) {
    if (a.action == "CreateUser") EXPECT_EQ(a.at, clock_.now());
  }
}

TEST_F(LastAccessedTest, ReportsReadStoredAccessesAfterTheTableIsGone) {
  note(alice_id_, "iam", "CreateUser");
  clock_.set({clock_.now().seconds + 5, 0});
  note(role_id_, "iam", "CreateRole", "eu-west-1");  // pending
  ASSERT_TRUE(domain_->tracker.flush(*store_, clock_.now()).has_value());
  // A new domain over the same store: an empty table, as after a restart.
  DomainEnv env = domain_->env();
  domain_ = std::make_unique<IamDomain>(env);
  auto s = services(generate(policy_arn_, "ACTION_LEVEL"));
  ASSERT_EQ(s.size(), 1u);
  const ServiceAccess& iam = s["iam"];
  EXPECT_EQ(iam.total_entities, 1);  // the role: alice has not iam-all
  EXPECT_EQ(iam.last_entity_arn, "arn:aws:iam::123456789012:role/app");
  EXPECT_EQ(iam.last_region, "eu-west-1");
  ASSERT_TRUE(iam.tracked);
  ASSERT_EQ(iam.actions.size(), 1u);
  EXPECT_EQ(iam.actions[0].action, "CreateRole");
}

TEST_F(LastAccessedTest, ActionLevelListsOnlyTrackedActionsThatWereUsed) {
  note(role_id_, "iam", "GetRole");
  note(role_id_, "iam", "AttachRolePolicy");
  auto s = services(generate("arn:aws:iam::123456789012:role/app", "ACTION_LEVEL"));
  ASSERT_EQ(s["iam"].actions.size(), 1u);
  EXPECT_EQ(s["iam"].actions[0].action, "AttachRolePolicy");
  EXPECT_EQ(s["iam"].actions[0].entity_arn, "arn:aws:iam::123456789012:role/app");
  auto service_level = services(generate("arn:aws:iam::123456789012:role/app"));
  EXPECT_FALSE(service_level["iam"].tracked);
  EXPECT_TRUE(service_level["iam"].actions.empty());
}

TEST_F(LastAccessedTest, GroupReportCountsItsMembersAndListsThem) {
  note(alice_id_, "ec2", "DescribeInstances");
  const std::string job = generate("arn:aws:iam::123456789012:group/devs");
  auto s = services(job);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s["ec2"].last_entity_arn, kAliceArn);
  auto e = read([&](const Read& rd) { return domain_->last_accessed.entities_report(rd, job, "ec2", kRootArn); });
  ASSERT_TRUE(e.has_value());
  ASSERT_EQ(e->entities.size(), 1u);
  EXPECT_EQ(e->entities[0].type, "USER");
  EXPECT_EQ(e->entities[0].id, alice_id_);
  EXPECT_TRUE(e->entities[0].last_authenticated.has_value());
}

struct ErrorCase {
  std::string name;
  std::string arn;
  std::string code;
};

class GenerateErrors : public LastAccessedTest, public ::testing::WithParamInterface<ErrorCase> {};

TEST_P(GenerateErrors, Table) {
  const ErrorCase& c = GetParam();
  auto r = write([&](const Write& w) { return domain_->last_accessed.generate(w, c.arn, "SERVICE_LEVEL", kRootArn); });
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, c.code) << r.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Arns, GenerateErrors,
    ::testing::Values(ErrorCase{"NotAnArn", "user/alice", "InvalidInput"},
                      ErrorCase{"OtherService", "arn:aws:s3:::bucket/key", "InvalidInput"},
                      ErrorCase{"OtherType", "arn:aws:iam::123456789012:instance-profile/x", "InvalidInput"},
                      ErrorCase{"MissingUser", "arn:aws:iam::123456789012:user/nobody", "NotFound"},
                      ErrorCase{"WrongPath", "arn:aws:iam::123456789012:user/other/alice", "NotFound"},
                      ErrorCase{"OtherAccount", "arn:aws:iam::999999999999:user/alice", "NotFound"},
                      ErrorCase{"OtherPartition", "arn:aws-cn:iam::123456789012:user/alice", "NotFound"},
                      ErrorCase{"MissingPolicy", "arn:aws:iam::123456789012:policy/none", "NotFound"},
                      ErrorCase{"MissingAwsPolicy", "arn:aws:iam::aws:policy/NoSuchPolicy", "NotFound"}),
    [](const ::testing::TestParamInfo<ErrorCase>& info) { return info.param.name; });

TEST_F(LastAccessedTest, JobsBelongToTheirCallerAndFailWhenTheEntityIsGone) {
  const std::string job = generate(kAliceArn);
  auto other = read([&](const Read& rd) { return domain_->last_accessed.service_report(rd, job, kAliceArn); });
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().code, "NotFound");
  auto unknown = read([&](const Read& rd) {
    return domain_->last_accessed.service_report(rd, "00000000-0000-0000-0000-000000000000", kRootArn);
  });
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, "NotFound");
  const std::string role_job = generate("arn:aws:iam::123456789012:role/app");
  ASSERT_TRUE(write([&](const Write& w) -> Result<void> {
                if (auto r = domain_->roles.detach_role_policy(w, "app", policy_arn_); !r) return r;
                return domain_->roles.delete_role(w, "app");
              }).has_value());
  auto failed = read([&](const Read& rd) { return domain_->last_accessed.service_report(rd, role_job, kRootArn); });
  ASSERT_TRUE(failed.has_value());
  ASSERT_TRUE(failed->failure.has_value());
  EXPECT_EQ(failed->failure->code, "NotFound");
  EXPECT_TRUE(failed->services.empty());
}

TEST_F(LastAccessedTest, PoliciesGrantingServiceAccessPerNamespaceInTheOrderAsked) {
  auto r = read([&](const Read& rd) {
    return domain_->last_accessed.policies_granting(rd, kAliceArn, {"ec2", "s3", "iam"});
  });
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].ns, "ec2");
  ASSERT_EQ((*r)[0].policies.size(), 1u);
  EXPECT_EQ((*r)[0].policies[0].type, "INLINE");
  EXPECT_EQ((*r)[0].policies[0].entity_type, "GROUP");
  EXPECT_EQ((*r)[0].policies[0].entity_name, "devs");
  ASSERT_EQ((*r)[1].policies.size(), 1u);
  EXPECT_EQ((*r)[1].policies[0].entity_type, "USER");
  EXPECT_TRUE((*r)[2].policies.empty());
  auto role = read([&](const Read& rd) {
    return domain_->last_accessed.policies_granting(rd, "arn:aws:iam::123456789012:role/app", {"iam"});
  });
  ASSERT_TRUE(role.has_value());
  ASSERT_EQ((*role)[0].policies.size(), 1u);
  EXPECT_EQ((*role)[0].policies[0].type, "MANAGED");
  EXPECT_EQ((*role)[0].policies[0].arn, policy_arn_);
  auto policy =
      read([&](const Read& rd) { return domain_->last_accessed.policies_granting(rd, policy_arn_, {"iam"}); });
  ASSERT_FALSE(policy.has_value());
  EXPECT_EQ(policy.error().code, "InvalidInput");
}

TEST_F(LastAccessedTest, StsPreferencesSetTheSummaryTokenVersion) {
  auto version = [&] { return read([&](const Read& rd) { return global_endpoint_token_version(rd); }).value(); };
  EXPECT_EQ(version(), 1);
  ASSERT_TRUE(write([&](const Write& w) {
                return domain_->last_accessed.set_global_endpoint_token_version(w, "v2Token");
              }).has_value());
  EXPECT_EQ(version(), 2);
  ASSERT_TRUE(write([&](const Write& w) {
                return domain_->last_accessed.set_global_endpoint_token_version(w, "v1Token");
              }).has_value());
  EXPECT_EQ(version(), 1);
}

}  // namespace
}  // namespace iamd::iam

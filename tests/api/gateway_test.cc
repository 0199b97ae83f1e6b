// The gateway end to end without HTTP: requests signed by the project's own signer
// (sigv4/signer.h), on the memory store with a fixed clock and seeded randomness, so every
// answer is deterministic. Each row is one request and the status, error code and text
// it must get.
#include "api/gateway.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "../iam/watched_store.h"
#include "api/audit.h"
#include "api/operations.h"
#include "iam/catalog.h"
#include "iam/service.h"
#include "protocol/iam.h"
#include "protocol/organizations.h"
#include "protocol/sts.h"
#include "sigv4/signer.h"
#include "store/store.h"

namespace iamd::api {
namespace {

constexpr const char* kAccount = "123456789012";
constexpr const char* kRootKey = "AKIAGATEWAYROOT00001";
constexpr const char* kRootSecret = "gatewayrootsecretgatewayrootsecretgatewa";
const common::Timestamp kNow{1'764'000'000, 0};  // 2025-11-24T16:00:00Z

std::string form_encode(const std::map<std::string, std::string>& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    for (const std::string* s : {&k, &v}) {
      for (unsigned char c : *s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
          out += static_cast<char>(c);
        } else {
          static const char* hex = "0123456789ABCDEF";
          out += '%';
          out += hex[c >> 4];
          out += hex[c & 15];
        }
      }
      if (s == &k) out += '=';
    }
  }
  return out;
}

// What a test request changes from a correctly signed one.
struct Signing {
  std::string key = kRootKey;
  std::string secret = kRootSecret;
  std::string service;  // empty: from the action's Version (iam or sts)
  std::string region = "us-east-1";
  std::string token;               // X-Amz-Security-Token (temporary credentials)
  std::int64_t skew_seconds = 0;   // signing time minus the server's clock
  std::string tamper_body_suffix;  // appended to the body after signing
  bool unsigned_request = false;
};

class GatewayTest : public ::testing::Test {
 protected:
  GatewayTest() : clock_(kNow), random_(42), gateway_random_(7) {
    auto s = store::open_store("memory:");
    EXPECT_TRUE(s.has_value());
    auto watched = std::make_unique<store::testing::WatchedStore>(std::move(*s));
    watched_ = watched.get();
    store_ = std::move(watched);
    iam::DomainEnv env;
    env.store = store_.get();
    env.clock = &clock_;
    env.random = &random_;
    env.master_key = crypto::KeyRing::single(std::string(32, 'k'));
    env.catalog = &iam::ManagedCatalog::builtin();
    // The last accessed bookkeeping writes once a day here: the tests that count store
    // writes and generations see only the operations' own (its tests: tests/iam).
    env.last_accessed_interval = 86400;
    domain_ = std::make_unique<iam::IamDomain>(env);
    auto b = domain_->bootstrap(kAccount, kRootKey, kRootSecret);
    EXPECT_TRUE(b.has_value()) << b.error().message;
    gateway_ = std::make_unique<Gateway>(*domain_, clock_, gateway_random_);
  }

  ApiResponse call(std::map<std::string, std::string> params, const Signing& how = {}) {
    const std::string& action = params["Action"];
    const bool sts = action == "GetCallerIdentity" || action == "GetSessionToken" || action == "GetAccessKeyInfo" ||
                     action == "AssumeRole";
    params.emplace("Version", sts ? "2011-06-15" : "2010-05-08");
    sigv4::Request r;
    r.method = "POST";
    r.path = "/";
    r.headers = {{"Host", "iamd.test"}, {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    r.body = form_encode(params);
    if (!how.unsigned_request) {
      sigv4::SigningParams p;
      p.access_key_id = how.key;
      p.secret_access_key = how.secret;
      p.region = how.region;
      p.service = how.service.empty() ? (sts ? "sts" : "iam") : how.service;
      p.time = common::Timestamp{clock_.now().seconds + how.skew_seconds, 0};
      p.session_token = how.token;
      sigv4::sign(r, p);
    }
    ApiRequest a;
    a.method = r.method;
    a.path = r.path;
    a.headers = r.headers;
    a.body = r.body + how.tamper_body_suffix;
    a.source_ip = "127.0.0.1";
    return gateway_->handle(a);
  }

  // An AWS JSON 1.1 request (Organizations) with X-Amz-Target AWSOrganizationsV20161128.<operation>,
  // signed for `how.service` (default organizations).
  ApiResponse call_json(const std::string& operation, const std::string& body, const Signing& how = {}) {
    sigv4::Request r;
    r.method = "POST";
    r.path = "/";
    r.headers = {{"Host", "iamd.test"},
                 {"Content-Type", "application/x-amz-json-1.1"},
                 {"X-Amz-Target", "AWSOrganizationsV20161128." + operation}};
    r.body = body;
    if (!how.unsigned_request) {
      sigv4::SigningParams p;
      p.access_key_id = how.key;
      p.secret_access_key = how.secret;
      p.region = how.region;
      p.service = how.service.empty() ? "organizations" : how.service;
      p.time = common::Timestamp{clock_.now().seconds + how.skew_seconds, 0};
      p.session_token = how.token;
      sigv4::sign(r, p);
    }
    ApiRequest a;
    a.method = r.method;
    a.path = r.path;
    a.headers = r.headers;
    a.body = r.body + how.tamper_body_suffix;
    a.source_ip = "127.0.0.1";
    return gateway_->handle(a);
  }

  static std::string header(const ApiResponse& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "";
  }
  static std::string element(const std::string& xml, const std::string& name) {
    const std::size_t open = xml.find("<" + name + ">");
    if (open == std::string::npos) return "";
    const std::size_t start = open + name.size() + 2;
    return xml.substr(start, xml.find("</" + name + ">", start) - start);
  }

  common::FixedClock clock_;
  common::SeededRandom random_;
  common::SeededRandom gateway_random_;
  std::unique_ptr<store::Store> store_;
  store::testing::WatchedStore* watched_ = nullptr;  // store_, counting transactions
  std::unique_ptr<iam::IamDomain> domain_;
  std::unique_ptr<Gateway> gateway_;
};

struct Case {
  const char* name;
  std::map<std::string, std::string> params;
  Signing signing;
  int status;
  const char* code;     // empty: success
  const char* message;  // a part of the message; empty: not checked
};

TEST_F(GatewayTest, SignedRequestsGetAwsAnswers) {
  const std::vector<Case> cases = {
      {"root identity", {{"Action", "GetCallerIdentity"}}, {}, 200, "", ""},
      {"create a user", {{"Action", "CreateUser"}, {"UserName", "alice"}}, {}, 200, "", ""},
      {"the same name again, other case",
       {{"Action", "CreateUser"}, {"UserName", "ALICE"}},
       {},
       409,
       "EntityAlreadyExists",
       "User with name ALICE already exists."},
      {"read it back", {{"Action", "GetUser"}, {"UserName", "alice"}}, {}, 200, "", ""},
      {"a missing user", {{"Action", "GetUser"}, {"UserName", "nobody"}}, {}, 404, "NoSuchEntity", "nobody"},
      {"unknown key",
       {{"Action", "GetCallerIdentity"}},
       {.key = "AKIAUNKNOWNKEY000001"},
       403,
       "InvalidClientTokenId",
       "The security token included in the request is invalid."},
      {"wrong secret",
       {{"Action", "GetCallerIdentity"}},
       {.secret = "not-the-secret-not-the-secret-not-the-se"},
       403,
       "SignatureDoesNotMatch",
       "The request signature we calculated does not match"},
      {"scope of another service",
       {{"Action", "ListUsers"}},
       {.service = "s3"},
       403,
       "SignatureDoesNotMatch",
       "Credential should be scoped to correct service"},
      {"scope with an unknown region",
       {{"Action", "ListUsers"}},
       {.region = "xx-fake-1"},
       403,
       "SignatureDoesNotMatch",
       "Credential should be scoped to a valid region"},
      {"signed 20 minutes ago",
       {{"Action", "ListUsers"}},
       {.skew_seconds = -20 * 60},
       403,
       "SignatureDoesNotMatch",
       "Signature expired"},
      {"body changed after signing",
       {{"Action", "ListUsers"}},
       {.tamper_body_suffix = "&PathPrefix=%2Fx%2F"},
       403,
       "SignatureDoesNotMatch",
       ""},
      {"unsigned", {{"Action", "ListUsers"}}, {.unsigned_request = true}, 403, "MissingAuthenticationToken", ""},
      {"an invalid name",
       {{"Action", "CreateUser"}, {"UserName", "bad name!"}},
       {},
       400,
       "ValidationError",
       "userName"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const ApiResponse r = call(c.params, c.signing);
    EXPECT_EQ(r.status, c.status) << r.body;
    EXPECT_EQ(element(r.body, "Code"), c.code) << r.body;
    if (*c.message != '\0') {
      EXPECT_NE(r.body.find(c.message), std::string::npos) << r.body;
    }
    // Every answer, success or error, names its request id in the header and the body.
    const std::string id = header(r, "x-amzn-RequestId");
    EXPECT_FALSE(id.empty());
    EXPECT_EQ(element(r.body, "RequestId"), id) << r.body;
  }
}

// The pipeline reads an operation's state once: the target resolved, the call authorized
// and the domain run in one transaction (a read snapshot, or the write transaction), never a
// second one (before the pipeline, GetGroup read the group twice, in two snapshots).
// Temporary credentials (GetSessionToken) sign requests until their expiry, then answer
// ExpiredToken; the token opens only with its own access key id.
TEST_F(GatewayTest, SessionCredentialsWorkUntilTheyExpire) {
  const ApiResponse issued = call({{"Action", "GetSessionToken"}, {"DurationSeconds", "900"}});
  ASSERT_EQ(issued.status, 200) << issued.body;
  Signing session{.key = element(issued.body, "AccessKeyId"),
                  .secret = element(issued.body, "SecretAccessKey"),
                  .token = element(issued.body, "SessionToken")};
  EXPECT_EQ(element(issued.body, "Expiration"), common::format_iso8601(common::Timestamp{kNow.seconds + 900, 0}));
  ApiResponse me = call({{"Action", "GetCallerIdentity"}}, session);
  EXPECT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(element(me.body, "Arn"), "arn:aws:iam::" + std::string(kAccount) + ":root");

  clock_.set(common::Timestamp{kNow.seconds + 899, 0});
  EXPECT_EQ(call({{"Action", "GetCallerIdentity"}}, session).status, 200);
  clock_.set(common::Timestamp{kNow.seconds + 900, 0});
  me = call({{"Action", "GetCallerIdentity"}}, session);
  EXPECT_EQ(me.status, 403);
  EXPECT_EQ(element(me.body, "Code"), "ExpiredToken");
  EXPECT_EQ(element(me.body, "Message"), "The security token included in the request is expired");
  clock_.set(kNow);

  Signing other = session;
  other.key = "ASIAAAAAAAAAAAAAAAAA";
  me = call({{"Action", "GetCallerIdentity"}}, other);
  EXPECT_EQ(me.status, 403);
  EXPECT_EQ(element(me.body, "Code"), "InvalidClientTokenId");
}

TEST_F(GatewayTest, EachOperationRunsInOneTransaction) {
  const std::string managed = "arn:aws:iam::aws:policy/ReadOnlyAccess";
  const std::string mine = std::string("arn:aws:iam::") + kAccount + ":policy/mine";
  const char* trust =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},)"
      R"("Action":"sts:AssumeRole"}]})";
  const char* allow = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})";
  ASSERT_EQ(call({{"Action", "CreateUser"}, {"UserName", "member"}}).status, 200);
  struct Step {
    std::map<std::string, std::string> params;
    int reads, writes;
  };
  const Step steps[] = {
      {{{"Action", "CreateGroup"}, {"GroupName", "team"}, {"Path", "/p/"}}, 0, 1},
      {{{"Action", "GetGroup"}, {"GroupName", "TEAM"}}, 1, 0},
      {{{"Action", "ListGroups"}}, 1, 0},
      {{{"Action", "AddUserToGroup"}, {"GroupName", "team"}, {"UserName", "member"}}, 0, 1},
      {{{"Action", "ListGroupsForUser"}, {"UserName", "member"}}, 1, 0},
      {{{"Action", "PutGroupPolicy"}, {"GroupName", "team"}, {"PolicyName", "s3"}, {"PolicyDocument", allow}}, 0, 1},
      {{{"Action", "GetGroupPolicy"}, {"GroupName", "team"}, {"PolicyName", "s3"}}, 1, 0},
      {{{"Action", "ListGroupPolicies"}, {"GroupName", "team"}}, 1, 0},
      {{{"Action", "AttachGroupPolicy"}, {"GroupName", "team"}, {"PolicyArn", managed}}, 0, 1},
      {{{"Action", "ListAttachedGroupPolicies"}, {"GroupName", "team"}}, 1, 0},
      {{{"Action", "DetachGroupPolicy"}, {"GroupName", "team"}, {"PolicyArn", managed}}, 0, 1},
      {{{"Action", "DeleteGroupPolicy"}, {"GroupName", "team"}, {"PolicyName", "s3"}}, 0, 1},
      {{{"Action", "RemoveUserFromGroup"}, {"GroupName", "team"}, {"UserName", "member"}}, 0, 1},
      {{{"Action", "UpdateGroup"}, {"GroupName", "team"}, {"NewGroupName", "crew"}}, 0, 1},
      {{{"Action", "GetGroup"}, {"GroupName", "nobody"}}, 1, 0},  // NoSuchEntity, from the same snapshot
      {{{"Action", "DeleteGroup"}, {"GroupName", "crew"}}, 0, 1},
      {{{"Action", "GetUser"}, {"UserName", "MEMBER"}}, 1, 0},
      {{{"Action", "ListUsers"}}, 1, 0},
      {{{"Action", "TagUser"}, {"UserName", "member"}, {"Tags.member.1.Key", "k"}, {"Tags.member.1.Value", "v"}}, 0, 1},
      {{{"Action", "ListUserTags"}, {"UserName", "member"}}, 1, 0},
      {{{"Action", "ListAccessKeys"}, {"UserName", "member"}}, 1, 0},
      {{{"Action", "CreateRole"}, {"RoleName", "app"}, {"AssumeRolePolicyDocument", trust}}, 0, 1},
      {{{"Action", "GetRole"}, {"RoleName", "app"}}, 1, 0},
      {{{"Action", "PutRolePolicy"}, {"RoleName", "app"}, {"PolicyName", "s3"}, {"PolicyDocument", allow}}, 0, 1},
      {{{"Action", "ListRolePolicies"}, {"RoleName", "app"}}, 1, 0},
      {{{"Action", "CreatePolicy"}, {"PolicyName", "mine"}, {"PolicyDocument", allow}}, 0, 1},
      {{{"Action", "GetPolicy"}, {"PolicyArn", mine}}, 1, 0},
      {{{"Action", "ListPolicyVersions"}, {"PolicyArn", mine}}, 1, 0},
      {{{"Action", "AttachRolePolicy"}, {"RoleName", "app"}, {"PolicyArn", mine}}, 0, 1},
      {{{"Action", "ListEntitiesForPolicy"}, {"PolicyArn", mine}}, 1, 0},
      {{{"Action", "GetAccountSummary"}}, 1, 0},
      {{{"Action", "GetAccountAuthorizationDetails"}}, 1, 0},
  };
  for (const Step& step : steps) {
    const int reads = watched_->reads_begun(), writes = watched_->writes_begun();
    ApiResponse r = call(step.params);
    const std::string action = step.params.at("Action");
    EXPECT_EQ(r.status, action == "GetGroup" && step.params.at("GroupName") == "nobody" ? 404 : 200)
        << action << ": " << r.body;
    EXPECT_EQ(watched_->reads_begun() - reads, step.reads) << action;
    EXPECT_EQ(watched_->writes_begun() - writes, step.writes) << action;
  }
}

// The audit trail (api/audit.h): a write's record is appended in the operation's own write
// transaction (one write transaction per call, as before), so it commits with the change; a
// failed or denied call gets its record in a transaction of its own and leaves the store as
// it was; a read's record waits for flush(). Appending is no write for the generation.
TEST_F(GatewayTest, AuditRecordsGoWithTheirCalls) {
  common::SeededRandom audit_random(9);
  auto trail = AuditTrail::open(*store_, clock_, audit_random, "");
  ASSERT_TRUE(trail.has_value());
  gateway_->set_audit(trail->get());
  auto events = [&](const std::string& name) {
    auto r = store_->begin_read();
    EXPECT_TRUE(r.has_value());
    store::AuditQuery q;
    q.event_name = name;
    auto page = (*r)->list_audit_events(q);
    EXPECT_TRUE(page.has_value());
    return page ? page->items : std::vector<store::AuditEvent>{};
  };
  ASSERT_EQ(call({{"Action", "ListUsers"}}).status, 200);  // the root key's first use is written now
  int writes = watched_->writes_begun();
  const std::uint64_t generation = store_->generation();
  ApiResponse created = call({{"Action", "CreateUser"}, {"UserName", "audited"}});
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(watched_->writes_begun() - writes, 1);  // the record went in the CreateUser transaction
  EXPECT_EQ(store_->generation(), generation + 1);
  auto made = events("CreateUser");
  ASSERT_EQ(made.size(), 1u);
  EXPECT_EQ(made[0].outcome, store::AuditOutcome::kAllowed);
  EXPECT_EQ(made[0].principal_arn, std::string("arn:aws:iam::") + kAccount + ":root");
  EXPECT_EQ(made[0].resource_arn, std::string("arn:aws:iam::") + kAccount + ":user/audited");
  EXPECT_EQ(made[0].event_source, "iam.amazonaws.com");
  EXPECT_NE(made[0].json.find("\"requestID\":\"" + header(created, "x-amzn-RequestId") + "\""), std::string::npos)
      << made[0].json;
  EXPECT_NE(made[0].json.find("\"requestParameters\":{\"userName\":\"audited\"}"), std::string::npos);

  // A failed write: rolled back, recorded on its own.
  clock_.set(common::Timestamp{kNow.seconds + 1, 0});  // newest first: after the first
  writes = watched_->writes_begun();
  ASSERT_EQ(call({{"Action", "CreateUser"}, {"UserName", "AUDITED"}}).status, 409);
  EXPECT_EQ(watched_->writes_begun() - writes, 2);
  made = events("CreateUser");
  ASSERT_EQ(made.size(), 2u);
  EXPECT_EQ(made[0].outcome, store::AuditOutcome::kError);
  EXPECT_EQ(made[0].error_code, "EntityAlreadyExists");
  EXPECT_NE(made[0].json.find("\"responseElements\":null"), std::string::npos) << made[0].json;

  // A read: queued until flush.
  ASSERT_EQ(call({{"Action", "GetUser"}, {"UserName", "audited"}}).status, 200);
  EXPECT_TRUE(events("GetUser").empty());
  auto flushed = (*trail)->flush();
  ASSERT_TRUE(flushed.has_value());
  EXPECT_EQ(*flushed, 2u);  // the first ListUsers too
  ASSERT_EQ(events("GetUser").size(), 1u);
  EXPECT_EQ(store_->generation(), generation + 1);  // records are no write for the generation

  // A refused signature: recorded, no principal.
  Signing bad;
  bad.secret = std::string(40, 'x');
  clock_.set(common::Timestamp{kNow.seconds + 2, 0});
  ASSERT_EQ(call({{"Action", "ListUsers"}}, bad).status, 403);
  EXPECT_EQ(events("ListUsers").size(), 1u);  // a read's: queued (the first ListUsers is there)
  ASSERT_TRUE((*trail)->flush().has_value());
  auto refused = events("ListUsers");
  ASSERT_EQ(refused.size(), 2u);
  EXPECT_EQ(refused[0].error_code, "SignatureDoesNotMatch");
  EXPECT_EQ(refused[0].principal_arn, "");

  // A denied write (refused in the pipeline's begin, with its write transaction open): its
  // record in a transaction of its own, the store untouched.
  const ApiResponse key = call({{"Action", "CreateAccessKey"}, {"UserName", "audited"}});
  ASSERT_EQ(key.status, 200) << key.body;
  Signing as_user;
  as_user.key = element(key.body, "AccessKeyId");
  as_user.secret = element(key.body, "SecretAccessKey");
  clock_.set(common::Timestamp{kNow.seconds + 3, 0});
  ASSERT_EQ(call({{"Action", "CreateUser"}, {"UserName", "intruder"}}, as_user).status, 403);
  EXPECT_EQ(call({{"Action", "GetUser"}, {"UserName", "intruder"}}).status, 404);
  made = events("CreateUser");
  ASSERT_EQ(made.size(), 3u);
  EXPECT_EQ(made[0].outcome, store::AuditOutcome::kDenied);
  EXPECT_EQ(made[0].error_code, "AccessDenied");
  EXPECT_EQ(made[0].principal_arn, std::string("arn:aws:iam::") + kAccount + ":user/audited");
  EXPECT_EQ(made[0].resource_arn, std::string("arn:aws:iam::") + kAccount + ":user/intruder");
  EXPECT_NE(made[0].json.find("\"decision\":{\"decision\":\"implicitDeny\""), std::string::npos) << made[0].json;
  gateway_->set_audit(nullptr);
}

// AssumeRole is a read: no write transaction, no new store generation (the caches stay
// warm). RoleLastUsed is written outside it: at once for a role's first use in a minute or a
// change of Region, otherwise kept until Gateway::flush_usage; a denied call records nothing.
TEST_F(GatewayTest, AssumeRoleIsAReadAndRoleLastUsedIsBookkeeping) {
  const std::string account = kAccount;
  ASSERT_EQ(call({{"Action", "CreateUser"}, {"UserName", "dev"}}).status, 200);
  const ApiResponse key = call({{"Action", "CreateAccessKey"}, {"UserName", "dev"}});
  ASSERT_EQ(key.status, 200) << key.body;
  ASSERT_EQ(
      call({{"Action", "PutUserPolicy"},
            {"UserName", "dev"},
            {"PolicyName", "assume"},
            {"PolicyDocument", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",)"
                               R"("Resource":"*"}]})"}})
          .status,
      200);
  const std::string trust = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":")" +
                            std::string("arn:aws:iam::") + account + R"(:user/dev"},"Action":"sts:AssumeRole"}]})";
  ASSERT_EQ(call({{"Action", "CreateRole"}, {"RoleName", "app"}, {"AssumeRolePolicyDocument", trust}}).status, 200);
  const std::string other_trust =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},)"
      R"("Action":"sts:AssumeRole"}]})";
  ASSERT_EQ(call({{"Action", "CreateRole"}, {"RoleName", "other"}, {"AssumeRolePolicyDocument", other_trust}}).status,
            200);
  Signing dev{.key = element(key.body, "AccessKeyId"), .secret = element(key.body, "SecretAccessKey")};
  ASSERT_EQ(call({{"Action", "GetCallerIdentity"}}, dev).status, 200);  // the key's own last-used write
  auto assume = [&](const std::string& role, const std::string& region) {
    Signing how = dev;
    how.region = region;
    return call({{"Action", "AssumeRole"},
                 {"RoleArn", "arn:aws:iam::" + account + ":role/" + role},
                 {"RoleSessionName", "sess"}},
                how);
  };
  auto last_used = [&](const std::string& role) {
    const ApiResponse r = call({{"Action", "GetRole"}, {"RoleName", role}});
    EXPECT_EQ(r.status, 200) << r.body;
    return std::make_pair(element(r.body, "LastUsedDate"), element(r.body, "Region"));
  };
  auto at = [](std::int64_t s) { return common::format_iso8601(common::Timestamp{kNow.seconds + s, 0}); };

  const std::uint64_t generation = store_->generation();
  int writes = watched_->writes_begun();
  ASSERT_EQ(assume("app", "us-east-1").status, 200);
  EXPECT_EQ(watched_->writes_begun() - writes, 1);  // the usage write alone, no pipeline write
  EXPECT_EQ(last_used("app"), std::make_pair(at(0), std::string("us-east-1")));

  clock_.set(common::Timestamp{kNow.seconds + 10, 0});
  writes = watched_->writes_begun();
  ASSERT_EQ(assume("app", "us-east-1").status, 200);  // within the minute, same Region: kept
  EXPECT_EQ(watched_->writes_begun() - writes, 0);
  EXPECT_EQ(last_used("app"), std::make_pair(at(0), std::string("us-east-1")));
  auto flushed = gateway_->flush_usage();
  ASSERT_TRUE(flushed.has_value());
  EXPECT_EQ(*flushed, 1u);
  EXPECT_EQ(last_used("app"), std::make_pair(at(10), std::string("us-east-1")));
  EXPECT_EQ(*gateway_->flush_usage(), 0u);  // nothing left

  clock_.set(common::Timestamp{kNow.seconds + 20, 0});
  ASSERT_EQ(assume("app", "eu-west-1").status, 200);  // another Region: written at once
  EXPECT_EQ(last_used("app"), std::make_pair(at(20), std::string("eu-west-1")));

  clock_.set(common::Timestamp{kNow.seconds + 30, 0});
  EXPECT_EQ(assume("other", "eu-west-1").status, 403);  // denied: not a use
  EXPECT_EQ(last_used("other"), std::make_pair(std::string(), std::string()));
  EXPECT_EQ(*gateway_->flush_usage(), 0u);

  clock_.set(common::Timestamp{kNow.seconds + 81, 0});
  ASSERT_EQ(assume("app", "eu-west-1").status, 200);  // a minute after the last write: at once
  EXPECT_EQ(last_used("app"), std::make_pair(at(81), std::string("eu-west-1")));
  EXPECT_EQ(store_->generation(), generation);  // no assumption, no usage write bumped it
}

// AssumeRole reads the role through a cache (Access::role_by_name): every change of the role
// counts from the very next call, as a read snapshot would see it.
TEST_F(GatewayTest, AssumeRoleSeesChangesOfTheRoleAtOnce) {
  const std::string account = kAccount;
  ASSERT_EQ(call({{"Action", "CreateUser"}, {"UserName", "dev"}}).status, 200);
  ASSERT_EQ(call({{"Action", "CreateUser"}, {"UserName", "other"}}).status, 200);
  const ApiResponse key = call({{"Action", "CreateAccessKey"}, {"UserName", "dev"}});
  ASSERT_EQ(key.status, 200) << key.body;
  Signing dev{.key = element(key.body, "AccessKeyId"), .secret = element(key.body, "SecretAccessKey")};
  auto trust_for = [&](const std::string& user) {
    return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":")" +
           std::string("arn:aws:iam::") + account + ":user/" + user + R"("},"Action":"sts:AssumeRole"}]})";
  };
  auto assume = [&] {
    return call(
        {{"Action", "AssumeRole"}, {"RoleArn", "arn:aws:iam::" + account + ":role/app"}, {"RoleSessionName", "sess"}},
        dev);
  };
  ApiResponse created =
      call({{"Action", "CreateRole"}, {"RoleName", "app"}, {"AssumeRolePolicyDocument", trust_for("dev")}});
  ASSERT_EQ(created.status, 200);
  ApiResponse a = assume();
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(element(a.body, "AssumedRoleId"), element(created.body, "RoleId") + ":sess");
  ASSERT_EQ(
      call({{"Action", "UpdateAssumeRolePolicy"}, {"RoleName", "app"}, {"PolicyDocument", trust_for("other")}}).status,
      200);
  EXPECT_EQ(assume().status, 403);  // the new trust policy, at once
  ASSERT_EQ(
      call({{"Action", "UpdateAssumeRolePolicy"}, {"RoleName", "app"}, {"PolicyDocument", trust_for("dev")}}).status,
      200);
  EXPECT_EQ(assume().status, 200);
  ASSERT_EQ(call({{"Action", "UpdateRole"}, {"RoleName", "app"}, {"MaxSessionDuration", "3600"}}).status, 200);
  ApiResponse longer = call({{"Action", "AssumeRole"},
                             {"RoleArn", "arn:aws:iam::" + account + ":role/app"},
                             {"RoleSessionName", "sess"},
                             {"DurationSeconds", "7200"}},
                            dev);
  EXPECT_EQ(longer.status, 400);
  EXPECT_EQ(element(longer.body, "Code"), "ValidationError");
  ASSERT_EQ(call({{"Action", "DeleteRole"}, {"RoleName", "app"}}).status, 200);
  EXPECT_EQ(assume().status, 403);  // gone
  created = call({{"Action", "CreateRole"}, {"RoleName", "APP"}, {"AssumeRolePolicyDocument", trust_for("dev")}});
  ASSERT_EQ(created.status, 200);
  EXPECT_EQ(assume().status, 403);  // the ARN names "app", the role is "APP" now
  ASSERT_EQ(call({{"Action", "DeleteRole"}, {"RoleName", "APP"}}).status, 200);
  created = call({{"Action", "CreateRole"}, {"RoleName", "app"}, {"AssumeRolePolicyDocument", trust_for("dev")}});
  ASSERT_EQ(created.status, 200);
  a = assume();
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(element(a.body, "AssumedRoleId"), element(created.body, "RoleId") + ":sess");  // the new role
}

// Authorization uses the stored entity's canonical ARN (its path, the case of its stored
// name), never the caller's spelling of it.
TEST_F(GatewayTest, AuthorizationUsesTheStoredEntitysCanonicalArn) {
  ASSERT_EQ(call({{"Action", "CreateGroup"}, {"GroupName", "Team"}, {"Path", "/qa/"}}).status, 200);
  ASSERT_EQ(call({{"Action", "CreateUser"}, {"UserName", "reader"}}).status, 200);
  ApiResponse key = call({{"Action", "CreateAccessKey"}, {"UserName", "reader"}});
  ASSERT_EQ(key.status, 200);
  Signing reader;
  reader.key = element(key.body, "AccessKeyId");
  reader.secret = element(key.body, "SecretAccessKey");
  auto allow_only = [&](const std::string& resource) {
    const std::string doc = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetGroup",)"
                            R"("Resource":")" +
                            resource + R"("}]})";
    ASSERT_EQ(call({{"Action", "PutUserPolicy"}, {"UserName", "reader"}, {"PolicyName", "p"}, {"PolicyDocument", doc}})
                  .status,
              200);
  };
  const std::string group = std::string("arn:aws:iam::") + kAccount + ":group/";
  allow_only(group + "qa/Team");
  EXPECT_EQ(call({{"Action", "GetGroup"}, {"GroupName", "tEAM"}}, reader).status, 200);
  allow_only(group + "tEAM");  // the caller's spelling, without the path: not the group's ARN
  ApiResponse denied = call({{"Action", "GetGroup"}, {"GroupName", "tEAM"}}, reader);
  EXPECT_EQ(denied.status, 403);
  EXPECT_NE(denied.body.find(group + "qa/Team"), std::string::npos) << denied.body;  // AccessDenied names it
}

// Every answer carries its call's record (api/call_record.h) for the logs and metrics: the
// request id of its header, service, operation, outcome, the caller, the decision.
TEST_F(GatewayTest, AnswersCarryTheCallRecord) {
  ASSERT_EQ(call({{"Action", "CreateUser"}, {"UserName", "rec"}}).status, 200);
  const ApiResponse key = call({{"Action", "CreateAccessKey"}, {"UserName", "rec"}});
  Signing as_rec;
  as_rec.key = element(key.body, "AccessKeyId");
  as_rec.secret = element(key.body, "SecretAccessKey");

  const ApiResponse root = call({{"Action", "GetUser"}, {"UserName", "rec"}});
  ASSERT_EQ(root.status, 200);
  const CallRecord& r = root.record;
  EXPECT_EQ(r.request_id, header(root, "x-amzn-RequestId"));
  EXPECT_FALSE(r.request_id.empty());
  EXPECT_EQ(r.service, "iam");
  EXPECT_EQ(r.operation, "GetUser");
  EXPECT_EQ(r.outcome, "ok");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.principal_arn, std::string("arn:aws:iam::") + kAccount + ":root");
  EXPECT_EQ(r.account_id, kAccount);
  EXPECT_EQ(r.principal_type, "Root");
  EXPECT_EQ(r.access_key_id, kRootKey);
  EXPECT_EQ(r.decision.kind, DecisionNote::Kind::kAllowed);
  EXPECT_GT(r.duration.count(), 0);

  const ApiResponse denied = call({{"Action", "ListUsers"}}, as_rec);
  ASSERT_EQ(denied.status, 403);
  EXPECT_EQ(denied.record.outcome, "AccessDenied");
  EXPECT_EQ(denied.record.status, 403);
  EXPECT_EQ(denied.record.principal_type, "IAMUser");
  EXPECT_EQ(denied.record.principal_arn, std::string("arn:aws:iam::") + kAccount + ":user/rec");
  EXPECT_EQ(denied.record.access_key_id, as_rec.key);
  EXPECT_EQ(denied.record.decision.kind, DecisionNote::Kind::kImplicitDeny);
  EXPECT_EQ(denied.record.decision.policy_type, "identity-based");

  // GetCallerIdentity is never authorized by policy: no decision.
  const ApiResponse who = call({{"Action", "GetCallerIdentity"}}, as_rec);
  EXPECT_EQ(who.record.service, "sts");
  EXPECT_EQ(who.record.operation, "GetCallerIdentity");
  EXPECT_EQ(who.record.decision.kind, DecisionNote::Kind::kNone);

  // Not authenticated: no principal; an operation iamd does not serve: no operation.
  Signing bad = as_rec;
  bad.secret = std::string(40, 'x');
  const ApiResponse forged = call({{"Action", "ListUsers"}}, bad);
  EXPECT_EQ(forged.record.outcome, "SignatureDoesNotMatch");
  EXPECT_EQ(forged.record.operation, "ListUsers");
  EXPECT_TRUE(forged.record.principal_arn.empty());
  EXPECT_TRUE(forged.record.access_key_id.empty());
  EXPECT_EQ(forged.record.decision.kind, DecisionNote::Kind::kNone);
  const ApiResponse unknown = call({{"Action", "NoSuchAction"}});
  EXPECT_EQ(unknown.record.outcome, "InvalidAction");
  EXPECT_EQ(unknown.record.operation, "");
  EXPECT_EQ(unknown.record.service, "iam");

  // JSON 1.1: the error code as the JSON envelope spells it.
  const ApiResponse org = call_json("DescribeOrganization", "{}", as_rec);
  EXPECT_EQ(org.record.service, "organizations");
  EXPECT_EQ(org.record.operation, "DescribeOrganization");
  EXPECT_EQ(org.record.request_id, header(org, "x-amzn-RequestId"));
  EXPECT_FALSE(org.record.outcome.empty());
  EXPECT_NE(org.record.outcome, "ok");
  EXPECT_EQ(org.record.principal_type, "IAMUser");
}

TEST_F(GatewayTest, AUserWithoutPoliciesIsDeniedWithAwsMessage) {
  ASSERT_EQ(call({{"Action", "CreateUser"}, {"UserName", "bob"}}).status, 200);
  const ApiResponse key = call({{"Action", "CreateAccessKey"}, {"UserName", "bob"}});
  ASSERT_EQ(key.status, 200) << key.body;
  Signing as_bob;
  as_bob.key = element(key.body, "AccessKeyId");
  as_bob.secret = element(key.body, "SecretAccessKey");
  ASSERT_FALSE(as_bob.key.empty());
  // Allowed without a policy: who am I.
  const ApiResponse me = call({{"Action", "GetCallerIdentity"}}, as_bob);
  EXPECT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(element(me.body, "Arn"), std::string("arn:aws:iam::") + kAccount + ":user/bob");
  const ApiResponse denied = call({{"Action", "ListUsers"}}, as_bob);
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(element(denied.body, "Code"), "AccessDenied");
  EXPECT_EQ(element(denied.body, "Message"),
            std::string("User: arn:aws:iam::") + kAccount +
                ":user/bob is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::" + kAccount +
                ":user/ because no identity-based policy allows the iam:ListUsers action");
  // An inline policy takes effect on the very next request.
  ASSERT_EQ(
      call({{"Action", "PutUserPolicy"},
            {"UserName", "bob"},
            {"PolicyName", "list"},
            {"PolicyDocument",
             R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]})"}})
          .status,
      200);
  EXPECT_EQ(call({{"Action", "ListUsers"}}, as_bob).status, 200);
  // A deactivated key stops working at once.
  ASSERT_EQ(
      call({{"Action", "UpdateAccessKey"}, {"UserName", "bob"}, {"AccessKeyId", as_bob.key}, {"Status", "Inactive"}})
          .status,
      200);
  const ApiResponse inactive = call({{"Action", "ListUsers"}}, as_bob);
  EXPECT_EQ(inactive.status, 403);
  EXPECT_EQ(element(inactive.body, "Code"), "InvalidClientTokenId");
}

}  // namespace
}  // namespace iamd::api

namespace iamd::api {
namespace {

// Which requests the HTTP server runs off its event loops: those whose Action is an
// operation that writes (its row's Mode), found without decoding the form.
// X-Amz-Target routes to Organizations (JSON 1.1): authenticated for the organizations scope
// and answered in JSON; no operation is served yet.
TEST_F(GatewayTest, JsonRequestsReachOrganizations) {
  struct JsonCase {
    const char* name;
    std::string operation;
    std::string body;
    Signing signing;
    int status;
    std::string body_expected;
  };
  Signing iam_scope;
  iam_scope.service = "iam";
  Signing eu;
  eu.region = "eu-west-1";
  Signing gov;
  gov.region = "us-gov-west-1";
  Signing unsigned_request;
  unsigned_request.unsigned_request = true;
  Signing tampered;
  tampered.tamper_body_suffix = " ";
  Signing unknown_key;
  unknown_key.key = "AKIAUNKNOWNKEY000001";
  const JsonCase cases[] = {
      {"not served",
       "CreateGovCloudAccount",
       R"({"Email":"a@example.com","AccountName":"gov"})",
       {},
       400,
       R"({"__type":"com.amazon.coral.service#UnknownOperationException","message":"The operation CreateGovCloudAccount is not supported by iamd."})"},
      {"another partition's Region", "CreateGovCloudAccount", R"({"Email":"a@example.com","AccountName":"gov"})", gov,
       400,
       R"({"__type":"com.amazon.coral.service#UnknownOperationException","message":"The operation CreateGovCloudAccount is not supported by iamd."})"},
      {"not in the model",
       "NoSuchThing",
       "{}",
       {},
       400,
       R"({"__type":"com.amazon.coral.service#UnknownOperationException","message":"The operation NoSuchThing is not an operation of AWSOrganizationsV20161128."})"},
      {"constraint",
       "DescribeAccount",
       R"({"AccountId":"12"})",
       {},
       400,
       R"({"__type":"InvalidInputException","Message":"You provided a value that does not match the required pattern.","Reason":"INVALID_PATTERN"})"},
      {"malformed",
       "ListRoots",
       "{",
       {},
       400,
       R"({"__type":"com.amazon.coral.service#SerializationException","message":"The request body is not valid JSON: Missing a name for object member. (at byte 1)."})"},
      {"unsigned", "ListRoots", "{}", unsigned_request, 400,
       R"({"__type":"com.amazon.coral.service#MissingAuthenticationTokenException","message":"Request is missing Authentication Token"})"},
      {"signed for iam", "ListRoots", "{}", iam_scope, 400,
       R"({"__type":"com.amazon.coral.service#InvalidSignatureException","message":"Credential should be scoped to correct service: 'organizations'. "})"},
      {"signed for eu-west-1", "ListRoots", "{}", eu, 400,
       R"({"__type":"com.amazon.coral.service#InvalidSignatureException","message":"Credential should be scoped to a valid region, not 'eu-west-1'. "})"},
      {"unknown key", "ListRoots", "{}", unknown_key, 400,
       R"({"__type":"com.amazon.coral.service#UnrecognizedClientException","message":"The security token included in the request is invalid."})"},
  };
  for (const JsonCase& c : cases) {
    ApiResponse r = call_json(c.operation, c.body, c.signing);
    EXPECT_EQ(r.status, c.status) << c.name;
    EXPECT_EQ(r.body, c.body_expected) << c.name;
    EXPECT_EQ(header(r, "Content-Type"), "application/x-amz-json-1.1") << c.name;
    EXPECT_FALSE(header(r, "x-amzn-RequestId").empty()) << c.name;
  }
  ApiResponse t = call_json("ListRoots", "{}", tampered);
  EXPECT_EQ(t.status, 400);
  EXPECT_TRUE(t.body.starts_with(R"({"__type":"com.amazon.coral.service#InvalidSignatureException")")) << t.body;
}

TEST(GatewayMayWrite, FollowsTheOperationTable) {
  const struct {
    std::string_view query, body;
    bool writes;
  } cases[] = {
      {"", "Action=CreateGroup&Version=2010-05-08&GroupName=g", true},
      {"", "Version=2010-05-08&GroupName=g&Action=DeleteGroup", true},
      {"", "Action=ListGroups&Version=2010-05-08", false},
      {"", "Action=GetGroup&GroupName=Action%3DCreateGroup", false},
      {"Action=AddUserToGroup&Version=2010-05-08", "", true},
      {"Action=GetCallerIdentity&Version=2011-06-15", "", false},
      {"", "Version=2010-05-08", false},                         // no Action: refused before any store access
      {"", "Action=NoSuchOperation&Version=2010-05-08", false},  // InvalidAction, without the store
      {"", "Action=CreateUser&Version=2010-05-08&UserName=u", true},
      {"", "Action=GetUser&Version=2010-05-08", false},
      {"", "Action=ChangePassword&Version=2010-05-08", true},
      // AssumeRole: a read, unless an MFA code is checked (and recorded).
      {"", "Action=AssumeRole&Version=2011-06-15&RoleArn=a&RoleSessionName=s", false},
      {"", "Action=AssumeRole&Version=2011-06-15&RoleArn=a&RoleSessionName=s&SerialNumber=m&TokenCode=1", true},
      {"Action=AssumeRole&TokenCode=123456", "", true},
      {"", "XAction=CreateGroup&Action=GetGroup", false},
      {"", "", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(Gateway::may_write(c.query, c.body), c.writes) << c.query << " | " << c.body;
  }
  // A JSON request: its target names the operation; a form in its body is not read.
  EXPECT_TRUE(Gateway::may_write("", "{}", "AWSOrganizationsV20161128.CreatePolicy"));
  EXPECT_FALSE(Gateway::may_write("", "{}", "AWSOrganizationsV20161128.ListPolicies"));
  EXPECT_FALSE(Gateway::may_write("", "{}", "AWSOrganizationsV20161128.CreateGovCloudAccount"));
  EXPECT_FALSE(Gateway::may_write("", "Action=CreateGroup&Version=2010-05-08&GroupName=g", "Other.CreateGroup"));
  EXPECT_FALSE(Gateway::may_write("Action=CreateUser&Version=2010-05-08&UserName=u", "",
                                  "AWSOrganizationsV20161128.CreateGroup"));
}

}  // namespace
}  // namespace iamd::api

namespace iamd::api {
namespace {

// The operation table is consistent with the service models: each row names an operation
// of its model once, is authorized as <service>:<Name>, and names the member its resource
// kind needs.
TEST(OperationTable, RowsMatchTheModels) {
  for (std::string_view service : {"iam", "sts", "organizations"}) {
    std::span<const std::string_view> names = service == "iam"   ? protocol::iam::operation_names()
                                              : service == "sts" ? protocol::sts::operation_names()
                                                                 : protocol::organizations::operation_names();
    std::set<std::string_view> seen;
    for (const Operation& op : operations(service)) {
      EXPECT_TRUE(std::find(names.begin(), names.end(), op.name) != names.end()) << op.name;
      EXPECT_TRUE(seen.insert(op.name).second) << "two rows for " << op.name;
      EXPECT_EQ(op.action, std::string(service) + ":" + std::string(op.name));
      EXPECT_EQ(find_operation(service, op.name), &op);
      const bool needs_member = op.resource != Resource::kAny && op.resource != Resource::kCustom &&
                                op.resource != Resource::kUser;  // kUser: absent means the caller
      if (needs_member) {
        EXPECT_FALSE(op.member.empty()) << op.name;
      }
      if (!op.second.action.empty()) {
        EXPECT_FALSE(op.second.member.empty()) << op.name;
      }
    }
  }
  EXPECT_EQ(find_operation("iam", "NoSuchOperation"), nullptr);
  EXPECT_EQ(find_operation("sts", "CreateUser"), nullptr);
  // Organizations has rows of its own: IAM's CreatePolicy is not its CreatePolicy.
  ASSERT_NE(find_operation("organizations", "CreatePolicy"), nullptr);
  EXPECT_EQ(find_operation("organizations", "CreatePolicy")->action, "organizations:CreatePolicy");
  EXPECT_EQ(find_operation("organizations", "CreateUser"), nullptr);
}

}  // namespace
}  // namespace iamd::api

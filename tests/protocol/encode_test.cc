// Responses compared with literal XML in AWS's shape (api.md §3, §4).
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "protocol/iam.h"
#include "protocol/iam_test_service.h"
#include "protocol/response.h"
#include "protocol/sts.h"
#include "protocol/xml.h"
#include "test_util.h"

namespace iamd::protocol {
namespace {

using testing::at;
using testing::params;
using testing::RecordingIam;
using testing::RecordingSts;

TEST(Encode, CreateUser) {
  RecordingIam svc;
  iam::User u;
  u.path = "/";
  u.user_name = "bob";
  u.user_id = "AIDACKCEVSQ6C2EXAMPLE";
  u.arn = "arn:aws:iam::123456789012:user/bob";
  u.create_date = at("2025-01-31T12:00:00Z");
  u.tags = {{"team", "a&b<c>"}, {"empty", ""}};
  svc.create_user_result.user = u;
  Response r = iam::dispatch(svc, "CreateUser", params("Action=CreateUser&Version=2010-05-08&UserName=bob"),
                             "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body,
            "<CreateUserResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\n"
            "  <CreateUserResult>\n"
            "    <User>\n"
            "      <Path>/</Path>\n"
            "      <UserName>bob</UserName>\n"
            "      <UserId>AIDACKCEVSQ6C2EXAMPLE</UserId>\n"
            "      <Arn>arn:aws:iam::123456789012:user/bob</Arn>\n"
            "      <CreateDate>2025-01-31T12:00:00Z</CreateDate>\n"
            "      <Tags>\n"
            "        <member>\n"
            "          <Key>team</Key>\n"
            "          <Value>a&amp;b&lt;c&gt;</Value>\n"
            "        </member>\n"
            "        <member>\n"
            "          <Key>empty</Key>\n"
            "          <Value></Value>\n"
            "        </member>\n"
            "      </Tags>\n"
            "    </User>\n"
            "  </CreateUserResult>\n"
            "  <ResponseMetadata>\n"
            "    <RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId>\n"
            "  </ResponseMetadata>\n"
            "</CreateUserResponse>\n");
}

TEST(Encode, ListUsersTruncatedWithMarker) {
  RecordingIam svc;
  iam::User a;
  a.path = "/";
  a.user_name = "alice";
  a.user_id = "AIDAAAAAAAAAAAAAAAAAA";
  a.arn = "arn:aws:iam::123456789012:user/alice";
  a.create_date = at("2024-02-03T04:05:06Z");
  a.password_last_used = at("2024-03-01T00:00:00Z");
  svc.list_users_result.users = {a};
  svc.list_users_result.is_truncated = true;
  svc.list_users_result.marker = "bWFya2Vy";
  Response r = iam::dispatch(svc, "ListUsers", params("Action=ListUsers&Version=2010-05-08&MaxItems=1"), "rid");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body,
            "<ListUsersResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\n"
            "  <ListUsersResult>\n"
            "    <Users>\n"
            "      <member>\n"
            "        <Path>/</Path>\n"
            "        <UserName>alice</UserName>\n"
            "        <UserId>AIDAAAAAAAAAAAAAAAAAA</UserId>\n"
            "        <Arn>arn:aws:iam::123456789012:user/alice</Arn>\n"
            "        <CreateDate>2024-02-03T04:05:06Z</CreateDate>\n"
            "        <PasswordLastUsed>2024-03-01T00:00:00Z</PasswordLastUsed>\n"
            "      </member>\n"
            "    </Users>\n"
            "    <IsTruncated>true</IsTruncated>\n"
            "    <Marker>bWFya2Vy</Marker>\n"
            "  </ListUsersResult>\n"
            "  <ResponseMetadata>\n"
            "    <RequestId>rid</RequestId>\n"
            "  </ResponseMetadata>\n"
            "</ListUsersResponse>\n");
  ASSERT_TRUE(svc.list_users_request);
  EXPECT_EQ(svc.list_users_request->max_items, 1);
}

TEST(Encode, EmptyRequiredListIsAnEmptyElement) {
  RecordingIam svc;
  svc.list_users_result.is_truncated = false;
  Response r = iam::dispatch(svc, "ListUsers", params(""), "rid");
  EXPECT_NE(
      r.body.find("  <ListUsersResult>\n    <Users/>\n    <IsTruncated>false</IsTruncated>\n  </ListUsersResult>\n"),
      std::string::npos)
      << r.body;
}

// Every paginated answer carries IsTruncated, false when complete [OBS]: the generated member
// is a plain bool, so no handler can leave it out (tools/gen_protocol.py,
// ALWAYS_SENT_OUTPUT_MEMBERS).
template <class... Results>
constexpr bool all_plain_bool() {
  return (std::is_same_v<decltype(Results::is_truncated), bool> && ...);
}
static_assert(
    all_plain_bool<
        iam::GetAccountAuthorizationDetailsResult, iam::GetGroupResult, iam::GetOrganizationsAccessReportResult,
        iam::GetServiceLastAccessedDetailsResult, iam::GetServiceLastAccessedDetailsWithEntitiesResult,
        iam::ListAccessKeysResult, iam::ListAccountAliasesResult, iam::ListAttachedGroupPoliciesResult,
        iam::ListAttachedRolePoliciesResult, iam::ListAttachedUserPoliciesResult, iam::ListEntitiesForPolicyResult,
        iam::ListGroupPoliciesResult, iam::ListGroupsResult, iam::ListGroupsForUserResult,
        iam::ListInstanceProfileTagsResult, iam::ListInstanceProfilesResult, iam::ListInstanceProfilesForRoleResult,
        iam::ListMFADeviceTagsResult, iam::ListMFADevicesResult, iam::ListOpenIDConnectProviderTagsResult,
        iam::ListPoliciesResult, iam::ListPoliciesGrantingServiceAccessResult, iam::ListPolicyTagsResult,
        iam::ListPolicyVersionsResult, iam::ListRolePoliciesResult, iam::ListRoleTagsResult, iam::ListRolesResult,
        iam::ListSAMLProviderTagsResult, iam::ListSSHPublicKeysResult, iam::ListServerCertificateTagsResult,
        iam::ListServerCertificatesResult, iam::ListSigningCertificatesResult, iam::ListUserPoliciesResult,
        iam::ListUserTagsResult, iam::ListUsersResult, iam::ListVirtualMFADevicesResult,
        iam::SimulateCustomPolicyResult, iam::SimulatePrincipalPolicyResult>());

TEST(Encode, IsTruncatedAlwaysSent) {
  iam::EmptyResultIamService svc;  // default-constructed results: nothing set by a handler
  const std::pair<const char*, const char*> calls[] = {
      {"ListUsers", ""},
      {"ListRoleTags", "RoleName=r"},
      {"ListPolicyVersions", "PolicyArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2Fp"},
      {"GetGroup", "GroupName=g"},
      {"GetAccountAuthorizationDetails", ""},
  };
  for (const auto& [action, body] : calls) {
    Response r = iam::dispatch(svc, action, params(body), "rid");
    EXPECT_EQ(r.status, 200) << action << r.body;
    EXPECT_NE(r.body.find("<IsTruncated>false</IsTruncated>"), std::string::npos) << action << r.body;
  }
}

TEST(Encode, GetUserPolicyDocumentIsUrlEncoded) {
  RecordingIam svc;
  svc.get_user_policy_result.user_name = "bob";
  svc.get_user_policy_result.policy_name = "s3";
  svc.get_user_policy_result.policy_document =
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}";
  Response r = iam::dispatch(svc, "GetUserPolicy", params("UserName=bob&PolicyName=s3"), "rid");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body,
            "<GetUserPolicyResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\n"
            "  <GetUserPolicyResult>\n"
            "    <UserName>bob</UserName>\n"
            "    <PolicyName>s3</PolicyName>\n"
            "    <PolicyDocument>%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow"
            "%22%2C%22Action%22%3A%22s3%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D</PolicyDocument>\n"
            "  </GetUserPolicyResult>\n"
            "  <ResponseMetadata>\n"
            "    <RequestId>rid</RequestId>\n"
            "  </ResponseMetadata>\n"
            "</GetUserPolicyResponse>\n");
}

TEST(Encode, GetRoleTrustPolicyEncodedAndEmptyRoleLastUsed) {
  RecordingIam svc;
  iam::Role role;
  role.path = "/";
  role.role_name = "demo";
  role.role_id = "AROAEXAMPLEEXAMPLE123";
  role.arn = "arn:aws:iam::123456789012:role/demo";
  role.create_date = at("2025-01-01T00:00:00Z");
  role.assume_role_policy_document = "{\n  \"Version\": \"2012-10-17\"\n}";
  role.max_session_duration = 3600;
  role.role_last_used = iam::RoleLastUsed{};
  svc.get_role_result.role = role;
  Response r = iam::dispatch(svc, "GetRole", params("RoleName=demo"), "rid");
  EXPECT_EQ(r.body,
            "<GetRoleResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\n"
            "  <GetRoleResult>\n"
            "    <Role>\n"
            "      <Path>/</Path>\n"
            "      <RoleName>demo</RoleName>\n"
            "      <RoleId>AROAEXAMPLEEXAMPLE123</RoleId>\n"
            "      <Arn>arn:aws:iam::123456789012:role/demo</Arn>\n"
            "      <CreateDate>2025-01-01T00:00:00Z</CreateDate>\n"
            "      <AssumeRolePolicyDocument>%7B%0A%20%20%22Version%22%3A%20%222012-10-17%22%0A%7D"
            "</AssumeRolePolicyDocument>\n"
            "      <MaxSessionDuration>3600</MaxSessionDuration>\n"
            "      <RoleLastUsed/>\n"
            "    </Role>\n"
            "  </GetRoleResult>\n"
            "  <ResponseMetadata>\n"
            "    <RequestId>rid</RequestId>\n"
            "  </ResponseMetadata>\n"
            "</GetRoleResponse>\n");
}

TEST(Encode, AuthorizationDetailsDocumentsAreUrlEncoded) {
  RecordingIam svc;
  iam::RoleDetail role;
  role.role_name = "r";
  role.assume_role_policy_document = "{\"a\": 1}";
  role.role_policy_list = {iam::PolicyDetail{"inline", "{\"b\":\"%\"}"}};
  svc.details_result.role_detail_list = {role};
  iam::ManagedPolicyDetail policy;
  policy.policy_name = "p";
  iam::PolicyVersion version;
  version.document = "{ }";
  version.version_id = "v1";
  version.is_default_version = true;
  policy.policy_version_list = {version};
  svc.details_result.policies = {policy};
  svc.details_result.is_truncated = false;
  Response r = iam::dispatch(svc, "GetAccountAuthorizationDetails", params("Filter.member.1=Role"), "rid");
  EXPECT_EQ(r.body,
            "<GetAccountAuthorizationDetailsResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\n"
            "  <GetAccountAuthorizationDetailsResult>\n"
            "    <UserDetailList/>\n"
            "    <GroupDetailList/>\n"
            "    <RoleDetailList>\n"
            "      <member>\n"
            "        <RoleName>r</RoleName>\n"
            "        <AssumeRolePolicyDocument>%7B%22a%22%3A%201%7D</AssumeRolePolicyDocument>\n"
            "        <InstanceProfileList/>\n"
            "        <RolePolicyList>\n"
            "          <member>\n"
            "            <PolicyName>inline</PolicyName>\n"
            "            <PolicyDocument>%7B%22b%22%3A%22%25%22%7D</PolicyDocument>\n"
            "          </member>\n"
            "        </RolePolicyList>\n"
            "        <AttachedManagedPolicies/>\n"
            "        <Tags/>\n"
            "      </member>\n"
            "    </RoleDetailList>\n"
            "    <Policies>\n"
            "      <member>\n"
            "        <PolicyName>p</PolicyName>\n"
            "        <PolicyVersionList>\n"
            "          <member>\n"
            "            <Document>%7B%20%7D</Document>\n"
            "            <VersionId>v1</VersionId>\n"
            "            <IsDefaultVersion>true</IsDefaultVersion>\n"
            "          </member>\n"
            "        </PolicyVersionList>\n"
            "      </member>\n"
            "    </Policies>\n"
            "    <IsTruncated>false</IsTruncated>\n"
            "  </GetAccountAuthorizationDetailsResult>\n"
            "  <ResponseMetadata>\n"
            "    <RequestId>rid</RequestId>\n"
            "  </ResponseMetadata>\n"
            "</GetAccountAuthorizationDetailsResponse>\n");
}

TEST(Encode, MapsAsEntries) {
  RecordingIam svc;
  svc.summary_result.summary_map = {{"Users", 2}, {"UsersQuota", 5000}};
  Response r = iam::dispatch(svc, "GetAccountSummary", params("Action=GetAccountSummary"), "rid");
  EXPECT_NE(r.body.find("    <SummaryMap>\n"
                        "      <entry>\n"
                        "        <key>Users</key>\n"
                        "        <value>2</value>\n"
                        "      </entry>\n"
                        "      <entry>\n"
                        "        <key>UsersQuota</key>\n"
                        "        <value>5000</value>\n"
                        "      </entry>\n"
                        "    </SummaryMap>\n"),
            std::string::npos)
      << r.body;
}

TEST(Encode, OutputWithoutMembersAndWithoutOutput) {
  RecordingIam svc;
  Response update = iam::dispatch(svc, "UpdateRole", params("RoleName=demo"), "rid");
  EXPECT_EQ(update.body,
            "<UpdateRoleResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\n"
            "  <UpdateRoleResult/>\n"
            "  <ResponseMetadata>\n"
            "    <RequestId>rid</RequestId>\n"
            "  </ResponseMetadata>\n"
            "</UpdateRoleResponse>\n");
  Response del = iam::dispatch(svc, "DeleteUser", params("UserName=bob"), "rid");
  EXPECT_EQ(del.status, 200);
  EXPECT_EQ(del.body,
            "<DeleteUserResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\n"
            "  <ResponseMetadata>\n"
            "    <RequestId>rid</RequestId>\n"
            "  </ResponseMetadata>\n"
            "</DeleteUserResponse>\n");
}

TEST(Encode, GetCallerIdentity) {
  RecordingSts svc;
  svc.identity.user_id = "AIDACKCEVSQ6C2EXAMPLE";
  svc.identity.account = "123456789012";
  svc.identity.arn = "arn:aws:iam::123456789012:user/alice";
  Response r = sts::dispatch(svc, "GetCallerIdentity", params("Action=GetCallerIdentity&Version=2011-06-15"),
                             "01234567-89ab-cdef-0123-456789abcdef");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body,
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
            "  <GetCallerIdentityResult>\n"
            "    <UserId>AIDACKCEVSQ6C2EXAMPLE</UserId>\n"
            "    <Account>123456789012</Account>\n"
            "    <Arn>arn:aws:iam::123456789012:user/alice</Arn>\n"
            "  </GetCallerIdentityResult>\n"
            "  <ResponseMetadata>\n"
            "    <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>\n"
            "  </ResponseMetadata>\n"
            "</GetCallerIdentityResponse>\n");
}

TEST(Encode, AssumeRoleCredentials) {
  RecordingSts svc;
  sts::Credentials c;
  c.access_key_id = "ASIAEXAMPLEKEYID1234";
  c.secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  c.session_token = "FQoGZXIvYXdzEXAMPLETOKEN+/=";
  c.expiration = at("2019-11-09T13:34:41Z");
  svc.assume_role_result.credentials = c;
  svc.assume_role_result.assumed_role_user =
      sts::AssumedRoleUser{"AROA3XFRBF535PLBIFPI4:s1", "arn:aws:sts::123456789012:assumed-role/demo/s1"};
  svc.assume_role_result.packed_policy_size = 6;
  Response r = sts::dispatch(
      svc, "AssumeRole", params("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo&RoleSessionName=s1"), "rid");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body,
            "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
            "  <AssumeRoleResult>\n"
            "    <Credentials>\n"
            "      <AccessKeyId>ASIAEXAMPLEKEYID1234</AccessKeyId>\n"
            "      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY</SecretAccessKey>\n"
            "      <SessionToken>FQoGZXIvYXdzEXAMPLETOKEN+/=</SessionToken>\n"
            "      <Expiration>2019-11-09T13:34:41Z</Expiration>\n"
            "    </Credentials>\n"
            "    <AssumedRoleUser>\n"
            "      <AssumedRoleId>AROA3XFRBF535PLBIFPI4:s1</AssumedRoleId>\n"
            "      <Arn>arn:aws:sts::123456789012:assumed-role/demo/s1</Arn>\n"
            "    </AssumedRoleUser>\n"
            "    <PackedPolicySize>6</PackedPolicySize>\n"
            "  </AssumeRoleResult>\n"
            "  <ResponseMetadata>\n"
            "    <RequestId>rid</RequestId>\n"
            "  </ResponseMetadata>\n"
            "</AssumeRoleResponse>\n");
}

TEST(Encode, ErrorEnvelope) {
  RecordingIam svc;
  Response r = iam::dispatch(svc, "DeleteUser", params("UserName=nobody"), "689b4496-ca92-11e5-9a31-4932678efe5c");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body,
            "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\n"
            "  <Error>\n"
            "    <Type>Sender</Type>\n"
            "    <Code>NoSuchEntity</Code>\n"
            "    <Message>The user with name nobody cannot be found.</Message>\n"
            "  </Error>\n"
            "  <RequestId>689b4496-ca92-11e5-9a31-4932678efe5c</RequestId>\n"
            "</ErrorResponse>\n");
  Response failure = iam::dispatch(svc, "DeleteUser", params("UserName=boom"), "rid");
  EXPECT_EQ(failure.status, 500);
  EXPECT_NE(failure.body.find("<Type>Receiver</Type>"), std::string::npos);
  EXPECT_NE(failure.body.find("<Message>Something &lt;broke&gt; &amp; failed.</Message>"), std::string::npos);
  Response sts_error = error_response(Service::kSts,
                                      common::Error{"ExpiredToken",
                                                    "The security token included in "
                                                    "the request is expired",
                                                    {}},
                                      "rid");
  EXPECT_EQ(sts_error.status, 403);
  EXPECT_EQ(sts_error.body.rfind("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n", 0), 0u);
}

TEST(Encode, StatusTable) {
  const std::pair<const char*, int> cases[] = {
      {"NoSuchEntity", 404},
      {"EntityAlreadyExists", 409},
      {"LimitExceeded", 409},
      {"DeleteConflict", 409},
      {"MalformedPolicyDocument", 400},
      {"InvalidInput", 400},
      {"ValidationError", 400},
      {"AccessDenied", 403},
      {"ServiceFailure", 500},
      {"ReportExpired", 410},
      {"ReportInProgress", 404},
      {"InvalidAuthenticationCode", 403},
      {"PackedPolicyTooLarge", 400},
      {"RegionDisabledException", 403},
      {"IDPRejectedClaim", 403},
      {"ExpiredTokenException", 400},
      {"ExpiredToken", 403},
      {"InvalidClientTokenId", 403},
      {"SignatureDoesNotMatch", 403},
      {"MissingAction", 400},
      {"InvalidAction", 400},
      {"MalformedQueryString", 404},
      {"InternalFailure", 500},
      {"ServiceUnavailable", 503},
      {"Throttling", 400},
      {"SomethingUnknown", 400},
  };
  for (const auto& [code, status] : cases) EXPECT_EQ(http_status(code), status) << code;
}

TEST(Encode, XmlEscapingAndUrlEncoding) {
  std::string out;
  append_xml_escaped(out, "a&b<c>d\"e'f\r\n\tg\x01h\xFFi\xC3\xA9");
  EXPECT_EQ(out, "a&amp;b&lt;c&gt;d\"e'f&#xD;\n\tg\xEF\xBF\xBDh\xEF\xBF\xBDi\xC3\xA9");
  EXPECT_EQ(url_encode("a b+c%d/~_-.\xC3\xA9"), "a%20b%2Bc%25d%2F~_-.%C3%A9");
  // Plain runs before, between and after what is escaped, appended to what is there.
  const std::pair<std::string_view, std::string_view> runs[] = {
      {"", ""},
      {"plain text only", "plain text only"},
      {"<", "&lt;"},
      {"&&", "&amp;&amp;"},
      {"ab>cd", "ab&gt;cd"},
      {"x\xC3\xA9yz", "x\xC3\xA9yz"},
      {"tail&", "tail&amp;"},
  };
  for (const auto& [in, want] : runs) {
    std::string appended = "[";
    append_xml_escaped(appended, in);
    EXPECT_EQ(appended, "[" + std::string(want)) << in;
  }
}

TEST(Encode, UnsupportedOperationIsNeverAFakeSuccess) {
  iam::IamService base;
  Response r = iam::dispatch(base, "CreateUser", params("UserName=bob"), "rid");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("<Code>InvalidAction</Code>"), std::string::npos);
  EXPECT_NE(r.body.find("<Message>The operation CreateUser is not supported by iamd.</Message>"), std::string::npos);
  sts::StsService sts_base;
  Response s = sts::dispatch(sts_base, "GetCallerIdentity", params(""), "rid");
  EXPECT_NE(s.body.find("<Message>The operation GetCallerIdentity is not supported by iamd.</Message>"),
            std::string::npos);
}

// By default (no line in models/empty_lists.txt) empty lists that are members of the result
// itself are sent as <Name/> (SDKs then show []); empty lists inside nested structures
// (User.Tags) are left out.
TEST(Encode, EmptyResultListsAreSentNestedOnesOmitted) {
  iam::EmptyResultIamService svc;
  Response r = iam::dispatch(svc, "ListAttachedUserPolicies",
                             params("Action=ListAttachedUserPolicies&Version=2010-05-08&UserName=bob"), "rid");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("<AttachedPolicies/>"), std::string::npos) << r.body;
  RecordingIam rec;
  iam::User u;
  u.user_name = "bob";
  rec.create_user_result.user = u;
  Response c = iam::dispatch(rec, "CreateUser", params("Action=CreateUser&Version=2010-05-08&UserName=bob"), "rid");
  EXPECT_EQ(c.body.find("<Tags"), std::string::npos) << c.body;
}

// The rules of models/empty_lists.txt, one per structure member (issue 10).

// A member marked `handler` can say "present but empty"; the others stay plain vectors.
static_assert(std::is_same_v<decltype(iam::Policy::tags), std::optional<std::vector<iam::Tag>>>);
static_assert(std::is_same_v<decltype(iam::InstanceProfile::tags), std::optional<std::vector<iam::Tag>>>);
static_assert(std::is_same_v<decltype(iam::User::tags), std::vector<iam::Tag>>);
static_assert(std::is_same_v<decltype(iam::Role::tags), std::vector<iam::Tag>>);

class RulesIam : public iam::IamService {
 public:
  iam::SimulateCustomPolicyResult simulate_result;
  common::Result<iam::SimulateCustomPolicyResult> simulate_custom_policy(
      const iam::SimulateCustomPolicyRequest&) override {
    return simulate_result;
  }
  iam::GetPolicyResult get_policy_result;
  common::Result<iam::GetPolicyResult> get_policy(const iam::GetPolicyRequest&) override { return get_policy_result; }
  iam::GetAccountAuthorizationDetailsResult details_result;
  common::Result<iam::GetAccountAuthorizationDetailsResult> get_account_authorization_details(
      const iam::GetAccountAuthorizationDetailsRequest&) override {
    return details_result;
  }
};

// `send` on nested members: a simulation result carries <MatchedStatements/> and
// <MissingContextValues/> when they are empty, as AWS does; members without a rule
// (EvalDecisionDetails, ResourceSpecificResults) are still left out.
TEST(Encode, SimulationResultsSendEmptyStatementLists) {
  RulesIam svc;
  iam::EvaluationResult e;
  e.eval_action_name = "s3:GetObject";
  e.eval_resource_name = "*";
  e.eval_decision = "implicitDeny";
  iam::ResourceSpecificResult rs;
  rs.eval_resource_name = "arn:aws:s3:::b";
  rs.eval_resource_decision = "implicitDeny";
  e.resource_specific_results = {rs};
  svc.simulate_result.evaluation_results = {e};
  svc.simulate_result.is_truncated = false;
  Response r = iam::dispatch(
      svc, "SimulateCustomPolicy",
      params("Action=SimulateCustomPolicy&PolicyInputList.member.1=%7B%7D&ActionNames.member.1=s3%3AGetObject"), "rid");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body,
            "<SimulateCustomPolicyResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\n"
            "  <SimulateCustomPolicyResult>\n"
            "    <EvaluationResults>\n"
            "      <member>\n"
            "        <EvalActionName>s3:GetObject</EvalActionName>\n"
            "        <EvalResourceName>*</EvalResourceName>\n"
            "        <EvalDecision>implicitDeny</EvalDecision>\n"
            "        <MatchedStatements/>\n"
            "        <MissingContextValues/>\n"
            "        <ResourceSpecificResults>\n"
            "          <member>\n"
            "            <EvalResourceName>arn:aws:s3:::b</EvalResourceName>\n"
            "            <EvalResourceDecision>implicitDeny</EvalResourceDecision>\n"
            "            <MatchedStatements/>\n"
            "            <MissingContextValues/>\n"
            "          </member>\n"
            "        </ResourceSpecificResults>\n"
            "      </member>\n"
            "    </EvaluationResults>\n"
            "    <IsTruncated>false</IsTruncated>\n"
            "  </SimulateCustomPolicyResult>\n"
            "  <ResponseMetadata>\n"
            "    <RequestId>rid</RequestId>\n"
            "  </ResponseMetadata>\n"
            "</SimulateCustomPolicyResponse>\n");
}

// `handler`: Policy.Tags set but empty is sent as <Tags/> (GetPolicy); unset, it is left out
// (CreatePolicy, ListPolicies).
TEST(Encode, HandlerListsArePresentButEmptyOnlyWhenSet) {
  RulesIam svc;
  iam::Policy p;
  p.policy_name = "p";
  p.tags.emplace();
  svc.get_policy_result.policy = p;
  const Params get = params("Action=GetPolicy&PolicyArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2Fp");
  Response r = iam::dispatch(svc, "GetPolicy", get, "rid");
  EXPECT_NE(r.body.find("    <Policy>\n      <PolicyName>p</PolicyName>\n      <Tags/>\n    </Policy>\n"),
            std::string::npos)
      << r.body;
  svc.get_policy_result.policy->tags.reset();
  r = iam::dispatch(svc, "GetPolicy", get, "rid");
  EXPECT_EQ(r.body.find("<Tags"), std::string::npos) << r.body;
  svc.get_policy_result.policy->tags = std::vector<iam::Tag>{{"k", "v"}};
  r = iam::dispatch(svc, "GetPolicy", get, "rid");
  EXPECT_NE(r.body.find("<Tags>\n        <member>\n          <Key>k</Key>"), std::string::npos) << r.body;
}

// `send` in account authorization details: every policy, group and attachment list of a
// user, group and role detail, and a role's InstanceProfileList and Tags.
TEST(Encode, AuthorizationDetailsSendEmptyMemberLists) {
  RulesIam svc;
  svc.details_result.user_detail_list = {iam::UserDetail{}};
  svc.details_result.group_detail_list = {iam::GroupDetail{}};
  svc.details_result.policies = {iam::ManagedPolicyDetail{}};
  Response r =
      iam::dispatch(svc, "GetAccountAuthorizationDetails", params("Action=GetAccountAuthorizationDetails"), "rid");
  EXPECT_NE(r.body.find("    <UserDetailList>\n"
                        "      <member>\n"
                        "        <UserPolicyList/>\n"
                        "        <GroupList/>\n"
                        "        <AttachedManagedPolicies/>\n"
                        "        <Tags/>\n"
                        "      </member>\n"
                        "    </UserDetailList>\n"
                        "    <GroupDetailList>\n"
                        "      <member>\n"
                        "        <GroupPolicyList/>\n"
                        "        <AttachedManagedPolicies/>\n"
                        "      </member>\n"
                        "    </GroupDetailList>\n"
                        "    <RoleDetailList/>\n"
                        "    <Policies>\n"
                        "      <member>\n"
                        "        <PolicyVersionList/>\n"
                        "      </member>\n"
                        "    </Policies>\n"),
            std::string::npos)
      << r.body;
}

// `omit` on members of a result: CreateOpenIDConnectProvider, CreateSAMLProvider and
// UploadServerCertificate carry Tags only when tags were given, while GetOpenIDConnectProvider
// keeps the default and sends its empty lists.
TEST(Encode, CreateResultsOmitEmptyTags) {
  iam::EmptyResultIamService svc;
  Response oidc =
      iam::dispatch(svc, "CreateOpenIDConnectProvider",
                    params("Action=CreateOpenIDConnectProvider&Url=https%3A%2F%2Fexample.org&ThumbprintList="), "rid");
  EXPECT_EQ(oidc.status, 200) << oidc.body;
  EXPECT_EQ(oidc.body.find("<Tags"), std::string::npos) << oidc.body;
  Response got = iam::dispatch(
      svc, "GetOpenIDConnectProvider",
      params("Action=GetOpenIDConnectProvider&OpenIDConnectProviderArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Aoidc-"
             "provider%2Fexample.org"),
      "rid");
  EXPECT_EQ(got.status, 200) << got.body;
  EXPECT_NE(got.body.find("<ClientIDList/>\n    <ThumbprintList/>\n    <Tags/>"), std::string::npos) << got.body;
}

}  // namespace
}  // namespace iamd::protocol

// The JSON 1.1 half of the wire layer (Organizations): the body reader, decoding into the
// generated structures with Organizations' answers for wrong types and constraint failures,
// the Query-form Params the hooks get, JSON encoding byte for byte, the error envelope and
// dispatch of every operation of the model.
#include "protocol/json.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "protocol/json_codec.h"
#include "protocol/json_rpc.h"
#include "protocol/organizations.h"
#include "protocol/organizations_test_service.h"
#include "test_util.h"

// A small model of the kinds Organizations' inputs lack (booleans, timestamps, maps, blobs,
// longs, nested structures), over the same codec templates.
namespace iamd::protocol::detail {
namespace {

struct TestInner {
  static constexpr std::string_view kShapeName = "TestInner";
  std::string name;  // required
  std::optional<std::int64_t> count;
};

struct TestShape {
  [[maybe_unused]] static constexpr std::string_view kShapeName = "TestShape";  // read by a concept only
  std::optional<bool> flag;
  std::optional<common::Timestamp> when;
  std::vector<std::pair<std::string, std::int64_t>> labels;
  std::optional<std::string> data;
  std::optional<std::int64_t> big;
  std::optional<TestInner> inner;
  std::vector<std::vector<std::string>> grid;
};

// 0 string[1..5], 1 integer[0..10], 2 boolean, 3 timestamp, 4 map<0, 1>[..2], 5 blob[..4],
// 6 long, 7 structure, 8 list<9>, 9 list<0>
constexpr ShapeInfo kTestShapes[] = {
    {Kind::kString, true, true, 1, 5, -1, false, false, false, false, 0, 0, 0, 0, "", "", ""},
    {Kind::kInteger, true, true, 0, 10, -1, false, false, false, false, 0, 0, 0, 0, "", "", ""},
    {Kind::kBoolean, false, false, 0, 0, -1, false, false, false, false, 0, 0, 0, 0, "", "", ""},
    {Kind::kTimestamp, false, false, 0, 0, -1, false, false, false, false, 0, 0, 0, 0, "", "", ""},
    {Kind::kMap, false, true, 0, 2, -1, false, false, false, false, 0, 0, 0, 1, "entry", "key", "value"},
    {Kind::kBlob, false, true, 0, 4, -1, false, false, false, false, 0, 0, 0, 0, "", "", ""},
    {Kind::kLong, false, false, 0, 0, -1, false, false, false, false, 0, 0, 0, 0, "", "", ""},
    {Kind::kStructure, false, false, 0, 0, -1, false, false, false, false, 0, 0, 0, 0, "", "", ""},
    {Kind::kList, false, false, 0, 0, -1, false, false, false, false, 0, 0, 9, 0, "member", "", ""},
    {Kind::kList, false, false, 0, 0, -1, false, false, false, false, 0, 0, 0, 0, "member", "", ""},
};
constexpr std::string_view kTestEnums[] = {""};
const ServiceModel kTestModel{Service::kOrganizations, kTestShapes, kTestEnums, false, false};

}  // namespace

template <>
struct Visit<TestInner> {
  static constexpr MemberInfo kMembers[] = {{"Name", "Name", 0, true, false}, {"Count", "Count", 1, false, false}};
  template <class V, class S>
  static void members(V& v, S& s) {
    v(kMembers[0], s.name);
    v(kMembers[1], s.count);
  }
};

template <>
struct Visit<TestShape> {
  static constexpr MemberInfo kMembers[] = {
      {"Flag", "Flag", 2, false, false}, {"When", "When", 3, false, false}, {"Labels", "Labels", 4, false, true},
      {"Data", "Data", 5, false, false}, {"Big", "Big", 6, false, false},   {"Inner", "Inner", 7, false, false},
      {"Grid", "Grid", 8, false, false},
  };
  template <class V, class S>
  static void members(V& v, S& s) {
    v(kMembers[0], s.flag);
    v(kMembers[1], s.when);
    v(kMembers[2], s.labels);
    v(kMembers[3], s.data);
    v(kMembers[4], s.big);
    v(kMembers[5], s.inner);
    v(kMembers[6], s.grid);
  }
};

}  // namespace iamd::protocol::detail

namespace iamd::protocol {
namespace {

using detail::JsonFailure;
using testing::at;

JsonNode body(std::string_view text) {
  auto parsed = parse_json_body(text);
  EXPECT_TRUE(parsed.has_value()) << text << ": " << (parsed ? "" : parsed.error().message);
  return parsed ? std::move(parsed).value() : JsonNode{};
}

// ---- the body ---------------------------------------------------------------------------

TEST(JsonBody, EmptyBodyIsTheEmptyObject) {
  for (std::string_view text : {"", "  \r\n\t", "{}", " { } "}) {
    auto n = parse_json_body(text);
    ASSERT_TRUE(n.has_value()) << text;
    EXPECT_EQ(n->type, JsonNode::Type::kObject);
    EXPECT_TRUE(n->keys.empty());
  }
}

TEST(JsonBody, MalformedBodiesAreSerializationExceptions) {
  const std::string deep = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  const std::string deep_ok =
      "{\"a\":" + std::string(kMaxJsonDepth - 1, '[') + std::string(kMaxJsonDepth - 1, ']') + "}";
  for (std::string_view text : {"{", "{\"a\":}", "[]", "\"x\"", "42", "null", "{} {}", "{\"a\":1,}", "{'a':1}",
                                "{\"a\":\"\xff\"}", "{\"a\":\"\x01\"}", "{\"a\":1,\"a\":2}", "nul"}) {
    auto n = parse_json_body(text);
    ASSERT_FALSE(n.has_value()) << text;
    EXPECT_EQ(n.error().code, "SerializationException") << text;
    EXPECT_FALSE(n.error().message.empty()) << text;
  }
  // A NUL byte ends RapidJSON's stream: what follows it still counts.
  auto nul = parse_json_body(std::string_view("{}\0{", 4));
  ASSERT_FALSE(nul.has_value());
  EXPECT_EQ(nul.error().code, "SerializationException");
  auto too_deep = parse_json_body("{\"a\":" + deep + "}");
  ASSERT_FALSE(too_deep.has_value());
  EXPECT_EQ(too_deep.error().message, "The request nests objects and arrays deeper than 64 levels.");
  EXPECT_TRUE(parse_json_body(deep_ok).has_value());
  auto repeated = parse_json_body("{\"b\":{\"x\":1,\"y\":2,\"x\":3}}");
  ASSERT_FALSE(repeated.has_value());
  EXPECT_EQ(repeated.error().message, "The request names the key \"x\" twice in one object.");
}

TEST(JsonBody, NumbersKeepTheirText) {
  JsonNode n = body("{\"a\":1.50,\"b\":-0,\"c\":1e3,\"d\":true,\"e\":null,\"f\":\"\\u00e9\\n\"}");
  EXPECT_EQ(n.find("a")->text, "1.50");
  EXPECT_EQ(n.find("b")->text, "-0");
  EXPECT_EQ(n.find("c")->text, "1e3");
  EXPECT_TRUE(n.find("d")->boolean);
  EXPECT_EQ(n.find("e")->type, JsonNode::Type::kNull);
  EXPECT_EQ(n.find("f")->text, "\xC3\xA9\n");
  EXPECT_EQ(n.find("g"), nullptr);
}

class RecordingOrganizations : public organizations::OrganizationsService {
 public:
  std::vector<std::pair<std::string, std::string>> begun;  // the hook's Params
  std::string begun_operation;
  std::optional<common::Error> refuse;
  bool ended = false;
  common::Result<void> begin_operation(std::string_view operation, const Params& params) override {
    begun_operation = std::string(operation);
    for (const Param& p : params.items()) begun.emplace_back(p.name, p.value);
    if (refuse) return *refuse;
    return {};
  }
  common::Result<void> end_operation(common::Result<void> outcome) override {
    ended = true;
    return outcome;
  }

  std::optional<organizations::CreateAccountRequest> create_account_request;
  common::Result<organizations::CreateAccountResult> create_account(
      const organizations::CreateAccountRequest& r) override {
    create_account_request = r;
    return organizations::CreateAccountResult{};
  }
  std::optional<organizations::ListPoliciesForTargetRequest> list_policies_for_target_request;
  common::Result<organizations::ListPoliciesForTargetResult> list_policies_for_target(
      const organizations::ListPoliciesForTargetRequest& r) override {
    list_policies_for_target_request = r;
    return organizations::ListPoliciesForTargetResult{};
  }
  std::optional<organizations::ListAccountsRequest> list_accounts_request;

  organizations::DescribeAccountResult account;
  common::Result<organizations::DescribeAccountResult> describe_account(
      const organizations::DescribeAccountRequest&) override {
    return account;
  }
  organizations::ListAccountsResult accounts;
  common::Result<organizations::ListAccountsResult> list_accounts(
      const organizations::ListAccountsRequest& r) override {
    list_accounts_request = r;
    return accounts;
  }
  organizations::ListRootsResult roots;
  common::Result<organizations::ListRootsResult> list_roots(const organizations::ListRootsRequest&) override {
    return roots;
  }
  common::Result<void> attach_policy(const organizations::AttachPolicyRequest& r) override {
    if (r.policy_id == "p-missing0") {
      return common::Error{
          "PolicyNotFoundException", "We can't find a policy with the PolicyId that you specified.", {}, {}};
    }
    return {};
  }
};

// ---- decoding Organizations requests --------------------------------------------------------

TEST(JsonDecode, CreateAccountWithTags) {
  RecordingOrganizations svc;
  Response resp = organizations::dispatch(svc, "CreateAccount", R"({"Email":"a@example.com","AccountName":"Dev",
      "RoleName":"Admin","IamUserAccessToBilling":"DENY",
      "Tags":[{"Key":"team","Value":"x"},{"Key":"env","Value":""}],"Unknown":{"ignored":[1,2]}})",
                                          "req-1");
  ASSERT_EQ(resp.status, 200) << resp.body;
  ASSERT_TRUE(svc.create_account_request.has_value());
  const organizations::CreateAccountRequest& r = *svc.create_account_request;
  EXPECT_EQ(r.email, "a@example.com");
  EXPECT_EQ(r.account_name, "Dev");
  EXPECT_EQ(r.role_name, "Admin");
  EXPECT_EQ(r.iam_user_access_to_billing, "DENY");
  ASSERT_EQ(r.tags.size(), 2u);
  EXPECT_EQ(r.tags[0].key, "team");
  EXPECT_EQ(r.tags[0].value, "x");
  EXPECT_EQ(r.tags[1].key, "env");
  EXPECT_EQ(r.tags[1].value, "");
}

TEST(JsonDecode, ListPoliciesForTargetFilterAndMaxResults) {
  RecordingOrganizations svc;
  Response resp =
      organizations::dispatch(svc, "ListPoliciesForTarget",
                              R"({"TargetId":"r-ab12","Filter":"RESOURCE_CONTROL_POLICY","MaxResults":20})", "req-1");
  ASSERT_EQ(resp.status, 200) << resp.body;
  ASSERT_TRUE(svc.list_policies_for_target_request.has_value());
  const organizations::ListPoliciesForTargetRequest& r = *svc.list_policies_for_target_request;
  EXPECT_EQ(r.target_id, "r-ab12");
  EXPECT_EQ(r.filter, "RESOURCE_CONTROL_POLICY");
  EXPECT_EQ(r.max_results, 20);
  EXPECT_FALSE(r.next_token.has_value());
}

TEST(JsonDecode, NullIsAbsent) {
  RecordingOrganizations svc;
  Response resp = organizations::dispatch(svc, "ListAccounts", R"({"NextToken":null,"MaxResults":null})", "req-1");
  ASSERT_EQ(resp.status, 200) << resp.body;
  ASSERT_TRUE(svc.list_accounts_request.has_value());
  const organizations::ListAccountsRequest& r = *svc.list_accounts_request;
  EXPECT_FALSE(r.next_token.has_value());
  EXPECT_FALSE(r.max_results.has_value());
}

struct ConstraintCase {
  std::string_view operation;
  std::string body;
  std::string_view reason;
  std::string_view message;
  std::string path;
};

class JsonConstraints : public ::testing::TestWithParam<ConstraintCase> {};

// Every constraint failure and its answer, through the generated dispatch (the handler is
// never reached).
TEST_P(JsonConstraints, AnswerInvalidInputExceptionWithReason) {
  const ConstraintCase& c = GetParam();
  organizations::EmptyResultOrganizationsService svc;
  Response r = organizations::dispatch(svc, c.operation, c.body, "req-1");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.content_type, kJsonContentType);
  std::string expected = "{\"__type\":\"InvalidInputException\",\"Message\":\"";
  expected += c.message;
  expected += "\",\"Reason\":\"";
  expected += c.reason;
  expected += "\"}";
  EXPECT_EQ(r.body, expected) << c.body;
  auto failures = organizations::constraint_failures(c.operation, c.body);
  ASSERT_FALSE(failures.empty()) << c.body;
  EXPECT_EQ(failures.front(), (std::pair<std::string, std::string>{std::string(c.reason), c.path})) << c.body;
}

const std::string kLong129(129, 'n');

INSTANTIATE_TEST_SUITE_P(
    Organizations, JsonConstraints,
    ::testing::Values(
        ConstraintCase{"CreateAccount", R"({"AccountName":"Dev"})", "INPUT_REQUIRED",
                       "You must include a value for all required parameters.", "email"},
        ConstraintCase{"CreateAccount", R"({"Email":null,"AccountName":"Dev"})", "INPUT_REQUIRED",
                       "You must include a value for all required parameters.", "email"},
        ConstraintCase{"CreateOrganizationalUnit", R"({"ParentId":"r-ab12","Name":""})", "MIN_LENGTH_EXCEEDED",
                       "You provided a string parameter that is shorter than allowed.", "name"},
        ConstraintCase{"CreateOrganizationalUnit", R"({"ParentId":"r-ab12","Name":")" + kLong129 + R"("})",
                       "MAX_LENGTH_EXCEEDED", "You provided a string parameter that is longer than allowed.", "name"},
        ConstraintCase{"DescribeAccount", R"({"AccountId":"12"})", "INVALID_PATTERN",
                       "You provided a value that does not match the required pattern.", "accountId"},
        ConstraintCase{"ListPoliciesForTarget", R"({"TargetId":"r-ab12","Filter":"NOPE"})", "INVALID_ENUM",
                       "You specified an invalid value.", "filter"},
        ConstraintCase{"ListAccounts", R"({"MaxResults":0})", "MIN_VALUE_EXCEEDED",
                       "You provided a numeric parameter that has a smaller value than allowed.", "maxResults"},
        ConstraintCase{"ListAccounts", R"({"MaxResults":21})", "MAX_VALUE_EXCEEDED",
                       "You provided a numeric parameter that has a larger value than allowed.", "maxResults"},
        ConstraintCase{"ListCreateAccountStatus", R"({"States":["SUCCEEDED","BOGUS"]})", "INVALID_LIST_MEMBER",
                       "You provided a list to a parameter that contains at least one invalid value.", "states"},
        ConstraintCase{"UntagResource", R"({"ResourceId":"r-ab12","TagKeys":["ok",""]})", "INVALID_LIST_MEMBER",
                       "You provided a list to a parameter that contains at least one invalid value.", "tagKeys"},
        ConstraintCase{"TagResource", R"({"ResourceId":"r-ab12","Tags":[{"Key":"k"}]})", "INPUT_REQUIRED",
                       "You must include a value for all required parameters.", "tags.1.member.value"},
        ConstraintCase{"TagResource", R"({"ResourceId":"r-ab12","Tags":[{"Key":"a\tb","Value":"v"}]})",
                       "INVALID_PATTERN", "You provided a value that does not match the required pattern.",
                       "tags.1.member.key"}));

// Every failure with its path, in model order; the answer is the first.
TEST(JsonDecode, FailuresKeepTheirPathsInModelOrder) {
  const std::string_view text = R"({"Email":"bad","AccountName":"","Tags":[{"Key":"","Value":"v"}]})";
  using Failures = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(organizations::constraint_failures("CreateAccount", text),
            (Failures{{"MIN_LENGTH_EXCEEDED", "email"},
                      {"INVALID_PATTERN", "email"},
                      {"MIN_LENGTH_EXCEEDED", "accountName"},
                      {"INVALID_PATTERN", "accountName"},
                      {"MIN_LENGTH_EXCEEDED", "tags.1.member.key"}}));
  organizations::EmptyResultOrganizationsService svc;
  EXPECT_EQ(
      organizations::dispatch(svc, "CreateAccount", text, "req-1").body,
      R"({"__type":"InvalidInputException","Message":"You provided a string parameter that is shorter than allowed.","Reason":"MIN_LENGTH_EXCEEDED"})");
  EXPECT_EQ(organizations::constraint_failures("UntagResource", R"({"ResourceId":"x","TagKeys":["a",""]})"),
            (Failures{{"INVALID_PATTERN", "resourceId"}, {"INVALID_LIST_MEMBER", "tagKeys"}}));
  EXPECT_TRUE(organizations::constraint_failures("ListRoots", "{}").empty());
  EXPECT_TRUE(organizations::constraint_failures("NoSuchOperation", "{}").empty());
}

TEST(JsonDecode, WrongTypesAreSerializationExceptions) {
  struct Case {
    std::string_view operation;
    std::string_view body;
    std::string_view message;
  };
  for (const Case& c : {
           Case{"ListAccounts", R"({"MaxResults":"5"})", "The value of 'maxResults' must be an integer."},
           Case{"ListAccounts", R"({"MaxResults":1.5})", "The value of 'maxResults' must be an integer."},
           Case{"ListAccounts", R"({"MaxResults":2147483648})", "The value of 'maxResults' must be an integer."},
           Case{"ListAccounts", R"({"NextToken":5})", "The value of 'nextToken' must be a string."},
           Case{"CreateAccount", R"({"Email":"a@b.cd","AccountName":"x","Tags":{"Key":"k"}})",
                "The value of 'tags' must be an array."},
           Case{"CreateAccount", R"({"Email":"a@b.cd","AccountName":"x","Tags":["k"]})",
                "The value of 'tags.1.member' must be an object."},
           Case{"CreateAccount", R"({"Email":"a@b.cd","AccountName":"x","Tags":[null]})",
                "The value of 'tags.1.member' must be a list element."},
           // A wrong type wins over a constraint failure found earlier.
           Case{"CreateAccount", R"({"Email":"","AccountName":true})", "The value of 'accountName' must be a string."},
       }) {
    organizations::EmptyResultOrganizationsService svc;
    Response r = organizations::dispatch(svc, c.operation, c.body, "req-1");
    EXPECT_EQ(r.status, 400) << c.body;
    std::string expected = "{\"__type\":\"com.amazon.coral.service#SerializationException\",\"message\":\"";
    expected += c.message;
    expected += "\"}";
    EXPECT_EQ(r.body, expected) << c.body;
  }
}

// ---- the kinds Organizations' inputs lack -----------------------------------------------------

TEST(JsonDecode, BooleansTimestampsMapsBlobsLongsNested) {
  detail::TestShape t;
  std::vector<JsonFailure> failures;
  auto d = detail::decode_json_request(detail::kTestModel,
                                       body(R"({"Flag":true,"When":1700000000.25,"Labels":{"a":1,"b":2},"Data":"AAEC",
              "Big":-9007199254740993,"Inner":{"Name":"in","Count":3},"Grid":[["x"],[],["y","z"]]})"),
                                       t, &failures);
  ASSERT_TRUE(d.has_value()) << d.error().message;
  EXPECT_EQ(t.flag, true);
  ASSERT_TRUE(t.when.has_value());
  EXPECT_EQ(t.when->seconds, 1700000000);
  EXPECT_EQ(t.when->nanos, 250000000);
  ASSERT_EQ(t.labels.size(), 2u);
  EXPECT_EQ(t.labels[0], (std::pair<std::string, std::int64_t>{"a", 1}));
  EXPECT_EQ(t.labels[1], (std::pair<std::string, std::int64_t>{"b", 2}));
  EXPECT_EQ(t.data, std::string("\x00\x01\x02", 3));
  EXPECT_EQ(t.big, -9007199254740993);
  ASSERT_TRUE(t.inner.has_value());
  EXPECT_EQ(t.inner->name, "in");
  EXPECT_EQ(t.inner->count, 3);
  EXPECT_EQ(t.grid, (std::vector<std::vector<std::string>>{{"x"}, {}, {"y", "z"}}));

  detail::TestShape neg;
  ASSERT_TRUE(detail::decode_json_request(detail::kTestModel, body(R"({"When":-1.5,"Flag":false})"), neg));
  EXPECT_EQ(neg.when->seconds, -2);
  EXPECT_EQ(neg.when->nanos, 500000000);
  EXPECT_EQ(neg.flag, false);
  detail::TestShape exp;
  ASSERT_TRUE(detail::decode_json_request(detail::kTestModel, body(R"({"When":1.7E9})"), exp));
  EXPECT_EQ(exp.when->seconds, 1700000000);
  EXPECT_EQ(exp.when->nanos, 0);
}

TEST(JsonDecode, TestModelFailures) {
  struct Case {
    std::string_view body;
    std::string_view code;
    std::string_view reason_or_message;
  };
  for (const Case& c : {
           Case{R"({"Flag":"true"})", "SerializationException", "The value of 'flag' must be a boolean."},
           Case{R"({"When":"2024-01-01T00:00:00Z"})", "SerializationException",
                "The value of 'when' must be a timestamp in epoch seconds."},
           Case{R"({"Labels":[]})", "SerializationException", "The value of 'labels' must be an object."},
           Case{R"({"Labels":{"a":"1"}})", "SerializationException",
                "The value of 'labels.1.entry.value' must be an integer."},
           Case{R"({"Data":"not base64!"})", "SerializationException", "The value of 'data' must be a base64 string."},
           Case{R"({"Big":1e2})", "SerializationException", "The value of 'big' must be a long integer."},
           Case{R"({"Labels":{"a":1,"b":2,"c":3}})", "InvalidInputException", "MAX_LENGTH_EXCEEDED"},
           Case{R"({"Labels":{"toolong":1}})", "InvalidInputException", "MAX_LENGTH_EXCEEDED"},
           Case{R"({"Labels":{"a":11}})", "InvalidInputException", "MAX_VALUE_EXCEEDED"},
           Case{R"({"Data":"AAECAwQ="})", "InvalidInputException", "MAX_LENGTH_EXCEEDED"},
           Case{R"({"Inner":{}})", "InvalidInputException", "INPUT_REQUIRED"},
           Case{R"({"Inner":{"Name":"x","Count":-1}})", "InvalidInputException", "MIN_VALUE_EXCEEDED"},
           Case{R"({"Grid":[["ok"],["toolong"]]})", "InvalidInputException", "INVALID_LIST_MEMBER"},
       }) {
    detail::TestShape t;
    auto d = detail::decode_json_request(detail::kTestModel, body(c.body), t);
    ASSERT_FALSE(d.has_value()) << c.body;
    EXPECT_EQ(d.error().code, c.code) << c.body;
    EXPECT_EQ(c.code == "SerializationException" ? d.error().message : d.error().reason, c.reason_or_message) << c.body;
  }
}

// ---- flattening for the hooks ---------------------------------------------------------------

TEST(JsonFlatten, RequestMembersInQueryForm) {
  RecordingOrganizations svc;
  (void)organizations::dispatch(
      svc, "CreateAccount",
      R"({"Email":"a@example.com","AccountName":"Dev","Tags":[{"Key":"team","Value":"x"},{"Key":"env","Value":""}]})",
      "req-1");
  EXPECT_EQ(svc.begun_operation, "CreateAccount");
  std::vector<std::pair<std::string, std::string>> got;
  EXPECT_EQ(svc.begun, (std::vector<std::pair<std::string, std::string>>{{"AccountName", "Dev"},
                                                                         {"Email", "a@example.com"},
                                                                         {"Tags.member.1.Key", "team"},
                                                                         {"Tags.member.1.Value", "x"},
                                                                         {"Tags.member.2.Key", "env"},
                                                                         {"Tags.member.2.Value", ""}}));

  detail::TestShape t;
  ASSERT_TRUE(detail::decode_json_request(
      detail::kTestModel,
      body(R"({"Flag":false,"When":1700000000,"Labels":{"k":7},"Data":"AAEC","Inner":{"Name":"n"},"Grid":[["g"]]})"),
      t));
  Params q = detail::flatten_request(detail::kTestModel, t);
  got.clear();
  for (const Param& x : q.items()) got.emplace_back(x.name, x.value);
  EXPECT_EQ(got, (std::vector<std::pair<std::string, std::string>>{{"Data", "AAEC"},
                                                                   {"Flag", "false"},
                                                                   {"Grid.member.1.member.1", "g"},
                                                                   {"Inner.Name", "n"},
                                                                   {"Labels.entry.1.key", "k"},
                                                                   {"Labels.entry.1.value", "7"},
                                                                   {"When", "2023-11-14T22:13:20Z"}}));
}

// ---- encoding ---------------------------------------------------------------------------------

TEST(JsonEncode, DescribeAccountByteForByte) {
  RecordingOrganizations svc;
  organizations::Account a;
  a.id = "111122223333";
  a.arn = "arn:aws:organizations::123456789012:account/o-exampleorgid/111122223333";
  a.email = "dev+\"quoted\"@example.com";
  a.name = "D\xC3\xA9v\n";
  a.status = "ACTIVE";
  a.joined_method = "CREATED";
  a.joined_timestamp = common::Timestamp{1700000000, 0};
  a.state = "ACTIVE";
  svc.account.account = a;
  Response r = organizations::dispatch(svc, "DescribeAccount", R"({"AccountId":"111122223333"})", "req-1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/x-amz-json-1.1");
  EXPECT_EQ(r.body,
            "{\"Account\":{\"Id\":\"111122223333\",\"Arn\":\"arn:aws:organizations::123456789012:account/"
            "o-exampleorgid/111122223333\",\"Email\":\"dev+\\\"quoted\\\"@example.com\",\"Name\":\"D\xC3\xA9v\\n\","
            "\"Status\":\"ACTIVE\",\"JoinedMethod\":\"CREATED\",\"JoinedTimestamp\":1700000000,\"State\":\"ACTIVE\"}}");
  EXPECT_EQ(svc.begun_operation, "DescribeAccount");
  EXPECT_EQ(svc.begun, (std::vector<std::pair<std::string, std::string>>{{"AccountId", "111122223333"}}));
  EXPECT_TRUE(svc.ended);
}

TEST(JsonEncode, NestedListsOptionalMembersAndFractionalTimestamps) {
  RecordingOrganizations svc;
  organizations::Account a;
  a.id = "111122223333";
  a.joined_timestamp = common::Timestamp{1700000000, 450000000};
  organizations::Account b;
  b.name = "only a name";
  svc.accounts.accounts = {a, b};
  svc.accounts.next_token = "tok";
  Response r = organizations::dispatch(svc, "ListAccounts", "{}", "req-1");
  EXPECT_EQ(r.body,
            "{\"Accounts\":[{\"Id\":\"111122223333\",\"JoinedTimestamp\":1700000000.45},{\"Name\":\"only a name\"}],"
            "\"NextToken\":\"tok\"}");

  // A result's list is sent empty; a list inside a structure that is not the result's only by
  // its rule in models/empty_lists.txt (Root.PolicyTypes: sent).
  organizations::Root root;
  root.id = "r-ab12";
  root.name = "Root";
  organizations::Root with_types = root;
  with_types.policy_types = {organizations::PolicyTypeSummary{"SERVICE_CONTROL_POLICY", "ENABLED"}};
  svc.roots.roots = {root, with_types};
  r = organizations::dispatch(svc, "ListRoots", "", "req-1");
  EXPECT_EQ(r.body,
            "{\"Roots\":[{\"Id\":\"r-ab12\",\"Name\":\"Root\",\"PolicyTypes\":[]},{\"Id\":\"r-ab12\",\"Name\":\"Root\","
            "\"PolicyTypes\":"
            "[{\"Type\":\"SERVICE_CONTROL_POLICY\",\"Status\":\"ENABLED\"}]}]}");
  svc.roots.roots.clear();
  r = organizations::dispatch(svc, "ListRoots", "{}", "req-1");
  EXPECT_EQ(r.body, "{\"Roots\":[]}");
}

TEST(JsonEncode, TestModelKinds) {
  detail::TestShape t;
  t.flag = false;
  t.when = common::Timestamp{-2, 500000000};
  t.labels = {{"a\"b", 1}, {"c", 2}};
  t.data = std::string("\x00\x01\x02", 3);
  t.big = -9007199254740993;
  t.inner = detail::TestInner{"in", std::nullopt};
  t.grid = {{"x"}, {}};
  EXPECT_EQ(detail::encode_json_result(detail::kTestModel, t),
            "{\"Flag\":false,\"When\":-1.5,\"Labels\":{\"a\\\"b\":1,\"c\":2},\"Data\":\"AAEC\","
            "\"Big\":-9007199254740993,\"Inner\":{\"Name\":\"in\"},\"Grid\":[[\"x\"],[]]}");
  // Labels' rule sends an empty map; Grid's leaves an empty list out.
  detail::TestShape empty;
  EXPECT_EQ(detail::encode_json_result(detail::kTestModel, empty), "{\"Labels\":{}}");
  // Invalid UTF-8 never reaches the client.
  detail::TestShape bad;
  bad.data.reset();
  bad.inner = detail::TestInner{"a\xff\xc3(b", 1};
  EXPECT_EQ(detail::encode_json_result(detail::kTestModel, bad),
            "{\"Labels\":{},\"Inner\":{\"Name\":\"a\xEF\xBF\xBD\xEF\xBF\xBD(b\",\"Count\":1}}");
}

TEST(JsonEncode, OperationWithoutOutputAnswersAnEmptyObject) {
  RecordingOrganizations svc;
  Response r =
      organizations::dispatch(svc, "AttachPolicy", R"({"PolicyId":"p-examplepolicy","TargetId":"r-ab12"})", "req-1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{}");
  r = organizations::dispatch(svc, "AttachPolicy", R"({"PolicyId":"p-missing0","TargetId":"r-ab12"})", "req-1");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body,
            "{\"__type\":\"PolicyNotFoundException\",\"Message\":\"We can't find a policy with the PolicyId that you "
            "specified.\"}");
}

// ---- hooks, errors, dispatch ------------------------------------------------------------------

TEST(JsonDispatch, BeginOperationErrorIsTheAnswer) {
  RecordingOrganizations svc;
  svc.refuse = common::Error{"AccessDenied", "User: arn:aws:iam::123456789012:user/x is not authorized", {}, {}};
  Response r = organizations::dispatch(svc, "ListRoots", "{}", "req-1");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body,
            "{\"__type\":\"AccessDeniedException\",\"Message\":\"User: arn:aws:iam::123456789012:user/x is not "
            "authorized\"}");
  EXPECT_FALSE(svc.ended);
}

TEST(JsonErrors, Envelope) {
  struct Case {
    common::Error error;
    int status;
    std::string_view body;
  };
  for (
      const Case& c : {
          Case{
              {"MissingAuthenticationToken", "Request is missing Authentication Token", {}, {}},
              400,
              R"({"__type":"com.amazon.coral.service#MissingAuthenticationTokenException","message":"Request is missing Authentication Token"})"},
          Case{
              {"InvalidClientTokenId", "The security token included in the request is invalid.", {}, {}},
              400,
              R"({"__type":"com.amazon.coral.service#UnrecognizedClientException","message":"The security token included in the request is invalid."})"},
          Case{{"SignatureDoesNotMatch", "x", {}, {}},
               400,
               R"({"__type":"com.amazon.coral.service#InvalidSignatureException","message":"x"})"},
          Case{{"ExpiredToken", "y", {}, {}},
               400,
               R"({"__type":"com.amazon.coral.service#ExpiredTokenException","message":"y"})"},
          Case{
              {"InvalidAction", "The operation X is not supported by iamd.", {}, {}},
              400,
              R"({"__type":"com.amazon.coral.service#UnknownOperationException","message":"The operation X is not supported by iamd."})"},
          Case{{"InternalFailure", "boom", {}, {}}, 500, R"({"__type":"ServiceException","Message":"boom"})"},
          Case{{"ServiceFailure", "store", {}, {}}, 500, R"({"__type":"ServiceException","Message":"store"})"},
          Case{
              {"ConstraintViolationException", "too many", {}, "ACCOUNT_NUMBER_LIMIT_EXCEEDED"},
              400,
              R"({"__type":"ConstraintViolationException","Message":"too many","Reason":"ACCOUNT_NUMBER_LIMIT_EXCEEDED"})"},
          Case{{"AWSOrganizationsNotInUseException", "", {}, {}},
               400,
               R"({"__type":"AWSOrganizationsNotInUseException"})"},
      }) {
    Response r = json_error_response(c.error, "req-1");
    EXPECT_EQ(r.status, c.status) << c.error.code;
    EXPECT_EQ(r.body, c.body) << c.error.code;
    EXPECT_EQ(r.content_type, kJsonContentType);
  }
}

TEST(JsonDispatch, TargetsAndUnknownOperations) {
  auto t = parse_json_target("AWSOrganizationsV20161128.ListRoots");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->service, Service::kOrganizations);
  EXPECT_EQ(t->operation, "ListRoots");
  EXPECT_FALSE(parse_json_target("DynamoDB_20120810.ListTables").has_value());
  EXPECT_FALSE(parse_json_target("AWSOrganizationsV20161128").has_value());

  RecordingOrganizations svc;
  Response r = handle_json("AWSOrganizationsV20161128.NoSuchThing", "{not json", JsonHandlers{&svc}, "req-1");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(
      r.body,
      R"({"__type":"com.amazon.coral.service#UnknownOperationException","message":"The operation NoSuchThing is not an operation of AWSOrganizationsV20161128."})");
  EXPECT_TRUE(svc.begun_operation.empty());
  r = handle_json("Other.ListRoots", "{}", JsonHandlers{&svc}, "req-1");
  EXPECT_EQ(
      r.body,
      R"({"__type":"com.amazon.coral.service#UnknownOperationException","message":"The X-Amz-Target 'Other.ListRoots' names no operation iamd serves."})");
  r = handle_json("AWSOrganizationsV20161128.ListRoots", "{\"MaxResults\":", JsonHandlers{&svc}, "req-1");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.body.starts_with(R"({"__type":"com.amazon.coral.service#SerializationException","message":)"))
      << r.body;
  r = handle_json("AWSOrganizationsV20161128.ListRoots", "{}", JsonHandlers{}, "req-1");
  EXPECT_TRUE(r.body.starts_with(R"({"__type":"com.amazon.coral.service#UnknownOperationException")")) << r.body;
}

std::vector<std::string> model_operations() {
  std::ifstream f(std::string(IAMD_MODELS_DIR) + "/organizations.json", std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  rapidjson::Document d;
  d.Parse(s.str().c_str());
  std::vector<std::string> ops;
  if (d.HasParseError()) return ops;
  for (const auto& op : d["operations"].GetObject()) ops.emplace_back(op.name.GetString());
  return ops;
}

// Every operation of the model dispatches: the default handler answers "not supported by
// iamd" as an unknown operation; the empty-result handler answers 200 or, for an operation
// with required members, INPUT_REQUIRED.
TEST(JsonDispatch, EveryModelOperation) {
  const std::vector<std::string> ops = model_operations();
  ASSERT_EQ(ops.size(), 55u);
  std::set<std::string> names;
  for (std::string_view n : organizations::operation_names()) names.emplace(n);
  EXPECT_EQ(names, std::set<std::string>(ops.begin(), ops.end()));
  organizations::OrganizationsService unsupported;
  organizations::EmptyResultOrganizationsService empty;
  int ok = 0;
  for (const std::string& op : ops) {
    Response r = organizations::dispatch(empty, op, "{}", "req-1");
    if (r.status == 200) {
      ++ok;
      EXPECT_TRUE(r.body.starts_with("{") && r.body.ends_with("}")) << op << r.body;
    } else {
      EXPECT_EQ(
          r.body,
          R"({"__type":"InvalidInputException","Message":"You must include a value for all required parameters.","Reason":"INPUT_REQUIRED"})")
          << op;
    }
    Response u = organizations::dispatch(unsupported, op, "{}", "req-1");
    if (u.body.find("INPUT_REQUIRED") != std::string::npos) continue;
    EXPECT_EQ(u.status, 400) << op;
    EXPECT_EQ(u.body, R"({"__type":"com.amazon.coral.service#UnknownOperationException","message":"The operation )" +
                          op + R"( is not supported by iamd."})")
        << op;
  }
  EXPECT_EQ(ok, 14);  // the operations without a required member
}

}  // namespace
}  // namespace iamd::protocol

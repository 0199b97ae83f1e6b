// Every model operation has a generated decoder, handler slot and encoder; routing by
// Action and Version.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "protocol/iam_test_service.h"
#include "protocol/query.h"
#include "protocol/sts_test_service.h"
#include "test_util.h"

namespace iamd::protocol {
namespace {

using testing::params;

struct ModelOperation {
  std::string name;
  bool has_required_input = false;
  bool has_output = false;
};

std::vector<ModelOperation> model_operations(const std::string& file) {
  std::ifstream f(std::string(IAMD_MODELS_DIR) + "/" + file, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  rapidjson::Document d;
  d.Parse(s.str().c_str());
  EXPECT_FALSE(d.HasParseError()) << file;
  std::vector<ModelOperation> ops;
  if (d.HasParseError()) return ops;
  const auto& shapes = d["shapes"];
  for (const auto& op : d["operations"].GetObject()) {
    ModelOperation m{op.name.GetString()};
    if (op.value.HasMember("input")) {
      const auto& in = shapes[op.value["input"]["shape"].GetString()];
      m.has_required_input = in.HasMember("required") && in["required"].Size() > 0;
    }
    m.has_output = op.value.HasMember("output");
    ops.push_back(m);
  }
  return ops;
}

template <class Names>
std::set<std::string> as_set(const Names& names) {
  std::set<std::string> out;
  for (std::string_view n : names) out.emplace(n);
  return out;
}

// For each operation in the model: the generated table has it; with no parameters the
// decoder either rejects missing required members or the handler runs; the base handler says
// "not supported"; the empty-result handler's result encodes as <OpResponse>.
template <class Base, class Empty, class Dispatch>
void check_every_operation(const std::string& model_file, std::span<const std::string_view> names,
                           std::string_view xmlns, std::size_t expected_count, Dispatch dispatch) {
  std::vector<ModelOperation> ops = model_operations(model_file);
  ASSERT_EQ(ops.size(), expected_count);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  std::set<std::string> model_names;
  for (const auto& op : ops) model_names.insert(op.name);
  EXPECT_EQ(as_set(names), model_names);
  Base base;
  Empty empty;
  for (const ModelOperation& op : ops) {
    Response unsupported = dispatch(base, op.name, params(""));
    Response answered = dispatch(empty, op.name, params(""));
    EXPECT_EQ(unsupported.status, 400) << op.name;
    if (op.has_required_input) {
      EXPECT_NE(unsupported.body.find("<Code>ValidationError</Code>"), std::string::npos) << op.name;
      EXPECT_NE(unsupported.body.find("failed to satisfy constraint: Member must not be null"), std::string::npos)
          << op.name;
      EXPECT_EQ(answered.status, 400) << op.name;
      continue;
    }
    EXPECT_NE(unsupported.body.find("<Message>The operation " + op.name + " is not supported by iamd.</Message>"),
              std::string::npos)
        << op.name << unsupported.body;
    ASSERT_EQ(answered.status, 200) << op.name << answered.body;
    std::string root = "<" + op.name + "Response xmlns=\"" + std::string(xmlns) + "\">\n";
    EXPECT_EQ(answered.body.rfind(root, 0), 0u) << answered.body;
    EXPECT_EQ(answered.body.find("<" + op.name + "Result") != std::string::npos, op.has_output) << answered.body;
    EXPECT_NE(answered.body.find("<RequestId>rid</RequestId>"), std::string::npos);
  }
}

TEST(Dispatch, EveryIamOperationIsGenerated) {
  check_every_operation<iam::IamService, iam::EmptyResultIamService>(
      "iam.json", iam::operation_names(), "https://iam.amazonaws.com/doc/2010-05-08/", 158,
      [](iam::IamService& s, const std::string& op, const Params& p) { return iam::dispatch(s, op, p, "rid"); });
}

TEST(Dispatch, EveryStsOperationIsGenerated) {
  check_every_operation<sts::StsService, sts::EmptyResultStsService>(
      "sts.json", sts::operation_names(), "https://sts.amazonaws.com/doc/2011-06-15/", 8,
      [](sts::StsService& s, const std::string& op, const Params& p) { return sts::dispatch(s, op, p, "rid"); });
}

TEST(Dispatch, UnknownActionIsInvalidAction) {
  iam::EmptyResultIamService svc;
  Response r = iam::dispatch(svc, "Frobnicate", params(""), "rid");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("<Code>InvalidAction</Code>"), std::string::npos);
  EXPECT_NE(r.body.find("<Message>Could not find operation Frobnicate for version 2010-05-08</Message>"),
            std::string::npos);
  // Action names are case-sensitive.
  EXPECT_EQ(iam::dispatch(svc, "createuser", params("UserName=bob"), "rid").status, 400);
}

TEST(Query, RoutesByActionAndVersion) {
  iam::EmptyResultIamService iam_svc;
  sts::EmptyResultStsService sts_svc;
  Handlers h{&iam_svc, &sts_svc};
  Response user = handle_query(params("Action=CreateUser&Version=2010-05-08&UserName=bob"), h, std::nullopt, "r");
  EXPECT_EQ(user.status, 200);
  EXPECT_EQ(user.body.rfind("<CreateUserResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">", 0), 0u);
  Response who = handle_query(params("Action=GetCallerIdentity&Version=2011-06-15"), h, std::nullopt, "r");
  EXPECT_EQ(who.status, 200);
  EXPECT_EQ(who.body.rfind("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">", 0), 0u);
  // Without Version the SigV4 scope decides.
  Response scoped = handle_query(params("Action=GetCallerIdentity"), h, Service::kSts, "r");
  EXPECT_EQ(scoped.status, 200);
}

struct RouteError {
  const char* body;
  std::optional<Service> scope;
  const char* code;
  const char* message;
  const char* xmlns;
};

TEST(Query, RoutingErrors) {
  iam::EmptyResultIamService iam_svc;
  sts::EmptyResultStsService sts_svc;
  const RouteError cases[] = {
      {"Version=2010-05-08", std::nullopt, "MissingAction", "The request is missing an action or a required parameter.",
       "https://iam.amazonaws.com/doc/2010-05-08/"},
      {"Action=&Version=2010-05-08", std::nullopt, "MissingAction",
       "The request is missing an action or a required parameter.", "https://iam.amazonaws.com/doc/2010-05-08/"},
      {"Action=CreateUser&Version=2099-01-01", std::nullopt, "InvalidAction",
       "Could not find operation CreateUser for version 2099-01-01", "https://iam.amazonaws.com/doc/2010-05-08/"},
      {"Action=CreateUser&Version=2011-06-15&UserName=bob", std::nullopt, "InvalidAction",
       "Could not find operation CreateUser for version 2011-06-15", "https://sts.amazonaws.com/doc/2011-06-15/"},
      {"Action=ListUsers", std::nullopt, "MissingParameter", "The request must contain the parameter Version.",
       "https://iam.amazonaws.com/doc/2010-05-08/"},
      {"Version=2011-06-15", Service::kSts, "MissingAction",
       "The request is missing an action or a required parameter.", "https://sts.amazonaws.com/doc/2011-06-15/"},
  };
  for (const RouteError& c : cases) {
    Response r = handle_query(params(c.body), Handlers{&iam_svc, &sts_svc}, c.scope, "r");
    EXPECT_EQ(r.status, 400) << c.body;
    EXPECT_NE(r.body.find(std::string("<Code>") + c.code + "</Code>"), std::string::npos) << c.body << r.body;
    EXPECT_NE(r.body.find(std::string("<Message>") + c.message + "</Message>"), std::string::npos) << c.body << r.body;
    EXPECT_EQ(r.body.rfind(std::string("<ErrorResponse xmlns=\"") + c.xmlns + "\">", 0), 0u) << c.body << r.body;
  }
  // A service without a handler answers InvalidAction.
  Response no_sts = handle_query(params("Action=GetCallerIdentity&Version=2011-06-15"), Handlers{&iam_svc, nullptr},
                                 std::nullopt, "r");
  EXPECT_NE(no_sts.body.find("<Code>InvalidAction</Code>"), std::string::npos);
}

TEST(Query, ExtractAction) {
  auto ref = extract_action(params("Action=AssumeRole&Version=2011-06-15"));
  ASSERT_TRUE(ref.has_value());
  EXPECT_EQ(ref->action, "AssumeRole");
  EXPECT_EQ(ref->version, "2011-06-15");
  auto bare = extract_action(params("Action=ListUsers"));
  ASSERT_TRUE(bare.has_value());
  EXPECT_FALSE(bare->version);
  EXPECT_EQ(service_for_version("2010-05-08"), Service::kIam);
  EXPECT_EQ(service_for_version("2011-06-15"), Service::kSts);
  EXPECT_FALSE(service_for_version("2012-10-17"));
}

}  // namespace
}  // namespace iamd::protocol

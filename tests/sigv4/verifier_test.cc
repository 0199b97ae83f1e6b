// The verifier end to end over requests made by the signer: every error path with its exact
// AWS code and message, the clock-skew and presign-expiry boundaries, tampering, header
// normalisation, repeated headers, session tokens and the signing-key cache.
#include "sigv4/verifier.h"

#include <gtest/gtest.h>

#include <functional>
#include <thread>

#include "common/strings.h"
#include "sigv4/crypto.h"
#include "sigv4/errors.h"
#include "sigv4/regions.h"
#include "sigv4/signer.h"
#include "vectors.h"

namespace iamd::sigv4 {
namespace {

using testing::MapLookup;

constexpr std::int64_t kT = 1440938160;  // 20150830T123600Z
constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const std::string kMismatch(kSignatureDoesNotMatchMessage);

SigningParams params(std::string akid = "AKIDEXAMPLE", std::string secret = kSecret, std::string token = "",
                     std::string region = "us-east-1", std::string service = "iam") {
  return SigningParams{std::move(akid),   std::move(secret),  std::move(token),
                       std::move(region), std::move(service), common::Timestamp{kT, 0}};
}

// What the aws CLI sends for IAM: a form-encoded POST.
Request iam_post(const SigningParams& p = params()) {
  Request r;
  r.method = "POST";
  r.path = "/";
  r.headers = {{"Host", "iam.amazonaws.com"},
               {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
               {"X-Custom", "a b"}};
  r.body = "Action=ListUsers&Version=2010-05-08";
  sign(r, p);
  return r;
}

// A presigned STS GetCallerIdentity (as an EKS token carries).
Request sts_presigned(std::int64_t expires = 60,
                      const SigningParams& p = params("AKIDEXAMPLE", kSecret, "", "us-east-1", "sts")) {
  Request r;
  r.method = "GET";
  r.path = "/";
  r.query = "Action=GetCallerIdentity&Version=2011-06-15";
  r.headers = {{"Host", "sts.amazonaws.com"}};
  presign(r, p, expires);
  return r;
}

void replace_in_header(Request& r, std::string_view name, const std::string& from, const std::string& to) {
  for (auto& [n, v] : r.headers) {
    if (common::iequals(n, name)) {
      std::size_t at = v.find(from);
      ASSERT_NE(at, std::string::npos) << v;
      v.replace(at, from.size(), to);
    }
  }
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

class VerifierTest : public ::testing::Test {
 protected:
  VerifierTest() {
    lookup_.secrets["AKIDEXAMPLE"] = kSecret;
    lookup_.secrets["ASIATEMP"] = "temporary-secret";
    lookup_.tokens["ASIATEMP"] = "token-1";
  }
  common::Result<VerifiedRequest> verify(const Request& r, VerifyOptions options = {}) {
    Verifier v(lookup_, clock_, std::move(options));
    return v.verify(r);
  }
  MapLookup lookup_;
  common::FixedClock clock_{common::Timestamp{kT, 0}};
};

TEST_F(VerifierTest, AcceptsSignedRequests) {
  auto r = verify(iam_post());
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(r->region, "us-east-1");
  EXPECT_EQ(r->service, "iam");
  EXPECT_EQ(r->signing_time, (common::Timestamp{kT, 0}));
  EXPECT_EQ(r->session_token, "");
  EXPECT_FALSE(r->presigned);
  auto p = verify(sts_presigned());
  ASSERT_TRUE(p.has_value()) << p.error().message;
  EXPECT_EQ(p->service, "sts");
  EXPECT_TRUE(p->presigned);
}

struct ErrorCase {
  const char* name;
  std::function<void(Request&)> mutate;  // applied to a signed iam_post()
  const char* code;
  std::string message;
  std::function<void(VerifyOptions&)> options = nullptr;
};

TEST_F(VerifierTest, ErrorPaths) {
  const std::string form = "application/x-www-form-urlencoded; charset=utf-8";
  std::vector<ErrorCase> cases = {
      {"no authentication", [](Request& r) { r.remove_header("Authorization"); }, "MissingAuthenticationToken",
       "Request is missing Authentication Token"},
      {"header and presigned query", [](Request& r) { r.query = "X-Amz-Signature=abc"; }, "IncompleteSignature",
       "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should "
       "be specified"},
      {"credential only",
       [](Request& r) {
         r.remove_header("Authorization");
         r.headers.emplace_back("Authorization",
                                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request");
       },
       "IncompleteSignature",
       "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' "
       "parameter. Authorization=AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request"},
      {"no date header",
       [](Request& r) {
         r.remove_header("X-Amz-Date");
         r.remove_header("Authorization");
         r.headers.emplace_back("Authorization", "AWS4-HMAC-SHA256 Credential=C, SignedHeaders=host, Signature=S");
       },
       "IncompleteSignature",
       "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
       "Authorization=AWS4-HMAC-SHA256 Credential=C, SignedHeaders=host, Signature=S"},
      {"missing equal sign", [](Request& r) { replace_in_header(r, "Authorization", "Signature=", "Signature"); },
       "IncompleteSignature", ""},
      {"unsupported algorithm", [](Request& r) { replace_in_header(r, "Authorization", "SHA256", "SHA1"); },
       "IncompleteSignature", "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA1'"},
      {"x-amz-date not basic format",
       [](Request& r) {
         r.remove_header("X-Amz-Date");
         r.headers.emplace_back("X-Amz-Date", "2015-08-30T12:36:00Z");
       },
       "IncompleteSignature",
       "Date must be in ISO-8601 'basic format'. Got '2015-08-30T12:36:00Z'. See "
       "http://en.wikipedia.org/wiki/ISO_8601"},
      {"unparseable date header",
       [](Request& r) {
         r.remove_header("X-Amz-Date");
         r.headers.emplace_back("Date", "yesterday");
       },
       "IncompleteSignature",
       "Date must be in ISO-8601 'basic format'. Got 'yesterday'. See http://en.wikipedia.org/wiki/ISO_8601"},
      {"credential with four elements", [](Request& r) { replace_in_header(r, "Authorization", "/aws4_request", ""); },
       "IncompleteSignature",
       "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got "
       "'AKIDEXAMPLE/20150830/us-east-1/iam'"},
      {"wrong terminator", [](Request& r) { replace_in_header(r, "Authorization", "aws4_request", "aws5_request"); },
       "SignatureDoesNotMatch",
       "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'."},
      {"scope date differs from x-amz-date",
       [](Request& r) { replace_in_header(r, "Authorization", "/20150830/", "/20150831/"); }, "SignatureDoesNotMatch",
       "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20150831' != "
       "'20150830', from '20150830T123600Z'."},
      {"region not allowed", [](Request& r) { replace_in_header(r, "Authorization", "/us-east-1/", "/mars-1/"); },
       "SignatureDoesNotMatch", "Credential should be scoped to a valid region, not 'mars-1'. ",
       [](VerifyOptions& o) {
         o.regions = {"us-east-1", "eu-west-1"};
       }},
      {"empty region", [](Request& r) { replace_in_header(r, "Authorization", "/us-east-1/", "//"); },
       "SignatureDoesNotMatch", "Credential should be scoped to a valid region, not ''. "},
      {"service not allowed", [](Request& r) { replace_in_header(r, "Authorization", "/iam/", "/s3/"); },
       "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'iam'. ",
       [](VerifyOptions& o) {
         o.services = {"iam", "sts"};
       }},
      {"host not signed",
       [](Request& r) {
         r.headers.clear();
         r.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
         sign(r, params());
         r.headers.emplace_back("Host", "iam.amazonaws.com");
       },
       "IncompleteSignature", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."},
      {"unknown access key", [](Request& r) { sign(r, params("AKIDUNKNOWN")); }, "InvalidClientTokenId",
       "The security token included in the request is invalid."},
      {"session token of another session",
       [](Request& r) { sign(r, params("ASIATEMP", "temporary-secret", "token-2")); }, "InvalidClientTokenId",
       "The security token included in the request is invalid."},
      {"temporary key without its token", [](Request& r) { sign(r, params("ASIATEMP", "temporary-secret")); },
       "InvalidClientTokenId", "The security token included in the request is invalid."},
      {"wrong secret", [](Request& r) { sign(r, params("AKIDEXAMPLE", "not-the-secret")); }, "SignatureDoesNotMatch",
       kMismatch},
      {"tampered body", [](Request& r) { r.body += "&PathPrefix=%2F"; }, "SignatureDoesNotMatch", kMismatch},
      {"tampered signed header", [](Request& r) { replace_in_header(r, "X-Custom", "a b", "a c"); },
       "SignatureDoesNotMatch", kMismatch},
      {"tampered x-amz-date (same day, in the window)",
       [](Request& r) { replace_in_header(r, "X-Amz-Date", "123600Z", "123601Z"); }, "SignatureDoesNotMatch",
       kMismatch},
      {"tampered query", [](Request& r) { r.query = "Action=DeleteUser"; }, "SignatureDoesNotMatch", kMismatch},
      {"tampered path", [](Request& r) { r.path = "/admin"; }, "SignatureDoesNotMatch", kMismatch},
      {"tampered method", [](Request& r) { r.method = "PUT"; }, "SignatureDoesNotMatch", kMismatch},
      {"signed header removed", [](Request& r) { r.remove_header("X-Custom"); }, "SignatureDoesNotMatch", kMismatch},
      {"signed header repeated", [](Request& r) { r.headers.emplace_back("x-custom", "more"); },
       "SignatureDoesNotMatch", kMismatch},
      {"tampered signature",
       [](Request& r) {
         std::string& a = r.headers.back().second;
         a.back() = a.back() == '0' ? '1' : '0';
       },
       "SignatureDoesNotMatch", kMismatch},
      {"short signature",
       [](Request& r) {
         std::string& a = r.headers.back().second;
         a.resize(a.size() - 1);
       },
       "SignatureDoesNotMatch", kMismatch},
      {"uppercase signature",
       [](Request& r) {
         std::string& a = r.headers.back().second;
         std::size_t at = a.find("Signature=") + 10;
         for (std::size_t i = at; i < a.size(); ++i) a[i] = static_cast<char>(std::toupper(a[i]));
       },
       "SignatureDoesNotMatch", kMismatch},
      {"x-amz-content-sha256 differs from the body",
       [](Request& r) {
         r.headers.emplace_back("X-Amz-Content-SHA256", to_hex(sha256("another body")));
         sign(r, params());
       },
       "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed."},
      {"unsigned payload not accepted",
       [](Request& r) {
         r.headers.emplace_back("X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD");
         sign(r, params());
       },
       "SignatureDoesNotMatch", kMismatch},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Request r = iam_post();
    c.mutate(r);
    VerifyOptions o;
    if (c.options) c.options(o);
    auto result = verify(r, o);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code, c.code);
    if (!c.message.empty()) {
      EXPECT_EQ(result.error().message, c.message);
    }
  }
}

// The scope must name the service the request is for (the gateway knows it from the
// request's Version) and a Region of AWS's table; the errors name the expected service.
TEST_F(VerifierTest, ScopeNamesTheRequestedServiceAndARealRegion) {
  VerifyOptions o;
  o.services = {"iam", "sts"};
  for (std::string_view region : aws_regions()) o.regions.emplace_back(region);
  Verifier v(lookup_, clock_, o);
  struct Case {
    const char* name;
    Request request;
    std::string_view service;
    const char* message;  // empty: accepted
  };
  const std::vector<Case> cases = {
      {"iam for iam", iam_post(), "iam", ""},
      {"iam, service not known", iam_post(), "", ""},
      {"sts for sts", sts_presigned(), "sts", ""},
      {"regional sts", sts_presigned(60, params("AKIDEXAMPLE", kSecret, "", "eu-west-1", "sts")), "sts", ""},
      {"iam signed in another region", iam_post(params("AKIDEXAMPLE", kSecret, "", "ap-southeast-7")), "iam", ""},
      {"iam scope for an sts request", iam_post(), "sts", "Credential should be scoped to correct service: 'sts'. "},
      {"sts scope for an iam request", sts_presigned(), "iam",
       "Credential should be scoped to correct service: 'iam'. "},
      {"s3 scope", iam_post(params("AKIDEXAMPLE", kSecret, "", "us-east-1", "s3")), "iam",
       "Credential should be scoped to correct service: 'iam'. "},
      {"s3 scope, service not known", iam_post(params("AKIDEXAMPLE", kSecret, "", "us-east-1", "s3")), "",
       "Credential should be scoped to correct service: 'iam'. "},
      {"invented region", iam_post(params("AKIDEXAMPLE", kSecret, "", "xx-fake-1")), "iam",
       "Credential should be scoped to a valid region, not 'xx-fake-1'. "},
      {"region in upper case", iam_post(params("AKIDEXAMPLE", kSecret, "", "US-EAST-1")), "iam",
       "Credential should be scoped to a valid region, not 'US-EAST-1'. "},
      {"region with markup", iam_post(params("AKIDEXAMPLE", kSecret, "", "us-east-1\"<x>")), "iam",
       "Credential should be scoped to a valid region, not 'us-east-1\"<x>'. "},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = v.verify(c.request, c.service);
    if (std::string_view(c.message).empty()) {
      ASSERT_TRUE(r.has_value()) << r.error().message;
      continue;
    }
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, "SignatureDoesNotMatch");
    EXPECT_EQ(r.error().message, c.message);
  }
}

TEST(Regions, TableIsSortedUniqueAndComplete) {
  auto regions = aws_regions();
  ASSERT_FALSE(regions.empty());
  for (std::size_t i = 1; i < regions.size(); ++i) EXPECT_LT(regions[i - 1], regions[i]);
  for (std::string_view r : regions) EXPECT_TRUE(is_aws_region(r)) << r;
  for (std::string_view r : {"us-east-1", "eu-west-1", "ap-southeast-7", "mx-central-1", "il-central-1", "ca-west-1"}) {
    EXPECT_TRUE(is_aws_region(r)) << r;
  }
  for (std::string_view r :
       {"", "xx-fake-1", "us-east-1 ", "US-EAST-1", "aws-global", "cn-north-2", "us-gov-1", "us-east-1,x"}) {
    EXPECT_FALSE(is_aws_region(r)) << r;
    EXPECT_EQ(partition_of_region(r), "") << r;
  }
}

// The partition of each Region: one definition, used for every ARN of a request.
TEST(Regions, PartitionOfRegion) {
  struct Case {
    std::string_view region, partition;
  };
  for (const Case& c :
       {Case{"us-east-1", "aws"}, Case{"eu-west-1", "aws"}, Case{"ap-southeast-7", "aws"}, Case{"cn-north-1", "aws-cn"},
        Case{"cn-northwest-1", "aws-cn"}, Case{"us-gov-west-1", "aws-us-gov"}, Case{"us-gov-east-1", "aws-us-gov"},
        Case{"us-west-2", "aws"}}) {
    EXPECT_TRUE(is_aws_region(c.region)) << c.region;
    EXPECT_EQ(partition_of_region(c.region), c.partition) << c.region;
  }
  for (std::string_view r : aws_regions()) EXPECT_NE(partition_of_region(r), "") << r;
}

TEST_F(VerifierTest, PresignedErrorPaths) {
  std::vector<ErrorCase> cases = {
      {"signature removed", [](Request& r) { r.query = r.query.substr(0, r.query.find("&X-Amz-Signature=")); },
       "IncompleteSignature",
       "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, "
       "X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."},
      {"expires out of range",
       [](Request& r) { r.query = replace_all(r.query, "X-Amz-Expires=60", "X-Amz-Expires=0"); }, "IncompleteSignature",
       "X-Amz-Expires must be greater than 0"},
      {"bad date", [](Request& r) { r.query = replace_all(r.query, "X-Amz-Date=20150830T123600Z", "X-Amz-Date=1"); },
       "IncompleteSignature",
       "Date must be in ISO-8601 'basic format'. Got '1'. See http://en.wikipedia.org/wiki/ISO_8601"},
      {"both forms", [](Request& r) { r.headers.emplace_back("Authorization", "AWS4-HMAC-SHA256 Credential=x"); },
       "IncompleteSignature",
       "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should "
       "be specified"},
      {"tampered operation", [](Request& r) { r.query = replace_all(r.query, "GetCallerIdentity", "GetSessionToken"); },
       "SignatureDoesNotMatch", kMismatch},
      {"expiry extended", [](Request& r) { r.query = replace_all(r.query, "X-Amz-Expires=60", "X-Amz-Expires=61"); },
       "SignatureDoesNotMatch", kMismatch},
      {"tampered host",
       [](Request& r) {
         r.headers = {{"Host", "sts.example.com"}};
       },
       "SignatureDoesNotMatch", kMismatch},
      {"host not signed",
       [](Request& r) {
         r.headers.clear();
         r.query = "Action=GetCallerIdentity&Version=2011-06-15";
         presign(r, params("AKIDEXAMPLE", kSecret, "", "us-east-1", "sts"), 60);
         r.headers = {{"Host", "sts.amazonaws.com"}};
       },
       "IncompleteSignature", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."},
      {"unknown key",
       [](Request& r) {
         r.query = "Action=GetCallerIdentity&Version=2011-06-15";
         presign(r, params("AKIDOTHER", kSecret, "", "us-east-1", "sts"), 60);
       },
       "InvalidClientTokenId", "The security token included in the request is invalid."},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Request r = sts_presigned();
    c.mutate(r);
    auto result = verify(r);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code, c.code);
    EXPECT_EQ(result.error().message, c.message);
  }
}

TEST_F(VerifierTest, LookupErrorsPassThrough) {
  class Expired final : public CredentialLookup {
   public:
    common::Result<Credential> lookup(std::string_view, std::string_view) const override {
      return common::Error{"ExpiredToken", "The security token included in the request is expired", ""};
    }
  } expired;
  Verifier v(expired, clock_);
  auto r = v.verify(iam_post());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "ExpiredToken");
  EXPECT_EQ(r.error().message, "The security token included in the request is expired");
}

TEST_F(VerifierTest, ClockSkewBoundaries) {
  struct Case {
    std::int64_t now_offset;
    const char* message;  // empty: accepted
  } cases[] = {
      {0, ""},
      {900, ""},
      {-900, ""},
      {901, "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T125101Z - 15 min.)"},
      {-901,
       "Signature not yet current: 20150830T123600Z is still later than 20150830T123559Z (20150830T122059Z + 15 "
       "min.)"},
      {86400, "Signature expired: 20150830T123600Z is now earlier than 20150831T122100Z (20150831T123600Z - 15 min.)"},
  };
  Request r = iam_post();
  for (const auto& c : cases) {
    SCOPED_TRACE(c.now_offset);
    clock_.set({kT + c.now_offset, 999999999});
    auto result = verify(r);
    if (*c.message == '\0') {
      EXPECT_TRUE(result.has_value()) << result.error().message;
    } else {
      ASSERT_FALSE(result.has_value());
      EXPECT_EQ(result.error().code, "SignatureDoesNotMatch");
      EXPECT_EQ(result.error().message, c.message);
    }
  }
  // The window is an option.
  clock_.set({kT + 301, 0});
  VerifyOptions five;
  five.max_skew_seconds = 300;
  auto narrow = verify(r, five);
  ASSERT_FALSE(narrow.has_value());
  EXPECT_EQ(narrow.error().message,
            "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T124101Z - 5 min.)");
}

TEST_F(VerifierTest, PresignedExpiry) {
  struct Case {
    std::int64_t expires;
    std::int64_t now_offset;
    const char* code;  // empty: accepted
    const char* message;
  } cases[] = {
      {60, 0, "", ""},
      {60, 60, "", ""},
      {60, 61, "RequestExpired", "Request has expired."},
      {604800, 604800, "", ""},
      {604800, 604801, "RequestExpired", "Request has expired."},
      {3600, 1200, "", ""},  // older than the 15-minute skew, still within X-Amz-Expires
      {60, -900, "", ""},
      {60, -901, "SignatureDoesNotMatch",
       "Signature not yet current: 20150830T123600Z is still later than 20150830T123559Z (20150830T122059Z + 15 "
       "min.)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::to_string(c.expires) + " " + std::to_string(c.now_offset));
    clock_.set({kT + c.now_offset, 0});
    auto result = verify(sts_presigned(c.expires));
    if (*c.code == '\0') {
      EXPECT_TRUE(result.has_value()) << result.error().message;
    } else {
      ASSERT_FALSE(result.has_value());
      EXPECT_EQ(result.error().code, c.code);
      EXPECT_EQ(result.error().message, c.message);
    }
  }
}

TEST_F(VerifierTest, HeaderWhitespaceAndNameCaseDoNotMatter) {
  struct Case {
    const char* name;
    std::function<void(Request&)> mutate;
  } cases[] = {
      {"extra spaces", [](Request& r) { replace_in_header(r, "X-Custom", "a b", "   a     b   "); }},
      {"tabs", [](Request& r) { replace_in_header(r, "X-Custom", "a b", "\ta\t\tb "); }},
      {"lowercase name", [](Request& r) { r.headers[2].first = "x-custom"; }},
      {"mixed-case names",
       [](Request& r) {
         r.headers[0].first = "hOsT";
         r.headers[2].first = "X-cUsToM";
       }},
      {"reordered headers", [](Request& r) { std::swap(r.headers[0], r.headers[2]); }},
      {"unsigned headers added",
       [](Request& r) {
         r.headers.emplace_back("User-Agent", "aws-cli/2");
         r.headers.emplace_back("X-Forwarded-For", "10.0.0.1");
       }},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Request r = iam_post();
    c.mutate(r);
    auto result = verify(r);
    EXPECT_TRUE(result.has_value()) << result.error().message;
  }
  Request get;
  get.headers = {{"Host", "iam.amazonaws.com"}};
  get.query = "Action=ListUsers&Marker=a%7Eb%20c&Version=2010-05-08";
  sign(get, params());
  get.query = "Version=2010-05-08&Marker=a~b+c&Action=ListUsers";
  auto result = verify(get);
  EXPECT_TRUE(result.has_value()) << result.error().message;
}

TEST_F(VerifierTest, RepeatedHeadersAreJoinedInOrder) {
  Request r;
  r.headers = {{"Host", "iam.amazonaws.com"}, {"X-Multi", "one"}, {"x-multi", " two  2 "}};
  sign(r, params());
  ASSERT_NE(r.header("Authorization")->find("SignedHeaders=host;x-amz-date;x-multi,"), std::string::npos);
  EXPECT_TRUE(verify(r).has_value());
  Request swapped = r;
  std::swap(swapped.headers[1].second, swapped.headers[2].second);
  EXPECT_EQ(verify(swapped).error().code, "SignatureDoesNotMatch");
  Request dropped = r;
  dropped.headers.erase(dropped.headers.begin() + 2);
  EXPECT_EQ(verify(dropped).error().code, "SignatureDoesNotMatch");
}

TEST_F(VerifierTest, DateHeaderInsteadOfXAmzDate) {
  Request r;
  r.method = "POST";
  r.headers = {{"Host", "iam.amazonaws.com"}, {"Date", "Sun, 30 Aug 2015 12:36:00 GMT"}};
  r.body = "Action=GetUser&Version=2010-05-08";
  sign(r, params());
  EXPECT_EQ(r.header("X-Amz-Date"), nullptr);
  auto result = verify(r);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(result->signing_time, (common::Timestamp{kT, 0}));
  // X-Amz-Date wins over Date when both are present.
  r.headers.emplace_back("X-Amz-Date", "20150830T123700Z");
  EXPECT_EQ(verify(r).error().code, "SignatureDoesNotMatch");
}

TEST_F(VerifierTest, SessionTokensAreReturned) {
  auto signed_token = verify(iam_post(params("ASIATEMP", "temporary-secret", "token-1")));
  ASSERT_TRUE(signed_token.has_value()) << signed_token.error().message;
  EXPECT_EQ(signed_token->session_token, "token-1");
  EXPECT_EQ(signed_token->access_key_id, "ASIATEMP");
  // botocore signs the token; other clients may send it unsigned: both are accepted.
  Request unsigned_token = iam_post(params("ASIATEMP", "temporary-secret"));
  unsigned_token.headers.emplace_back("X-Amz-Security-Token", "token-1");
  auto u = verify(unsigned_token);
  ASSERT_TRUE(u.has_value()) << u.error().message;
  EXPECT_EQ(u->session_token, "token-1");
  auto presigned = verify(sts_presigned(60, params("ASIATEMP", "temporary-secret", "token-1", "us-east-1", "sts")));
  ASSERT_TRUE(presigned.has_value()) << presigned.error().message;
  EXPECT_EQ(presigned->session_token, "token-1");
  EXPECT_TRUE(presigned->presigned);
}

TEST_F(VerifierTest, UnsignedPayloadWhenAllowed) {
  Request r;
  r.method = "POST";
  r.headers = {{"Host", "iam.amazonaws.com"}, {"X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD"}};
  r.body = "anything";
  sign(r, params());
  VerifyOptions o;
  o.allow_unsigned_payload = true;
  EXPECT_TRUE(verify(r, o).has_value());
  EXPECT_EQ(verify(r).error().code, "SignatureDoesNotMatch");
}

TEST_F(VerifierTest, CacheHitGivesTheSameResult) {
  Verifier v(lookup_, clock_);
  Request r = iam_post();
  auto first = v.verify(r);
  auto second = v.verify(r);
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(first->access_key_id, second->access_key_id);
  EXPECT_EQ(first->region, second->region);
  EXPECT_EQ(first->service, second->service);
  EXPECT_EQ(first->signing_time, second->signing_time);
  EXPECT_EQ(first->session_token, second->session_token);
  EXPECT_EQ(v.key_cache().misses(), 1u);
  EXPECT_EQ(v.key_cache().hits(), 1u);
  EXPECT_EQ(lookup_.calls, 2);  // the secret is looked up every time: revocation takes effect at once
  // A wrong signature is still caught on a cache hit.
  Request bad = r;
  bad.body += "x";
  EXPECT_EQ(v.verify(bad).error().code, "SignatureDoesNotMatch");
  EXPECT_EQ(v.key_cache().hits(), 2u);
}

TEST_F(VerifierTest, ExplainsMismatchWhenAsked) {
  Request r = iam_post();
  r.body = "Action=ListRoles&Version=2010-05-08";
  VerifyOptions o;
  o.explain_signature_mismatch = true;
  auto result = verify(r, o);
  ASSERT_FALSE(result.has_value());
  const std::string& m = result.error().message;
  EXPECT_EQ(m.rfind(kMismatch + "\n\nThe Canonical String for this request should have been\n'POST\n/\n\n", 0), 0u)
      << m;
  EXPECT_NE(m.find("\n" + to_hex(sha256(r.body)) +
                   "'\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n"
                   "20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n"),
            std::string::npos)
      << m;
}

TEST_F(VerifierTest, ConcurrentVerification) {
  Verifier v(lookup_, clock_);
  std::vector<Request> requests = {iam_post(), sts_presigned(),
                                   iam_post(params("ASIATEMP", "temporary-secret", "token-1"))};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        if (!v.verify(requests[(i + t) % requests.size()]).has_value()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace iamd::sigv4

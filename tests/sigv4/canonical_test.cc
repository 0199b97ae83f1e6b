// Table tests of the building blocks: encodings, canonical parts, dates, header and query
// parsing, HMAC and key derivation, the signing-key cache.
#include "sigv4/canonical.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "sigv4/authorization.h"
#include "sigv4/crypto.h"
#include "sigv4/errors.h"
#include "sigv4/key_cache.h"

namespace iamd::sigv4 {
namespace {

std::string uri(std::string_view path) {
  std::string out;
  append_canonical_uri(path, out);
  return out;
}

std::string query(std::string_view q, bool presigned = false) {
  std::string out;
  append_canonical_query(q, presigned, out);
  return out;
}

std::string trimmed(std::string_view v) {
  std::string out;
  append_trimmed_header_value(v, out);
  return out;
}

TEST(Canonical, UriEncoding) {
  struct Case {
    const char* in;
    bool keep_slash;
    const char* out;
  } cases[] = {
      {"AZaz09-_.~", false, "AZaz09-_.~"},
      {"a b", false, "a%20b"},
      {"a+b=c&d", false, "a%2Bb%3Dc%26d"},
      {"/x/y", false, "%2Fx%2Fy"},
      {"/x/y", true, "/x/y"},
      {"%", false, "%25"},
      {"\xc3\xa9", false, "%C3%A9"},
      {"*!'()", false, "%2A%21%27%28%29"},
  };
  for (const auto& c : cases) {
    std::string out;
    append_uri_encoded(c.in, c.keep_slash, out);
    EXPECT_EQ(out, c.out) << c.in;
  }
}

TEST(Canonical, PercentDecode) {
  EXPECT_EQ(percent_decode("a%20b+c%2b%7E%7e", true), "a b c+~~");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_EQ(percent_decode("%zz%4%", true), "%zz%4%");
}

TEST(Canonical, Uri) {
  struct Case {
    const char* in;
    const char* out;
  } cases[] = {
      {"", "/"},
      {"/", "/"},
      {"//", "/"},
      {"/a/./b/../c//d/", "/a/c/d/"},
      {"/..", "/"},
      {"/../a", "/a"},
      {"/a/b/..", "/a"},
      {"/foo%20bar", "/foo%2520bar"},  // encoded twice, as non-S3 services do
      {"/a b", "/a%20b"},
      {"/a+b/c=d~e", "/a%2Bb/c%3Dd~e"},
      {"relative/x", "relative/x"},
  };
  for (const auto& c : cases) EXPECT_EQ(uri(c.in), c.out) << c.in;
}

TEST(Canonical, Query) {
  struct Case {
    const char* in;
    bool presigned;
    const char* out;
  } cases[] = {
      {"", false, ""},
      {"b=2&a=1", false, "a=1&b=2"},
      {"a=2&a=10&a=1", false, "a=1&a=10&a=2"},
      {"a", false, "a="},
      {"a=", false, "a="},
      {"a=b+c", false, "a=b%20c"},  // '+' is a space, as the form decoder reads it
      {"a=b%20c", false, "a=b%20c"},
      {"a=%7e&b=~&c=%7E", false, "a=~&b=~&c=~"},
      {"a=%2b", false, "a=%2B"},
      {"a=%zz", false, "a=%25zz"},
      {"&&a=1&", false, "a=1"},
      {"a=b=c", false, "a=b%3Dc"},
      {"B=1&a=1&A=1", false, "A=1&B=1&a=1"},
      {"a-b=1&a%20b=2", false, "a%20b=2&a-b=1"},
      {"X-Amz-Signature=abc&b=1", true, "b=1"},
      {"X-Amz-Signature=abc&b=1", false, "X-Amz-Signature=abc&b=1"},
      {"%58-Amz-Signature=abc&b=1", true, "b=1"},
      {"x-amz-signature=abc", true, "x-amz-signature=abc"},
  };
  for (const auto& c : cases) EXPECT_EQ(query(c.in, c.presigned), c.out) << c.in;
}

TEST(Canonical, TrimmedHeaderValue) {
  struct Case {
    const char* in;
    const char* out;
  } cases[] = {
      {"", ""},         {"   ", ""},           {"a", "a"},         {"  a  ", "a"},
      {"a   b", "a b"}, {"\ta \t b\t", "a b"}, {"a\r\n b", "a b"}, {"\"a  b\"", "\"a b\""},
  };
  for (const auto& c : cases) EXPECT_EQ(trimmed(c.in), c.out) << c.in;
}

TEST(Canonical, RequestJoinsRepeatedHeadersCaseInsensitively) {
  HeaderView headers[] = {{"Host", " example.com "}, {"X-A", "1"}, {"x-a", "  2  3 "}, {"User-Agent", "ua"}};
  RequestView r{"GET", "/", "b=1&a=2", headers, ""};
  EXPECT_EQ(canonical_request(r, "host;x-a;x-missing", std::string(kEmptyPayloadHash), false),
            "GET\n/\na=2&b=1\nhost:example.com\nx-a:1,2 3\nx-missing:\n\nhost;x-a;x-missing\n" +
                std::string(kEmptyPayloadHash));
}

TEST(Canonical, AmzDate) {
  auto t = parse_amz_date("20150830T123600Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->seconds, 1440938160);
  EXPECT_EQ(format_amz_date(*t), "20150830T123600Z");
  EXPECT_TRUE(parse_amz_date("20240229T235959Z").has_value());
  const char* bad[] = {"",
                       "20150830",
                       "20150830T123600",
                       "20150830t123600Z",
                       "2015-08-30T12:36:00Z",
                       "20151330T123600Z",
                       "20150230T123600Z",
                       "20230229T000000Z",
                       "20150830T243600Z",
                       "20150830T126000Z",
                       "20150830T123660Z",
                       "2015083OT123600Z",
                       "20150830T123600Z ",
                       "+0150830T123600Z"};
  for (const char* b : bad) EXPECT_FALSE(parse_amz_date(b).has_value()) << b;
}

TEST(Canonical, HttpDate) {
  const std::int64_t t = 1440938160;  // 2015-08-30T12:36:00Z
  struct Case {
    const char* in;
    std::int64_t seconds;
  } good[] = {
      {"Sun, 30 Aug 2015 12:36:00 GMT", t},   {"Sun, 30 Aug 2015 12:36:00 -0000", t},
      {"30 Aug 2015 12:36:00 UTC", t},        {"Sun, 30 Aug 2015 14:36:00 +0200", t},
      {"Sun, 30 Aug 2015 07:36:00 -0500", t}, {"Tue, 1 Sep 2015 00:00:00 GMT", 1441065600},
  };
  for (const auto& c : good) {
    auto p = parse_http_date(c.in);
    ASSERT_TRUE(p.has_value()) << c.in;
    EXPECT_EQ(p->seconds, c.seconds) << c.in;
  }
  const char* bad[] = {"",
                       "Sun, 30 Aug 2015 12:36:00",
                       "Sun, 30 Foo 2015 12:36:00 GMT",
                       "Sun, 31 Sep 2015 12:36:00 GMT",
                       "Sun, 30 Aug 2015 12:36:00 PST",
                       "20150830T123600Z",
                       "Sun,30 Aug 2015 12:36:00 GMT"};
  for (const char* b : bad) EXPECT_FALSE(parse_http_date(b).has_value()) << b;
}

TEST(Crypto, Sha256AndHmacKnownAnswers) {
  EXPECT_EQ(to_hex(sha256("")), kEmptyPayloadHash);
  std::string jefe = "Jefe";
  EXPECT_EQ(to_hex(hmac_sha256(std::span(reinterpret_cast<const std::uint8_t*>(jefe.data()), jefe.size()),
                               "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");  // RFC 4231 case 2
  std::vector<std::uint8_t> long_key(131, 0xaa);
  EXPECT_EQ(to_hex(hmac_sha256(long_key, "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");  // RFC 4231 case 6
  // AWS's "derive a signing key" example.
  EXPECT_EQ(to_hex(derive_signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam")),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(Crypto, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  EXPECT_TRUE(constant_time_equal("", ""));
}

TEST(AuthorizationHeader, Parses) {
  struct Case {
    const char* header;
    const char* credential;
    const char* signed_headers;
    const char* signature;
  } cases[] = {
      {"AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, "
       "Signature=abc",
       "AKID/20150830/us-east-1/iam/aws4_request", "host;x-amz-date", "abc"},
      {"AWS4-HMAC-SHA256 Credential=C,SignedHeaders=S,Signature=G", "C", "S", "G"},
      {"  AWS4-HMAC-SHA256 Signature=G ,  SignedHeaders=S , Credential=C  ", "C", "S", "G"},
      {"AWS4-HMAC-SHA256 Credential=C, SignedHeaders=S, Signature=G, Credential=X, Other=Y,", "C", "S", "G"},
  };
  for (const auto& c : cases) {
    auto r = parse_authorization(c.header, true);
    ASSERT_TRUE(r.has_value()) << c.header << ": " << r.error().message;
    EXPECT_EQ(r->credential, c.credential);
    EXPECT_EQ(r->signed_headers, c.signed_headers);
    EXPECT_EQ(r->signature, c.signature);
  }
}

TEST(AuthorizationHeader, Errors) {
  struct Case {
    const char* header;
    bool has_date;
    const char* message;
  } cases[] = {
      {"AWS4-HMAC-SHA256 Credential=C", true,
       "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' "
       "parameter. Authorization=AWS4-HMAC-SHA256 Credential=C"},
      {"AWS4-HMAC-SHA256", false,
       "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. "
       "Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either "
       "a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256"},
      {"AWS4-HMAC-SHA256 Credential=C, SignedHeaders=S, Signature=G", false,
       "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
       "Authorization=AWS4-HMAC-SHA256 Credential=C, SignedHeaders=S, Signature=G"},
      {"AWS4-HMAC-SHA256 Credential=C, SignedHeaders, Signature=G", true,
       "'SignedHeaders' not a valid key=value pair (missing equal-sign) in Authorization header: "
       "'AWS4-HMAC-SHA256 Credential=C, SignedHeaders, Signature=G'."},
      {"AWS4-HMAC-SHA256 foo", true,
       "'foo' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 foo'."},
      {"AWS4-HMAC-SHA512 Credential=C, SignedHeaders=S, Signature=G", true,
       "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'"},
      {"Bearer abc", true, "Unsupported AWS 'algorithm': 'Bearer'"},
      {"", true, "Unsupported AWS 'algorithm': ''"},
      {"AWS4-HMAC-SHA256Credential=C", true, "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA256Credential=C'"},
  };
  for (const auto& c : cases) {
    auto r = parse_authorization(c.header, c.has_date);
    ASSERT_FALSE(r.has_value()) << c.header;
    EXPECT_EQ(r.error().code, kIncompleteSignature);
    EXPECT_EQ(r.error().message, c.message);
  }
}

TEST(AuthorizationHeader, Credential) {
  auto c = parse_credential("AKID/20150830/us-east-1/iam/aws4_request");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->access_key_id, "AKID");
  EXPECT_EQ(c->date, "20150830");
  EXPECT_EQ(c->region, "us-east-1");
  EXPECT_EQ(c->service, "iam");
  EXPECT_EQ(c->terminator, "aws4_request");
  EXPECT_EQ(c->scope, "20150830/us-east-1/iam/aws4_request");
  auto empty = parse_credential("////");
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(empty->scope, "///");
  for (const char* bad : {"", "AKID", "AKID/20150830/us-east-1/iam", "AKID/20150830/us-east-1/iam/aws4_request/x"}) {
    auto r = parse_credential(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code, kIncompleteSignature);
    EXPECT_EQ(r.error().message,
              "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '" +
                  std::string(bad) + "'");
  }
}

TEST(PresignedQuery, Parses) {
  auto q = parse_presigned(
      "Action=GetCallerIdentity&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20150830%2Fus-east-1%2Fsts%"
      "2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=604800&X-Amz-SignedHeaders=host%3Bx-a&X-Amz-"
      "Signature=ab&X-Amz-Security-Token=t%2B%2F+x&X-Amz-Expires=1");
  ASSERT_TRUE(q.has_value()) << q.error().message;
  EXPECT_EQ(q->credential, "AKID/20150830/us-east-1/sts/aws4_request");
  EXPECT_EQ(q->amz_date, "20150830T123600Z");
  EXPECT_EQ(q->expires, 604800);
  EXPECT_EQ(q->signed_headers, "host;x-a");
  EXPECT_EQ(q->signature, "ab");
  EXPECT_EQ(q->security_token, "t+/ x");
  EXPECT_TRUE(has_presigned_params("a=1&X-Amz-Signature=x"));
  EXPECT_TRUE(has_presigned_params("X-Amz-Algorithm"));
  EXPECT_TRUE(has_presigned_params("X-Amz-Credential=a"));
  EXPECT_FALSE(has_presigned_params("a=X-Amz-Signature&X-Amz-Date=1&x-amz-signature=2"));
  EXPECT_FALSE(has_presigned_params(""));
}

TEST(PresignedQuery, Errors) {
  const std::string base =
      "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=C&X-Amz-Date=D&X-Amz-SignedHeaders=host&X-Amz-Signature=S";
  const std::string missing =
      "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, "
      "X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.";
  struct Case {
    std::string q;
    std::string message;
  } cases[] = {
      {base, missing},
      {"X-Amz-Signature=S", missing},
      {"X-Amz-Credential=C&X-Amz-Date=D&X-Amz-Expires=1&X-Amz-SignedHeaders=host&X-Amz-Signature=S", missing},
      {"X-Amz-Algorithm=AWS4-HMAC-SHA1&X-Amz-Credential=C&X-Amz-Date=D&X-Amz-Expires=1&X-Amz-SignedHeaders=h&X-Amz-"
       "Signature=S",
       "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\""},
      {base + "&X-Amz-Expires=", "X-Amz-Expires should be a number"},
      {base + "&X-Amz-Expires=abc", "X-Amz-Expires should be a number"},
      {base + "&X-Amz-Expires=1.5", "X-Amz-Expires should be a number"},
      {base + "&X-Amz-Expires=99999999999999999999", "X-Amz-Expires should be a number"},
      {base + "&X-Amz-Expires=-5", "X-Amz-Expires must be non-negative"},
      {base + "&X-Amz-Expires=0", "X-Amz-Expires must be greater than 0"},
      {base + "&X-Amz-Expires=604801", "X-Amz-Expires must be less than a week (in seconds) that is 604800"},
  };
  for (const auto& c : cases) {
    auto r = parse_presigned(c.q);
    ASSERT_FALSE(r.has_value()) << c.q;
    EXPECT_EQ(r.error().code, kIncompleteSignature) << c.q;
    EXPECT_EQ(r.error().message, c.message) << c.q;
  }
}

TEST(KeyCache, HitsReturnTheDerivedKey) {
  SigningKeyCache cache(64);
  Digest expected = derive_signing_key("secret", "20150830", "us-east-1", "iam");
  EXPECT_EQ(cache.get("secret", "20150830", "us-east-1", "iam"), expected);
  EXPECT_EQ(cache.get("secret", "20150830", "us-east-1", "iam"), expected);
  EXPECT_EQ(cache.misses(), 1u);
  EXPECT_EQ(cache.hits(), 1u);
  // Each part of the scope is part of the key; the length prefixes keep "ab"+"c" from "a"+"bc".
  EXPECT_NE(cache.get("secret", "20150831", "us-east-1", "iam"), expected);
  EXPECT_NE(cache.get("secret", "20150830", "us-east-1", "sts"), expected);
  EXPECT_NE(cache.get("secret2", "20150830", "us-east-1", "iam"), expected);
  EXPECT_EQ(cache.get("secre", "t20150830", "us-east-1", "iam"),
            derive_signing_key("secre", "t20150830", "us-east-1", "iam"));
  EXPECT_EQ(cache.misses(), 5u);
  EXPECT_EQ(cache.size(), 5u);
}

TEST(KeyCache, Bounded) {
  SigningKeyCache cache(32);
  for (int i = 0; i < 500; ++i) (void)cache.get("s" + std::to_string(i), "20150830", "us-east-1", "iam");
  EXPECT_LE(cache.size(), 32u);
  EXPECT_GT(cache.size(), 0u);
  SigningKeyCache tiny(1);  // still one entry per shard
  for (int i = 0; i < 100; ++i) (void)tiny.get("s" + std::to_string(i), "20150830", "us-east-1", "iam");
  EXPECT_LE(tiny.size(), 16u);
}

TEST(KeyCache, Concurrent) {
  SigningKeyCache cache(64);
  std::vector<Digest> expected;
  for (int i = 0; i < 8; ++i) expected.push_back(derive_signing_key("s" + std::to_string(i), "20150830", "r", "iam"));
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int n = 0; n < 200; ++n) {
        int i = (n + t) % 8;
        if (cache.get("s" + std::to_string(i), "20150830", "r", "iam") != expected[i]) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(cache.hits() + cache.misses(), 800u);
}

}  // namespace
}  // namespace iamd::sigv4

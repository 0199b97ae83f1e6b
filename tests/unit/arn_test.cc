#include "arn/arn.h"

#include <gtest/gtest.h>

#include "common/wildcard.h"

namespace iamd::arn {
namespace {

TEST(Arn, ParseAndFormat) {
  const char* good[] = {"arn:aws:iam::123456789012:user/division/Bob", "arn:aws:s3:::bucket/key:with:colons",
                        "arn:aws-cn:ec2:cn-north-1:123456789012:instance/i-1",
                        "arn:aws:sts::123456789012:assumed-role/R/S"};
  for (const char* s : good) {
    auto a = Arn::parse(s);
    ASSERT_TRUE(a.has_value()) << s;
    EXPECT_EQ(a->to_string(), s);
  }
  auto a = Arn::parse("arn:aws:s3:::bucket/key:with:colons");
  EXPECT_EQ(a->service(), "s3");
  EXPECT_EQ(a->region(), "");
  EXPECT_EQ(a->resource(), "bucket/key:with:colons");
  const char* bad[] = {
      "", "arn", "arn:aws:iam::123", "xrn:aws:iam::1:user/x", "arn::iam::1:user/x", "arn:aws:::1:x", "arn:aws:iam::1:"};
  for (const char* s : bad) {
    auto r = Arn::parse(s);
    ASSERT_FALSE(r.has_value()) << s;
    EXPECT_EQ(r.error().code, "ValidationError");
  }
}

TEST(Arn, AccountId) {
  EXPECT_TRUE(is_account_id("012345678901"));
  EXPECT_FALSE(is_account_id("12345678901"));
  EXPECT_FALSE(is_account_id("12345678901a"));
}

std::array<std::string, 6> pattern(std::string_view p) {
  std::array<std::string_view, 6> parts;
  EXPECT_TRUE(split6(p, parts));
  std::array<std::string, 6> out;
  for (int i = 0; i < 6; ++i) out[i] = common::encode_glob(parts[i]);
  return out;
}

TEST(Arn, SegmentWiseMatching) {
  struct Case {
    const char* pattern;
    const char* value;
    bool match;
  };
  const Case cases[] = {
      {"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b", true},
      {"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket2/a", false},
      {"arn:aws:svc:*:111122223333:finance/*",
       "arn:aws:svc:us-east-2:999999999999:store/abc:111122223333:finance/doc.txt", false},
      {"arn:aws:svc:*:111122223333:finance/*", "arn:aws:svc:us-east-2:111122223333:finance/doc.txt", true},
      {"arn:*:*:*:*:*", "arn:aws:iam::1:user/x", true},
      {"arn:aws:iam::*:user/?ob", "arn:aws:iam::123456789012:user/Bob", true},
      {"arn:aws:iam::*:user/bob", "arn:aws:iam::123456789012:user/Bob", false},
      {"arn:aws:iam::*:user/*", "not-an-arn", false},
  };
  for (const auto& c : cases)
    EXPECT_EQ(arn_like(pattern(c.pattern), c.value), c.match) << c.pattern << " vs " << c.value;
}

}  // namespace
}  // namespace iamd::arn

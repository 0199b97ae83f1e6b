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

TEST(Arn, IsArnShaped) {
  const std::pair<const char*, bool> cases[] = {
      {"arn:aws:iam::123456789012:mfa/dev", true},
      {"arn:aws:s3:::bucket", true},
      {"arn:aws:iam::123456789012", false},  // four colons
      {"GAHT12345678", false},               // a hardware token's serial
      {"urn:aws:iam::123456789012:mfa/dev", false},
      {"", false},
  };
  for (const auto& [text, want] : cases) EXPECT_EQ(is_arn(text), want) << text;
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

namespace iamd::arn {
namespace {

// IAM and STS ARNs are spelled in one place; with an empty resource, the account's prefix.
TEST(ArnBuilders, IamAndStsArns) {
  struct Row {
    std::string got;
    const char* want;
  };
  const Row rows[] = {
      {iam_arn("aws", "123456789012", "user/eng/alice"), "arn:aws:iam::123456789012:user/eng/alice"},
      {iam_arn("aws-cn", "123456789012", "root"), "arn:aws-cn:iam::123456789012:root"},
      {iam_arn("aws", "aws", "policy/AdministratorAccess"), "arn:aws:iam::aws:policy/AdministratorAccess"},
      {iam_arn("aws", "123456789012", ""), "arn:aws:iam::123456789012:"},
      {sts_arn("aws", "123456789012", "assumed-role/r/s"), "arn:aws:sts::123456789012:assumed-role/r/s"},
  };
  for (const Row& r : rows) {
    EXPECT_EQ(r.got, r.want);
    if (!r.got.ends_with(":")) {
      auto parsed = Arn::parse(r.got);
      ASSERT_TRUE(parsed.has_value()) << r.got;
      EXPECT_EQ(parsed->to_string(), r.got);
    }
  }
}

TEST(ArnPartitions, InPartition) {
  struct Case {
    std::string_view arn, from, to, want;
  };
  for (const Case& c : {
           Case{"arn:aws:iam::123456789012:user/a", "aws", "aws-cn", "arn:aws-cn:iam::123456789012:user/a"},
           Case{"arn:aws:iam::aws:policy/ReadOnlyAccess", "aws", "aws-us-gov",
                "arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess"},
           Case{"arn:aws-cn:iam::123456789012:user/a", "aws-cn", "aws", "arn:aws:iam::123456789012:user/a"},
           Case{"arn:aws-cn:iam::123456789012:user/a", "aws", "aws-cn", "arn:aws-cn:iam::123456789012:user/a"},
           Case{"arn:aws-us-gov:iam::1:user/a", "aws-cn", "aws", "arn:aws-us-gov:iam::1:user/a"},
           Case{"arn:aws:iam::1:user/a", "aws", "aws", "arn:aws:iam::1:user/a"},
           Case{"*", "aws", "aws-cn", "*"},
           Case{"arn:awsx:iam::1:user/a", "aws", "aws-cn", "arn:awsx:iam::1:user/a"},
           Case{"xarn:aws:iam::1:user/a", "aws", "aws-cn", "xarn:aws:iam::1:user/a"},
       }) {
    EXPECT_EQ(in_partition(c.arn, c.from, c.to), c.want) << c.arn;
  }
}

TEST(ArnPartitions, ReplaceInText) {
  EXPECT_EQ(replace_partition("<Arn>arn:aws:iam::1:user/a</Arn><P>arn:aws:iam::aws:policy/X</P>", "aws", "aws-cn"),
            "<Arn>arn:aws-cn:iam::1:user/a</Arn><P>arn:aws-cn:iam::aws:policy/X</P>");
  EXPECT_EQ(replace_partition("Policy arn:aws:iam::1:policy/p was not found.", "aws", "aws-us-gov"),
            "Policy arn:aws-us-gov:iam::1:policy/p was not found.");
  // Not an ARN's start, another partition, URL-encoded text: unchanged.
  for (std::string_view keep : {"learn:aws:x", "arn:aws-cn:iam::1:user/a", "arn%3Aaws%3Aiam", "", "no arn here"}) {
    EXPECT_EQ(replace_partition(keep, "aws", "aws-cn"), keep);
  }
  EXPECT_EQ(replace_partition("arn:aws:a arn:aws:b", "aws", "aws"), "arn:aws:a arn:aws:b");
}

}  // namespace
}  // namespace iamd::arn

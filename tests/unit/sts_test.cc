// STS sessions sealed into tokens (sts/session.h) and the account encoded in access key ids
// (common/ids.h): tables of what opens and what does not.
#include <gtest/gtest.h>

#include <string>

#include "common/ids.h"
#include "common/random.h"
#include "common/strings.h"
#include "sts/session.h"

namespace iamd {
namespace {

sts::Session sample() {
  sts::Session s;
  s.kind = sts::SessionKind::kRole;
  s.account_id = "123456789012";
  s.access_key_id = "ASIAEXAMPLEEXAMPLE01";
  s.secret_access_key = "secretsecretsecretsecretsecretsecret0001";
  s.issued = common::Timestamp{1700000000, 0};
  s.expires = common::Timestamp{1700003600, 0};
  s.principal_id = "AROAEXAMPLEEXAMPLE001";
  s.principal_name = "deploy";
  s.principal_arn = "arn:aws:iam::123456789012:role/ci/deploy";
  s.session_name = "build-42";
  s.mfa = true;
  s.mfa_time = common::Timestamp{1699999990, 0};
  s.source_identity = "alice";
  s.policy = R"({"Version":"2012-10-17","Statement":[]})";
  s.policy_arns = {"arn:aws:iam::aws:policy/ReadOnlyAccess"};
  s.tags = {{"team", "infra"}, {"empty", ""}};
  s.transitive_tag_keys = {"team"};
  return s;
}

TEST(StsSession, SealedTokenOpensToTheSameSession) {
  common::SeededRandom random(1);
  sts::TokenSealer sealer(crypto::KeyRing::single(std::string(32, 'k')));
  const sts::Session s = sample();
  auto token = sealer.seal(s, random);
  ASSERT_TRUE(token.has_value());
  auto opened = sealer.open(s.access_key_id, *token);
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  EXPECT_EQ(opened->kind, s.kind);
  EXPECT_EQ(opened->account_id, s.account_id);
  EXPECT_EQ(opened->secret_access_key, s.secret_access_key);
  EXPECT_EQ(opened->issued.seconds, s.issued.seconds);
  EXPECT_EQ(opened->expires.seconds, s.expires.seconds);
  EXPECT_EQ(opened->principal_id, s.principal_id);
  EXPECT_EQ(opened->principal_name, s.principal_name);
  EXPECT_EQ(opened->principal_arn, s.principal_arn);
  EXPECT_EQ(opened->session_name, s.session_name);
  EXPECT_TRUE(opened->mfa);
  EXPECT_EQ(opened->mfa_time.seconds, s.mfa_time.seconds);
  EXPECT_EQ(opened->source_identity, s.source_identity);
  EXPECT_EQ(opened->policy, s.policy);
  EXPECT_EQ(opened->policy_arns, s.policy_arns);
  EXPECT_EQ(opened->tags, s.tags);
  EXPECT_EQ(opened->transitive_tag_keys, s.transitive_tag_keys);
}

TEST(StsSession, TokensThatDoNotOpen) {
  common::SeededRandom random(2);
  sts::TokenSealer sealer(crypto::KeyRing::single(std::string(32, 'k')));
  const sts::Session s = sample();
  const std::string token = *sealer.seal(s, random);
  std::string raw;
  ASSERT_TRUE(common::base64_decode(token, raw));
  auto flipped = [&](std::size_t at) {
    std::string r = raw;
    r[at] = static_cast<char>(r[at] ^ 1);
    return common::base64_encode(r);
  };
  struct Case {
    const char* name;
    std::string key_id;
    std::string token;
  };
  const Case cases[] = {
      {"another access key id", "ASIAEXAMPLEEXAMPLE02", token},
      {"a flipped bit in the ciphertext", s.access_key_id, flipped(raw.size() / 2)},
      {"a flipped bit in the tag", s.access_key_id, flipped(raw.size() - 1)},
      {"another version", s.access_key_id, flipped(1)},
      {"truncated", s.access_key_id, token.substr(0, token.size() - 8)},
      {"not base64", s.access_key_id, "!!!not-a-token!!!"},
      {"empty", s.access_key_id, ""},
      {"too long", s.access_key_id, std::string(10000, 'A')},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto opened = sealer.open(c.key_id, c.token);
    ASSERT_FALSE(opened.has_value());
    EXPECT_EQ(opened.error().code, sts::kTokenDoesNotOpen);
  }
  sts::TokenSealer other(crypto::KeyRing::single(std::string(32, 'o')));
  EXPECT_FALSE(other.open(s.access_key_id, token).has_value()) << "sealed under another key";
}

TEST(StsSession, TokensAcrossAMasterKeyRotation) {
  common::SeededRandom random(4);
  const std::string k1(32, '1'), k2(32, '2');
  auto ring = [](std::string current, std::vector<std::string> accepted) {
    return *crypto::KeyRing::make(std::move(current), std::move(accepted));
  };
  const sts::Session s = sample();
  const std::string by1 = *sts::TokenSealer(ring(k1, {})).seal(s, random);
  // The same token as a node before key rings sealed it: version 1, no key id (the keyed
  // form's header is not authenticated, so stripping it leaves the legacy form).
  std::string raw;
  ASSERT_TRUE(common::base64_decode(by1, raw));
  ASSERT_EQ(raw[1], 2) << "tokens name their key (version 2)";
  std::string legacy_raw = raw.substr(0, 2) + raw.substr(2 + 2 + crypto::KeyRing::kIdSize);
  legacy_raw[1] = 1;
  const std::string legacy = common::base64_encode(legacy_raw);
  struct Case {
    const char* name;
    crypto::KeyRing keys;
    std::string token;
    bool opens;
  };
  const Case cases[] = {
      {"step 1: key 2 accepted", ring(k1, {k2}), by1, true},
      {"step 2: key 2 current, key 1 accepted", ring(k2, {k1}), by1, true},
      {"step 4: key 1 dropped", ring(k2, {}), by1, false},
      {"legacy token, original key", ring(k1, {}), legacy, true},
      {"legacy token, original key accepted", ring(k2, {k1}), legacy, true},
      {"legacy token, original key dropped", ring(k2, {}), legacy, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto opened = sts::TokenSealer(c.keys).open(s.access_key_id, c.token);
    EXPECT_EQ(opened.has_value(), c.opens);
    if (opened) EXPECT_EQ(opened->secret_access_key, s.secret_access_key);
    if (!opened) EXPECT_EQ(opened.error().code, sts::kTokenDoesNotOpen);
  }
}

TEST(AccessKeyIds, EncodeTheirAccount) {
  struct Case {
    const char* id;
    const char* account;
  };
  // AWS's encoding [OBS]: ids whose accounts AWS's GetAccessKeyInfo reports.
  const Case known[] = {{"ASIAY34FZKBOKMUTVV7A", "609629065308"}, {"AKIAIOSFODNN7EXAMPLE", "581039954779"}};
  for (const Case& c : known) EXPECT_EQ(common::account_of_access_key_id(c.id), c.account) << c.id;
  common::SeededRandom random(3);
  for (const char* account : {"000000000001", "123456789012", "999999999999", "609629065308"}) {
    for (int i = 0; i < 20; ++i) {
      const std::string id = common::make_access_key_id("AKIA", account, random);
      ASSERT_EQ(id.size(), 20u);
      ASSERT_TRUE(id.starts_with("AKIA"));
      EXPECT_EQ(common::account_of_access_key_id(id), account) << id;
    }
  }
  for (const char* bad :
       {"", "AKIA", "AKIAIOSFODNN7EXAMPL", "AKIAIOSFODNN7EXAMPLE1", "AKIAiosfodnn7example", "AKIA0OSFODNN7EXAMPLE"}) {
    EXPECT_FALSE(common::account_of_access_key_id(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace iamd

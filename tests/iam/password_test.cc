#include "iam/password.h"

#include <gtest/gtest.h>

namespace iamd::iam {
namespace {

TEST(Password, HashAndVerify) {
  common::SeededRandom random(3);
  Argon2Params fast{1, 64, 1};  // small cost for tests only
  auto h = hash_password("correct horse battery staple", random, fast);
  ASSERT_TRUE(h.has_value());
  EXPECT_TRUE(h->starts_with("$argon2id$v=19$m=64,t=1,p=1$"));
  EXPECT_EQ(h->find("correct"), std::string::npos);
  EXPECT_TRUE(verify_password("correct horse battery staple", *h));
  EXPECT_FALSE(verify_password("correct horse battery stapler", *h));
  EXPECT_FALSE(verify_password("", *h));
  EXPECT_FALSE(verify_password("x", "not a hash"));
  EXPECT_FALSE(verify_password("x", ""));
  // A fresh salt each time.
  EXPECT_NE(*h, *hash_password("correct horse battery staple", random, fast));
}

TEST(Password, DefaultParametersAreArgon2idWithOwaspCost) {
  common::SeededRandom random(4);
  auto h = hash_password("pw", random);
  ASSERT_TRUE(h.has_value());
  EXPECT_TRUE(h->starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
  EXPECT_TRUE(verify_password("pw", *h));
}

}  // namespace
}  // namespace iamd::iam

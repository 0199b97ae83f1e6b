#include "crypto/key_ring.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "common/random.h"
#include "crypto/crypto.h"

namespace iamd::crypto {
namespace {

const std::string k1(32, '1');
const std::string k2(32, '2');
const std::string k3(32, '3');

KeyRing ring(std::string current, std::vector<std::string> accepted = {}) {
  auto r = KeyRing::make(std::move(current), std::move(accepted));
  EXPECT_TRUE(r.has_value()) << r.error().message;
  return std::move(r).value();
}

// Draws `prefix` first, then a seeded stream: a legacy value whose nonce begins with the
// keyed form's marker.
class PrefixRandom final : public common::Random {
 public:
  explicit PrefixRandom(std::string prefix) : prefix_(std::move(prefix)) {}
  void fill(std::uint8_t* out, std::size_t n) override {
    std::size_t i = 0;
    for (; i < n && used_ < prefix_.size(); ++i) out[i] = static_cast<std::uint8_t>(prefix_[used_++]);
    if (i < n) rest_.fill(out + i, n - i);
  }

 private:
  std::string prefix_;
  std::size_t used_ = 0;
  common::SeededRandom rest_{7};
};

TEST(KeyRing, OpensWhatAnyOfItsKeysSealedAndNamesUnknownKeys) {
  common::SeededRandom random(1);
  const std::string by1 = *ring(k1).seal("secret", "AKIA1", random);
  const std::string by2 = *ring(k2, {k1}).seal("secret", "AKIA1", random);
  const std::string legacy1 = *seal(k1, "secret", "AKIA1", random);  // before key rings
  struct Case {
    const char* name;
    KeyRing keys;
    std::string sealed;
    const char* error;  // nullptr: opens to "secret"
  };
  const Case cases[] = {
      {"key 1 alone opens its own", ring(k1), by1, nullptr},
      {"key 1 as an accepted key (step 2)", ring(k2, {k1}), by1, nullptr},
      {"key 2 accepted, key 1 current (step 1)", ring(k1, {k2}), by2, nullptr},
      {"key 2 current opens its own", ring(k2), by2, nullptr},
      {"key 1 dropped: unknown key id", ring(k2), by1, "UnknownKey"},
      {"key 1 dropped, another accepted", ring(k2, {k3}), by1, "UnknownKey"},
      {"legacy value under the original key", ring(k1), legacy1, nullptr},
      {"legacy value, the original key accepted only", ring(k2, {k1}), legacy1, nullptr},
      {"legacy value, the original key accepted last", ring(k3, {k2, k1}), legacy1, nullptr},
      {"legacy value, the original key dropped", ring(k2), legacy1, "DecryptionFailed"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto opened = c.keys.open(c.sealed, "AKIA1");
    if (c.error == nullptr) {
      ASSERT_TRUE(opened.has_value()) << opened.error().message;
      EXPECT_EQ(*opened, "secret");
    } else {
      ASSERT_FALSE(opened.has_value());
      EXPECT_EQ(opened.error().code, c.error);
    }
  }
  auto unknown = ring(k2).open(by1, "AKIA1");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().message.find(KeyRing::id_of(k1)), std::string::npos) << unknown.error().message;
}

TEST(KeyRing, TamperedValuesAndOtherOwnersDoNotOpen) {
  common::SeededRandom random(2);
  const KeyRing keys = ring(k2, {k1});
  const std::string sealed = *keys.seal("secret", "AKIA1", random);
  auto flipped = [&](std::size_t at) {
    std::string s = sealed;
    s[at] = static_cast<char>(s[at] ^ 1);
    return s;
  };
  const std::string cases[] = {
      flipped(0),           flipped(1),   flipped(3), flipped(sealed.size() / 2), flipped(sealed.size() - 1),
      sealed.substr(0, 10), std::string()};
  for (const std::string& c : cases) EXPECT_FALSE(keys.open(c, "AKIA1").has_value());
  EXPECT_FALSE(keys.open(sealed, "AKIA2").has_value()) << "bound to its owner";
}

TEST(KeyRing, LegacyValueThatLooksKeyedStillOpens) {
  // A legacy nonce may begin with the marker bytes (one value in 65,536): it is keyed under
  // no key, or under the wrong reading, and opens as legacy.
  PrefixRandom marked(std::string("\xA5K\x00\x00\x00\x00", 6));
  const std::string legacy = *seal(k1, "secret", "id", marked);
  ASSERT_EQ(legacy.substr(0, 2), "\xA5K");
  auto opened = ring(k2, {k1}).open(legacy, "id");
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  EXPECT_EQ(*opened, "secret");
  // The same with the marker followed by the id of a key of the ring.
  const std::string raw_id = derive_key(k1, "iamd key id v1").substr(0, KeyRing::kIdSize);  // key_ring.h
  PrefixRandom marked_held(std::string("\xA5K", 2) + raw_id);
  const std::string legacy_held = *seal(k1, "secret", "id", marked_held);
  auto opened_held = ring(k1).open(legacy_held, "id");
  ASSERT_TRUE(opened_held.has_value()) << opened_held.error().message;
  EXPECT_EQ(*opened_held, "secret");
}

TEST(KeyRing, SealsWithTheCurrentKeyAndSaysSo) {
  common::SeededRandom random(3);
  const KeyRing step2 = ring(k2, {k1});
  const std::string by2 = *step2.seal("x", "a", random);
  const std::string by1 = *ring(k1).seal("x", "a", random);
  const std::string legacy = *seal(k1, "x", "a", random);
  EXPECT_TRUE(step2.sealed_with_current(by2));
  EXPECT_FALSE(step2.sealed_with_current(by1));
  EXPECT_FALSE(step2.sealed_with_current(legacy));
  EXPECT_EQ(step2.current_id(), KeyRing::id_of(k2));
  EXPECT_EQ(step2.ids(), (std::vector<std::string>{KeyRing::id_of(k2), KeyRing::id_of(k1)}));
  EXPECT_EQ(KeyRing::id_of(k1).size(), 8u);
  EXPECT_NE(KeyRing::id_of(k1), KeyRing::id_of(k2));
  EXPECT_FALSE(KeyRing().seal("x", "a", random).has_value()) << "an empty ring seals nothing";
}

TEST(KeyRing, MakeChecksItsKeys) {
  EXPECT_FALSE(KeyRing::make(std::string(31, 'a')).has_value());
  EXPECT_FALSE(KeyRing::make(k1, {std::string(33, 'a')}).has_value());
  auto twice = KeyRing::make(k1, {k2, k1});
  ASSERT_TRUE(twice.has_value());
  EXPECT_EQ(twice->size(), 2u) << "a key given twice is kept once";
}

TEST(KeyRing, DerivedRingsKeepTheIdsAndAreIndependentPerPurpose) {
  common::SeededRandom random(4);
  const KeyRing tokens1 = ring(k1).derive("tokens");
  const std::string sealed = *tokens1.seal("x", "a", random);
  EXPECT_EQ(tokens1.current_id(), KeyRing::id_of(k1));
  auto opened = ring(k2, {k1}).derive("tokens").open(sealed, "a");
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  EXPECT_FALSE(ring(k1).derive("messages").open(sealed, "a").has_value());
  EXPECT_FALSE(ring(k1).open(sealed, "a").has_value()) << "the master key itself does not open it";
}

}  // namespace
}  // namespace iamd::crypto

#include "crypto/crypto.h"

#include <gtest/gtest.h>

#include <set>
#include <string_view>

#include "common/ids.h"
#include "common/random.h"
#include "common/strings.h"

namespace iamd::common {
namespace {

using crypto::constant_time_equals;
using crypto::kSealKeySize;
using crypto::open_sealed;
using crypto::OsRandom;
using crypto::seal;
using crypto::sha256;

TEST(Crypto, Sha256KnownAnswers) {
  EXPECT_EQ(to_hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(to_hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Crypto, ConstantTimeEquals) {
  EXPECT_TRUE(constant_time_equals("abc", "abc"));
  EXPECT_FALSE(constant_time_equals("abc", "abd"));
  EXPECT_FALSE(constant_time_equals("abc", "ab"));
  EXPECT_TRUE(constant_time_equals("", ""));
}

TEST(Crypto, SealRoundTripAndTamperDetection) {
  SeededRandom random(7);
  std::string key = random.bytes(kSealKeySize);
  auto sealed = seal(key, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AKIAEXAMPLE", random);
  ASSERT_TRUE(sealed.has_value());
  EXPECT_EQ(sealed->size(), 12u + 40u + 16u);
  auto opened = open_sealed(key, *sealed, "AKIAEXAMPLE");
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(*opened, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  EXPECT_FALSE(open_sealed(key, *sealed, "AKIAOTHER").has_value());  // bound to its owner
  std::string tampered = *sealed;
  tampered[20] ^= 1;
  EXPECT_EQ(open_sealed(key, tampered, "AKIAEXAMPLE").error().code, "DecryptionFailed");
  std::string other_key = random.bytes(kSealKeySize);
  EXPECT_FALSE(open_sealed(other_key, *sealed, "AKIAEXAMPLE").has_value());
  EXPECT_FALSE(open_sealed(key, "short", "").has_value());
  EXPECT_EQ(seal("short", "x", "", random).error().code, "InvalidKey");
  // A fresh nonce each time: the same secret never seals to the same bytes.
  EXPECT_NE(*seal(key, "x", "", random), *seal(key, "x", "", random));
}

std::string from_hex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

// A fixed random source for the nonce: the next fill returns `bytes`.
class FixedBytes final : public Random {
 public:
  explicit FixedBytes(std::string bytes) : bytes_(std::move(bytes)) {}
  void fill(std::uint8_t* out, std::size_t n) override {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(bytes_[i % bytes_.size()]);
  }

 private:
  std::string bytes_;
};

// The per-thread contexts keep the last key's schedule: sealing and opening under changing
// keys, and after a failure, still gives AES-256-GCM's answers (NIST GCM test case 16 for
// the 256-bit key, with its associated data), and a failure never leaves a context unusable.
TEST(Crypto, SealUnderChangingKeysAndAfterFailures) {
  const std::string key = from_hex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
  const std::string nonce = from_hex("cafebabefacedbaddecaf888");
  const std::string plaintext = from_hex(
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de65"
      "7ba637b39");
  const std::string aad = from_hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  const std::string expected =
      "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0"
      "abcc9f662"
      "76fc6ece0f4e1768cddf8853bb2d551b";
  SeededRandom random(3);
  const std::string other = random.bytes(kSealKeySize);
  for (int round = 0; round < 3; ++round) {
    FixedBytes fixed(nonce);
    auto sealed = seal(key, plaintext, aad, fixed);
    ASSERT_TRUE(sealed.has_value());
    EXPECT_EQ(to_hex(sealed->substr(0, 12)), to_hex(nonce));
    EXPECT_EQ(to_hex(sealed->substr(12)), expected) << "round " << round;
    auto opened = open_sealed(key, *sealed, aad);
    ASSERT_TRUE(opened.has_value());
    EXPECT_EQ(*opened, plaintext);
    // Another key between two uses of the first, and failures of both directions.
    auto mine = seal(other, "secret", "id", random);
    ASSERT_TRUE(mine.has_value());
    EXPECT_FALSE(open_sealed(key, *mine, "id").has_value());
    EXPECT_EQ(*open_sealed(other, *mine, "id"), "secret");
    std::string tampered = *sealed;
    tampered.back() ^= 1;
    EXPECT_FALSE(open_sealed(key, tampered, aad).has_value());
    EXPECT_EQ(*open_sealed(key, *sealed, aad), plaintext);
  }
}

// OsRandom draws ahead per thread: small and large fills, all different.
TEST(Crypto, OsRandomSmallAndLargeFills) {
  OsRandom os;
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    const std::size_t n = i % 3 == 0 ? 1 : i % 3 == 1 ? 12 : 100;
    std::string b = os.bytes(n);
    ASSERT_EQ(b.size(), n);
    if (n > 1) EXPECT_TRUE(seen.insert(b).second);
  }
  std::set<std::uint8_t> values;  // single bytes cover the range
  for (int i = 0; i < 20000; ++i) values.insert(static_cast<std::uint8_t>(os.bytes(1)[0]));
  EXPECT_EQ(values.size(), 256u);
}

TEST(Ids, ShapesAndDeterminism) {
  SeededRandom a(1), b(1);
  std::string id = make_unique_id("AIDA", a);
  EXPECT_EQ(id, make_unique_id("AIDA", b));
  EXPECT_EQ(id.size(), 21u);
  EXPECT_EQ(id.substr(0, 4), "AIDA");
  EXPECT_EQ(id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), std::string::npos);
  std::string key = make_access_key_id("AKIA", a);
  EXPECT_EQ(key.size(), 20u);
  std::string secret = make_secret_access_key(a);
  EXPECT_EQ(secret.size(), 40u);
  std::string account = make_account_id(a);
  EXPECT_EQ(account.size(), 12u);
  EXPECT_NE(account[0], '0');
  OsRandom os;
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(seen.insert(make_access_key_id("AKIA", os)).second);
}

TEST(Ids, UuidVersion4) {
  SeededRandom a(7), b(7);
  std::string u = make_uuid(a);
  EXPECT_EQ(u, make_uuid(b));
  ASSERT_EQ(u.size(), 36u);
  for (std::size_t i : {8u, 13u, 18u, 23u}) EXPECT_EQ(u[i], '-');
  EXPECT_EQ(u[14], '4');                                               // version 4
  EXPECT_NE(std::string_view("89ab").find(u[19]), std::string::npos);  // RFC 4122 variant
  EXPECT_EQ(u.find_first_not_of("0123456789abcdef-"), std::string::npos);
}

TEST(Ids, RequestIdsAreUuidsUniqueAndKeyedByTheRandomSource) {
  SeededRandom a(7), b(7), c(8);
  RequestIds x(a), y(b), z(c);
  std::set<std::string> seen;
  for (int i = 0; i < 100000; ++i) {
    const std::string u = x.next();
    ASSERT_EQ(u.size(), 36u);
    ASSERT_EQ(u[14], '4');
    ASSERT_NE(std::string_view("89ab").find(u[19]), std::string::npos);
    ASSERT_EQ(u.find_first_not_of("0123456789abcdef-"), std::string::npos);
    ASSERT_TRUE(seen.insert(u).second) << u;
    if (i < 3) {
      EXPECT_EQ(u, y.next());  // the same source gives the same sequence
      EXPECT_NE(u, z.next());  // another source another one
    }
  }
}

}  // namespace
}  // namespace iamd::common

namespace iamd::crypto {
namespace {

std::string unhex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

// HKDF-Expand's first block (RFC 5869 appendix A.1: PRK and info of test case 1, the first
// 32 bytes of its OKM); purposes give independent keys.
TEST(DeriveKey, IsHkdfExpandOfOneBlock) {
  const std::string prk = unhex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
  EXPECT_EQ(common::to_hex(derive_key(prk, unhex("f0f1f2f3f4f5f6f7f8f9"))),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf");
  const std::string master(32, 'm');
  EXPECT_EQ(derive_key(master, "a").size(), 32u);
  EXPECT_NE(derive_key(master, "a"), derive_key(master, "b"));
  EXPECT_EQ(derive_key(master, "a"), derive_key(master, "a"));
}

}  // namespace
}  // namespace iamd::crypto

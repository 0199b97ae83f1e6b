// HOTP/TOTP and base32 (crypto/crypto.h, common/strings.h): the pieces behind virtual MFA devices.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "common/strings.h"
#include "crypto/crypto.h"

namespace iamd::common {
namespace {

using crypto::hmac_sha1;
using crypto::hotp;
using crypto::md5;
using crypto::totp;
using crypto::totp_step;

// RFC 6238 Appendix B, the SHA-1 column: seed "12345678901234567890", 8 digits, 30 s steps.
struct TotpCase {
  std::int64_t time;
  const char* code;
};
constexpr TotpCase kRfc6238[] = {
    {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
    {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
};

TEST(Totp, Rfc6238Sha1Vectors) {
  for (const TotpCase& c : kRfc6238) {
    EXPECT_EQ(totp("12345678901234567890", c.time, 8), c.code) << c.time;
  }
}

// RFC 4226 Appendix D: HOTP values of counters 0..9, 6 digits.
constexpr const char* kRfc4226[] = {"755224", "287082", "359152", "969429", "338314",
                                    "254676", "287922", "162583", "399871", "520489"};

TEST(Totp, Rfc4226HotpVectors) {
  for (std::uint64_t counter = 0; counter < 10; ++counter) {
    EXPECT_EQ(hotp("12345678901234567890", counter), kRfc4226[counter]) << counter;
  }
}

TEST(Totp, SixDigitCodesAndSteps) {
  // The 6-digit code is the last 6 digits of the 8-digit one (the same truncated value).
  EXPECT_EQ(totp("12345678901234567890", 59), "287082");
  EXPECT_EQ(totp_step(59), 1);
  EXPECT_EQ(totp_step(60), 2);
  EXPECT_EQ(totp_step(-1), -1);
  EXPECT_EQ(totp("12345678901234567890", 60), totp("12345678901234567890", 89));
}

TEST(Totp, HmacSha1AndMd5KnownAnswers) {
  // RFC 2202 test case 2 and RFC 1321's "abc".
  EXPECT_EQ(to_hex(hmac_sha1("Jefe", "what do ya want for nothing?")), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  EXPECT_EQ(to_hex(md5("abc")), "900150983cd24fb0d6963f7d28e17f72");
}

// RFC 4648 §10.
struct Base32Case {
  const char* in;
  const char* out;
};
constexpr Base32Case kBase32[] = {
    {"", ""},
    {"f", "MY======"},
    {"fo", "MZXQ===="},
    {"foo", "MZXW6==="},
    {"foob", "MZXW6YQ="},
    {"fooba", "MZXW6YTB"},
    {"foobar", "MZXW6YTBOI======"},
    {"12345678901234567890", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"},
};

TEST(Base32, Rfc4648Vectors) {
  for (const Base32Case& c : kBase32) EXPECT_EQ(base32_encode(c.in), c.out) << c.in;
}

}  // namespace
}  // namespace iamd::common

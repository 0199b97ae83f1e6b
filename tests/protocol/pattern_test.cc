// The model patterns as compiled by tools/gen_protocol.py, run by the Pike VM.
#include "protocol/pattern.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace iamd::protocol::detail {
namespace {

std::uint32_t index_of(std::string_view text) {
  for (std::uint32_t i = 0; i < kPatternCount; ++i) {
    if (kPatterns[i].text == text) return i;
  }
  ADD_FAILURE() << "no compiled pattern " << text;
  return kPatternCount;
}

bool matches(std::string_view pattern, std::string_view value) {
  std::vector<char32_t> cps;
  decode_utf8(value, cps);
  return pattern_matches(index_of(pattern), cps);
}

struct Case {
  const char* pattern;
  const char* value;
  bool match;
};

TEST(Pattern, ModelPatternsMatchLikeJava) {
  const Case cases[] = {
      {"[\\w+=,.@-]+", "bob", true},
      {"[\\w+=,.@-]+", "b.o_b+=,@-9", true},
      {"[\\w+=,.@-]+", "", false},
      {"[\\w+=,.@-]+", "bob!", false},
      {"[\\w+=,.@-]+", "bob smith", false},
      {"[\\w+=,.@-]+", "j\xC3\xBCrgen", false},  // \w is ASCII in Java by default
      {"[\\w+=,.@-]*", "", true},
      {"^[a-z0-9](([a-z0-9]|-(?!-))*[a-z0-9])?$", "my-alias", true},
      {"^[a-z0-9](([a-z0-9]|-(?!-))*[a-z0-9])?$", "a", true},
      {"^[a-z0-9](([a-z0-9]|-(?!-))*[a-z0-9])?$", "a-b-c", true},
      {"^[a-z0-9](([a-z0-9]|-(?!-))*[a-z0-9])?$", "my--alias", false},
      {"^[a-z0-9](([a-z0-9]|-(?!-))*[a-z0-9])?$", "-a", false},
      {"^[a-z0-9](([a-z0-9]|-(?!-))*[a-z0-9])?$", "a-", false},
      {"^[a-z0-9](([a-z0-9]|-(?!-))*[a-z0-9])?$", "My", false},
      {"v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?", "v1", true},
      {"v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?", "v12.abc-1", true},
      {"v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?", "v0", false},
      {"v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?", "v1.", true},
      {"[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+", "team", true},
      {"[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+", "cost center:1/2=+-@_.", true},
      {"[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+", "\xD0\xBA\xD0\xBB\xD1\x8E\xD1\x87", true},  // Cyrillic
      {"[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+", "\xE6\x97\xA5\xE6\x9C\xAC\xD9\xA3", true},  // CJK, Arabic-Indic 3
      {"[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+", "a*b", false},
      {"[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+", "a\tb", false},
      {"[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*", "", true},
      {"[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+", "{\"Version\": \"2012-10-17\"}\n\t\r", true},
      {"[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+", "caf\xC3\xA9", true},    // U+00E9
      {"[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+", "\xE2\x82\xAC", false},  // U+20AC
      {"[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+", "a\x01", false},
      {"[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+",
       "arn:aws:iam::123456789012:role/\xF0\x9F\x98\x80", true},  // U+1F600: the supplementary planes
      {"[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+", "arn\x7F",
       false},
      {"[\\d]*", "123456", true},
      {"[\\d]*", "12a", false},
      {"^p-[0-9a-zA-Z_]{8,128}$", "p-abcdefgh", true},
      {"^p-[0-9a-zA-Z_]{8,128}$", "p-abcdefg", false},
      {"^o-[0-9a-z]{10,32}\\/r-[0-9a-z]{4,32}[0-9a-z-\\/]*", "o-a1b2c3d4e5/r-ab12/ou-ab12-abcdefgh/", true},
      {"^o-[0-9a-z]{10,32}\\/r-[0-9a-z]{4,32}[0-9a-z-\\/]*", "o-a1b2c3d4e5/r-ab1", false},
      {"((/[A-Za-z0-9\\.,\\+@=_-]+)*)/", "/aws-service-role/", true},
      {"((/[A-Za-z0-9\\.,\\+@=_-]+)*)/", "/", true},
      {"((/[A-Za-z0-9\\.,\\+@=_-]+)*)/", "//", false},
  };
  for (const Case& c : cases) EXPECT_EQ(matches(c.pattern, c.value), c.match) << c.pattern << " ~ " << c.value;
}

TEST(Pattern, InvalidUtf8BecomesReplacementCharacters) {
  std::vector<char32_t> cps;
  decode_utf8("a\xFF\xC3\xA9\xE2\x82", cps);
  EXPECT_EQ(cps, (std::vector<char32_t>{U'a', 0xFFFD, 0xE9, 0xFFFD, 0xFFFD}));
  decode_utf8("\xF0\x9F\x98\x80\xED\xA0\x80", cps);
  EXPECT_EQ(cps, (std::vector<char32_t>{0x1F600, 0xFFFD, 0xFFFD, 0xFFFD}));
}

TEST(Pattern, NestedRepetitionStaysLinear) {
  // A backtracking matcher explores exponentially many splits of this value.
  std::string value;
  for (int i = 0; i < 20000; ++i) value += "/a";
  value += "!";
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(matches("((/[A-Za-z0-9\\.,\\+@=_-]+)*)/", value));
  EXPECT_FALSE(matches("^[a-z0-9](([a-z0-9]|-(?!-))*[a-z0-9])?$", std::string(100000, 'a') + "-"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(Pattern, EveryCompiledProgramEndsInMatch) {
  ASSERT_GT(kPatternCount, 20u);
  for (std::uint32_t i = 0; i < kPatternCount; ++i) {
    ASSERT_GT(kPatterns[i].size, 0u);
    EXPECT_EQ(kPatterns[i].program[kPatterns[i].size - 1].op, PatternOp::kMatch) << kPatterns[i].text;
  }
}

}  // namespace
}  // namespace iamd::protocol::detail

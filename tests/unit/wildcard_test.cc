#include "common/wildcard.h"

#include <gtest/gtest.h>

namespace iamd::common {
namespace {

struct GlobCase {
  const char* pattern;
  const char* text;
  bool match;
};

TEST(Wildcard, Table) {
  const GlobCase cases[] = {
      {"*", "", true},
      {"*", "anything/at:all", true},
      {"", "", true},
      {"", "a", false},
      {"a", "a", true},
      {"a", "A", false},
      {"?", "a", true},
      {"?", "", false},
      {"?", "ab", false},
      {"a*c", "abbbc", true},
      {"a*c", "abbbd", false},
      {"a*b*c", "aXbYc", true},
      {"a*b*c", "aXcYb", false},
      {"*.txt", "dir/file.txt", true},
      {"home/*/", "home/alice/", true},
      {"s3:get*", "s3:getobject", true},
      {"s3:get*", "s3:putobject", false},
      {"a?c", "abc", true},
      {"a?c",
       "a\xc3\xa9"
       "c",
       true},  // ? takes one UTF-8 character
      {"**", "x", true},
      {"*a", "aaaa", true},
      {"*ab", "aab", true},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(glob_match(encode_glob(c.pattern), c.text), c.match) << c.pattern << " vs " << c.text;
    EXPECT_EQ(Glob(encode_glob(c.pattern)).match(c.text), c.match) << "Glob " << c.pattern << " vs " << c.text;
  }
}

TEST(Wildcard, GlobShapesAgreeWithGlobMatch) {
  const char* patterns[] = {"abc", "abc*", "*abc", "*", "**", "a*c", "*b*", "a?c", "", "*a*", "ab**"};
  const char* texts[] = {"", "a", "abc", "abcd", "xabc", "ac", "abbc", "b", "aXc"};
  for (const char* p : patterns) {
    Glob g(encode_glob(p));
    for (const char* t : texts) EXPECT_EQ(g.match(t), glob_match(encode_glob(p), t)) << p << " vs " << t;
  }
  EXPECT_TRUE(Glob(encode_glob("abc")).is_exact());
  EXPECT_FALSE(Glob(encode_glob("ab*")).is_exact());
}

TEST(Wildcard, LiteralTextNeverActsAsWildcard) {
  std::string p = encode_glob("home/");
  append_literal(p, "*");
  EXPECT_TRUE(glob_match(p, "home/*"));
  EXPECT_FALSE(glob_match(p, "home/alice"));
  std::string q;
  append_literal(q,
                 "a\x01"
                 "b");
  EXPECT_TRUE(glob_match(q,
                         "a\x01"
                         "b"));
  EXPECT_FALSE(glob_match(q, "aXXb"));
  EXPECT_FALSE(has_wildcard(q));
  EXPECT_EQ(decode_glob(encode_glob("a*b?")), "a*b?");
}

TEST(Wildcard, PathologicalPatternIsFast) {
  std::string text(5000, 'a');
  std::string pattern;
  for (int i = 0; i < 50; ++i) pattern += "*a";
  pattern += "b";
  EXPECT_FALSE(glob_match(encode_glob(pattern), text));
}

}  // namespace
}  // namespace iamd::common

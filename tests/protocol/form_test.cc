// The form decoder as a table: what each body decodes to, or that it is malformed.
#include "protocol/form.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace iamd::protocol {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs pairs_of(const Params& p) {
  Pairs out;
  for (const Param& x : p.items()) out.emplace_back(x.name, x.value);
  return out;
}

struct GoodCase {
  const char* query;
  const char* body;
  Pairs expected;  // sorted by name
};

TEST(Form, DecodesWellFormedForms) {
  const GoodCase cases[] = {
      {"", "Action=ListUsers&Version=2010-05-08", {{"Action", "ListUsers"}, {"Version", "2010-05-08"}}},
      {"", "a=b+c%20d", {{"a", "b c d"}}},
      {"", "a=%e2%82%AC%E2%82%ac", {{"a", "\xE2\x82\xAC\xE2\x82\xAC"}}},
      {"", "a", {{"a", ""}}},
      {"", "a=&b=", {{"a", ""}, {"b", ""}}},
      {"", "&&a=1&", {{"a", "1"}}},
      {"", "a=1=2", {{"a", "1=2"}}},
      {"", "%41=x", {{"A", "x"}}},
      {"", "a+b=c", {{"a b", "c"}}},
      {"", "a=%00", {{"a", std::string(1, '\0')}}},
      {"", "a=%25%2B%26", {{"a", "%+&"}}},
      {"", "b=2&a=1", {{"a", "1"}, {"b", "2"}}},
      {"Action=GetCallerIdentity", "Version=2011-06-15", {{"Action", "GetCallerIdentity"}, {"Version", "2011-06-15"}}},
      {"", "", {}},
      {"", "Tags.member.1.Key=k&Tags.member.1.Value=", {{"Tags.member.1.Key", "k"}, {"Tags.member.1.Value", ""}}},
  };
  for (const GoodCase& c : cases) {
    auto p = decode_form(c.query, c.body);
    ASSERT_TRUE(p.has_value()) << c.body << ": " << p.error().message;
    EXPECT_EQ(pairs_of(*p), c.expected) << c.body;
  }
}

struct BadCase {
  const char* query;
  const char* body;
  const char* message;
};

TEST(Form, RejectsMalformedForms) {
  const BadCase cases[] = {
      {"", "a=%", "The request contains a malformed percent-encoding."},
      {"", "a=%4", "The request contains a malformed percent-encoding."},
      {"", "a=%zz", "The request contains a malformed percent-encoding."},
      {"", "a=%G0", "The request contains a malformed percent-encoding."},
      {"", "%=a", "The request contains a malformed percent-encoding."},
      {"", "=x", "The request contains a parameter without a name."},
      {"", "a=%FF", "The request contains a parameter that is not valid UTF-8."},
      {"", "a=%C0%80", "The request contains a parameter that is not valid UTF-8."},
      {"", "a=%ED%A0%80", "The request contains a parameter that is not valid UTF-8."},
      {"", "a=%E2%82", "The request contains a parameter that is not valid UTF-8."},
      {"", "%FF=a", "The request contains a parameter that is not valid UTF-8."},
      {"", "a=1&a=2", "The parameter a is given more than once."},
      {"Action=X", "Action=X", "The parameter Action is given more than once."},
  };
  for (const BadCase& c : cases) {
    auto p = decode_form(c.query, c.body);
    ASSERT_FALSE(p.has_value()) << c.body;
    EXPECT_EQ(p.error().code, "MalformedQueryString") << c.body;
    EXPECT_EQ(p.error().message, c.message) << c.body;
  }
}

TEST(Form, EnforcesLimits) {
  FormLimits limits;
  limits.max_params = 2;
  limits.max_bytes = 40;
  limits.max_name_bytes = 8;
  EXPECT_TRUE(decode_form("", "a=1&b=2", limits).has_value());
  auto too_many = decode_form("a=1", "b=2&c=3", limits);
  ASSERT_FALSE(too_many.has_value());
  EXPECT_EQ(too_many.error().message, "The request has more than 2 parameters.");
  auto too_big = decode_form("a=12345678901234567890", "b=12345678901234567890", limits);
  ASSERT_FALSE(too_big.has_value());
  EXPECT_EQ(too_big.error().message, "The request is larger than 40 bytes.");
  auto long_name = decode_form("", "abcdefghi=1", limits);
  ASSERT_FALSE(long_name.has_value());
  EXPECT_EQ(long_name.error().message, "The request contains a parameter name longer than 8 bytes.");
}

TEST(Form, FindsMembersByNameAndPrefix) {
  auto p = decode_form("", "UserName=bob&Tags.member.1.Key=a&Tags.member.1.Value=b").value();
  ASSERT_NE(p.find("UserName"), nullptr);
  EXPECT_EQ(*p.find("UserName"), "bob");
  EXPECT_EQ(p.find("User"), nullptr);
  EXPECT_TRUE(p.has_prefix("Tags."));
  EXPECT_FALSE(p.has_prefix("TagKeys."));
}

TEST(Form, ListIndicesAreCanonicalAndSorted) {
  auto p = decode_form("",
                       "T.member.10=j&T.member.2=b&T.member.1=a&T.member.01=x&T.member.0=z&T.member.x=y&"
                       "T.member.3.Key=k&T.member.99999999999=big&T.member.4.=e")
               .value();
  EXPECT_EQ(p.list_indices("T.member.", true), (std::vector<std::uint32_t>{1, 2, 10}));
  EXPECT_EQ(p.list_indices("T.member.", false), (std::vector<std::uint32_t>{3}));
  EXPECT_TRUE(p.list_indices("U.member.", true).empty());
}

}  // namespace
}  // namespace iamd::protocol

#include "http/message.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace iamd::http {
namespace {

std::vector<std::string> names(const Headers& h) {
  std::vector<std::string> out;
  for (const Field& f : h) out.push_back(f.name + "=" + f.value);
  return out;
}

TEST(Headers, LookupFoldsAsciiCase) {
  Headers h;
  h.add("Content-Type", "text/xml");
  h.add("X-Amz-Date", "20150830T123600Z");
  EXPECT_EQ(h.get("content-type"), "text/xml");
  EXPECT_EQ(h.get("CONTENT-TYPE"), "text/xml");
  EXPECT_EQ(h.get("x-amz-date"), "20150830T123600Z");
  EXPECT_TRUE(h.contains("X-AMZ-DATE"));
  EXPECT_FALSE(h.get("content-length").has_value());
  EXPECT_FALSE(h.contains("content-typ"));
}

TEST(Headers, RepeatedFieldsKeepTheirOrder) {
  Headers h;
  h.add("X-A", "1");
  h.add("Host", "h");
  h.add("x-a", "2");
  EXPECT_EQ(h.size(), 3u);
  EXPECT_EQ(h.get("X-A"), "1");
  EXPECT_EQ(names(h), (std::vector<std::string>{"X-A=1", "Host=h", "x-a=2"}));
}

TEST(Headers, SetReplacesEveryFieldOfTheName) {
  Headers h;
  h.add("X-A", "1");
  h.add("Host", "h");
  h.add("x-a", "2");
  h.set("x-A", "3");
  EXPECT_EQ(names(h), (std::vector<std::string>{"X-A=3", "Host=h"}));
  h.set("New", "v");
  EXPECT_EQ(names(h), (std::vector<std::string>{"X-A=3", "Host=h", "New=v"}));
}

TEST(Headers, RemoveDropsEveryFieldOfTheName) {
  Headers h;
  h.add("X-A", "1");
  h.add("Host", "h");
  h.add("x-a", "2");
  h.remove("X-a");
  EXPECT_EQ(names(h), (std::vector<std::string>{"Host=h"}));
  h.remove("absent");
  EXPECT_EQ(h.size(), 1u);
}

TEST(Headers, ClearKeepsSlotsForReuse) {
  Headers h;
  h.add("A", "1");
  h.add("B", "2");
  h.clear();
  EXPECT_TRUE(h.empty());
  EXPECT_FALSE(h.contains("A"));
  h.add("C", "3");
  EXPECT_EQ(names(h), (std::vector<std::string>{"C=3"}));
  // Slots freed by set() and remove() are reused too.
  h.add("D", "4");
  h.add("d", "5");
  h.set("D", "6");
  h.add("E", "7");
  EXPECT_EQ(names(h), (std::vector<std::string>{"C=3", "D=6", "E=7"}));
}

struct TargetCase {
  const char* target;
  const char* path;
  const char* query;
};

TEST(Request, PathAndQuery) {
  const TargetCase cases[] = {
      {"/", "/", ""},
      {"/?Action=ListUsers&Version=2010-05-08", "/", "Action=ListUsers&Version=2010-05-08"},
      {"/users/a%20b?x=1?y=2", "/users/a%20b", "x=1?y=2"},
      {"/p?", "/p", ""},
      {"http://iam.amazonaws.com/p?q=1", "/p", "q=1"},
      {"http://iam.amazonaws.com", "/", ""},
      {"https://sts.amazonaws.com?Action=GetCallerIdentity", "/", "Action=GetCallerIdentity"},
      {"", "/", ""},
  };
  for (const TargetCase& c : cases) {
    Request r;
    r.target = c.target;
    EXPECT_EQ(r.path(), c.path) << c.target;
    EXPECT_EQ(r.query(), c.query) << c.target;
  }
}

TEST(ReasonPhrase, KnownAndUnknownCodes) {
  EXPECT_EQ(reason_phrase(200), "OK");
  EXPECT_EQ(reason_phrase(400), "Bad Request");
  EXPECT_EQ(reason_phrase(413), "Content Too Large");
  EXPECT_EQ(reason_phrase(431), "Request Header Fields Too Large");
  EXPECT_EQ(reason_phrase(500), "Internal Server Error");
  EXPECT_EQ(reason_phrase(599), "Unknown");
}

}  // namespace
}  // namespace iamd::http

// iamd export / import (store/dump.h): a round trip through every kind of record and
// backend, and the refusals of a bad file, all of which leave the target untouched.
#include "store/dump.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "store_test_util.h"

namespace iamd::store {
namespace {

using namespace iamd::store::testing;  // NOLINT(google-build-using-namespace)

constexpr const char* kCheck = "0123abcd";

std::unique_ptr<Store> open(const std::string& url) {
  auto s = open_store(url);
  EXPECT_TRUE(s.has_value()) << s.error().message;
  return std::move(*s);
}

// One of everything: two accounts (alias, password policy), users with tags, boundary,
// password last used, access keys (one inactive, one used), a login profile, a root key, a
// group with a member, a role with tags and last use, customer policies with versions (one
// deleted: the highest version number survives), an AWS managed policy record, attachments,
// inline policies of every entity kind, an instance profile with its role, and a resource of
// every kind.
void populate(Store& store) {
  auto w = store.begin_write();
  ASSERT_TRUE(w.has_value());
  Transaction& t = **w;
  Account a = account(kAccount);
  a.alias = "acme";
  PasswordPolicy pp;
  pp.minimum_password_length = 12;
  pp.require_symbols = true;
  pp.max_password_age = 90;
  a.password_policy = pp;
  IAMD_ASSERT_OK(t.create_account(account(kAccount)));
  IAMD_ASSERT_OK(t.update_account(a));
  IAMD_ASSERT_OK(t.create_account(account(kOtherAccount)));

  ManagedPolicy aws = policy("ReadOnlyAccess", "ANPAAWS1", "/", "aws");
  IAMD_ASSERT_OK(t.create_policy(aws));
  ManagedPolicy mine = policy("Mine", "ANPAMINE", "/team/");
  mine.description = "mine \"quoted\"\n";
  mine.tags = {{"k", "v"}, {"a", "\xC3\xA9"}};
  mine.default_version_id = "v3";
  IAMD_ASSERT_OK(t.create_policy(mine));
  IAMD_ASSERT_OK(t.create_policy_version(mine.arn, version("v1", R"({"Version":"2012-10-17","Statement":[]})")));
  IAMD_ASSERT_OK(t.create_policy_version(mine.arn, version("v3", R"({"Statement":[]})", 1'700'000'400)));
  IAMD_ASSERT_OK(t.create_policy_version(mine.arn, version("v4", R"({"Statement":[1]})", 1'700'000'500)));
  IAMD_ASSERT_OK(t.delete_policy_version(mine.arn, "v4"));  // highest stays 4

  User u = user("Alice", "AIDAALICE", "/eng/");
  u.tags = {{"team", "eng"}};
  u.permissions_boundary = mine.arn;
  u.password_last_used = ts(1'700'001'000, 123456789);
  IAMD_ASSERT_OK(t.create_user(u));
  IAMD_ASSERT_OK(t.create_user(user("bob", "AIDABOB")));
  IAMD_ASSERT_OK(t.create_user(user("carol", "AIDACAROL", "/", kOtherAccount)));
  AccessKey k1;
  k1.id = "AKIAALICE1";
  k1.account_id = kAccount;
  k1.user_id = u.id;
  k1.create_date = ts(1'700'000'001);
  k1.secret_ciphertext = std::string("\x00\x01sealed\xff", 9);
  k1.last_used = AccessKeyLastUsed{ts(1'700'000'002), "iam", "us-east-1"};
  IAMD_ASSERT_OK(t.create_access_key(k1));
  AccessKey k2 = k1;
  k2.id = "AKIAALICE2";
  k2.status = AccessKeyStatus::kInactive;
  k2.last_used.reset();
  IAMD_ASSERT_OK(t.create_access_key(k2));
  AccessKey root = k1;
  root.id = "AKIAROOT";
  root.user_id.clear();
  IAMD_ASSERT_OK(t.create_access_key(root));
  IAMD_ASSERT_OK(t.create_login_profile(LoginProfile{u.id, "$argon2id$v=19$x", true, ts(1'700'000'003)}));

  IAMD_ASSERT_OK(t.create_group(group("Devs", "AGPADEVS")));
  IAMD_ASSERT_OK(t.add_user_to_group("AGPADEVS", u.id));
  IAMD_ASSERT_OK(t.add_user_to_group("AGPADEVS", "AIDABOB"));
  Role r = role("Deployer", "AROADEPLOY", "/svc/");
  r.description = "deploys";
  r.max_session_duration = 7200;
  r.tags = {{"env", "prod"}};
  r.last_used = RoleLastUsed{ts(1'700'000'900), "eu-west-1"};
  IAMD_ASSERT_OK(t.create_role(r));
  InstanceProfile ip = instance_profile("web", "AIPAWEB");
  ip.tags = {{"x", "y"}};
  IAMD_ASSERT_OK(t.create_instance_profile(ip));
  IAMD_ASSERT_OK(t.add_role_to_instance_profile("AIPAWEB", "AROADEPLOY"));

  IAMD_ASSERT_OK(t.attach_policy(EntityKind::kUser, u.id, mine.arn));
  IAMD_ASSERT_OK(t.attach_policy(EntityKind::kGroup, "AGPADEVS", aws.arn));
  IAMD_ASSERT_OK(t.attach_policy(EntityKind::kRole, "AROADEPLOY", aws.arn));
  IAMD_ASSERT_OK(t.put_inline_policy(EntityKind::kUser, u.id, InlinePolicy{"u1", R"({"a":1})"}));
  IAMD_ASSERT_OK(t.put_inline_policy(EntityKind::kGroup, "AGPADEVS", InlinePolicy{"g1", R"({"b":2})"}));
  IAMD_ASSERT_OK(t.put_inline_policy(EntityKind::kRole, "AROADEPLOY", InlinePolicy{"r1", R"({"c":3})"}));

  for (int k = 0; k <= static_cast<int>(ResourceKind::kRootLogin); ++k) {
    Resource res;
    res.kind = static_cast<ResourceKind>(k);
    res.account_id = k % 2 == 0 ? kAccount : kOtherAccount;
    res.id = "res-" + std::to_string(k);
    res.name = "Name" + std::to_string(k);
    res.owner_id = k == 0 ? u.id : "";
    res.create_date = ts(1'700'002'000 + k);
    res.body = std::string("body\x00\n", 6) + std::to_string(k);
    IAMD_ASSERT_OK(t.create_resource(res));
  }
  IAMD_ASSERT_OK(t.commit());
}

std::string dump(Store& store) {
  std::ostringstream out;
  auto counts = export_store(store, ExportOptions{"2026-12-05T09:00:00Z", kCheck}, out);
  EXPECT_TRUE(counts.has_value()) << counts.error().message;
  return out.str();
}

class DumpTest : public ::testing::Test {
 protected:
  TempFolder folder_;
};

// memory -> export -> import into SQLite -> export again: the same bytes; and the records
// read back as they were (secrets, highest version number, computed counts).
TEST_F(DumpTest, RoundTripMemoryToSqliteGivesTheSameBytes) {
  auto memory = open("memory:");
  populate(*memory);
  const std::string first = dump(*memory);
  ASSERT_NE(first.find("\"type\":\"end\""), std::string::npos);

  auto sqlite = open("sqlite:" + folder_.str());
  std::istringstream in(first);
  auto counts = import_store(*sqlite, ImportOptions{kCheck}, in);
  IAMD_ASSERT_OK(counts);
  EXPECT_EQ(counts->accounts, 2U);
  EXPECT_EQ(dump(*sqlite), first);

  // And back into another memory store: the same again.
  auto memory2 = open("memory:");
  std::istringstream in2(first);
  IAMD_ASSERT_OK(import_store(*memory2, ImportOptions{kCheck}, in2));
  EXPECT_EQ(dump(*memory2), first);

  auto r = sqlite->begin_read();
  ASSERT_TRUE(r.has_value());
  auto key = (*r)->get_access_key("AKIAALICE1");
  IAMD_ASSERT_OK(key);
  EXPECT_EQ(key->secret_ciphertext, std::string("\x00\x01sealed\xff", 9));
  auto mine = (*r)->get_policy("arn:aws:iam::111122223333:policy/team/Mine");
  IAMD_ASSERT_OK(mine);
  EXPECT_EQ(mine->highest_version_number, 4);
  EXPECT_EQ(mine->attachment_count, 1);
  EXPECT_EQ(mine->permissions_boundary_usage_count, 1);
  auto account_a = (*r)->get_account(kAccount);
  IAMD_ASSERT_OK(account_a);
  EXPECT_EQ(account_a->alias, "acme");
  ASSERT_TRUE(account_a->password_policy);
  EXPECT_EQ(account_a->password_policy->max_password_age, 90);
  auto res = (*r)->get_resource(ResourceKind::kRootLogin, "res-14");
  IAMD_ASSERT_OK(res);
  EXPECT_EQ(res->body, std::string("body\x00\n", 6) + "14");
}

// Lines of a valid dump of one account, for the error table to break.
std::vector<std::string> small_dump() {
  auto memory = open("memory:");
  auto w = memory->begin_write();
  EXPECT_TRUE(w.has_value());
  EXPECT_TRUE((*w)->create_account(account(kAccount)).has_value());
  EXPECT_TRUE((*w)->create_user(user("alice", "AIDAALICE")).has_value());
  EXPECT_TRUE((*w)->create_group(group("devs", "AGPADEVS")).has_value());
  EXPECT_TRUE((*w)->add_user_to_group("AGPADEVS", "AIDAALICE").has_value());
  EXPECT_TRUE((*w)->commit().has_value());
  std::istringstream text(dump(*memory));
  std::vector<std::string> lines;
  for (std::string l; std::getline(text, l);) lines.push_back(l);
  return lines;
}

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

struct BadCase {
  const char* name;
  std::function<void(std::vector<std::string>&)> edit;
  const char* code;
  const char* message;  // a part of the error's message
};

TEST_F(DumpTest, EveryBadFileIsRefusedWithItsLineAndNothingIsWritten) {
  const std::vector<std::string> good = small_dump();
  ASSERT_EQ(good.size(), 6U);  // header, account, user, group, group_member, end
  const std::vector<BadCase> cases = {
      {"not json", [](auto& l) { l[2] = "{\"type\":\"user\","; }, "InvalidInput", "line 3: "},
      {"bad header", [](auto& l) { l[0] = R"({"format":"other","version":1})"; }, "InvalidInput",
       "line 1: not an iamd export"},
      {"wrong version", [](auto& l) { l[0].replace(l[0].find("\"version\":1"), 11, "\"version\":2"); }, "InvalidInput",
       "line 1: export format version 2 is not supported"},
      {"wrong master key", [](auto& l) { l[0].replace(l[0].find(kCheck), 8, "ffffffff"); }, "Conflict",
       "line 1: the export was made with another master key"},
      {"truncated", [](auto& l) { l.pop_back(); }, "InvalidInput", "line 6: the file ends without its \"end\" record"},
      {"truncated mid-line", [](auto& l) { l[4].resize(10); }, "InvalidInput", "line 5: "},
      {"wrong count", [](auto& l) { l.erase(l.begin() + 4); }, "InvalidInput",
       "line 5: the trailer counts 4 records, the file has 3"},
      {"duplicate id", [](auto& l) { l.insert(l.begin() + 3, l[2]); }, "InvalidInput", "line 4: duplicate record"},
      {"missing relation", [](auto& l) { l.erase(l.begin() + 2); }, "InvalidInput",
       "line 4: refers to a missing record"},
      {"unknown type", [](auto& l) { l[2] = R"({"type":"gadget"})"; }, "InvalidInput",
       "line 3: unknown record type \"gadget\""},
      {"unknown field", [](auto& l) { l[3].insert(1, "\"color\":\"red\","); }, "InvalidInput",
       "line 4: unknown field \"color\""},
      {"bad time", [](auto& l) { l[1] = R"({"type":"account","id":"111122223333","created":"yesterday"})"; },
       "InvalidInput", "line 2: \"created\" is not a time"},
      {"text after the end", [](auto& l) { l.push_back(l[1]); }, "InvalidInput", "line 7: text after"},
      {"empty", [](auto& l) { l.clear(); }, "InvalidInput", "line 1: empty input"},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.name);
    std::vector<std::string> lines = good;
    c.edit(lines);
    auto target = open("memory:");
    std::istringstream in(join(lines));
    auto r = import_store(*target, ImportOptions{kCheck}, in);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, c.code) << r.error().message;
    EXPECT_NE(r.error().message.find(c.message), std::string::npos) << r.error().message;
    EXPECT_EQ(target->generation(), 0U);
    auto tx = target->begin_read();
    ASSERT_TRUE(tx.has_value());
    auto accounts = (*tx)->list_accounts({});
    IAMD_ASSERT_OK(accounts);
    EXPECT_TRUE(accounts->items.empty());
  }
  // The good file imports.
  auto target = open("memory:");
  std::istringstream in(join(good));
  IAMD_EXPECT_OK(import_store(*target, ImportOptions{kCheck}, in));
}

// A store with anything but what a first start makes is refused and left as it was.
TEST_F(DumpTest, NonEmptyTargetIsRefused) {
  const std::string text = join(small_dump());
  struct Case {
    const char* name;
    std::function<void(Transaction&)> fill;
  };
  auto first_start = [](Transaction& t, const std::string& id) {
    IAMD_ASSERT_OK(t.create_account(account(id)));
    AccessKey root;
    root.id = "AKIAFIRSTSTART";
    root.account_id = id;
    root.secret_ciphertext = "sealed";
    IAMD_ASSERT_OK(t.create_access_key(root));
  };
  const std::vector<Case> cases = {
      {"an AWS managed policy record",
       [](Transaction& t) { IAMD_ASSERT_OK(t.create_policy(policy("ReadOnlyAccess", "ANPAAWS1", "/", "aws"))); }},
      {"two accounts",
       [](Transaction& t) {
         IAMD_ASSERT_OK(t.create_account(account(kAccount)));
         IAMD_ASSERT_OK(t.create_account(account(kOtherAccount)));
       }},
      {"a first start and a user",
       [&](Transaction& t) {
         first_start(t, kAccount);
         IAMD_ASSERT_OK(t.create_user(user("zed", "AIDAZED")));
       }},
      {"a first start with an alias",
       [&](Transaction& t) {
         first_start(t, kAccount);
         Account a = account(kAccount);
         a.alias = "taken";
         IAMD_ASSERT_OK(t.update_account(a));
       }},
      {"a first start of an account the file does not hold", [&](Transaction& t) { first_start(t, kOtherAccount); }},
  };
  int n = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string folder = folder_.str() + "-" + std::to_string(n++);
    auto target = open("sqlite:" + folder);
    {
      auto w = target->begin_write();
      ASSERT_TRUE(w.has_value());
      c.fill(**w);
      IAMD_ASSERT_OK((*w)->commit());
    }
    const std::string before = dump(*target);
    std::istringstream in(text);
    IAMD_EXPECT_ERROR(import_store(*target, ImportOptions{kCheck}, in), kConflict);
    EXPECT_EQ(dump(*target), before);
    target.reset();
    std::error_code ec;
    std::filesystem::remove_all(folder, ec);
  }
}

// A store as a first start of `iamd serve` leaves it (the account, its root key and root
// console sign-in) takes the export of that account: the file's records replace the first
// start's.
TEST_F(DumpTest, FirstStartRecordsGiveWayToTheFilesAccount) {
  const std::string text = join(small_dump());
  auto target = open("sqlite:" + folder_.str());
  {
    auto w = target->begin_write();
    ASSERT_TRUE(w.has_value());
    IAMD_ASSERT_OK((*w)->create_account(account(kAccount)));
    AccessKey root;
    root.id = "AKIAFIRSTSTART";
    root.account_id = kAccount;
    root.secret_ciphertext = "sealed";
    IAMD_ASSERT_OK((*w)->create_access_key(root));
    Resource login;
    login.kind = ResourceKind::kRootLogin;
    login.account_id = kAccount;
    login.id = "root@first.start";
    login.name = "root@first.start";
    IAMD_ASSERT_OK((*w)->create_resource(login));
    IAMD_ASSERT_OK((*w)->commit());
  }
  std::istringstream in(text);
  IAMD_ASSERT_OK(import_store(*target, ImportOptions{kCheck}, in));
  EXPECT_EQ(dump(*target), text);
}

}  // namespace
}  // namespace iamd::store

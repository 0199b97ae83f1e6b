#include "app/data_dir.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "app/root_credentials.h"

namespace iamd::app {
namespace {

std::filesystem::path fresh(const char* name) {
  auto p = std::filesystem::path(::testing::TempDir()) / name;
  std::filesystem::remove_all(p);
  return p;
}

mode_t mode_of(const std::filesystem::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 0777;
}

ino_t inode_of(const std::filesystem::path& p) {
  struct stat st {};
  ::lstat(p.c_str(), &st);
  return st.st_ino;
}

// Runs with the process umask set to `mask`, restoring it after.
class Umask {
 public:
  explicit Umask(mode_t mask) : old_(::umask(mask)) {}
  ~Umask() { ::umask(old_); }

 private:
  mode_t old_;
};

void write_text(const std::filesystem::path& p, const std::string& text) {
  ASSERT_TRUE(write_private_file(p, text).has_value());
}

std::vector<std::string> names_in(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(DataDir, CreatesFolderAndKeyOnceThenReopens) {
  auto root = fresh("iamd-data-dir");
  common::SeededRandom random(9);
  auto first = open_data_dir(root, random);
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_TRUE(first->created);
  EXPECT_EQ(first->master_key.size(), 32u);
  EXPECT_EQ(mode_of(root), 0700u);
  EXPECT_EQ(mode_of(root / "master.key"), 0600u);
  auto again = open_data_dir(root, random);
  ASSERT_TRUE(again.has_value());
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->master_key, first->master_key);
  std::filesystem::remove_all(root);
}

TEST(DataDir, RefusesUnsafeOrDamagedKeysAndBadFolders) {
  auto root = fresh("iamd-data-dir-bad");
  common::SeededRandom random(9);
  ASSERT_TRUE(open_data_dir(root, random).has_value());
  ::chmod((root / "master.key").c_str(), 0644);
  auto loose = open_data_dir(root, random);
  ASSERT_FALSE(loose.has_value());
  EXPECT_NE(loose.error().message.find("chmod 600"), std::string::npos);
  ASSERT_TRUE(write_private_file(root / "master.key", "short").has_value());
  EXPECT_FALSE(open_data_dir(root, random).has_value());
  ASSERT_TRUE(write_private_file(root / "file", "x").has_value());
  EXPECT_FALSE(open_data_dir(root / "file", random).has_value());  // not a folder
  EXPECT_FALSE(open_data_dir("/proc/iamd-cannot-create", random).has_value());
  std::filesystem::remove_all(root);
}

TEST(DataDir, PrivateWhateverTheUmask) {
  Umask open_to_all(0);
  auto root = fresh("iamd-data-dir-umask");
  common::SeededRandom random(9);
  auto d = open_data_dir(root, random);
  ASSERT_TRUE(d.has_value()) << d.error().message;
  EXPECT_TRUE(d->notes.empty());
  EXPECT_EQ(mode_of(root), 0700u);
  EXPECT_EQ(mode_of(root / "master.key"), 0600u);
  write_text(root / "file", "x");
  EXPECT_EQ(mode_of(root / "file"), 0600u);
  std::vector<std::string> notes;
  ASSERT_TRUE(ensure_private_dir(root / "a" / "b", notes).has_value());
  EXPECT_EQ(mode_of(root / "a" / "b"), 0700u);
  EXPECT_TRUE(notes.empty());
  // No temporary file is left behind.
  EXPECT_EQ(names_in(root), (std::vector<std::string>{"a", "file", "master.key"}));
  std::filesystem::remove_all(root);
}

TEST(DataDir, FoldersAndFilesOpenToOthersAreTightenedWithANote) {
  auto root = fresh("iamd-data-dir-loose");
  common::SeededRandom random(9);
  ASSERT_TRUE(open_data_dir(root, random).has_value());
  ::chmod(root.c_str(), 0755);
  auto d = open_data_dir(root, random);
  ASSERT_TRUE(d.has_value());
  ASSERT_EQ(d->notes.size(), 1u);
  EXPECT_NE(d->notes[0].find("(mode 0755); set to 0700"), std::string::npos) << d->notes[0];
  EXPECT_EQ(mode_of(root), 0700u);
  write_text(root / "db", "x");
  ::chmod((root / "db").c_str(), 0664);
  std::vector<std::string> notes;
  ASSERT_TRUE(tighten_private_file(root / "db", notes).has_value());
  EXPECT_EQ(mode_of(root / "db"), 0600u);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("(mode 0664); set to 0600"), std::string::npos) << notes[0];
  notes.clear();
  ASSERT_TRUE(tighten_private_file(root / "db", notes).has_value());  // already private: no note
  ASSERT_TRUE(tighten_private_file(root / "missing", notes).has_value());
  EXPECT_TRUE(notes.empty());
  std::filesystem::create_symlink(root / "db", root / "link");
  EXPECT_FALSE(tighten_private_file(root / "link", notes).has_value());
  std::filesystem::remove_all(root);
}

TEST(DataDir, LinksAreNeitherFollowedNorWrittenThrough) {
  auto root = fresh("iamd-data-dir-links");
  auto outside = fresh("iamd-data-dir-victim");
  std::vector<std::string> notes;
  ASSERT_TRUE(ensure_private_dir(root, notes).has_value());
  {
    std::FILE* f = std::fopen(outside.c_str(), "w");
    std::fputs("untouched", f);
    std::fclose(f);
  }
  // At the old fixed temporary name, and at the target itself.
  std::filesystem::create_symlink(outside, root / "secret.tmp");
  std::filesystem::create_symlink(outside, root / "secret");
  write_text(root / "secret", "new");
  EXPECT_EQ(*read_file(outside), "untouched");
  EXPECT_TRUE(std::filesystem::is_symlink(root / "secret.tmp"));
  EXPECT_FALSE(std::filesystem::is_symlink(root / "secret"));  // replaced, not followed
  EXPECT_EQ(*read_file(root / "secret"), "new");
  EXPECT_EQ(mode_of(root / "secret"), 0600u);
  // Reading never follows a link either.
  std::filesystem::create_symlink(outside, root / "read-me");
  auto r = read_file(root / "read-me");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("symbolic link"), std::string::npos) << r.error().message;
  // A master key planted as a link is refused.
  common::SeededRandom random(9);
  std::filesystem::create_symlink(outside, root / "master.key");
  EXPECT_FALSE(open_data_dir(root, random).has_value());
  EXPECT_EQ(*read_file(outside), "untouched");
  std::filesystem::remove_all(root);
  std::filesystem::remove(outside);
}

// ---- root credentials (app/root_credentials.h) ----

RootCredentials env_of(std::string account, std::string key, std::string secret) {
  return RootCredentials{std::move(account), std::move(key), std::move(secret)};
}

TEST(RootCredentials, AppliedOnlyWhenChangedSinceLastApplied) {
  auto root = fresh("iamd-root-credentials");
  std::vector<std::string> notes;
  ASSERT_TRUE(ensure_private_dir(root, notes).has_value());
  common::SeededRandom random(3);
  const auto none = env_of("", "", "");

  // First start without environment: everything generated and applied.
  auto first = plan_root_credentials(root, none, random);
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_TRUE(first->generated && first->account_generated && first->apply);
  EXPECT_TRUE(first->replaces.empty());
  EXPECT_EQ(first->credentials.access_key_id.substr(0, 4), "AKIA");
  ASSERT_TRUE(save_root_credentials(root, *first, true).has_value());
  EXPECT_EQ(mode_of(root / kRootCredentialsFile), 0600u);
  EXPECT_EQ(*read_file(root / kAwsCredentialsFile), aws_credentials_text(first->credentials));

  // Restart: nothing to apply (a deleted key stays deleted), nothing rewritten.
  const ino_t inode = inode_of(root / kRootCredentialsFile);
  auto again = plan_root_credentials(root, none, random);
  ASSERT_TRUE(again.has_value());
  EXPECT_FALSE(again->apply || again->generated);
  EXPECT_EQ(again->credentials.secret_access_key, first->credentials.secret_access_key);
  ASSERT_TRUE(save_root_credentials(root, *again, false).has_value());
  EXPECT_EQ(inode_of(root / kRootCredentialsFile), inode);

  const std::string account = first->credentials.account_id;
  const std::string key1 = first->credentials.access_key_id;
  struct Case {
    RootCredentials env;
    bool apply;
    std::string replaces;
  };
  const Case cases[] = {
      {env_of("", "", "anothersecret"), true, ""},                        // new secret, same key
      {env_of("", "", first->credentials.secret_access_key), false, ""},  // same as applied
      {env_of(account, key1, first->credentials.secret_access_key), false, ""},
      {env_of("", "AKIAROOTEXAMPLE00009", "s"), true, key1},  // a new key replaces the old
  };
  for (const Case& c : cases) {
    auto p = plan_root_credentials(root, c.env, random);
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->apply, c.apply) << c.env.access_key_id << " " << c.env.secret_access_key;
    EXPECT_EQ(p->replaces, c.replaces);
    EXPECT_FALSE(p->generated);
  }

  // Applied through the environment, then the environment unchanged: no second apply, and the
  // secret from the environment is not written again.
  auto rotated = plan_root_credentials(root, env_of("", "AKIAROOTEXAMPLE00009", "s"), random);
  ASSERT_TRUE(save_root_credentials(root, *rotated, false).has_value());  // before the store
  auto crashed = plan_root_credentials(root, env_of("", "AKIAROOTEXAMPLE00009", "s"), random);
  EXPECT_TRUE(crashed->apply);  // a crash before the store committed: applied again
  EXPECT_EQ(crashed->replaces, key1);
  ASSERT_TRUE(save_root_credentials(root, *crashed, true).has_value());
  const ino_t applied_inode = inode_of(root / kRootCredentialsFile);
  auto steady = plan_root_credentials(root, env_of("", "AKIAROOTEXAMPLE00009", "s"), random);
  EXPECT_FALSE(steady->apply);
  ASSERT_TRUE(save_root_credentials(root, *steady, false).has_value());
  EXPECT_EQ(inode_of(root / kRootCredentialsFile), applied_inode);
  EXPECT_NE(read_file(root / kAwsCredentialsFile)->find("aws_access_key_id = AKIAROOTEXAMPLE00009\n"),
            std::string::npos);
  std::filesystem::remove_all(root);
}

TEST(RootCredentials, GeneratedKeySurvivesACrashBeforeTheStoreAndLegacyFilesCountAsApplied) {
  auto root = fresh("iamd-root-credentials-crash");
  std::vector<std::string> notes;
  ASSERT_TRUE(ensure_private_dir(root, notes).has_value());
  common::SeededRandom random(4);
  auto first = plan_root_credentials(root, env_of("", "", ""), random);
  ASSERT_TRUE(save_root_credentials(root, *first, false).has_value());  // then a crash
  auto next = plan_root_credentials(root, env_of("", "", ""), random);
  EXPECT_TRUE(next->apply);
  EXPECT_FALSE(next->generated);
  EXPECT_EQ(next->credentials.secret_access_key, first->credentials.secret_access_key);

  // A file written by an earlier iamd (no marker): its key was applied at every start.
  write_text(root / kRootCredentialsFile,
             "account_id=123456789012\naccess_key_id=AKIAROOTEXAMPLE00001\nsecret_access_key=abc\n");
  auto legacy = plan_root_credentials(root, env_of("", "", ""), random);
  EXPECT_FALSE(legacy->apply);
  auto edited = plan_root_credentials(root, env_of("", "", "def"), random);
  EXPECT_TRUE(edited->apply);
  EXPECT_TRUE(edited->replaces.empty());

  // Removing the key lines (recovery): a new key is generated and replaces the old one.
  write_text(root / kRootCredentialsFile,
             "account_id=123456789012\napplied_access_key_id=AKIAROOTEXAMPLE00001\napplied_digest=x\n");
  auto recovered = plan_root_credentials(root, env_of("", "", ""), random);
  EXPECT_TRUE(recovered->apply && recovered->generated);
  EXPECT_FALSE(recovered->account_generated);
  EXPECT_EQ(recovered->credentials.account_id, "123456789012");
  EXPECT_EQ(recovered->replaces, "AKIAROOTEXAMPLE00001");
  std::filesystem::remove_all(root);
}

TEST(RootCredentials, MalformedValuesAreRefused) {
  auto root = fresh("iamd-root-credentials-bad");
  std::vector<std::string> notes;
  ASSERT_TRUE(ensure_private_dir(root, notes).has_value());
  common::SeededRandom random(5);
  for (const RootCredentials& env :
       {env_of("12345", "", ""), env_of("", "SHORT", ""), env_of("", "AKIAROOTEXAMPLE0000\n", ""),
        env_of("", "", "has space"), env_of("", "", "line\nbreak")}) {
    EXPECT_FALSE(plan_root_credentials(root, env, random).has_value()) << env.account_id << env.access_key_id;
  }
  std::filesystem::remove_all(root);
}

TEST(RootCredentials, AwsCredentialsFileHasTheProfileAndRegion) {
  EXPECT_EQ(aws_credentials_text(env_of("123456789012", "AKIAROOTEXAMPLE00001", "abc")),
            "# iamd root access key of account 123456789012 (docs/operations.md). Use: "
            "AWS_SHARED_CREDENTIALS_FILE=<this file> aws --profile iamd --endpoint-url http://HOST:PORT ...\n"
            "[iamd]\naws_access_key_id = AKIAROOTEXAMPLE00001\naws_secret_access_key = abc\nregion = us-east-1\n");
}

}  // namespace
}  // namespace iamd::app

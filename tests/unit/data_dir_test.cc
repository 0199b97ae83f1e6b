#include "app/data_dir.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

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

}  // namespace
}  // namespace iamd::app

// Shared helpers of the store tests: a temporary data folder, assertions on Results, and
// record builders with fixed values.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "store/store.h"

namespace iamd::store::testing {

#define IAMD_ASSERT_OK(expr)                                                                     \
  do {                                                                                           \
    const auto& iamd_r_ = (expr);                                                                \
    ASSERT_TRUE(iamd_r_.has_value()) << iamd_r_.error().code << ": " << iamd_r_.error().message; \
  } while (0)

#define IAMD_EXPECT_OK(expr)                                                                     \
  do {                                                                                           \
    const auto& iamd_r_ = (expr);                                                                \
    EXPECT_TRUE(iamd_r_.has_value()) << iamd_r_.error().code << ": " << iamd_r_.error().message; \
  } while (0)

#define IAMD_EXPECT_ERROR(expr, expected_code)                                   \
  do {                                                                           \
    const auto& iamd_r_ = (expr);                                                \
    ASSERT_FALSE(iamd_r_.has_value()) << "expected " << (expected_code);         \
    EXPECT_EQ(iamd_r_.error().code, (expected_code)) << iamd_r_.error().message; \
  } while (0)

// A fresh folder under ::testing::TempDir(), removed with everything in it at destruction.
class TempFolder {
 public:
  TempFolder() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "_" + info->name();
    for (char& c : name) {
      if (c == '/') c = '_';
    }
    path_ = std::filesystem::path(::testing::TempDir()) / ("iamd_store_" + name + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
  }
  ~TempFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

inline constexpr const char* kAccount = "111122223333";
inline constexpr const char* kOtherAccount = "444455556666";

inline Timestamp ts(std::int64_t seconds, std::int32_t nanos = 0) {
  return Timestamp{seconds, nanos};
}

inline Account account(std::string id) {
  Account a;
  a.id = std::move(id);
  a.create_date = ts(1'600'000'000);
  return a;
}

inline User user(std::string name, std::string id, std::string path = "/", std::string account_id = kAccount) {
  User u;
  u.account_id = std::move(account_id);
  u.name = std::move(name);
  u.path = std::move(path);
  u.id = std::move(id);
  u.create_date = ts(1'700'000'000, 5);
  return u;
}

inline Group group(std::string name, std::string id, std::string path = "/", std::string account_id = kAccount) {
  Group g;
  g.account_id = std::move(account_id);
  g.name = std::move(name);
  g.path = std::move(path);
  g.id = std::move(id);
  g.create_date = ts(1'700'000'100);
  return g;
}

inline Role role(std::string name, std::string id, std::string path = "/", std::string account_id = kAccount) {
  Role r;
  r.account_id = std::move(account_id);
  r.name = std::move(name);
  r.path = std::move(path);
  r.id = std::move(id);
  r.trust_policy = R"({"Version":"2012-10-17","Statement":[]})";
  r.create_date = ts(1'700'000'200);
  return r;
}

inline ManagedPolicy policy(std::string name, std::string id, std::string path = "/",
                            std::string account_id = kAccount) {
  ManagedPolicy p;
  p.account_id = account_id;
  p.aws_managed = account_id == "aws";
  std::string arn_path = path.substr(1);
  p.arn = "arn:aws:iam::" + account_id + ":policy/" + arn_path + name;
  p.name = std::move(name);
  p.path = std::move(path);
  p.id = std::move(id);
  p.create_date = ts(1'700'000'300);
  p.update_date = p.create_date;
  return p;
}

inline PolicyVersion version(std::string id, std::string document, std::int64_t seconds = 1'700'000'300) {
  PolicyVersion v;
  v.version_id = std::move(id);
  v.document = std::move(document);
  v.create_date = ts(seconds);
  return v;
}

inline InstanceProfile instance_profile(std::string name, std::string id, std::string path = "/") {
  InstanceProfile p;
  p.account_id = kAccount;
  p.name = std::move(name);
  p.path = std::move(path);
  p.id = std::move(id);
  p.create_date = ts(1'700'000'400);
  return p;
}

}  // namespace iamd::store::testing

// The credential report is CSV: every value that comes from a caller (user names and paths,
// the service and Region recorded for a key's last use) is quoted as RFC 4180 says, so none
// can add a column or a row. Driven through the domain on the memory store.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/random.h"
#include "common/time.h"
#include "iam/service.h"
#include "store/store.h"

namespace iamd::iam {
namespace {

constexpr const char* kAccount = "123456789012";

// An RFC 4180 reader: rows of fields, quoted fields with doubled quotes, CRLF or LF rows.
// Fails the test on a stray quote.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
  std::size_t i = 0;
  bool at_field_start = true;
  while (i < text.size()) {
    char c = text[i];
    if (at_field_start && c == '"') {
      ++i;
      for (;;) {
        if (i >= text.size()) {
          ADD_FAILURE() << "unterminated quoted field";
          return rows;
        }
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            rows.back().back() += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        rows.back().back() += text[i++];
      }
      at_field_start = false;
      if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
        ADD_FAILURE() << "text after a closing quote at " << i;
      }
      continue;
    }
    if (c == ',') {
      rows.back().emplace_back();
      at_field_start = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      rows.emplace_back(1);
      at_field_start = true;
    } else {
      if (c == '"') ADD_FAILURE() << "a quote inside an unquoted field at " << i;
      rows.back().back() += c;
      at_field_start = false;
    }
    ++i;
  }
  return rows;
}

class CredentialReportTest : public ::testing::Test {
 protected:
  CredentialReportTest() {
    store_ = std::move(store::open_store("memory:")).value();
    DomainEnv env;
    env.store = store_.get();
    env.clock = &clock_;
    env.random = &random_;
    env.master_key = crypto::KeyRing::single(std::string(32, 'k'));
    domain_ = std::make_unique<IamDomain>(env);
    EXPECT_TRUE(domain_->bootstrap(kAccount, "AKIAROOTEXAMPLE00001", "root-secret").has_value());
  }

  std::unique_ptr<store::Store> store_;
  common::FixedClock clock_{common::Timestamp{1700000000, 0}};
  common::SeededRandom random_{7};
  std::unique_ptr<IamDomain> domain_;
};

TEST(CsvReader, ReadsQuotedFields) {
  auto rows = parse_csv("a,\"b,\"\"c\"\"\nd\"\ne,");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"a", "b,\"c\"\nd"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"e", ""}));
}

TEST_F(CredentialReportTest, CallerValuesCannotForgeColumnsOrRows) {
  // IAM user names may hold ',' ([\w+=,.@-]+) and paths any printable ASCII.
  const std::string name = "comma,user";
  const std::string path = "/a\",b/";
  ASSERT_TRUE(in_write(*domain_->env().store, kAccount, [&](const Write& w) {
                return domain_->users.create_user(w, name, path, "", {});
              }).has_value());
  auto key = in_write(*domain_->env().store, kAccount,
                      [&](const Write& w) { return domain_->users.create_access_key(w, name); });
  ASSERT_TRUE(key.has_value()) << key.error().message;
  // The gateway records only scopes it accepted; the report must not rely on that.
  const std::string service = "iam\",\"forged";
  const std::string region = "us-east-1\n<root_account>,forged";
  ASSERT_TRUE(domain_->record_access_key_use(key->key.id, service, region).has_value());
  ASSERT_TRUE(iam::in_write(*domain_->env().store, kAccount, [&](const iam::Write& w) {
                return domain_->reports.generate_credential_report(w);
              }).has_value());
  auto report = iam::in_read(*domain_->env().store, kAccount,
                             [&](const iam::Read& r) { return domain_->reports.get_credential_report(r); });
  ASSERT_TRUE(report.has_value()) << report.error().message;

  auto rows = parse_csv(report->csv);
  ASSERT_EQ(rows.size(), 3u) << report->csv;  // header, root, the user
  const std::vector<std::string>& header = rows[0];
  ASSERT_EQ(header.size(), 22u);
  for (const auto& row : rows) EXPECT_EQ(row.size(), header.size()) << report->csv;
  auto column = [&](const std::vector<std::string>& row, std::string_view name) {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return row.at(i);
    }
    ADD_FAILURE() << "no column " << name;
    return std::string();
  };
  const auto& user = rows[2];
  EXPECT_EQ(column(user, "user"), name);
  EXPECT_EQ(column(user, "arn"), "arn:aws:iam::123456789012:user" + path + name);
  EXPECT_EQ(column(user, "access_key_1_active"), "true");
  EXPECT_EQ(column(user, "access_key_1_last_used_region"), region);
  EXPECT_EQ(column(user, "access_key_1_last_used_service"), service);
  EXPECT_EQ(column(user, "access_key_2_active"), "false");
  EXPECT_EQ(column(user, "cert_2_last_rotated"), "N/A");
  EXPECT_EQ(column(rows[1], "user"), "<root_account>");
  // Plain values stay unquoted, as AWS writes them.
  EXPECT_NE(report->csv.find("\n<root_account>,arn:aws:iam::123456789012:root,"), std::string::npos);
}

}  // namespace
}  // namespace iamd::iam

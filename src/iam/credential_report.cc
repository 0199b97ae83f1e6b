// The credential report (GenerateCredentialReport / GetCredentialReport): one CSV row for
// the root user and one per IAM user, with AWS's columns and values (N/A, not_supported,
// no_information, ISO 8601 times with +00:00). Reports are generated synchronously and kept
// in the store (kCredentialReport, one per account), so they survive a restart; as in AWS a
// report is current for 4 hours, after which Generate makes a new one and Get answers
// ReportExpired.
#include <charconv>

#include "iam/internal.h"
#include "iam/service.h"

namespace iamd::iam {

using common::Error;
using internal::all_pages;

namespace {

constexpr std::int64_t kReportLifetime = 4 * 3600;  // seconds
constexpr std::string_view kHeader =
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
    "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,"
    "access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,"
    "access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

// One CSV field as RFC 4180 writes it: a value holding a comma, a double quote, CR or LF is
// enclosed in double quotes with each double quote doubled; any other value is written as
// it is. User names (which may hold ',') and paths (which may hold '"' and ',') pass
// through here, and so does every stored value, so no value can add a column or a row.
// [UNCERTAIN] AWS's report has no quoted field in any documented example; quoting is what
// its readers (csv modules, spreadsheets) expect.
std::string csv_field(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
  std::string out;
  out.reserve(value.size() + 2);
  out += '"';
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

// AWS's report times: 2014-02-07T00:22:29+00:00.
std::string report_time(common::Timestamp t) {
  std::string s = common::format_iso8601(t);
  if (!s.empty() && s.back() == 'Z') s.replace(s.size() - 1, 1, "+00:00");
  return s;
}

void add_keys(std::string& row, const std::vector<store::AccessKey>& keys) {
  for (std::size_t i = 0; i < 2; ++i) {
    if (i >= keys.size()) {
      row += ",false,N/A,N/A,N/A,N/A";
      continue;
    }
    const store::AccessKey& k = keys[i];
    row += k.status == store::AccessKeyStatus::kActive ? ",true," : ",false,";
    row += report_time(k.create_date);
    if (k.last_used) {
      row += ',';
      row += report_time(k.last_used->date);
      row += ',';
      row += csv_field(k.last_used->region);
      row += ',';
      row += csv_field(k.last_used->service);
    } else {
      row += ",N/A,N/A,N/A";
    }
  }
}

// cert_1_active, cert_1_last_rotated, cert_2_active, cert_2_last_rotated: the first two signing
// certificates as they are (Active or Inactive, uploaded when), N/A where there is none.
void add_certificates(std::string& row, const std::vector<Certificates::SigningCertificate>& certs) {
  for (std::size_t i = 0; i < 2; ++i) {
    if (i < certs.size()) {
      row += certs[i].status == store::AccessKeyStatus::kActive ? ",true," : ",false,";
      row += report_time(certs[i].upload_date);
    } else {
      row += ",false,N/A";
    }
  }
}

// The report's record body: the generation time in seconds, a newline, the CSV.
std::string encode_report(common::Timestamp generated, std::string_view csv) {
  return std::to_string(generated.seconds) + "\n" + std::string(csv);
}

}  // namespace

Result<CredentialReportState> Reports::generate_credential_report(const Write& wr) {
  const common::Timestamp now = env_.clock->now();
  auto existing = wr.tx.get_resource(store::ResourceKind::kCredentialReport, wr.account_id);
  if (existing) {
    auto report = read_credential_report(*existing);
    if (report && now.seconds - report->generated.seconds < kReportLifetime) return CredentialReportState::kComplete;
  } else if (!store::is_not_found(existing.error())) {
    return existing.error();
  }
  auto account = wr.tx.get_account(wr.account_id);
  if (!account) return account.error();
  std::optional<store::PasswordPolicy> policy = account->password_policy;

  std::string csv(kHeader);
  csv += "\n<root_account>,arn:" + env_.partition + ":iam::" + std::string(wr.account_id) + ":root," +
         report_time(account->create_date) + ",not_supported,";
  // The root user's last console sign-in (iam/root_login.h), as AWS reports it.
  auto root_login = domain_.root_logins.of_account(wr);
  if (!root_login) return root_login.error();
  std::optional<common::Timestamp> root_last_used;
  if (*root_login) root_last_used = (*root_login)->password_last_used;
  csv +=
      (root_last_used ? report_time(*root_last_used) : std::string("no_information")) + ",not_supported,not_supported,";
  // The root user's enabled devices (unassigned ones have no owner either).
  store::ListOptions one;
  one.max_items = 1;
  auto root_mfa = domain_.mfa_devices.list_mfa_devices(wr, "", one);
  if (!root_mfa) return root_mfa.error();
  csv += root_mfa->items.empty() ? "false" : "true";
  auto root_keys = wr.tx.list_access_keys(wr.account_id, "");
  if (!root_keys) return root_keys.error();
  add_keys(csv, *root_keys);
  // The root user's own signing certificates (UploadSigningCertificate without UserName).
  auto root_certs = all_pages<Certificates::SigningCertificate>(
      [&](const store::ListOptions& o) { return domain_.certificates.list_signing_certificates(wr, "", o); });
  if (!root_certs) return root_certs.error();
  add_certificates(csv, *root_certs);

  auto users = all_pages<store::User>([&](const store::ListOptions& o) { return wr.tx.list_users(wr.account_id, o); });
  if (!users) return users.error();
  for (const store::User& u : *users) {
    std::string row = "\n";
    row += csv_field(u.name);
    row += ',';
    row += csv_field(domain_.user_arn(u));
    row += ',';
    row += report_time(u.create_date);
    auto profile = wr.tx.get_login_profile(u.id);
    if (profile) {
      row += ",true,";
      row += u.password_last_used ? report_time(*u.password_last_used) : "no_information";
      row += "," + report_time(profile->create_date) + ",";
      if (policy && policy->max_password_age) {
        row += report_time(common::Timestamp{
            profile->create_date.seconds + static_cast<std::int64_t>(*policy->max_password_age) * 86400, 0});
      } else {
        row += "N/A";
      }
    } else if (store::is_not_found(profile.error())) {
      row += ",false,N/A,N/A,N/A";
    } else {
      return profile.error();
    }
    auto mfa = wr.tx.list_resources(store::ResourceKind::kMfaDevice, wr.account_id, std::string_view(u.id), {});
    if (!mfa) return mfa.error();
    row += mfa->items.empty() ? ",false" : ",true";
    auto keys = wr.tx.list_access_keys(wr.account_id, u.id);
    if (!keys) return keys.error();
    add_keys(row, *keys);
    // Signing certificates: read through the domain's own decoding.
    auto certs = all_pages<Certificates::SigningCertificate>(
        [&](const store::ListOptions& o) { return domain_.certificates.list_signing_certificates(wr, u.name, o); });
    if (!certs) return certs.error();
    add_certificates(row, *certs);
    csv += row;
  }
  store::Resource record;
  record.kind = store::ResourceKind::kCredentialReport;
  record.account_id = std::string(wr.account_id);
  record.id = std::string(wr.account_id);
  record.name = std::string(wr.account_id);
  record.create_date = now;
  record.body = encode_report(now, csv);
  auto written = existing ? wr.tx.update_resource(record) : wr.tx.create_resource(record);
  if (!written) return written.error();
  return CredentialReportState::kStarted;
}

Result<CredentialReport> Reports::read_credential_report(const store::Resource& record) {
  const auto newline = record.body.find('\n');
  if (newline == std::string::npos) return Error{"StorageFailure", "unreadable credential report", ""};
  CredentialReport out;
  std::int64_t seconds = 0;
  const char* first = record.body.data();
  auto [end, ec] = std::from_chars(first, first + newline, seconds);
  if (ec != std::errc() || end != first + newline) {
    return Error{"StorageFailure", "unreadable credential report", ""};
  }
  out.generated = common::Timestamp{seconds, 0};
  out.csv = record.body.substr(newline + 1);
  return out;
}

Result<CredentialReport> Reports::get_credential_report(const Read& rd) {
  auto record = rd.tx.get_resource(store::ResourceKind::kCredentialReport, rd.account_id);
  if (!record) {
    if (store::is_not_found(record.error())) {
      // AWS answers with no message (recorded: get_credential_report_before_generated).
      return Error{"ReportNotPresent", "", ""};
    }
    return record.error();
  }
  auto report = read_credential_report(*record);
  if (!report) return report.error();
  if (env_.clock->now().seconds - report->generated.seconds >= kReportLifetime) {
    return Error{"ReportExpired",
                 "Credential report is expired. To generate a new report, call GenerateCredentialReport.", ""};
  }
  return report;
}

}  // namespace iamd::iam

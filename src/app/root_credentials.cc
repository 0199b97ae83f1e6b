#include "app/root_credentials.h"

#include <sys/stat.h>

#include <cstdlib>
#include <map>

#include "app/data_dir.h"
#include "arn/arn.h"
#include "common/ids.h"
#include "common/strings.h"
#include "crypto/crypto.h"

namespace iamd::app {

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

// `key=value` lines; '#' starts a comment line.
std::map<std::string, std::string> parse_fields(const std::string& text) {
  std::map<std::string, std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

std::string digest(const RootCredentials& c) {
  return common::to_hex(crypto::sha256(c.account_id + "\n" + c.access_key_id + "\n" + c.secret_access_key));
}

bool is_word(const std::string& s) {
  for (char ch : s) {
    if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')) return false;
  }
  return true;
}

// Printable ASCII without spaces: the secret goes on one line of two files.
bool is_secret_text(const std::string& s) {
  for (char ch : s) {
    if (ch <= ' ' || ch > '~') return false;
  }
  return true;
}

common::Error invalid(std::string message) {
  return common::Error{"InvalidConfiguration", std::move(message), ""};
}

std::string file_text(const RootCredentials& c, const std::string& applied_key_id, const std::string& applied_digest) {
  std::string out = "# iamd root credentials: see docs/operations.md (Rotating the root access key)\n";
  out += "account_id=" + c.account_id + "\n";
  out += "access_key_id=" + c.access_key_id + "\n";
  out += "secret_access_key=" + c.secret_access_key + "\n";
  out += "# the key last applied to the store (written by iamd)\n";
  out += "applied_access_key_id=" + applied_key_id + "\n";
  out += "applied_digest=" + applied_digest + "\n";
  return out;
}

bool exists_no_follow(const std::filesystem::path& p) {
  struct stat st {};
  return ::lstat(p.c_str(), &st) == 0;
}

}  // namespace

RootCredentials root_credentials_from_environment() {
  return RootCredentials{env("IAMD_ACCOUNT_ID"), env("IAMD_ROOT_ACCESS_KEY_ID"), env("IAMD_ROOT_SECRET_ACCESS_KEY")};
}

common::Result<RootPlan> plan_root_credentials(const std::filesystem::path& dir, const RootCredentials& environment,
                                               common::Random& random) {
  const std::filesystem::path file = dir / kRootCredentialsFile;
  RootPlan plan;
  RootCredentials& c = plan.credentials;
  if (exists_no_follow(file)) {
    auto text = read_file(file);
    if (!text) return text.error();
    auto fields = parse_fields(*text);
    c.account_id = fields["account_id"];
    c.access_key_id = fields["access_key_id"];
    c.secret_access_key = fields["secret_access_key"];
    if (fields.count("applied_digest") != 0) {
      plan.applied_key_id = fields["applied_access_key_id"];
      plan.applied_digest = fields["applied_digest"];
    } else if (!c.account_id.empty() && !c.access_key_id.empty() && !c.secret_access_key.empty()) {
      // Written by an earlier iamd, which applied the file's key at every start.
      plan.applied_key_id = c.access_key_id;
      plan.applied_digest = digest(c);
    }
  }
  if (!environment.account_id.empty()) c.account_id = environment.account_id;
  if (!environment.access_key_id.empty()) c.access_key_id = environment.access_key_id;
  if (!environment.secret_access_key.empty()) c.secret_access_key = environment.secret_access_key;
  if (!c.account_id.empty() && !arn::is_account_id(c.account_id)) {
    return invalid("IAMD_ACCOUNT_ID must be 12 digits, got '" + c.account_id + "'");
  }
  if (!c.access_key_id.empty() &&
      (c.access_key_id.size() < 16 || c.access_key_id.size() > 128 || !is_word(c.access_key_id))) {
    return invalid("IAMD_ROOT_ACCESS_KEY_ID must be 16 to 128 letters, digits or underscores");
  }
  if (!c.secret_access_key.empty() && (c.secret_access_key.size() > 1024 || !is_secret_text(c.secret_access_key))) {
    return invalid("IAMD_ROOT_SECRET_ACCESS_KEY must be printable ASCII without spaces (at most 1024 characters)");
  }
  if (c.account_id.empty()) {
    c.account_id = common::make_account_id(random);
    plan.generated = plan.account_generated = true;
  }
  if (c.access_key_id.empty()) {
    c.access_key_id = common::make_access_key_id("AKIA", c.account_id, random);
    plan.generated = true;
  }
  if (c.secret_access_key.empty()) {
    c.secret_access_key = common::make_secret_access_key(random);
    plan.generated = true;
  }
  plan.apply = plan.applied_digest != digest(c);
  if (plan.apply && !plan.applied_key_id.empty() && plan.applied_key_id != c.access_key_id) {
    plan.replaces = plan.applied_key_id;
  }
  return plan;
}

std::string aws_credentials_text(const RootCredentials& c) {
  std::string out = "# iamd root access key of account ";
  out += c.account_id;
  out += " (docs/operations.md). Use: AWS_SHARED_CREDENTIALS_FILE=<this file> aws --profile ";
  out += kAwsProfile;
  out += " --endpoint-url http://HOST:PORT ...\n[";
  out += kAwsProfile;
  out += "]\naws_access_key_id = " + c.access_key_id + "\n";
  out += "aws_secret_access_key = " + c.secret_access_key + "\n";
  out += "region = ";
  out += kAwsRegion;
  out += "\n";
  return out;
}

common::Result<void> save_root_credentials(const std::filesystem::path& dir, const RootPlan& plan, bool applied) {
  const RootCredentials& c = plan.credentials;
  const std::filesystem::path file = dir / kRootCredentialsFile;
  const std::string text =
      applied ? file_text(c, c.access_key_id, digest(c)) : file_text(c, plan.applied_key_id, plan.applied_digest);
  // Unchanged text is not rewritten (a secret from the environment is not written at every start).
  auto current = exists_no_follow(file) ? read_file(file) : common::Result<std::string>(std::string());
  if (!current || *current != text) {
    if (auto w = write_private_file(file, text); !w) return w.error();
  }
  const std::filesystem::path aws = dir / kAwsCredentialsFile;
  if (applied || !exists_no_follow(aws)) {
    const std::string aws_text = aws_credentials_text(c);
    auto existing = exists_no_follow(aws) ? read_file(aws) : common::Result<std::string>(std::string());
    if (!existing || *existing != aws_text) {
      if (auto w = write_private_file(aws, aws_text); !w) return w.error();
    }
  }
  return {};
}

}  // namespace iamd::app

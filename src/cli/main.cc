// iamd's command line. Every failure is one clear line on stderr and a non-zero exit;
// nothing here throws past main().
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "app/policy_tool.h"
#if IAMD_HAS_SERVER
#include "app/account_tool.h"
#include "app/audit_tool.h"
#include "app/backup.h"
#include "app/dump_tool.h"
#include "app/keys_tool.h"
#include "app/serve.h"
#endif

namespace {

bool read_input(const std::string& path, std::string& out, std::string& error) {
  if (path == "-") {
    out.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return true;
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    error = "iamd: cannot read " + path + ": it is a directory";
    return false;
  }
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    error = "iamd: cannot read " + path;
    return false;
  }
  std::ostringstream s;
  s << f.rdbuf();
  if (f.bad()) {
    error = "iamd: cannot read " + path;
    return false;
  }
  out = s.str();
  return true;
}

int emit(const iamd::app::ToolOutput& o) {
  std::cout << o.out;
  std::cerr << o.err;
  return o.status;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"iamd: an AWS IAM-compatible identity and access management server"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "iamd 0.1.0");

  CLI::App* policy = app.add_subcommand("policy", "validate, simulate and explain policies offline");
  policy->require_subcommand(1);

  std::string type, entity, file;
  CLI::App* validate = policy->add_subcommand("validate", "validate a policy document as IAM does");
  validate->add_option("--type", type, "identity|managed|trust|resource|boundary|session|scp|rcp");
  validate->add_option("--entity", entity, "user|group|role: the inline-policy quota (with --type identity)");
  validate->add_option("FILE", file, "the policy document, or - for standard input")->required();

  std::string input;
  CLI::App* simulate = policy->add_subcommand("simulate", "evaluate policies like iam simulate-custom-policy");
  simulate->add_option("--cli-input-json", input, "a SimulateCustomPolicy request as JSON (file:// prefix accepted)")
      ->required();

  // iamd policy explain: one request, the policies that decide it, and why (docs/policy-cli.md).
  std::vector<std::string> x_policies, x_sessions, x_scps, x_rcps, x_context;
  std::string x_boundary, x_resource_policy, x_input, x_output = "text";
  iamd::app::ExplainInput explain_input;
  std::string x_action, x_resource, x_principal, x_owner;
  CLI::App* explain =
      policy->add_subcommand("explain",
                             "why a request is allowed or denied: the deciding statements, the blocking "
                             "policy type, the conditions that failed");
  explain->footer("Exit status: 0 allowed, 1 denied (explicitly or implicitly), 2 bad input.");
  explain->add_option("--policy", x_policies, "an identity-based policy (file; repeatable)")->allow_extra_args(false);
  explain->add_option("--boundary", x_boundary, "the permissions boundary (file)");
  explain->add_option("--session-policy", x_sessions, "a session policy (file; repeatable)")->allow_extra_args(false);
  explain->add_option("--resource-policy", x_resource_policy,
                      "the resource-based policy, or a role trust policy (a document without Resource) (file)");
  explain
      ->add_option("--scp", x_scps,
                   "the service control policies of one level, root first, then OUs, then the account: FILE[,FILE...] "
                   "(repeatable, one level each)")
      ->allow_extra_args(false);
  explain->add_option("--rcp", x_rcps, "the resource control policies of one level: FILE[,FILE...] (repeatable)")
      ->allow_extra_args(false);
  explain->add_option("--action", x_action, "the action, e.g. s3:GetObject");
  explain->add_option("--resource", x_resource, "the resource ARN (default: *)");
  explain->add_option(
      "--principal", x_principal,
      std::string("the caller's ARN: root, IAM user, assumed-role session or federated user (default: ") +
          std::string(iamd::app::kDefaultExplainPrincipal) + ")");
  explain->add_option("--resource-owner", x_owner, "the resource's account (default: the caller's)");
  explain
      ->add_option("--context", x_context,
                   "KEY=VALUE: a condition key of the request (repeatable; a key given twice is multivalued)")
      ->allow_extra_args(false);
  explain->add_option("--cli-input-json", x_input,
                      "a SimulateCustomPolicy request as JSON (file:// prefix accepted); --action and --resource pick "
                      "one pair when it holds several");
  explain->add_option("--output", x_output, "text or json (the JSON DecodeAuthorizationMessage answers)")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();

#if IAMD_HAS_SERVER
  // The master key flags of the server and of every tool that opens its store
  // (docs/operations.md "Keys and their rotation").
  struct KeyFlags {
    std::string current;
    std::vector<std::string> accepted;
    iamd::app::MasterKeyFiles files() const {
      iamd::app::MasterKeyFiles f;
      f.current = current;
      for (const std::string& a : accepted) f.accepted.emplace_back(a);
      return f;
    }
  };
  auto add_key_flags = [](CLI::App* cmd, KeyFlags& flags) {
    cmd->add_option("--master-key-file", flags.current,
                    "the master key that seals secrets and session tokens: 32 bytes, mode 0600 (default: "
                    "<data>/master.key, created on first start)")
        ->envname("IAMD_MASTER_KEY_FILE");
    cmd->add_option("--accept-master-key-file", flags.accepted,
                    "a previous or next master key: what it sealed still opens, it seals nothing (repeatable; key "
                    "rotation)")
        ->allow_extra_args(false);
  };
  KeyFlags serve_keys, account_keys, reseal_keys;

  iamd::app::ServeOptions serve_options;
  std::string data_dir = serve_options.data.string();
  CLI::App* serve = app.add_subcommand("serve", "serve the IAM and STS APIs (aws CLI, boto3, SDKs)");
  serve->add_option("--listen", serve_options.listen, "HOST:PORT to listen on (port 0: any free port)")
      ->capture_default_str();
  serve->add_option("--data", data_dir, "data folder (SQLite store, master key, root credentials)")
      ->capture_default_str();
  serve
      ->add_option("--store", serve_options.store,
                   "the store's URL: postgresql://USER@HOST:PORT/DATABASE for a store several nodes share "
                   "(password: PGPASSWORD or ~/.pgpass); default: the data folder's SQLite store")
      ->envname("IAMD_STORE");
  serve->add_option("--threads", serve_options.threads, "worker threads (0: one per core)")->capture_default_str();
  serve
      ->add_option("--max-connections", serve_options.max_connections,
                   "connections open at once; more are answered 503 and closed (0: only the open-file limit)")
      ->capture_default_str();
  serve->add_option("--quota", serve_options.quotas,
                    "NAME=VALUE: an IAM quota other than AWS's default, e.g. UsersQuota=20000 (repeatable)");
  serve->add_option("--org-quota", serve_options.org_quotas,
                    "NAME=VALUE: an Organizations quota other than AWS's default: ControlPolicySize (5120), "
                    "AccountsPerOrganization (10) (repeatable)");
  serve
      ->add_option("--last-accessed-interval", serve_options.last_accessed_interval,
                   "seconds between writes of the last accessed information (what a crash can lose)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{86400}))
      ->capture_default_str();
  serve->add_flag("--allow-signup", serve_options.allow_signup,
                  "let anyone who reaches the console create an account (off by default)");
  serve->add_option("--console-dir", serve_options.console_dir,
                    "serve the console's files from this folder instead of the embedded ones (development)");
  serve->add_option("--oidc-jwks", serve_options.oidc_jwks,
                    "ISSUER=SOURCE: the signing keys of an OIDC issuer for AssumeRoleWithWebIdentity; SOURCE is "
                    "a JWKS file, or the JWKS JSON itself when it starts with '{' (repeatable)");
  serve->add_option("--tls-cert", serve_options.tls_cert,
                    "PEM certificate file (the server's certificate, then its chain): serve HTTPS only; needs "
                    "--tls-key. SIGHUP reads both files again");
  serve->add_option("--tls-key", serve_options.tls_key,
                    "PEM private key file of --tls-cert (unencrypted, readable by its owner only)");
  serve
      ->add_option("--shutdown-grace", serve_options.shutdown_grace,
                   "seconds that SIGTERM/SIGINT lets requests in flight finish before closing their connections")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{3600}))
      ->capture_default_str();
  add_key_flags(serve, serve_keys);
  std::string metrics_flag = "on";
  serve->add_option("--metrics", metrics_flag, "serve GET /metrics (Prometheus text format), unsigned, beside /healthz")
      ->check(CLI::IsMember({"on", "off"}))
      ->capture_default_str();
  serve
      ->add_option("--log-format", serve_options.log_format,
                   "the log on stderr: text, or json (one JSON object a line: time, level, msg, fields)")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  std::string access_log_flag;
  serve
      ->add_option("--access-log", access_log_flag,
                   "on or off: a log line per request (default: on with --log-format json, off with text)")
      ->check(CLI::IsMember({"on", "off"}));

  std::string audit_log;
  serve->add_option("--audit-log", audit_log,
                    "also append every audit record to this JSON-lines file (created 0600; no link followed)");
  serve
      ->add_option("--audit-retention-days", serve_options.audit_retention_days,
                   "days the audit trail keeps its records in the store (0: forever); pruned at start and hourly")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{36500}))
      ->capture_default_str();

  // iamd audit: the audit trail of a data folder, also while the server runs.
  iamd::app::AuditToolOptions audit_options;
  std::string audit_data = audit_options.data.string();
  std::string a_principal, a_action, a_resource, a_since, a_until, a_outcome;
  CLI::App* audit = app.add_subcommand("audit", "search the audit trail (also while the server runs)");
  audit->footer(
      "Output: one CloudTrail-shaped JSON record per line, newest first (--output text: a summary line "
      "each). Exit status: 0, 1 the store cannot be read, 2 bad option.");
  audit->add_option("--data", audit_data, "the server's data folder")->capture_default_str();
  audit->add_option("--principal", a_principal, "the caller's ARN (userIdentity.arn)");
  audit->add_option("--action", a_action, "SERVICE:Operation, e.g. iam:CreateUser");
  audit->add_option("--resource", a_resource, "the ARN the call acted on");
  audit->add_option("--since", a_since, "records at or after this time (ISO 8601, e.g. 2026-12-05T08:00:00Z)");
  audit->add_option("--until", a_until, "records before this time (ISO 8601)");
  audit->add_option("--outcome", a_outcome, "allowed, denied or error");
  audit->add_option("--max-items", audit_options.max_items, "at most this many records")->capture_default_str();
  audit->add_option("--output", audit_options.output, "json or text")->capture_default_str();

  iamd::app::CreateAccountOptions account_options;
  std::string account_data = account_options.data.string();
  CLI::App* account = app.add_subcommand("account", "accounts of a data folder (the server stopped)");
  account->require_subcommand(1);
  CLI::App* create_account =
      account->add_subcommand("create", "create a standalone account with its root user and a root access key");
  create_account->add_option("--data", account_data, "the server's data folder")->capture_default_str();
  create_account->add_option("--account-id", account_options.account_id, "12 digits (default: a new random id)");

  std::string backup_data = "iamd-data";
  std::string backup_output;
  CLI::App* backup = app.add_subcommand(
      "backup", "copy the data folder's SQLite store to a file, consistently, while the server runs");
  backup->add_option("--data", backup_data, "the server's data folder")->capture_default_str();
  backup->add_option("--output", backup_output, "the copy's file (must not exist)")->required();
  // iamd export / iamd import: a whole deployment as JSON lines (docs/operations.md).
  iamd::app::DumpToolOptions export_options, import_options;
  std::string export_data = export_options.data.string(), import_data = import_options.data.string();
  CLI::App* export_cmd =
      app.add_subcommand("export", "write every account, entity, policy and sealed secret as JSON lines");
  export_cmd->add_option("--data", export_data, "the data folder (its master.key; its store by default)")
      ->capture_default_str();
  export_cmd->add_option("--store", export_options.store_url, "the store URL (default: sqlite:<data>/store)");
  export_cmd->add_option("--output", export_options.file, "the file to write, or - for standard output")
      ->capture_default_str();
  export_cmd->footer("Exit status: 0 exported, 1 failure, 2 bad flags. Stop the server first.");
  CLI::App* import_cmd = app.add_subcommand("import", "read an iamd export into an empty store (all or nothing)");
  import_cmd
      ->add_option("--data", import_data,
                   "the data folder, holding the source deployment's master.key (its store by default)")
      ->capture_default_str();
  import_cmd->add_option("--store", import_options.store_url, "the store URL (default: sqlite:<data>/store)");
  import_cmd->add_option("--input", import_options.file, "the file to read, or - for standard input")
      ->capture_default_str();
  import_cmd->footer("Exit status: 0 imported, 1 failure (nothing imported), 2 bad flags.");
  add_key_flags(create_account, account_keys);

  CLI::App* keys = app.add_subcommand("keys", "master keys and their rotation (docs/operations.md)");
  keys->require_subcommand(1);
  std::string new_key_file;
  CLI::App* generate_key = keys->add_subcommand("generate", "write a new random master key to FILE (mode 0600)");
  generate_key->add_option("FILE", new_key_file, "where to write it (never over an existing file)")->required();
  iamd::app::ResealOptions reseal_options;
  std::string reseal_data = reseal_options.data.string();
  CLI::App* reseal = keys->add_subcommand(
      "reseal",
      "re-seal every stored secret under the current master key, in one transaction (SQLite: server stopped)");
  reseal->add_option("--data", reseal_data, "the server's data folder")->capture_default_str();
  reseal->add_option("--store", reseal_options.store, "the store's URL (default: the data folder's SQLite store)");
  add_key_flags(reseal, reseal_keys);
#endif

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "iamd: " << e.what() << " (see iamd --help)\n";
    return 2;
  }

  try {
    std::string text, error;
#if IAMD_HAS_SERVER
    if (*audit) {
      audit_options.data = audit_data;
      auto given = [&](const char* flag, const std::string& v) {
        return audit->count(flag) > 0 ? std::optional<std::string>(v) : std::nullopt;
      };
      audit_options.principal = given("--principal", a_principal);
      audit_options.action = given("--action", a_action);
      audit_options.resource = given("--resource", a_resource);
      audit_options.since = given("--since", a_since);
      audit_options.until = given("--until", a_until);
      audit_options.outcome = given("--outcome", a_outcome);
      return iamd::app::audit_query(audit_options, std::cout, std::cerr);
    }
    if (*serve) {
      serve_options.audit_log = audit_log;
      serve_options.data = data_dir;
      serve_options.master_keys = serve_keys.files();
      serve_options.metrics = metrics_flag == "on";
      if (!access_log_flag.empty()) serve_options.access_log = access_log_flag == "on";
      return iamd::app::serve(serve_options, std::cout, std::cerr);
    }
    if (*create_account) {
      account_options.data = account_data;
      account_options.master_keys = account_keys.files();
      return iamd::app::create_account(account_options, std::cout, std::cerr);
    }
    if (*backup) return iamd::app::backup(backup_data, backup_output, std::cout, std::cerr);
    if (*export_cmd) {
      export_options.data = export_data;
      return iamd::app::export_data(export_options, std::cout, std::cerr);
    }
    if (*import_cmd) {
      import_options.data = import_data;
      return iamd::app::import_data(import_options, std::cin, std::cerr);
    }
    if (*generate_key) return iamd::app::generate_key(new_key_file, std::cout, std::cerr);
    if (*reseal) {
      reseal_options.data = reseal_data;
      reseal_options.master_keys = reseal_keys.files();
      return iamd::app::reseal_keys(reseal_options, std::cout, std::cerr);
    }
#endif
    if (*validate) {
      if (!read_input(file, text, error)) {
        std::cerr << error << "\n";
        return 2;
      }
      return emit(iamd::app::validate_policy(text, type, entity));
    }
    if (*simulate) {
      std::string path = input.starts_with("file://") ? input.substr(7) : input;
      if (!read_input(path, text, error)) {
        std::cerr << error << "\n";
        return 2;
      }
      return emit(iamd::app::simulate_custom_policy(text));
    }
    if (*explain) {
      iamd::app::ExplainInput& x = explain_input;
      auto read_file = [&](const std::string& path, iamd::app::PolicyFile& out) {
        out.name = path;
        return read_input(path, out.text, error);
      };
      auto read_files = [&](const std::vector<std::string>& paths, std::vector<iamd::app::PolicyFile>& out) {
        for (const std::string& p : paths) {
          if (!read_file(p, out.emplace_back())) return false;
        }
        return true;
      };
      auto read_levels = [&](const std::vector<std::string>& levels,
                             std::vector<std::vector<iamd::app::PolicyFile>>& out) {
        for (const std::string& level : levels) {
          std::vector<std::string> paths;
          std::stringstream s(level);
          for (std::string p; std::getline(s, p, ',');) {
            if (!p.empty()) paths.push_back(p);
          }
          if (!read_files(paths, out.emplace_back())) return false;
        }
        return true;
      };
      bool ok = read_files(x_policies, x.identity) && read_files(x_sessions, x.session) && read_levels(x_scps, x.scp) &&
                read_levels(x_rcps, x.rcp);
      if (ok && !x_boundary.empty()) ok = read_file(x_boundary, x.boundary.emplace());
      if (ok && !x_resource_policy.empty()) ok = read_file(x_resource_policy, x.resource_policy.emplace());
      if (ok && !x_input.empty()) {
        ok = read_input(x_input.starts_with("file://") ? x_input.substr(7) : x_input, text, error);
        if (ok) x.cli_input_json = text;
      }
      if (!ok) {
        std::cerr << error << "\n";
        return 2;
      }
      if (explain->count("--action") > 0) x.action = x_action;
      if (explain->count("--resource") > 0) x.resource = x_resource;
      if (explain->count("--principal") > 0) x.principal = x_principal;
      if (explain->count("--resource-owner") > 0) x.resource_owner = x_owner;
      x.context = x_context;
      x.json = x_output == "json";
      return emit(iamd::app::explain_request(x));
    }
  } catch (const std::exception& e) {
    std::cerr << "iamd: internal error: " << e.what() << "\n";
    return 3;
  }
  return 2;
}

// Signing certificates, server certificates and service-specific credentials. Signing
// certificates and service-specific credentials authorize against the target user's ARN (the
// caller when UserName is omitted, evaluation.md §6); server certificates against
// arn:<p>:iam::<acct>:server-certificate/<path><name> (ListServerCertificates: against
// server-certificate/ + the path prefix, policy-language.md §3.3). Then the domain is called.
#include "api/errors.h"
#include "api/handlers.h"
#include "api/internal.h"

namespace iamd::api {

namespace pi = protocol::iam;
using common::Result;

namespace {

using internal::fail;
using internal::list_options;
using internal::request_tags;
using internal::status_name;

store::AccessKeyStatus status_of(const std::string& status) {
  return status == "Active" ? store::AccessKeyStatus::kActive : store::AccessKeyStatus::kInactive;
}

std::vector<pi::Tag> to_wire(const store::Tags& tags) {
  std::vector<pi::Tag> out;
  for (const store::Tag& t : tags) out.push_back(pi::Tag{t.key, t.value});
  return out;
}

pi::SigningCertificate to_wire(const iam::IamDomain::SigningCertificate& c) {
  pi::SigningCertificate w;
  // [IMPL] The root user's certificates have no user name, like its access keys.
  if (!c.user_name.empty()) w.user_name = c.user_name;
  w.certificate_id = c.id;
  w.certificate_body = c.body;
  w.status = std::string(status_name(c.status));
  w.upload_date = c.upload_date;
  return w;
}

pi::ServerCertificateMetadata to_wire(const iam::IamDomain& domain, const iam::IamDomain::ServerCertificate& c) {
  pi::ServerCertificateMetadata w;
  w.path = c.path;
  w.server_certificate_name = c.name;
  w.server_certificate_id = c.id;
  w.arn = domain.server_certificate_arn(c);
  w.upload_date = c.upload_date;
  w.expiration = c.expiration;
  return w;
}

pi::ServiceSpecificCredential to_wire(const iam::IamDomain::ServiceSpecificCredential& c) {
  pi::ServiceSpecificCredential w;
  w.create_date = c.create_date;
  w.service_name = c.service_name;
  w.service_user_name = c.service_user_name;
  w.service_password = c.service_password;
  w.service_specific_credential_id = c.id;
  w.user_name = c.user_name;
  w.status = std::string(status_name(c.status));
  return w;
}

// The server certificate's ARN (with its stored path, or "/" when it does not exist, so a
// denial never reveals whether it exists).
std::string server_certificate_target(iam::IamDomain& domain, std::string_view account_id, std::string_view name) {
  if (auto c = domain.get_server_certificate(account_id, name)) return domain.server_certificate_arn(*c);
  iam::IamDomain::ServerCertificate unsaved;
  unsaved.account_id = std::string(account_id);
  unsaved.name = std::string(name);
  return domain.server_certificate_arn(unsaved);
}

}  // namespace

// ---- Signing certificates ----

Result<pi::UploadSigningCertificateResult> IamHandlers::upload_signing_certificate(
    const pi::UploadSigningCertificateRequest& r) {
  Target t = target_user(r.user_name);
  if (auto a = authorize("iam:UploadSigningCertificate", t.arn); !a) return a.error();
  auto c = ctx_.domain.upload_signing_certificate(ctx_.caller.account_id, t.name, r.certificate_body);
  if (!c) return fail<pi::UploadSigningCertificateResult>(c.error());
  pi::UploadSigningCertificateResult out;
  out.certificate = to_wire(*c);
  return out;
}

Result<pi::ListSigningCertificatesResult> IamHandlers::list_signing_certificates(
    const pi::ListSigningCertificatesRequest& r) {
  Target t = target_user(r.user_name);
  if (auto a = authorize("iam:ListSigningCertificates", t.arn); !a) return a.error();
  auto page = ctx_.domain.list_signing_certificates(ctx_.caller.account_id, t.name,
                                                    list_options(std::nullopt, r.marker, r.max_items));
  if (!page) return fail<pi::ListSigningCertificatesResult>(page.error());
  pi::ListSigningCertificatesResult out;
  for (const auto& c : page->items) out.certificates.push_back(to_wire(c));
  out.is_truncated = page->is_truncated();
  if (page->is_truncated()) out.marker = page->next_marker;
  return out;
}

Result<void> IamHandlers::update_signing_certificate(const pi::UpdateSigningCertificateRequest& r) {
  Target t = target_user(r.user_name);
  if (auto a = authorize("iam:UpdateSigningCertificate", t.arn); !a) return a;
  if (auto u =
          ctx_.domain.update_signing_certificate(ctx_.caller.account_id, t.name, r.certificate_id, status_of(r.status));
      !u) {
    return to_aws_error(u.error());
  }
  return {};
}

Result<void> IamHandlers::delete_signing_certificate(const pi::DeleteSigningCertificateRequest& r) {
  Target t = target_user(r.user_name);
  if (auto a = authorize("iam:DeleteSigningCertificate", t.arn); !a) return a;
  if (auto d = ctx_.domain.delete_signing_certificate(ctx_.caller.account_id, t.name, r.certificate_id); !d) {
    return to_aws_error(d.error());
  }
  return {};
}

// ---- Server certificates ----

Result<pi::UploadServerCertificateResult> IamHandlers::upload_server_certificate(
    const pi::UploadServerCertificateRequest& r) {
  iam::IamDomain::ServerCertificate spec;
  spec.account_id = ctx_.caller.account_id;
  spec.name = r.server_certificate_name;
  spec.path = r.path.value_or("/");
  spec.body = r.certificate_body;
  spec.chain = r.certificate_chain.value_or("");
  condition::Context extra;
  spec.tags = internal::creation_tags(r.tags, extra);
  if (auto a = authorize("iam:UploadServerCertificate", ctx_.domain.server_certificate_arn(spec), &extra); !a) {
    return a.error();
  }
  auto c = ctx_.domain.upload_server_certificate(spec, r.private_key);
  if (!c) return fail<pi::UploadServerCertificateResult>(c.error());
  pi::UploadServerCertificateResult out;
  out.server_certificate_metadata = to_wire(ctx_.domain, *c);
  out.tags = to_wire(c->tags);
  return out;
}

Result<pi::GetServerCertificateResult> IamHandlers::get_server_certificate(const pi::GetServerCertificateRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  std::string arn = server_certificate_target(ctx_.domain, account, r.server_certificate_name);
  if (auto a = authorize("iam:GetServerCertificate", arn); !a) return a.error();
  auto c = ctx_.domain.get_server_certificate(account, r.server_certificate_name);
  if (!c) return fail<pi::GetServerCertificateResult>(c.error());
  pi::ServerCertificate w;
  w.server_certificate_metadata = to_wire(ctx_.domain, *c);
  w.certificate_body = c->body;
  if (!c->chain.empty()) w.certificate_chain = c->chain;
  w.tags = to_wire(c->tags);
  pi::GetServerCertificateResult out;
  out.server_certificate = std::move(w);
  return out;
}

Result<pi::ListServerCertificatesResult> IamHandlers::list_server_certificates(
    const pi::ListServerCertificatesRequest& r) {
  std::string prefix = r.path_prefix.value_or("/");
  const std::string resource =
      internal::list_resource(ctx_.domain, ctx_.caller.account_id, "server-certificate", prefix);
  if (auto a = authorize("iam:ListServerCertificates", resource); !a) return a.error();
  auto page = ctx_.domain.list_server_certificates(ctx_.caller.account_id, list_options(prefix, r.marker, r.max_items));
  if (!page) return fail<pi::ListServerCertificatesResult>(page.error());
  pi::ListServerCertificatesResult out;
  for (const auto& c : page->items) out.server_certificate_metadata_list.push_back(to_wire(ctx_.domain, c));
  out.is_truncated = page->is_truncated();
  if (page->is_truncated()) out.marker = page->next_marker;
  return out;
}

Result<void> IamHandlers::update_server_certificate(const pi::UpdateServerCertificateRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  std::string arn = server_certificate_target(ctx_.domain, account, r.server_certificate_name);
  if (auto a = authorize("iam:UpdateServerCertificate", arn); !a) return a;
  // A rename or move needs the permission on the new ARN too (API reference,
  // UpdateServerCertificate).
  auto current = ctx_.domain.get_server_certificate(account, r.server_certificate_name);
  if (current && (r.new_server_certificate_name || r.new_path)) {
    iam::IamDomain::ServerCertificate renamed = *current;
    if (r.new_server_certificate_name) renamed.name = *r.new_server_certificate_name;
    if (r.new_path) renamed.path = *r.new_path;
    if (auto a = authorize("iam:UpdateServerCertificate", ctx_.domain.server_certificate_arn(renamed)); !a) return a;
  }
  if (auto u = ctx_.domain.update_server_certificate(account, r.server_certificate_name, r.new_server_certificate_name,
                                                     r.new_path);
      !u) {
    return to_aws_error(u.error());
  }
  return {};
}

Result<void> IamHandlers::delete_server_certificate(const pi::DeleteServerCertificateRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  std::string arn = server_certificate_target(ctx_.domain, account, r.server_certificate_name);
  if (auto a = authorize("iam:DeleteServerCertificate", arn); !a) return a;
  if (auto d = ctx_.domain.delete_server_certificate(account, r.server_certificate_name); !d) {
    return to_aws_error(d.error());
  }
  return {};
}

Result<void> IamHandlers::tag_server_certificate(const pi::TagServerCertificateRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  std::string arn = server_certificate_target(ctx_.domain, account, r.server_certificate_name);
  condition::Context extra;
  store::Tags tags = request_tags(r.tags, extra);
  if (auto a = authorize("iam:TagServerCertificate", arn, &extra); !a) return a;
  if (auto d = ctx_.domain.tag_server_certificate(account, r.server_certificate_name, tags); !d) {
    return to_aws_error(d.error());
  }
  return {};
}

Result<void> IamHandlers::untag_server_certificate(const pi::UntagServerCertificateRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  std::string arn = server_certificate_target(ctx_.domain, account, r.server_certificate_name);
  condition::Context extra;
  if (!r.tag_keys.empty()) extra.set_list("aws:TagKeys", r.tag_keys);
  if (auto a = authorize("iam:UntagServerCertificate", arn, &extra); !a) return a;
  if (auto d = ctx_.domain.untag_server_certificate(account, r.server_certificate_name, r.tag_keys); !d) {
    return to_aws_error(d.error());
  }
  return {};
}

Result<pi::ListServerCertificateTagsResult> IamHandlers::list_server_certificate_tags(
    const pi::ListServerCertificateTagsRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  std::string arn = server_certificate_target(ctx_.domain, account, r.server_certificate_name);
  if (auto a = authorize("iam:ListServerCertificateTags", arn); !a) return a.error();
  auto page = ctx_.domain.list_server_certificate_tags(account, r.server_certificate_name,
                                                       list_options(std::nullopt, r.marker, r.max_items));
  if (!page) return fail<pi::ListServerCertificateTagsResult>(page.error());
  pi::ListServerCertificateTagsResult out;
  out.tags = to_wire(page->items);
  out.is_truncated = page->is_truncated();
  if (page->is_truncated()) out.marker = page->next_marker;
  return out;
}

// ---- Service-specific credentials ----

Result<pi::CreateServiceSpecificCredentialResult> IamHandlers::create_service_specific_credential(
    const pi::CreateServiceSpecificCredentialRequest& r) {
  Target t = target_user(r.user_name);
  condition::Context extra;
  extra.set("iam:ServiceSpecificCredentialServiceName", r.service_name);
  if (auto a = authorize("iam:CreateServiceSpecificCredential", t.arn, &extra); !a) return a.error();
  auto c = ctx_.domain.create_service_specific_credential(ctx_.caller.account_id, t.name, r.service_name);
  if (!c) return fail<pi::CreateServiceSpecificCredentialResult>(c.error());
  pi::CreateServiceSpecificCredentialResult out;
  out.service_specific_credential = to_wire(*c);
  return out;
}

Result<pi::ListServiceSpecificCredentialsResult> IamHandlers::list_service_specific_credentials(
    const pi::ListServiceSpecificCredentialsRequest& r) {
  Target t = target_user(r.user_name);
  condition::Context extra;
  if (r.service_name) extra.set("iam:ServiceSpecificCredentialServiceName", *r.service_name);
  if (auto a = authorize("iam:ListServiceSpecificCredentials", t.arn, &extra); !a) return a.error();
  auto list =
      ctx_.domain.list_service_specific_credentials(ctx_.caller.account_id, t.name, r.service_name.value_or(""));
  if (!list) return fail<pi::ListServiceSpecificCredentialsResult>(list.error());
  pi::ListServiceSpecificCredentialsResult out;
  for (const auto& c : *list) {
    pi::ServiceSpecificCredentialMetadata m;
    m.user_name = c.user_name;
    m.status = std::string(status_name(c.status));
    m.service_user_name = c.service_user_name;
    m.create_date = c.create_date;
    m.service_specific_credential_id = c.id;
    m.service_name = c.service_name;
    out.service_specific_credentials.push_back(std::move(m));
  }
  return out;
}

Result<pi::ResetServiceSpecificCredentialResult> IamHandlers::reset_service_specific_credential(
    const pi::ResetServiceSpecificCredentialRequest& r) {
  Target t = target_user(r.user_name);
  if (auto a = authorize("iam:ResetServiceSpecificCredential", t.arn); !a) return a.error();
  auto c =
      ctx_.domain.reset_service_specific_credential(ctx_.caller.account_id, t.name, r.service_specific_credential_id);
  if (!c) return fail<pi::ResetServiceSpecificCredentialResult>(c.error());
  pi::ResetServiceSpecificCredentialResult out;
  out.service_specific_credential = to_wire(*c);
  return out;
}

Result<void> IamHandlers::update_service_specific_credential(const pi::UpdateServiceSpecificCredentialRequest& r) {
  Target t = target_user(r.user_name);
  if (auto a = authorize("iam:UpdateServiceSpecificCredential", t.arn); !a) return a;
  if (auto u = ctx_.domain.update_service_specific_credential(ctx_.caller.account_id, t.name,
                                                              r.service_specific_credential_id, status_of(r.status));
      !u) {
    return to_aws_error(u.error());
  }
  return {};
}

Result<void> IamHandlers::delete_service_specific_credential(const pi::DeleteServiceSpecificCredentialRequest& r) {
  Target t = target_user(r.user_name);
  if (auto a = authorize("iam:DeleteServiceSpecificCredential", t.arn); !a) return a;
  if (auto d = ctx_.domain.delete_service_specific_credential(ctx_.caller.account_id, t.name,
                                                              r.service_specific_credential_id);
      !d) {
    return to_aws_error(d.error());
  }
  return {};
}

}  // namespace iamd::api

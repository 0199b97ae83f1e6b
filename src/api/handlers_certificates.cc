// Signing certificates, server certificates and service-specific credentials. Signing
// certificates and service-specific credentials authorize against the target user's ARN (the
// caller when UserName is omitted, evaluation.md §6); server certificates against
// arn:<p>:iam::<acct>:server-certificate/<path><name> (ListServerCertificates: against
// server-certificate/ + the path prefix, policy-language.md §3.3). The pipeline (api/pipeline.h)
// has resolved and authorized each one (operations.cc) in the transaction these run in.
#include "api/handlers.h"
#include "api/internal.h"

namespace iamd::api {

namespace pi = protocol::iam;
using common::Result;

namespace {

using internal::list_options;
using internal::status_name;

store::AccessKeyStatus status_of(const std::string& status) {
  return status == "Active" ? store::AccessKeyStatus::kActive : store::AccessKeyStatus::kInactive;
}

std::vector<pi::Tag> to_wire(const store::Tags& tags) {
  return internal::wire_tags(tags);
}

pi::SigningCertificate to_wire(const iam::Certificates::SigningCertificate& c) {
  pi::SigningCertificate w;
  // [IMPL] The root user's certificates have no user name, like its access keys.
  if (!c.user_name.empty()) w.user_name = c.user_name;
  w.certificate_id = c.id;
  w.certificate_body = c.body;
  w.status = std::string(status_name(c.status));
  w.upload_date = c.upload_date;
  return w;
}

pi::ServerCertificateMetadata to_wire(const iam::IamDomain& domain, const iam::Certificates::ServerCertificate& c) {
  pi::ServerCertificateMetadata w;
  w.path = c.path;
  w.server_certificate_name = c.name;
  w.server_certificate_id = c.id;
  w.arn = domain.server_certificate_arn(c);
  w.upload_date = c.upload_date;
  w.expiration = c.expiration;
  return w;
}

pi::ServiceSpecificCredential to_wire(const iam::Certificates::ServiceSpecificCredential& c) {
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

}  // namespace

// ---- Signing certificates ----

Result<pi::UploadSigningCertificateResult> IamHandlers::upload_signing_certificate(
    const pi::UploadSigningCertificateRequest& r) {
  auto c = certificates().upload_signing_certificate(pipe_.write(), pipe_.target().name, r.certificate_body);
  if (!c) return c.error();
  pi::UploadSigningCertificateResult out;
  out.certificate = to_wire(*c);
  return out;
}

Result<pi::ListSigningCertificatesResult> IamHandlers::list_signing_certificates(
    const pi::ListSigningCertificatesRequest& r) {
  auto page = certificates().list_signing_certificates(pipe_.read(), pipe_.target().name,
                                                       list_options(std::nullopt, r.marker, r.max_items));
  if (!page) return page.error();
  return internal::page_result(*page, &pi::ListSigningCertificatesResult::certificates,
                               [&](const auto& c) { return to_wire(c); });
}

Result<void> IamHandlers::update_signing_certificate(const pi::UpdateSigningCertificateRequest& r) {
  return certificates().update_signing_certificate(pipe_.write(), pipe_.target().name, r.certificate_id,
                                                   status_of(r.status));
}

Result<void> IamHandlers::delete_signing_certificate(const pi::DeleteSigningCertificateRequest& r) {
  return certificates().delete_signing_certificate(pipe_.write(), pipe_.target().name, r.certificate_id);
}

// ---- Server certificates ----

Result<pi::UploadServerCertificateResult> IamHandlers::upload_server_certificate(
    const pi::UploadServerCertificateRequest& r) {
  iam::Certificates::ServerCertificate spec;
  spec.name = r.server_certificate_name;
  spec.path = r.path.value_or("/");
  spec.body = r.certificate_body;
  spec.chain = r.certificate_chain.value_or("");
  for (const pi::Tag& t : r.tags) spec.tags.push_back(store::Tag{t.key, t.value});
  auto c = certificates().upload_server_certificate(pipe_.write(), spec, r.private_key);
  if (!c) return c.error();
  pi::UploadServerCertificateResult out;
  out.server_certificate_metadata = to_wire(ctx_.domain, *c);
  out.tags = to_wire(c->tags);
  return out;
}

Result<pi::GetServerCertificateResult> IamHandlers::get_server_certificate(const pi::GetServerCertificateRequest& r) {
  auto c = certificates().get_server_certificate(pipe_.read(), r.server_certificate_name);
  if (!c) return c.error();
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
  auto page = certificates().list_server_certificates(pipe_.read(),
                                                      list_options(r.path_prefix.value_or("/"), r.marker, r.max_items));
  if (!page) return page.error();
  return internal::page_result(*page, &pi::ListServerCertificatesResult::server_certificate_metadata_list,
                               [&](const auto& c) { return to_wire(ctx_.domain, c); });
}

Result<void> IamHandlers::update_server_certificate(const pi::UpdateServerCertificateRequest& r) {
  // A rename or move needs the permission on the new ARN too (API reference,
  // UpdateServerCertificate).
  const auto& t = pipe_.target();
  if (t.found && (r.new_server_certificate_name || r.new_path)) {
    auto current = certificates().get_server_certificate(pipe_.read(), t.name);
    if (!current) return current.error();
    iam::Certificates::ServerCertificate renamed = *current;
    if (r.new_server_certificate_name) renamed.name = *r.new_server_certificate_name;
    if (r.new_path) renamed.path = *r.new_path;
    if (auto a = pipe_.authorize("iam:UpdateServerCertificate", ctx_.domain.server_certificate_arn(renamed)); !a) {
      return a;
    }
  }
  return certificates().update_server_certificate(pipe_.write(), r.server_certificate_name,
                                                  r.new_server_certificate_name, r.new_path);
}

Result<void> IamHandlers::delete_server_certificate(const pi::DeleteServerCertificateRequest& r) {
  return certificates().delete_server_certificate(pipe_.write(), r.server_certificate_name);
}

Result<void> IamHandlers::tag_server_certificate(const pi::TagServerCertificateRequest& r) {
  store::Tags tags;
  for (const pi::Tag& t : r.tags) tags.push_back(store::Tag{t.key, t.value});
  return certificates().tag_server_certificate(pipe_.write(), r.server_certificate_name, tags);
}

Result<void> IamHandlers::untag_server_certificate(const pi::UntagServerCertificateRequest& r) {
  return certificates().untag_server_certificate(pipe_.write(), r.server_certificate_name, r.tag_keys);
}

Result<pi::ListServerCertificateTagsResult> IamHandlers::list_server_certificate_tags(
    const pi::ListServerCertificateTagsRequest& r) {
  auto page = certificates().list_server_certificate_tags(pipe_.read(), r.server_certificate_name,
                                                          list_options(std::nullopt, r.marker, r.max_items));
  if (!page) return page.error();
  pi::ListServerCertificateTagsResult out;
  out.tags = to_wire(page->items);
  out.is_truncated = page->is_truncated();
  if (page->is_truncated()) out.marker = page->next_marker;
  return out;
}

// ---- Service-specific credentials ----

Result<pi::CreateServiceSpecificCredentialResult> IamHandlers::create_service_specific_credential(
    const pi::CreateServiceSpecificCredentialRequest& r) {
  auto c = certificates().create_service_specific_credential(pipe_.write(), pipe_.target().name, r.service_name);
  if (!c) return c.error();
  pi::CreateServiceSpecificCredentialResult out;
  out.service_specific_credential = to_wire(*c);
  return out;
}

Result<pi::ListServiceSpecificCredentialsResult> IamHandlers::list_service_specific_credentials(
    const pi::ListServiceSpecificCredentialsRequest& r) {
  auto list =
      certificates().list_service_specific_credentials(pipe_.read(), pipe_.target().name, r.service_name.value_or(""));
  if (!list) return list.error();
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
  auto c = certificates().reset_service_specific_credential(pipe_.write(), pipe_.target().name,
                                                            r.service_specific_credential_id);
  if (!c) return c.error();
  pi::ResetServiceSpecificCredentialResult out;
  out.service_specific_credential = to_wire(*c);
  return out;
}

Result<void> IamHandlers::update_service_specific_credential(const pi::UpdateServiceSpecificCredentialRequest& r) {
  return certificates().update_service_specific_credential(pipe_.write(), pipe_.target().name,
                                                           r.service_specific_credential_id, status_of(r.status));
}

Result<void> IamHandlers::delete_service_specific_credential(const pi::DeleteServiceSpecificCredentialRequest& r) {
  return certificates().delete_service_specific_credential(pipe_.write(), pipe_.target().name,
                                                           r.service_specific_credential_id);
}

}  // namespace iamd::api

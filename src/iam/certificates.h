// Signing certificates, server certificates and service-specific credentials
// (certificates.cc), each function one step of a unit of work (iam/scope.h).
// Kept as store::Resource records (the rest of each record encoded in Resource::body).
// Signing certificates (kSigningCertificate): X.509 certificates of a user, or of the root
// user when `user_name` is empty; id = name = the certificate id (Base32 of the
// certificate's SHA-1, so the same certificate cannot be uploaded twice:
// DuplicateCertificate); 2 per user (identifiers.md §5).
// Server certificates (kServerCertificate): id = ASCA..., name = ServerCertificateName
// (unique per account), path; the private key is checked against the certificate and sealed
// with the master key (bound to the id), never returned; 20 per account; 50 tags (keys
// case-sensitive).
// Service-specific credentials (kServiceSpecificCredential): id = name = ACCA..., owner =
// the user; the password is sealed (bound to the id) and shown on create and reset only;
// 2 per user and service.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "iam/env.h"
#include "iam/scope.h"
#include "iam/types.h"

namespace iamd::iam {

class Certificates {
 public:
  explicit Certificates(const DomainEnv& env) : env_(env) {}

  struct SigningCertificate {
    std::string id;
    std::string user_name;  // empty: the root user's
    std::string body;       // as uploaded
    store::AccessKeyStatus status = store::AccessKeyStatus::kActive;
    common::Timestamp upload_date;
  };
  Result<SigningCertificate> upload_signing_certificate(const Write& wr, std::string_view user_name,
                                                        std::string_view body);
  Result<store::Page<SigningCertificate>> list_signing_certificates(const Read& rd, std::string_view user_name,
                                                                    const store::ListOptions& options);
  Result<void> update_signing_certificate(const Write& wr, std::string_view user_name, std::string_view certificate_id,
                                          store::AccessKeyStatus status);
  Result<void> delete_signing_certificate(const Write& wr, std::string_view user_name, std::string_view certificate_id);

  struct ServerCertificate {
    std::string account_id;
    std::string name;
    std::string path = "/";
    std::string id;  // ASCA...
    std::string body;
    std::string chain;  // empty when none was given
    common::Timestamp upload_date;
    common::Timestamp expiration;  // the certificate's notAfter
    store::Tags tags;
  };
  // From `spec`: name, path, body, chain and tags; the rest is made here (the account is wr's).
  Result<ServerCertificate> upload_server_certificate(const Write& wr, const ServerCertificate& spec,
                                                      std::string_view private_key);
  Result<ServerCertificate> get_server_certificate(const Read& rd, std::string_view name);
  Result<store::Page<ServerCertificate>> list_server_certificates(const Read& rd, const store::ListOptions& options);
  // Empty optionals keep the current name or path.
  Result<void> update_server_certificate(const Write& wr, std::string_view name,
                                         const std::optional<std::string>& new_name,
                                         const std::optional<std::string>& new_path);
  Result<void> delete_server_certificate(const Write& wr, std::string_view name);
  Result<void> tag_server_certificate(const Write& wr, std::string_view name, const store::Tags& tags);
  Result<void> untag_server_certificate(const Write& wr, std::string_view name, const std::vector<std::string>& keys);
  Result<store::Page<store::Tag>> list_server_certificate_tags(const Read& rd, std::string_view name,
                                                               const store::ListOptions& options);

  struct ServiceSpecificCredential {
    std::string id;  // ACCA...
    std::string user_name;
    std::string service_name;
    std::string service_user_name;  // <user>-at-<account>
    std::string service_password;   // only from create and reset
    store::AccessKeyStatus status = store::AccessKeyStatus::kActive;
    common::Timestamp create_date;
  };
  Result<ServiceSpecificCredential> create_service_specific_credential(const Write& wr, std::string_view user_name,
                                                                       std::string_view service_name);
  // `service_name` empty: every service's. `user_name` empty: the root user's (it has none).
  Result<std::vector<ServiceSpecificCredential>> list_service_specific_credentials(const Read& rd,
                                                                                   std::string_view user_name,
                                                                                   std::string_view service_name);
  // A new password for the credential.
  Result<ServiceSpecificCredential> reset_service_specific_credential(const Write& wr, std::string_view user_name,
                                                                      std::string_view credential_id);
  Result<void> update_service_specific_credential(const Write& wr, std::string_view user_name,
                                                  std::string_view credential_id, store::AccessKeyStatus status);
  Result<void> delete_service_specific_credential(const Write& wr, std::string_view user_name,
                                                  std::string_view credential_id);

 private:
  const DomainEnv& env_;
};

}  // namespace iamd::iam

// The domain family of OpenID Connect and SAML identity providers (providers.cc): each function
// one step of a unit of work (iam/scope.h). Providers are kept as store::Resource records of
// kinds kOpenIdConnectProvider and kSamlProvider: id = the provider ARN, name = the URL without
// https:// (OIDC) or the provider name (SAML). Quotas (identifiers.md §5): 100 providers of
// each kind per account, 100 client IDs and 5 thumbprints per OIDC provider, 50 tags (keys
// case-sensitive). A provider ARN that is no ARN is InvalidInput "ARN <arn> is not valid.";
// one naming no provider of the account is NoSuchEntity.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.h"
#include "formats/saml_response.h"
#include "iam/env.h"
#include "iam/scope.h"
#include "iam/types.h"

namespace iamd::iam {

class Providers {
 public:
  explicit Providers(const DomainEnv& env) : env_(env) {}

  struct OidcProvider {
    std::string arn;
    std::string url;  // without https://, as GetOpenIDConnectProvider returns it
    std::vector<std::string> client_ids;
    std::vector<std::string> thumbprints;
    store::Tags tags;
    common::Timestamp create_date;
  };
  struct SamlProvider {
    std::string arn;
    std::string name;
    std::string metadata;  // the SAMLMetadataDocument as given
    common::Timestamp valid_until;
    store::Tags tags;
    common::Timestamp create_date;
  };

  Result<OidcProvider> create_oidc_provider(const Write& wr, std::string_view url,
                                            const std::vector<std::string>& client_ids,
                                            const std::vector<std::string>& thumbprints, const store::Tags& tags);
  Result<OidcProvider> get_oidc_provider(const Read& rd, std::string_view arn);
  // Every OIDC provider of the account, by URL.
  Result<std::vector<OidcProvider>> list_oidc_providers(const Read& rd);
  Result<void> delete_oidc_provider(const Write& wr, std::string_view arn);
  // Adding a client ID the provider has already, or removing one it has not, is a no-op.
  Result<void> add_oidc_client_id(const Write& wr, std::string_view arn, std::string_view client_id);
  Result<void> remove_oidc_client_id(const Write& wr, std::string_view arn, std::string_view client_id);
  Result<void> update_oidc_thumbprints(const Write& wr, std::string_view arn,
                                       const std::vector<std::string>& thumbprints);
  Result<void> tag_oidc_provider(const Write& wr, std::string_view arn, const store::Tags& tags);
  Result<void> untag_oidc_provider(const Write& wr, std::string_view arn, const std::vector<std::string>& keys);
  Result<store::Page<store::Tag>> list_oidc_provider_tags(const Read& rd, std::string_view arn,
                                                          const store::ListOptions& options);
  Result<SamlProvider> create_saml_provider(const Write& wr, std::string_view name, std::string_view metadata,
                                            const store::Tags& tags);
  Result<SamlProvider> get_saml_provider(const Read& rd, std::string_view arn);
  // Every SAML provider of the account, by name.
  Result<std::vector<SamlProvider>> list_saml_providers(const Read& rd);
  Result<void> update_saml_provider(const Write& wr, std::string_view arn, std::string_view metadata);
  Result<void> delete_saml_provider(const Write& wr, std::string_view arn);
  Result<void> tag_saml_provider(const Write& wr, std::string_view arn, const store::Tags& tags);
  Result<void> untag_saml_provider(const Write& wr, std::string_view arn, const std::vector<std::string>& keys);
  Result<store::Page<store::Tag>> list_saml_provider_tags(const Read& rd, std::string_view arn,
                                                          const store::ListOptions& options);

  // AssumeRoleWithSAML's authentication step: the SAML provider `provider_arn` of
  // rd.account_id (InvalidIdentityToken "Specified provider doesn't exist" [UNCERTAIN] when
  // there is none), the base64 response verified with its metadata's signing certificates and
  // checked against the clock, its entityID and AWS's audience and recipient for the
  // server's partition (formats/saml_response.h).
  struct SamlLogin {
    SamlProvider provider;
    formats::SamlAssertion assertion;
    std::string recipient;       // the bearer confirmation's Recipient: saml:aud, Audience
    std::string name_qualifier;  // saml:namequalifier, NameQualifier
  };
  Result<SamlLogin> authenticate_saml(const Read& rd, std::string_view provider_arn, std::string_view response);

 private:
  const DomainEnv& env_;
};

}  // namespace iamd::iam

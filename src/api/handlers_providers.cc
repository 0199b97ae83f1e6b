// OpenID Connect and SAML identity providers. Per the Service Authorization Reference
// (evaluation.md §6) each operation is evaluated against the provider's ARN as the request
// names it (arn:<p>:iam::<acct>:oidc-provider/<url without https://> or
// saml-provider/<Name>; for Create, the ARN the provider will have), and the two listings
// against "*". The provider's tags are aws:ResourceTag/<key>; tagging requests set
// aws:RequestTag/<key> and aws:TagKeys, and Create also lists its tags as aws:ResourceTag.
// The pipeline (api/pipeline.h) has resolved and authorized each operation but the two
// Create*, which authorize here, in the transaction these run in.
#include "api/handlers.h"
#include "api/internal.h"

namespace iamd::api {

namespace pi = protocol::iam;
using common::Result;

namespace {

using internal::list_options;

std::vector<pi::Tag> wire_tags(const store::Tags& tags) {
  return internal::wire_tags(tags);
}

// The request's tags as the store keeps them (the pipeline set their condition keys).
store::Tags store_tags(const std::vector<pi::Tag>& tags) {
  store::Tags out;
  for (const pi::Tag& t : tags) out.push_back(store::Tag{t.key, t.value});
  return out;
}

template <class Out>
Result<Out> tags_page(const Result<store::Page<store::Tag>>& page) {
  if (!page) return page.error();
  Out out;
  out.tags = wire_tags(page->items);
  out.is_truncated = page->is_truncated();
  if (page->is_truncated()) out.marker = page->next_marker;
  return out;
}

}  // namespace

// ---- OpenID Connect providers ----

Result<pi::CreateOpenIDConnectProviderResult> IamHandlers::create_open_id_connect_provider(
    const pi::CreateOpenIDConnectProviderRequest& r) {
  condition::Context extra;
  store::Tags tags = internal::creation_tags(r.tags, extra);
  if (auto a = pipe_.authorize("iam:CreateOpenIDConnectProvider",
                               ctx_.domain.oidc_provider_arn(ctx_.caller.account_id, r.url), &extra);
      !a) {
    return a.error();
  }
  auto p = providers().create_oidc_provider(pipe_.write(), r.url, r.client_id_list, r.thumbprint_list, tags);
  if (!p) return p.error();
  pi::CreateOpenIDConnectProviderResult out;
  out.open_id_connect_provider_arn = p->arn;
  out.tags = wire_tags(p->tags);
  return out;
}

Result<pi::GetOpenIDConnectProviderResult> IamHandlers::get_open_id_connect_provider(
    const pi::GetOpenIDConnectProviderRequest& r) {
  auto p = providers().get_oidc_provider(pipe_.read(), r.open_id_connect_provider_arn);
  if (!p) return p.error();
  pi::GetOpenIDConnectProviderResult out;
  out.url = p->url;
  out.client_id_list = p->client_ids;
  out.thumbprint_list = p->thumbprints;
  out.create_date = p->create_date;
  out.tags = wire_tags(p->tags);
  return out;
}

Result<pi::ListOpenIDConnectProvidersResult> IamHandlers::list_open_id_connect_providers(
    const pi::ListOpenIDConnectProvidersRequest&) {
  auto all = providers().list_oidc_providers(pipe_.read());
  if (!all) return all.error();
  pi::ListOpenIDConnectProvidersResult out;
  for (const auto& p : *all) {
    pi::OpenIDConnectProviderListEntry e;
    e.arn = p.arn;
    out.open_id_connect_provider_list.push_back(std::move(e));
  }
  return out;
}

Result<void> IamHandlers::delete_open_id_connect_provider(const pi::DeleteOpenIDConnectProviderRequest& r) {
  return providers().delete_oidc_provider(pipe_.write(), r.open_id_connect_provider_arn);
}

Result<void> IamHandlers::add_client_id_to_open_id_connect_provider(
    const pi::AddClientIDToOpenIDConnectProviderRequest& r) {
  return providers().add_oidc_client_id(pipe_.write(), r.open_id_connect_provider_arn, r.client_id);
}

Result<void> IamHandlers::remove_client_id_from_open_id_connect_provider(
    const pi::RemoveClientIDFromOpenIDConnectProviderRequest& r) {
  return providers().remove_oidc_client_id(pipe_.write(), r.open_id_connect_provider_arn, r.client_id);
}

Result<void> IamHandlers::update_open_id_connect_provider_thumbprint(
    const pi::UpdateOpenIDConnectProviderThumbprintRequest& r) {
  return providers().update_oidc_thumbprints(pipe_.write(), r.open_id_connect_provider_arn, r.thumbprint_list);
}

Result<void> IamHandlers::tag_open_id_connect_provider(const pi::TagOpenIDConnectProviderRequest& r) {
  return providers().tag_oidc_provider(pipe_.write(), r.open_id_connect_provider_arn, store_tags(r.tags));
}

Result<void> IamHandlers::untag_open_id_connect_provider(const pi::UntagOpenIDConnectProviderRequest& r) {
  return providers().untag_oidc_provider(pipe_.write(), r.open_id_connect_provider_arn, r.tag_keys);
}

Result<pi::ListOpenIDConnectProviderTagsResult> IamHandlers::list_open_id_connect_provider_tags(
    const pi::ListOpenIDConnectProviderTagsRequest& r) {
  return tags_page<pi::ListOpenIDConnectProviderTagsResult>(providers().list_oidc_provider_tags(
      pipe_.read(), r.open_id_connect_provider_arn, list_options(std::nullopt, r.marker, r.max_items)));
}

// ---- SAML providers ----

Result<pi::CreateSAMLProviderResult> IamHandlers::create_saml_provider(const pi::CreateSAMLProviderRequest& r) {
  condition::Context extra;
  store::Tags tags = internal::creation_tags(r.tags, extra);
  if (auto a = pipe_.authorize("iam:CreateSAMLProvider", ctx_.domain.saml_provider_arn(ctx_.caller.account_id, r.name),
                               &extra);
      !a) {
    return a.error();
  }
  auto p = providers().create_saml_provider(pipe_.write(), r.name, r.saml_metadata_document, tags);
  if (!p) return p.error();
  pi::CreateSAMLProviderResult out;
  out.saml_provider_arn = p->arn;
  out.tags = wire_tags(p->tags);
  return out;
}

Result<pi::GetSAMLProviderResult> IamHandlers::get_saml_provider(const pi::GetSAMLProviderRequest& r) {
  auto p = providers().get_saml_provider(pipe_.read(), r.saml_provider_arn);
  if (!p) return p.error();
  pi::GetSAMLProviderResult out;
  out.saml_metadata_document = p->metadata;
  out.create_date = p->create_date;
  out.valid_until = p->valid_until;
  out.tags = wire_tags(p->tags);
  return out;
}

Result<pi::ListSAMLProvidersResult> IamHandlers::list_saml_providers(const pi::ListSAMLProvidersRequest&) {
  auto all = providers().list_saml_providers(pipe_.read());
  if (!all) return all.error();
  pi::ListSAMLProvidersResult out;
  for (const auto& p : *all) {
    pi::SAMLProviderListEntry e;
    e.arn = p.arn;
    e.valid_until = p.valid_until;
    e.create_date = p.create_date;
    out.saml_provider_list.push_back(std::move(e));
  }
  return out;
}

Result<pi::UpdateSAMLProviderResult> IamHandlers::update_saml_provider(const pi::UpdateSAMLProviderRequest& r) {
  if (auto u = providers().update_saml_provider(pipe_.write(), r.saml_provider_arn, r.saml_metadata_document); !u) {
    return u.error();
  }
  pi::UpdateSAMLProviderResult out;
  out.saml_provider_arn = r.saml_provider_arn;
  return out;
}

Result<void> IamHandlers::delete_saml_provider(const pi::DeleteSAMLProviderRequest& r) {
  return providers().delete_saml_provider(pipe_.write(), r.saml_provider_arn);
}

Result<void> IamHandlers::tag_saml_provider(const pi::TagSAMLProviderRequest& r) {
  return providers().tag_saml_provider(pipe_.write(), r.saml_provider_arn, store_tags(r.tags));
}

Result<void> IamHandlers::untag_saml_provider(const pi::UntagSAMLProviderRequest& r) {
  return providers().untag_saml_provider(pipe_.write(), r.saml_provider_arn, r.tag_keys);
}

Result<pi::ListSAMLProviderTagsResult> IamHandlers::list_saml_provider_tags(const pi::ListSAMLProviderTagsRequest& r) {
  return tags_page<pi::ListSAMLProviderTagsResult>(providers().list_saml_provider_tags(
      pipe_.read(), r.saml_provider_arn, list_options(std::nullopt, r.marker, r.max_items)));
}

}  // namespace iamd::api

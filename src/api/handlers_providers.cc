// OpenID Connect and SAML identity providers. Per the Service Authorization Reference
// (evaluation.md §6) each operation is evaluated against the provider's ARN as the request
// names it (arn:<p>:iam::<acct>:oidc-provider/<url without https://> or
// saml-provider/<Name>; for Create, the ARN the provider will have), and the two listings
// against "*". The provider's tags are aws:ResourceTag/<key>; tagging requests set
// aws:RequestTag/<key> and aws:TagKeys, and Create also lists its tags as aws:ResourceTag.
#include "api/errors.h"
#include "api/handlers.h"
#include "api/internal.h"

namespace iamd::api {

namespace pi = protocol::iam;
using common::Error;
using common::Result;

namespace {

using internal::fail;
using internal::list_options;
using internal::request_tags;

std::vector<pi::Tag> wire_tags(const store::Tags& tags) {
  std::vector<pi::Tag> out;
  for (const store::Tag& t : tags) out.push_back(pi::Tag{t.key, t.value});
  return out;
}

void add_resource_tags(condition::Context& c, const store::Tags& tags) {
  for (const store::Tag& t : tags) c.set("aws:ResourceTag/" + t.key, t.value);
}

// aws:ResourceTag/<key> of the provider the request names, when it exists (looked up before
// authorization, so a denial says nothing about whether it exists).
template <class P>
condition::Context resource_context(const Result<P>& provider) {
  condition::Context c;
  if (provider) add_resource_tags(c, provider->tags);
  return c;
}

// The request tags (aws:RequestTag/<key>, aws:TagKeys) on top of the provider's.
template <class P>
condition::Context tagging_context(const Result<P>& provider, const std::vector<pi::Tag>& tags, store::Tags& out) {
  condition::Context c = resource_context(provider);
  out = request_tags(tags, c);
  return c;
}

template <class P>
condition::Context untagging_context(const Result<P>& provider, const std::vector<std::string>& keys) {
  condition::Context c = resource_context(provider);
  if (!keys.empty()) c.set_list("aws:TagKeys", keys);
  return c;
}

template <class Out>
Result<Out> tags_page(const Result<store::Page<store::Tag>>& page) {
  if (!page) return fail<Out>(page.error());
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
  const std::string& account = ctx_.caller.account_id;
  condition::Context extra;
  store::Tags tags = request_tags(r.tags, extra);
  add_resource_tags(extra, tags);
  if (auto a = authorize("iam:CreateOpenIDConnectProvider", ctx_.domain.oidc_provider_arn(account, r.url), &extra);
      !a) {
    return a.error();
  }
  auto p = ctx_.domain.create_oidc_provider(account, r.url, r.client_id_list, r.thumbprint_list, tags);
  if (!p) return fail<pi::CreateOpenIDConnectProviderResult>(p.error());
  pi::CreateOpenIDConnectProviderResult out;
  out.open_id_connect_provider_arn = p->arn;
  out.tags = wire_tags(p->tags);
  return out;
}

Result<pi::GetOpenIDConnectProviderResult> IamHandlers::get_open_id_connect_provider(
    const pi::GetOpenIDConnectProviderRequest& r) {
  auto p = ctx_.domain.get_oidc_provider(ctx_.caller.account_id, r.open_id_connect_provider_arn);
  condition::Context extra = resource_context(p);
  if (auto a = authorize("iam:GetOpenIDConnectProvider", r.open_id_connect_provider_arn, &extra); !a) {
    return a.error();
  }
  if (!p) return fail<pi::GetOpenIDConnectProviderResult>(p.error());
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
  if (auto a = authorize("iam:ListOpenIDConnectProviders", "*"); !a) return a.error();
  auto all = ctx_.domain.list_oidc_providers(ctx_.caller.account_id);
  if (!all) return fail<pi::ListOpenIDConnectProvidersResult>(all.error());
  pi::ListOpenIDConnectProvidersResult out;
  for (const auto& p : *all) {
    pi::OpenIDConnectProviderListEntry e;
    e.arn = p.arn;
    out.open_id_connect_provider_list.push_back(std::move(e));
  }
  return out;
}

Result<void> IamHandlers::delete_open_id_connect_provider(const pi::DeleteOpenIDConnectProviderRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  condition::Context extra = resource_context(ctx_.domain.get_oidc_provider(account, r.open_id_connect_provider_arn));
  if (auto a = authorize("iam:DeleteOpenIDConnectProvider", r.open_id_connect_provider_arn, &extra); !a) return a;
  if (auto d = ctx_.domain.delete_oidc_provider(account, r.open_id_connect_provider_arn); !d) {
    return to_aws_error(d.error());
  }
  return {};
}

Result<void> IamHandlers::add_client_id_to_open_id_connect_provider(
    const pi::AddClientIDToOpenIDConnectProviderRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  condition::Context extra = resource_context(ctx_.domain.get_oidc_provider(account, r.open_id_connect_provider_arn));
  if (auto a = authorize("iam:AddClientIDToOpenIDConnectProvider", r.open_id_connect_provider_arn, &extra); !a) {
    return a;
  }
  if (auto d = ctx_.domain.add_oidc_client_id(account, r.open_id_connect_provider_arn, r.client_id); !d) {
    return to_aws_error(d.error());
  }
  return {};
}

Result<void> IamHandlers::remove_client_id_from_open_id_connect_provider(
    const pi::RemoveClientIDFromOpenIDConnectProviderRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  condition::Context extra = resource_context(ctx_.domain.get_oidc_provider(account, r.open_id_connect_provider_arn));
  if (auto a = authorize("iam:RemoveClientIDFromOpenIDConnectProvider", r.open_id_connect_provider_arn, &extra); !a) {
    return a;
  }
  if (auto d = ctx_.domain.remove_oidc_client_id(account, r.open_id_connect_provider_arn, r.client_id); !d) {
    return to_aws_error(d.error());
  }
  return {};
}

Result<void> IamHandlers::update_open_id_connect_provider_thumbprint(
    const pi::UpdateOpenIDConnectProviderThumbprintRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  condition::Context extra = resource_context(ctx_.domain.get_oidc_provider(account, r.open_id_connect_provider_arn));
  if (auto a = authorize("iam:UpdateOpenIDConnectProviderThumbprint", r.open_id_connect_provider_arn, &extra); !a) {
    return a;
  }
  if (auto d = ctx_.domain.update_oidc_thumbprints(account, r.open_id_connect_provider_arn, r.thumbprint_list); !d) {
    return to_aws_error(d.error());
  }
  return {};
}

Result<void> IamHandlers::tag_open_id_connect_provider(const pi::TagOpenIDConnectProviderRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  store::Tags tags;
  condition::Context extra =
      tagging_context(ctx_.domain.get_oidc_provider(account, r.open_id_connect_provider_arn), r.tags, tags);
  if (auto a = authorize("iam:TagOpenIDConnectProvider", r.open_id_connect_provider_arn, &extra); !a) return a;
  if (auto d = ctx_.domain.tag_oidc_provider(account, r.open_id_connect_provider_arn, tags); !d) {
    return to_aws_error(d.error());
  }
  return {};
}

Result<void> IamHandlers::untag_open_id_connect_provider(const pi::UntagOpenIDConnectProviderRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  condition::Context extra =
      untagging_context(ctx_.domain.get_oidc_provider(account, r.open_id_connect_provider_arn), r.tag_keys);
  if (auto a = authorize("iam:UntagOpenIDConnectProvider", r.open_id_connect_provider_arn, &extra); !a) return a;
  if (auto d = ctx_.domain.untag_oidc_provider(account, r.open_id_connect_provider_arn, r.tag_keys); !d) {
    return to_aws_error(d.error());
  }
  return {};
}

Result<pi::ListOpenIDConnectProviderTagsResult> IamHandlers::list_open_id_connect_provider_tags(
    const pi::ListOpenIDConnectProviderTagsRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  condition::Context extra = resource_context(ctx_.domain.get_oidc_provider(account, r.open_id_connect_provider_arn));
  if (auto a = authorize("iam:ListOpenIDConnectProviderTags", r.open_id_connect_provider_arn, &extra); !a) {
    return a.error();
  }
  return tags_page<pi::ListOpenIDConnectProviderTagsResult>(ctx_.domain.list_oidc_provider_tags(
      account, r.open_id_connect_provider_arn, list_options(std::nullopt, r.marker, r.max_items)));
}

// ---- SAML providers ----

Result<pi::CreateSAMLProviderResult> IamHandlers::create_saml_provider(const pi::CreateSAMLProviderRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  condition::Context extra;
  store::Tags tags = request_tags(r.tags, extra);
  add_resource_tags(extra, tags);
  if (auto a = authorize("iam:CreateSAMLProvider", ctx_.domain.saml_provider_arn(account, r.name), &extra); !a) {
    return a.error();
  }
  auto p = ctx_.domain.create_saml_provider(account, r.name, r.saml_metadata_document, tags);
  if (!p) return fail<pi::CreateSAMLProviderResult>(p.error());
  pi::CreateSAMLProviderResult out;
  out.saml_provider_arn = p->arn;
  out.tags = wire_tags(p->tags);
  return out;
}

Result<pi::GetSAMLProviderResult> IamHandlers::get_saml_provider(const pi::GetSAMLProviderRequest& r) {
  auto p = ctx_.domain.get_saml_provider(ctx_.caller.account_id, r.saml_provider_arn);
  condition::Context extra = resource_context(p);
  if (auto a = authorize("iam:GetSAMLProvider", r.saml_provider_arn, &extra); !a) return a.error();
  if (!p) return fail<pi::GetSAMLProviderResult>(p.error());
  pi::GetSAMLProviderResult out;
  out.saml_metadata_document = p->metadata;
  out.create_date = p->create_date;
  out.valid_until = p->valid_until;
  out.tags = wire_tags(p->tags);
  return out;
}

Result<pi::ListSAMLProvidersResult> IamHandlers::list_saml_providers(const pi::ListSAMLProvidersRequest&) {
  if (auto a = authorize("iam:ListSAMLProviders", "*"); !a) return a.error();
  auto all = ctx_.domain.list_saml_providers(ctx_.caller.account_id);
  if (!all) return fail<pi::ListSAMLProvidersResult>(all.error());
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
  const std::string& account = ctx_.caller.account_id;
  condition::Context extra = resource_context(ctx_.domain.get_saml_provider(account, r.saml_provider_arn));
  if (auto a = authorize("iam:UpdateSAMLProvider", r.saml_provider_arn, &extra); !a) return a.error();
  if (auto u = ctx_.domain.update_saml_provider(account, r.saml_provider_arn, r.saml_metadata_document); !u) {
    return fail<pi::UpdateSAMLProviderResult>(u.error());
  }
  pi::UpdateSAMLProviderResult out;
  out.saml_provider_arn = r.saml_provider_arn;
  return out;
}

Result<void> IamHandlers::delete_saml_provider(const pi::DeleteSAMLProviderRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  condition::Context extra = resource_context(ctx_.domain.get_saml_provider(account, r.saml_provider_arn));
  if (auto a = authorize("iam:DeleteSAMLProvider", r.saml_provider_arn, &extra); !a) return a;
  if (auto d = ctx_.domain.delete_saml_provider(account, r.saml_provider_arn); !d) return to_aws_error(d.error());
  return {};
}

Result<void> IamHandlers::tag_saml_provider(const pi::TagSAMLProviderRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  store::Tags tags;
  condition::Context extra = tagging_context(ctx_.domain.get_saml_provider(account, r.saml_provider_arn), r.tags, tags);
  if (auto a = authorize("iam:TagSAMLProvider", r.saml_provider_arn, &extra); !a) return a;
  if (auto d = ctx_.domain.tag_saml_provider(account, r.saml_provider_arn, tags); !d) return to_aws_error(d.error());
  return {};
}

Result<void> IamHandlers::untag_saml_provider(const pi::UntagSAMLProviderRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  condition::Context extra = untagging_context(ctx_.domain.get_saml_provider(account, r.saml_provider_arn), r.tag_keys);
  if (auto a = authorize("iam:UntagSAMLProvider", r.saml_provider_arn, &extra); !a) return a;
  if (auto d = ctx_.domain.untag_saml_provider(account, r.saml_provider_arn, r.tag_keys); !d) {
    return to_aws_error(d.error());
  }
  return {};
}

Result<pi::ListSAMLProviderTagsResult> IamHandlers::list_saml_provider_tags(const pi::ListSAMLProviderTagsRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  condition::Context extra = resource_context(ctx_.domain.get_saml_provider(account, r.saml_provider_arn));
  if (auto a = authorize("iam:ListSAMLProviderTags", r.saml_provider_arn, &extra); !a) return a.error();
  return tags_page<pi::ListSAMLProviderTagsResult>(ctx_.domain.list_saml_provider_tags(
      account, r.saml_provider_arn, list_options(std::nullopt, r.marker, r.max_items)));
}

}  // namespace iamd::api

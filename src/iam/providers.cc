// Identity providers: OpenID Connect providers (URL, client IDs, thumbprints) and SAML
// providers (metadata document, ValidUntil), each with tags, kept as store::Resource records
// whose body is a JSON object (the family iam::Providers). Each function is one step of the
// caller's unit of work (iam/scope.h); validation runs in AWS's order with AWS's messages.
#include <algorithm>
#include <charconv>

#include "arn/arn.h"
#include "common/json_writer.h"
#include "common/strings.h"
#include "iam/internal.h"
#include "iam/saml_metadata.h"
#include "iam/service.h"
#include "policy/json.h"

namespace iamd::iam {

namespace {

using common::Error;
using internal::all_pages;
using internal::invalid_input;
using internal::not_found;

using OidcProvider = Providers::OidcProvider;
using SamlProvider = Providers::SamlProvider;

// ---- ARNs ----

std::string oidc_arn(const DomainEnv& env, std::string_view account_id, std::string_view url) {
  std::string_view rest = url.starts_with("https://") ? url.substr(8) : url;
  return arn::iam_arn(env.partition, account_id, "oidc-provider/" + std::string(rest));
}

std::string saml_arn(const DomainEnv& env, std::string_view account_id, std::string_view name) {
  return arn::iam_arn(env.partition, account_id, "saml-provider/" + std::string(name));
}

// ---- Messages ----

Error validation_error(std::string message) {
  return Error{"ValidationError", std::move(message), ""};
}

// [OBS] GetOpenIDConnectProvider (and, by analogy, every OIDC operation but Delete).
Error provider_not_found(const OidcProvider*, std::string_view arn) {
  return not_found("OpenIDConnect Provider not found for arn " + std::string(arn));
}
// [OBS] GetSAMLProvider and DeleteSAMLProvider (the other SAML operations by analogy).
Error provider_not_found(const SamlProvider*, std::string_view arn) {
  return not_found("Manifest not found for arn " + std::string(arn));
}

// ---- Validation ----

// [OBS] "example.org" (no scheme) is ValidationError "Invalid Open ID Connect Provider URL".
// [UNCERTAIN] the rest, as third-party emulators observed it: another scheme is InvalidInput
// "... The URL must begin with https://."; an empty host is the ValidationError again;
// user info, a port, a query, a fragment or a host that is no DNS name is InvalidInput
// "Invalid Open ID Connect Provider URL." (AWS documents that the URL takes no query and
// should take no port). Returns the URL without https://, as AWS keeps it (not normalized:
// a trailing slash makes another provider). [IMPL] URLs that differ only in case are the
// same provider here (the record's name, unique case-insensitively); AWS may keep both.
common::Result<std::string> oidc_url(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (url.find("://") == std::string_view::npos) return validation_error("Invalid Open ID Connect Provider URL");
  if (!url.starts_with(kScheme)) {
    return invalid_input("Invalid Open ID Connect Provider URL. The URL must begin with https://.");
  }
  std::string_view rest = url.substr(kScheme.size());
  std::string_view host = rest.substr(0, rest.find('/'));
  if (host.empty()) return validation_error("Invalid Open ID Connect Provider URL");
  bool valid = rest.find_first_of("?#") == std::string_view::npos && host.size() <= 253;
  for (std::string_view label : common::split(host, '.')) {
    valid = valid && !label.empty() && label.size() <= 63 && label.front() != '-' && label.back() != '-' &&
            std::all_of(label.begin(), label.end(), [](char c) {
              return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
            });
  }
  if (!valid) return invalid_input("Invalid Open ID Connect Provider URL.");
  return std::string(rest);
}

// [OBS] more than five is InvalidInput with this message (which says "fewer than 5" of a
// list of 5, as AWS does). [UNCERTAIN, third-party observation] AWS checks no hex charset and
// stores thumbprints lowercased.
common::Result<std::vector<std::string>> thumbprints_of(const Quotas& quotas, const std::vector<std::string>& given) {
  if (given.size() > quotas.size_of(Quota::kThumbprintsPerOidcProvider)) {
    return quotas.exceeded(Quota::kThumbprintsPerOidcProvider);
  }
  std::vector<std::string> out;
  for (const std::string& t : given) out.push_back(common::to_lower(t));
  return out;
}

// Provider ARNs arrive as text: one that is no ARN at all is InvalidInput as AWS words it.
common::Result<void> check_arn(std::string_view arn) {
  if (!arn::Arn::parse(arn)) return invalid_input("ARN " + std::string(arn) + " is not valid.");
  return {};
}

// ---- Record bodies ----

void write_strings(common::JsonWriter& w, std::string_view key, const std::vector<std::string>& items) {
  w.key(key).begin_array();
  for (const std::string& s : items) w.value(s);
  w.end_array();
}

std::vector<std::string> read_strings(const policy::JsonValue& body, std::string_view key) {
  std::vector<std::string> out;
  const policy::JsonValue* list = body.find(key);
  if (list == nullptr || !list->is_array()) return out;
  for (const policy::JsonValue& item : list->items) out.push_back(item.text);
  return out;
}

common::Result<policy::JsonValue> body_of(const store::Resource& r) {
  auto body = policy::parse_json(r.body);
  if (!body || !body->is_object()) {
    return Error{std::string(store::kStorageFailure), "the record of " + r.id + " is not readable", ""};
  }
  return body;
}

store::ResourceKind kind_of(const OidcProvider*) {
  return store::ResourceKind::kOpenIdConnectProvider;
}
store::ResourceKind kind_of(const SamlProvider*) {
  return store::ResourceKind::kSamlProvider;
}

std::string encode(const OidcProvider& p) {
  common::JsonWriter w;
  w.begin_object().key("Url").value(p.url);
  write_strings(w, "ClientIDList", p.client_ids);
  write_strings(w, "ThumbprintList", p.thumbprints);
  internal::write_tags(w, "Tags", p.tags);
  w.end_object();
  return w.str();
}

std::string encode(const SamlProvider& p) {
  common::JsonWriter w;
  w.begin_object().key("SAMLMetadataDocument").value(p.metadata);
  w.key("ValidUntil").value(static_cast<long long>(p.valid_until.seconds));
  internal::write_tags(w, "Tags", p.tags);
  w.end_object();
  return w.str();
}

common::Result<void> decode(const store::Resource& r, OidcProvider& p) {
  auto body = body_of(r);
  if (!body) return body.error();
  p.arn = r.id;
  p.url = internal::read_string(*body, "Url");
  p.client_ids = read_strings(*body, "ClientIDList");
  p.thumbprints = read_strings(*body, "ThumbprintList");
  p.tags = internal::read_tags(*body, "Tags");
  p.create_date = r.create_date;
  return {};
}

common::Result<void> decode(const store::Resource& r, SamlProvider& p) {
  auto body = body_of(r);
  if (!body) return body.error();
  p.arn = r.id;
  p.name = r.name;
  p.metadata = internal::read_string(*body, "SAMLMetadataDocument");
  p.valid_until = common::Timestamp{internal::read_int(*body, "ValidUntil").value_or(0), 0};
  p.tags = internal::read_tags(*body, "Tags");
  p.create_date = r.create_date;
  return {};
}

store::Resource record_of(std::string_view account_id, std::string_view name, common::Timestamp create_date,
                          const auto& provider) {
  store::Resource r;
  r.kind = kind_of(&provider);
  r.account_id = std::string(account_id);
  r.id = provider.arn;
  r.name = std::string(name);
  r.create_date = create_date;
  r.body = encode(provider);
  return r;
}

// ---- Reads and read-modify-writes of one provider ----

template <class P>
common::Result<std::pair<store::Resource, P>> find(store::ReadTransaction& tx, std::string_view account_id,
                                                   std::string_view arn) {
  if (auto c = check_arn(arn); !c) return c.error();
  const P* tag = nullptr;
  auto r = tx.get_resource(kind_of(tag), arn);
  if (!r) {
    if (store::is_not_found(r.error())) return provider_not_found(tag, arn);
    return r.error();
  }
  if (r->account_id != account_id) return provider_not_found(tag, arn);
  P p;
  if (auto d = decode(*r, p); !d) return d.error();
  return std::pair<store::Resource, P>{std::move(r).value(), std::move(p)};
}

template <class P>
common::Result<P> read(const Read& rd, std::string_view arn) {
  auto found = find<P>(rd.tx, rd.account_id, arn);
  if (!found) return found.error();
  return std::move(found->second);
}

// Applies `change` (P& -> Result<void>) to the provider and saves it when it changed.
template <class P, class F>
common::Result<void> modify(const Write& wr, std::string_view arn, F&& change) {
  auto found = find<P>(wr.tx, wr.account_id, arn);
  if (!found) return found.error();
  auto& [record, provider] = *found;
  std::string before = encode(provider);
  if (auto c = change(provider); !c) return c;
  std::string after = encode(provider);
  if (after == before) return {};
  record.body = std::move(after);
  return wr.tx.update_resource(record);
}

template <class P>
common::Result<void> tag(const Write& wr, const Quotas& quotas, std::string_view arn, const store::Tags& tags) {
  if (auto v = internal::validate_tags(tags); !v) return v;
  return modify<P>(wr, arn, [&](P& p) -> common::Result<void> {
    internal::merge_tags(p.tags, tags);
    if (p.tags.size() > quotas.size_of(Quota::kTagsPerResource)) return quotas.exceeded(Quota::kTagsPerResource);
    return {};
  });
}

template <class P>
common::Result<void> untag(const Write& wr, std::string_view arn, const std::vector<std::string>& keys) {
  return modify<P>(wr, arn, [&](P& p) -> common::Result<void> {
    internal::remove_tags(p.tags, keys);
    return {};
  });
}

template <class P>
common::Result<store::Page<store::Tag>> list_tags(const Read& rd, std::string_view arn,
                                                  const store::ListOptions& options) {
  auto p = read<P>(rd, arn);
  if (!p) return p.error();
  return internal::page_of(p->tags, options);
}

template <class P>
common::Result<std::vector<P>> list_all(const Read& rd) {
  const P* tag = nullptr;
  auto records = all_pages<store::Resource>(
      [&](const store::ListOptions& o) { return rd.tx.list_resources(kind_of(tag), rd.account_id, std::nullopt, o); });
  if (!records) return records.error();
  std::vector<P> out;
  for (const store::Resource& r : *records) {
    P p;
    if (auto d = decode(r, p); !d) return d.error();
    out.push_back(std::move(p));
  }
  return out;
}

// A new provider of the account: AlreadyExists for its name (`exists`), then the quota.
common::Result<void> create(store::Transaction& tx, const store::Resource& record, const Error& exists,
                            const Quotas& quotas, Quota quota) {
  if (auto same = tx.get_resource_by_name(record.kind, record.account_id, record.name); same) {
    return exists;
  } else if (!store::is_not_found(same.error())) {
    return same.error();
  }
  auto existing = all_pages<store::Resource>(
      [&](const store::ListOptions& o) { return tx.list_resources(record.kind, record.account_id, std::nullopt, o); });
  if (!existing) return existing.error();
  if (auto q = quotas.check_room(quota, existing->size()); !q) return q;
  if (auto c = tx.create_resource(record); !c) {
    if (store::is_already_exists(c.error())) return exists;
    return c;
  }
  return {};
}

// AWS keeps no end date for metadata without validUntil: ValidUntil is then a hundred
// years after the document was given [OBS: ValidUntil of such providers lies ~100 years
// ahead; the exact day is UNCERTAIN].
common::Timestamp hundred_years_after(common::Timestamp t) {
  const std::string iso = common::format_iso8601(t);  // YYYY-MM-DDThh:mm:ssZ
  int y = 0;
  unsigned m = 0, d = 0;
  std::from_chars(iso.data(), iso.data() + 4, y);
  std::from_chars(iso.data() + 5, iso.data() + 7, m);
  std::from_chars(iso.data() + 8, iso.data() + 10, d);
  constexpr std::int64_t kDay = 86400;
  const std::int64_t second_of_day = ((t.seconds % kDay) + kDay) % kDay;
  return common::Timestamp{common::days_from_civil(y + 100, m, d) * kDay + second_of_day, 0};
}

common::Result<common::Timestamp> valid_until_of(std::string_view metadata, common::Timestamp now) {
  auto parsed = parse_saml_metadata(metadata);
  if (!parsed) return parsed.error();
  return parsed->valid_until.value_or(hundred_years_after(now));
}

}  // namespace

common::Result<std::int64_t> internal::count_providers(store::ReadTransaction& tx, std::string_view account_id) {
  std::int64_t n = 0;
  for (auto kind : {store::ResourceKind::kOpenIdConnectProvider, store::ResourceKind::kSamlProvider}) {
    auto records = all_pages<store::Resource>(
        [&](const store::ListOptions& o) { return tx.list_resources(kind, account_id, std::nullopt, o); });
    if (!records) return records.error();
    n += static_cast<std::int64_t>(records->size());
  }
  return n;
}

// ---- OpenID Connect providers ----

std::string IamDomain::oidc_provider_arn(std::string_view account_id, std::string_view url) const {
  return oidc_arn(env_, account_id, url);
}

std::string IamDomain::saml_provider_arn(std::string_view account_id, std::string_view name) const {
  return saml_arn(env_, account_id, name);
}

Result<OidcProvider> Providers::create_oidc_provider(const Write& wr, std::string_view url,
                                                     const std::vector<std::string>& client_ids,
                                                     const std::vector<std::string>& thumbprints,
                                                     const store::Tags& tags) {
  // AWS's order: URL, thumbprints, client IDs, tags, then the account's providers.
  auto bare = oidc_url(url);
  if (!bare) return bare.error();
  auto prints = thumbprints_of(env_.quotas, thumbprints);
  if (!prints) return prints.error();
  if (client_ids.size() > env_.quotas.size_of(Quota::kClientIdsPerOidcProvider)) {
    return env_.quotas.exceeded(Quota::kClientIdsPerOidcProvider);
  }
  if (auto v = internal::validate_tags(tags); !v) return v.error();
  OidcProvider p;
  p.arn = oidc_arn(env_, wr.account_id, url);
  p.url = *bare;
  for (const std::string& id : client_ids) {
    if (std::find(p.client_ids.begin(), p.client_ids.end(), id) == p.client_ids.end()) p.client_ids.push_back(id);
  }
  p.thumbprints = std::move(prints).value();
  p.tags = tags;
  p.create_date = env_.clock->now();
  Error exists{std::string(store::kAlreadyExists), "Provider with url " + std::string(url) + " already exists.", ""};
  if (auto c = create(wr.tx, record_of(wr.account_id, p.url, p.create_date, p), exists, env_.quotas,
                      Quota::kOidcProvidersPerAccount);
      !c) {
    return c.error();
  }
  return p;
}

Result<OidcProvider> Providers::get_oidc_provider(const Read& rd, std::string_view arn) {
  return read<OidcProvider>(rd, arn);
}

Result<std::vector<OidcProvider>> Providers::list_oidc_providers(const Read& rd) {
  return list_all<OidcProvider>(rd);
}

Result<void> Providers::delete_oidc_provider(const Write& wr, std::string_view arn) {
  auto found = find<OidcProvider>(wr.tx, wr.account_id, arn);
  if (!found) {
    // [OBS] Delete words NoSuchEntity differently (and, unlike its documentation, is not
    // idempotent).
    if (store::is_not_found(found.error())) {
      return not_found("OpenId connect Provider " + std::string(arn) + " cannot be found.");
    }
    return found.error();
  }
  if (auto d = wr.tx.delete_resource(store::ResourceKind::kOpenIdConnectProvider, found->first.id); !d) return d;
  return {};
}

Result<void> Providers::add_oidc_client_id(const Write& wr, std::string_view arn, std::string_view client_id) {
  return modify<OidcProvider>(wr, arn, [&](OidcProvider& p) -> common::Result<void> {
    if (std::find(p.client_ids.begin(), p.client_ids.end(), client_id) != p.client_ids.end()) return {};
    if (auto q = env_.quotas.check_room(Quota::kClientIdsPerOidcProvider, p.client_ids.size()); !q) return q;
    p.client_ids.emplace_back(client_id);
    return {};
  });
}

Result<void> Providers::remove_oidc_client_id(const Write& wr, std::string_view arn, std::string_view client_id) {
  return modify<OidcProvider>(wr, arn, [&](OidcProvider& p) -> common::Result<void> {
    std::erase(p.client_ids, client_id);
    return {};
  });
}

Result<void> Providers::update_oidc_thumbprints(const Write& wr, std::string_view arn,
                                                const std::vector<std::string>& thumbprints) {
  auto prints = thumbprints_of(env_.quotas, thumbprints);
  if (!prints) return prints.error();
  return modify<OidcProvider>(wr, arn, [&](OidcProvider& p) -> common::Result<void> {
    p.thumbprints = *prints;
    return {};
  });
}

Result<void> Providers::tag_oidc_provider(const Write& wr, std::string_view arn, const store::Tags& tags) {
  return tag<OidcProvider>(wr, env_.quotas, arn, tags);
}

Result<void> Providers::untag_oidc_provider(const Write& wr, std::string_view arn,
                                            const std::vector<std::string>& keys) {
  return untag<OidcProvider>(wr, arn, keys);
}

Result<store::Page<store::Tag>> Providers::list_oidc_provider_tags(const Read& rd, std::string_view arn,
                                                                   const store::ListOptions& options) {
  return list_tags<OidcProvider>(rd, arn, options);
}

// ---- SAML providers ----

Result<SamlProvider> Providers::create_saml_provider(const Write& wr, std::string_view name, std::string_view metadata,
                                                     const store::Tags& tags) {
  if (auto v = internal::validate_tags(tags); !v) return v.error();
  SamlProvider p;
  p.create_date = env_.clock->now();
  auto valid_until = valid_until_of(metadata, p.create_date);
  if (!valid_until) return valid_until.error();
  p.arn = saml_arn(env_, wr.account_id, name);
  p.name = std::string(name);
  p.metadata = std::string(metadata);
  p.valid_until = *valid_until;
  p.tags = tags;
  // Seen in AWS's answers: "Provider with name <name> already exists."
  Error exists{std::string(store::kAlreadyExists), "Provider with name " + p.name + " already exists.", ""};
  if (auto c = create(wr.tx, record_of(wr.account_id, p.name, p.create_date, p), exists, env_.quotas,
                      Quota::kSamlProvidersPerAccount);
      !c) {
    return c.error();
  }
  return p;
}

Result<SamlProvider> Providers::get_saml_provider(const Read& rd, std::string_view arn) {
  return read<SamlProvider>(rd, arn);
}

Result<std::vector<SamlProvider>> Providers::list_saml_providers(const Read& rd) {
  return list_all<SamlProvider>(rd);
}

Result<void> Providers::update_saml_provider(const Write& wr, std::string_view arn, std::string_view metadata) {
  const common::Timestamp now = env_.clock->now();
  return modify<SamlProvider>(wr, arn, [&](SamlProvider& p) -> common::Result<void> {
    auto valid_until = valid_until_of(metadata, now);
    if (!valid_until) return valid_until.error();
    p.metadata = std::string(metadata);
    p.valid_until = *valid_until;
    return {};
  });
}

Result<Providers::SamlLogin> Providers::authenticate_saml(const Read& rd, std::string_view provider_arn,
                                                          std::string_view response) {
  auto provider = get_saml_provider(rd, provider_arn);
  if (!provider) {
    if (!store::is_not_found(provider.error())) return provider.error();
    return Error{"InvalidIdentityToken", "Specified provider doesn't exist", ""};
  }
  // The stored document parsed when it was stored; a failure now is a server fault.
  auto metadata = parse_saml_metadata(provider->metadata);
  if (!metadata) return Error{"InvalidIdentityToken", "Specified provider doesn't exist", ""};
  auto assertion = formats::verify_saml_response(response, metadata->signing_certificates);
  if (!assertion) return assertion.error();
  // AWS's service-provider names per partition ("Configure SAML assertions for the
  // authentication response"), the recipient also at a regional sign-in endpoint.
  formats::SamlExpectations expect;
  expect.now = env_.clock->now();
  expect.issuer = metadata->entity_id;
  if (env_.partition == "aws-cn") {
    expect.audiences = {"https://signin.amazonaws.cn/saml", "urn:amazon:webservices:cn-north-1"};
  } else if (env_.partition == "aws-us-gov") {
    expect.audiences = {"https://signin.amazonaws-us-gov.com/saml", "urn:amazon:webservices:govcloud"};
  } else {
    expect.audiences = {"https://signin.aws.amazon.com/saml", "urn:amazon:webservices"};
  }
  expect.recipients = {expect.audiences.front()};
  const std::string& global = expect.audiences.front();  // https://<host>/saml
  expect.regional_host = global.substr(8, global.size() - 8 - 5);
  auto recipient = formats::check_saml_assertion(*assertion, expect);
  if (!recipient) return recipient.error();
  SamlLogin out;
  out.name_qualifier = formats::saml_name_qualifier(assertion->issuer, rd.account_id, provider->name);
  out.provider = std::move(provider).value();
  out.assertion = std::move(assertion).value();
  out.recipient = std::move(recipient).value();
  return out;
}

Result<void> Providers::delete_saml_provider(const Write& wr, std::string_view arn) {
  auto found = find<SamlProvider>(wr.tx, wr.account_id, arn);
  if (!found) return found.error();
  if (auto d = wr.tx.delete_resource(store::ResourceKind::kSamlProvider, found->first.id); !d) return d;
  return {};
}

Result<void> Providers::tag_saml_provider(const Write& wr, std::string_view arn, const store::Tags& tags) {
  return tag<SamlProvider>(wr, env_.quotas, arn, tags);
}

Result<void> Providers::untag_saml_provider(const Write& wr, std::string_view arn,
                                            const std::vector<std::string>& keys) {
  return untag<SamlProvider>(wr, arn, keys);
}

Result<store::Page<store::Tag>> Providers::list_saml_provider_tags(const Read& rd, std::string_view arn,
                                                                   const store::ListOptions& options) {
  return list_tags<SamlProvider>(rd, arn, options);
}

}  // namespace iamd::iam

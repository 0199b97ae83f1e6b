// Signing certificates, server certificates and service-specific credentials, kept as
// store::Resource records with the rest of each record in Resource::body (a JSON object).
// Each public function is one step of the caller's unit of work (iam/scope.h). Secrets (server
// certificate private keys, service passwords) are sealed with the master key, bound to the
// record's id, and never leave the domain except a password on create and reset.
#include <algorithm>
#include <array>

#include "arn/arn.h"
#include "common/ids.h"
#include "common/json_writer.h"
#include "common/strings.h"
#include "crypto/crypto.h"
#include "formats/x509.h"
#include "iam/internal.h"
#include "iam/service.h"
#include "policy/json.h"

namespace iamd::iam {

namespace {

using common::Error;
using internal::all_pages;
using internal::not_found;
using internal::read_int;
using internal::read_string;
using internal::read_tags;
using internal::write_tags;
using store::AccessKeyStatus;
using store::ResourceKind;

// AWS error codes with no domain counterpart: they pass through the API edge's table as they are.
constexpr std::string_view kMalformedCertificate = "MalformedCertificate";
constexpr std::string_view kDuplicateCertificate = "DuplicateCertificate";
constexpr std::string_view kKeyPairMismatch = "KeyPairMismatch";

// The services AWS issues service-specific credentials for: CodeCommit (Git credentials),
// Amazon Keyspaces, and the API keys of Bedrock and CloudWatch Logs (API reference,
// CreateServiceSpecificCredential). [IMPL] The Debian service model predates API keys
// (no CredentialAgeDays, ServiceCredentialAlias or ServiceCredentialSecret), so every
// service gets a user name and password.
constexpr std::array<std::string_view, 4> kCredentialServices = {"codecommit.amazonaws.com", "cassandra.amazonaws.com",
                                                                 "bedrock.amazonaws.com", "logs.amazonaws.com"};

std::string_view status_text(AccessKeyStatus s) {
  return s == AccessKeyStatus::kActive ? "Active" : "Inactive";
}
AccessKeyStatus status_of(std::string_view text) {
  return text == "Inactive" ? AccessKeyStatus::kInactive : AccessKeyStatus::kActive;
}

Result<policy::JsonValue> parse_body(const store::Resource& r) {
  auto body = policy::parse_json(r.body);
  if (!body || !body->is_object()) return Error{"StorageFailure", "unreadable record " + r.id, ""};
  return body;
}

Error malformed(std::string message) {
  return Error{std::string(kMalformedCertificate), std::move(message), ""};
}

std::string trim_right(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return std::string(s);
}

// ---- Signing certificates ----

Error certificate_not_found(std::string_view id) {
  return not_found("The Certificate with id " + std::string(id) + " cannot be found.");
}

std::string signing_body(std::string_view certificate, AccessKeyStatus status) {
  common::JsonWriter w;
  w.begin_object().key("CertificateBody").value(certificate).key("Status").value(status_text(status)).end_object();
  return w.str();
}

Result<Certificates::SigningCertificate> to_signing_certificate(const store::Resource& r, std::string_view user_name) {
  auto body = parse_body(r);
  if (!body) return body.error();
  Certificates::SigningCertificate c;
  c.id = r.id;
  c.user_name = std::string(user_name);
  c.body = read_string(*body, "CertificateBody");
  c.status = status_of(read_string(*body, "Status"));
  c.upload_date = r.create_date;
  return c;
}

// The signing certificate of that id belonging to `owner_id` (empty: the root user).
Result<store::Resource> find_signing_certificate(store::ReadTransaction& tx, std::string_view account_id,
                                                 std::string_view owner_id, std::string_view id) {
  auto r = tx.get_resource(ResourceKind::kSigningCertificate, id);
  if (!r) return store::is_not_found(r.error()) ? certificate_not_found(id) : r.error();
  if (r->account_id != account_id || r->owner_id != owner_id) return certificate_not_found(id);
  return r;
}

// ---- Server certificates ----

Error server_certificate_not_found(std::string_view name) {
  return not_found("The Server Certificate with name " + std::string(name) + " cannot be found.");
}
Error server_certificate_exists(std::string_view name) {
  return Error{std::string(store::kAlreadyExists),
               "The Server Certificate with name " + std::string(name) + " already exists.", ""};
}

// A server certificate with its private key as stored (sealed, base64).
struct StoredServerCertificate {
  Certificates::ServerCertificate certificate;
  std::string sealed_key;
};

store::Resource to_resource(const StoredServerCertificate& s) {
  const Certificates::ServerCertificate& c = s.certificate;
  common::JsonWriter w;
  w.begin_object().key("CertificateBody").value(c.body);
  if (!c.chain.empty()) w.key("CertificateChain").value(c.chain);
  w.key("PrivateKey").value(s.sealed_key);
  w.key("Expiration").value(static_cast<long long>(c.expiration.seconds));
  write_tags(w, "Tags", c.tags);
  w.end_object();
  store::Resource r;
  r.kind = ResourceKind::kServerCertificate;
  r.account_id = c.account_id;
  r.id = c.id;
  r.name = c.name;
  r.path = c.path;
  r.create_date = c.upload_date;
  r.body = w.str();
  return r;
}

Result<StoredServerCertificate> to_server_certificate(const store::Resource& r) {
  auto body = parse_body(r);
  if (!body) return body.error();
  StoredServerCertificate s;
  Certificates::ServerCertificate& c = s.certificate;
  c.account_id = r.account_id;
  c.name = r.name;
  c.path = r.path;
  c.id = r.id;
  c.body = read_string(*body, "CertificateBody");
  c.chain = read_string(*body, "CertificateChain");
  c.upload_date = r.create_date;
  c.expiration = common::Timestamp{read_int(*body, "Expiration").value_or(0), 0};
  c.tags = read_tags(*body, "Tags");
  s.sealed_key = read_string(*body, "PrivateKey");
  return s;
}

Result<StoredServerCertificate> find_server_certificate(store::ReadTransaction& tx, std::string_view account_id,
                                                        std::string_view name) {
  auto r = tx.get_resource_by_name(ResourceKind::kServerCertificate, account_id, name);
  if (!r) return store::is_not_found(r.error()) ? server_certificate_not_found(name) : r.error();
  return to_server_certificate(*r);
}

Result<void> save(store::Transaction& tx, const StoredServerCertificate& s) {
  if (auto r = tx.update_resource(to_resource(s)); !r) {
    return store::is_already_exists(r.error()) ? server_certificate_exists(s.certificate.name) : r.error();
  }
  return {};
}

// The certificate, its key and its chain as AWS checks them: the body parses, the key parses
// and is the certificate's, and each certificate of the chain issued the one before it.
Result<formats::X509Certificate> check_server_certificate(std::string_view body, std::string_view private_key,
                                                          std::string_view chain) {
  auto certificate = formats::parse_pem_certificate(body);
  if (!certificate) return malformed("Unable to parse certificate. Please ensure the certificate is in PEM format.");
  auto key = formats::private_key_public_key(private_key);
  // [UNCERTAIN] AWS's message for a private key that does not parse.
  if (!key) return malformed("Unable to parse private key. Please ensure the private key is in PEM format.");
  if (*key != certificate->public_key) {
    return Error{std::string(kKeyPairMismatch),
                 "Unable to validate certificate key pair. Please ensure the private key matches the certificate.", ""};
  }
  if (chain.empty()) return certificate;
  auto links = formats::parse_pem_certificates(chain);
  // [UNCERTAIN] AWS's message for a chain that does not parse.
  if (!links) {
    return malformed("Unable to parse certificate chain. Please ensure the certificate chain is in PEM format.");
  }
  // [OBS] AWS's message; [UNCERTAIN] the index: -1 when the first certificate of the chain did
  // not issue the certificate itself, i when the (i+1)-th did not issue the i-th.
  auto broken = [](int index) {
    return malformed(
        "Unable to validate certificate chain. The certificate chain must start with the immediate signing "
        "certificate, followed by any intermediaries in order. The index within the chain of the invalid "
        "certificate is: " +
        std::to_string(index));
  };
  if (!formats::issued_by(*certificate, links->front())) return broken(-1);
  for (std::size_t i = 0; i + 1 < links->size(); ++i) {
    if (!formats::issued_by((*links)[i], (*links)[i + 1])) return broken(static_cast<int>(i));
  }
  return certificate;
}

// ---- Service-specific credentials ----

Error no_such_service(std::string_view service) {
  // [OBS] AWS answers an unsupported service with NoSuchEntity (404), not the modeled
  // NotSupportedService (LocalStack's AWS-validated snapshots).
  return not_found("No such service " + std::string(service) + " is supported for Service Specific Credentials");
}
Error credential_not_found(std::string_view id) {
  return not_found("No such credential " + std::string(id) + " exists");
}
bool supported_service(std::string_view service) {
  return std::find(kCredentialServices.begin(), kCredentialServices.end(), service) != kCredentialServices.end();
}

// A credential with its password as stored (sealed, base64).
struct StoredCredential {
  Certificates::ServiceSpecificCredential credential;
  std::string sealed_password;
};

store::Resource to_resource(const StoredCredential& s, std::string_view account_id, std::string_view owner_id) {
  const Certificates::ServiceSpecificCredential& c = s.credential;
  common::JsonWriter w;
  w.begin_object()
      .key("ServiceName")
      .value(c.service_name)
      .key("ServiceUserName")
      .value(c.service_user_name)
      .key("ServicePassword")
      .value(s.sealed_password)
      .key("Status")
      .value(status_text(c.status))
      .end_object();
  store::Resource r;
  r.kind = ResourceKind::kServiceSpecificCredential;
  r.account_id = std::string(account_id);
  r.id = c.id;
  r.name = c.id;
  r.owner_id = std::string(owner_id);
  r.create_date = c.create_date;
  r.body = w.str();
  return r;
}

Result<StoredCredential> to_credential(const store::Resource& r, std::string_view user_name) {
  auto body = parse_body(r);
  if (!body) return body.error();
  StoredCredential s;
  Certificates::ServiceSpecificCredential& c = s.credential;
  c.id = r.id;
  c.user_name = std::string(user_name);
  c.service_name = read_string(*body, "ServiceName");
  c.service_user_name = read_string(*body, "ServiceUserName");
  c.status = status_of(read_string(*body, "Status"));
  c.create_date = r.create_date;
  s.sealed_password = read_string(*body, "ServicePassword");
  return s;
}

// The credential of that id belonging to `owner` ({user id, name}; the root user has none).
Result<StoredCredential> find_credential(store::ReadTransaction& tx, std::string_view account_id,
                                         const std::pair<std::string, std::string>& owner, std::string_view id) {
  auto r = tx.get_resource(ResourceKind::kServiceSpecificCredential, id);
  if (!r) return store::is_not_found(r.error()) ? credential_not_found(id) : r.error();
  if (r->account_id != account_id || owner.first.empty() || r->owner_id != owner.first) {
    return credential_not_found(id);
  }
  return to_credential(*r, owner.second);
}

// [OBS] 60 characters ending in "=" (LocalStack's AWS-validated snapshots): the base64 of 44
// random bytes.
std::string new_service_password(common::Random& random) {
  return common::base64_encode(random.bytes(44));
}

Result<std::string> seal_base64(const DomainEnv& env, std::string_view secret, std::string_view id) {
  auto sealed = env.master_key.seal(secret, id, *env.random);
  if (!sealed) return sealed.error();
  return common::base64_encode(*sealed);
}

// The user a signing certificate or service-specific credential belongs to: {user id,
// stored name}, both empty for the root user (`user_name` empty).
Result<std::pair<std::string, std::string>> certificate_owner(store::ReadTransaction& tx, std::string_view account_id,
                                                              std::string_view user_name) {
  if (user_name.empty()) return std::pair<std::string, std::string>{};
  auto u = internal::find_user(tx, account_id, user_name);
  if (!u) return u.error();
  return std::pair{u->id, u->name};
}

}  // namespace

namespace internal {

Result<bool> reseal_certificate_record(const DomainEnv& env, store::Resource& r) {
  auto reseal = [&](std::string& field) -> Result<bool> {
    std::string raw;
    if (!common::base64_decode(field, raw)) {
      return Error{std::string(store::kStorageFailure), "the sealed secret of " + r.id + " is corrupt", ""};
    }
    if (env.master_key.sealed_with_current(raw)) return false;
    auto secret = env.master_key.open(raw, r.id);
    if (!secret) {
      return Error{std::string(store::kStorageFailure),
                   "the secret of " + r.id + " does not open: " + secret.error().message, ""};
    }
    auto sealed = seal_base64(env, *secret, r.id);
    if (!sealed) return sealed.error();
    field = std::move(sealed).value();
    return true;
  };
  if (r.kind == ResourceKind::kServerCertificate) {
    auto s = to_server_certificate(r);
    if (!s) return s.error();
    auto changed = reseal(s->sealed_key);
    if (!changed || !*changed) return changed;
    r.body = to_resource(*s).body;
    return true;
  }
  auto s = to_credential(r, "");
  if (!s) return s.error();
  auto changed = reseal(s->sealed_password);
  if (!changed || !*changed) return changed;
  r.body = to_resource(*s, r.account_id, r.owner_id).body;
  return true;
}

}  // namespace internal

// ---- Signing certificates ----

Result<Certificates::SigningCertificate> Certificates::upload_signing_certificate(const Write& wr,
                                                                                  std::string_view user_name,
                                                                                  std::string_view body) {
  store::Resource r;
  r.kind = ResourceKind::kSigningCertificate;
  r.account_id = std::string(wr.account_id);
  auto owner = certificate_owner(wr.tx, wr.account_id, user_name);
  if (!owner) return owner.error();
  r.owner_id = owner->first;
  auto certificate = formats::parse_pem_certificate(body);
  // [OBS] AWS quotes the whole body it could not parse.
  if (!certificate) return malformed("Certificate " + std::string(body) + " is malformed.");
  // [IMPL] The id is the Base32 of the certificate's SHA-1 (32 characters of A-Z2-7, the shape
  // of AWS's ids), so a certificate can be uploaded once across the server, as AWS ties a
  // signing certificate to a single user.
  r.id = common::base32_encode(certificate->sha1);
  r.name = r.id;
  if (auto existing = wr.tx.get_resource(ResourceKind::kSigningCertificate, r.id); existing) {
    // [UNCERTAIN] AWS's message.
    return Error{std::string(kDuplicateCertificate), "The Certificate with id " + r.id + " already exists.", ""};
  } else if (!store::is_not_found(existing.error())) {
    return existing.error();
  }
  auto owned = all_pages<store::Resource>([&](const store::ListOptions& o) {
    return wr.tx.list_resources(ResourceKind::kSigningCertificate, wr.account_id, r.owner_id, o);
  });
  if (!owned) return owned.error();
  if (auto q = env_.quotas.check_room(Quota::kSigningCertificatesPerUser, owned->size()); !q) return q.error();
  r.create_date = env_.clock->now();
  r.body = signing_body(body, AccessKeyStatus::kActive);
  if (auto c = wr.tx.create_resource(r); !c) return c.error();
  return to_signing_certificate(r, owner->second);
}

Result<store::Page<Certificates::SigningCertificate>> Certificates::list_signing_certificates(
    const Read& rd, std::string_view user_name, const store::ListOptions& options) {
  auto owner = certificate_owner(rd.tx, rd.account_id, user_name);
  if (!owner) return owner.error();
  store::ListOptions o = options;
  o.path_prefix = "/";
  auto page = rd.tx.list_resources(ResourceKind::kSigningCertificate, rd.account_id, owner->first, o);
  if (!page) return page.error();
  store::Page<SigningCertificate> out;
  out.next_marker = page->next_marker;
  for (const store::Resource& r : page->items) {
    auto c = to_signing_certificate(r, owner->second);
    if (!c) return c.error();
    out.items.push_back(std::move(*c));
  }
  return out;
}

Result<void> Certificates::update_signing_certificate(const Write& wr, std::string_view user_name,
                                                      std::string_view certificate_id, AccessKeyStatus status) {
  auto owner = certificate_owner(wr.tx, wr.account_id, user_name);
  if (!owner) return owner.error();
  auto r = find_signing_certificate(wr.tx, wr.account_id, owner->first, certificate_id);
  if (!r) return r.error();
  auto current = to_signing_certificate(*r, "");
  if (!current) return current.error();
  if (current->status == status) return {};
  store::Resource updated = *r;
  updated.body = signing_body(current->body, status);
  if (auto u = wr.tx.update_resource(updated); !u) return u;
  return {};
}

Result<void> Certificates::delete_signing_certificate(const Write& wr, std::string_view user_name,
                                                      std::string_view certificate_id) {
  auto owner = certificate_owner(wr.tx, wr.account_id, user_name);
  if (!owner) return owner.error();
  auto r = find_signing_certificate(wr.tx, wr.account_id, owner->first, certificate_id);
  if (!r) return r.error();
  if (auto d = wr.tx.delete_resource(ResourceKind::kSigningCertificate, r->id); !d) return d;
  return {};
}

// ---- Server certificates ----

std::string IamDomain::server_certificate_arn(const Certificates::ServerCertificate& c) const {
  return arn::iam_arn(env_.partition, c.account_id, "server-certificate" + c.path + c.name);
}

Result<Certificates::ServerCertificate> Certificates::upload_server_certificate(const Write& wr,
                                                                                const ServerCertificate& spec,
                                                                                std::string_view private_key) {
  if (auto t = internal::validate_tags(spec.tags); !t) return t.error();
  if (spec.tags.size() > env_.quotas.size_of(Quota::kTagsPerResource)) {
    return env_.quotas.exceeded(Quota::kTagsPerResource);
  }
  StoredServerCertificate s;
  ServerCertificate& c = s.certificate;
  c = spec;
  c.account_id = std::string(wr.account_id);
  if (c.path.empty()) c.path = "/";
  // [OBS] AWS keeps the body and chain without trailing white space (LocalStack's snapshots).
  c.body = trim_right(spec.body);
  c.chain = trim_right(spec.chain);
  auto checked = check_server_certificate(c.body, private_key, c.chain);
  if (!checked) return checked.error();
  c.expiration = checked->not_after;
  if (auto existing = wr.tx.get_resource_by_name(ResourceKind::kServerCertificate, c.account_id, c.name); existing) {
    return server_certificate_exists(c.name);
  }
  auto all = all_pages<store::Resource>([&](const store::ListOptions& o) {
    return wr.tx.list_resources(ResourceKind::kServerCertificate, c.account_id, std::nullopt, o);
  });
  if (!all) return all.error();
  if (auto q = env_.quotas.check_room(Quota::kServerCertificatesPerAccount, all->size()); !q) return q.error();
  c.id = common::make_unique_id("ASCA", *env_.random);
  c.upload_date = env_.clock->now();
  auto sealed = seal_base64(env_, private_key, c.id);
  if (!sealed) return sealed.error();
  s.sealed_key = *sealed;
  if (auto r = wr.tx.create_resource(to_resource(s)); !r) {
    return store::is_already_exists(r.error()) ? server_certificate_exists(c.name) : r.error();
  }
  return c;
}

Result<Certificates::ServerCertificate> Certificates::get_server_certificate(const Read& rd, std::string_view name) {
  auto s = find_server_certificate(rd.tx, rd.account_id, name);
  if (!s) return s.error();
  return s->certificate;
}

Result<store::Page<Certificates::ServerCertificate>> Certificates::list_server_certificates(
    const Read& rd, const store::ListOptions& options) {
  auto page = rd.tx.list_resources(ResourceKind::kServerCertificate, rd.account_id, std::nullopt, options);
  if (!page) return page.error();
  store::Page<ServerCertificate> out;
  out.next_marker = page->next_marker;
  for (const store::Resource& r : page->items) {
    auto s = to_server_certificate(r);
    if (!s) return s.error();
    out.items.push_back(std::move(s->certificate));
  }
  return out;
}

Result<void> Certificates::update_server_certificate(const Write& wr, std::string_view name,
                                                     const std::optional<std::string>& new_name,
                                                     const std::optional<std::string>& new_path) {
  auto s = find_server_certificate(wr.tx, wr.account_id, name);
  if (!s) return s.error();
  StoredServerCertificate updated = *s;
  if (new_name) updated.certificate.name = *new_name;
  if (new_path) updated.certificate.path = *new_path;
  if (updated.certificate.name == s->certificate.name && updated.certificate.path == s->certificate.path) return {};
  return save(wr.tx, updated);
}

Result<void> Certificates::delete_server_certificate(const Write& wr, std::string_view name) {
  auto s = find_server_certificate(wr.tx, wr.account_id, name);
  if (!s) return s.error();
  if (auto d = wr.tx.delete_resource(ResourceKind::kServerCertificate, s->certificate.id); !d) return d;
  return {};
}

Result<void> Certificates::tag_server_certificate(const Write& wr, std::string_view name, const store::Tags& tags) {
  if (auto t = internal::validate_tags(tags); !t) return t;
  auto s = find_server_certificate(wr.tx, wr.account_id, name);
  if (!s) return s.error();
  StoredServerCertificate updated = *s;
  internal::merge_tags(updated.certificate.tags, tags);
  if (updated.certificate.tags.size() > env_.quotas.size_of(Quota::kTagsPerResource)) {
    return env_.quotas.exceeded(Quota::kTagsPerResource);
  }
  if (updated.certificate.tags == s->certificate.tags) return {};
  return save(wr.tx, updated);
}

Result<void> Certificates::untag_server_certificate(const Write& wr, std::string_view name,
                                                    const std::vector<std::string>& keys) {
  auto s = find_server_certificate(wr.tx, wr.account_id, name);
  if (!s) return s.error();
  StoredServerCertificate updated = *s;
  internal::remove_tags(updated.certificate.tags, keys);
  if (updated.certificate.tags == s->certificate.tags) return {};
  return save(wr.tx, updated);
}

Result<store::Page<store::Tag>> Certificates::list_server_certificate_tags(const Read& rd, std::string_view name,
                                                                           const store::ListOptions& options) {
  auto s = find_server_certificate(rd.tx, rd.account_id, name);
  if (!s) return s.error();
  return internal::page_of(s->certificate.tags, options);
}

// ---- Service-specific credentials ----

Result<Certificates::ServiceSpecificCredential> Certificates::create_service_specific_credential(
    const Write& wr, std::string_view user_name, std::string_view service_name) {
  auto u = internal::find_user(wr.tx, wr.account_id, user_name);
  if (!u) return u.error();
  if (!supported_service(service_name)) return no_such_service(service_name);
  auto owned = all_pages<store::Resource>([&](const store::ListOptions& o) {
    return wr.tx.list_resources(ResourceKind::kServiceSpecificCredential, wr.account_id, u->id, o);
  });
  if (!owned) return owned.error();
  std::vector<std::string> taken;  // service user names in use for this service
  for (const store::Resource& r : *owned) {
    auto other = to_credential(r, u->name);
    if (!other) return other.error();
    if (other->credential.service_name == service_name) taken.push_back(other->credential.service_user_name);
  }
  if (auto q = env_.quotas.check_room(Quota::kServiceCredentialsPerUserAndService, taken.size()); !q) {
    return q.error();
  }
  StoredCredential s;
  ServiceSpecificCredential& c = s.credential;
  c.id = common::make_unique_id("ACCA", *env_.random);
  c.user_name = u->name;
  c.service_name = std::string(service_name);
  // [OBS] <user>-at-<account> (API reference, ServiceSpecificCredential); [UNCERTAIN] the
  // second credential of a service, whose user name must differ: <user>+1-at-<account>.
  c.service_user_name = u->name + "-at-" + std::string(wr.account_id);
  if (std::find(taken.begin(), taken.end(), c.service_user_name) != taken.end()) {
    c.service_user_name = u->name + "+1-at-" + std::string(wr.account_id);
  }
  c.status = AccessKeyStatus::kActive;
  c.create_date = env_.clock->now();
  c.service_password = new_service_password(*env_.random);
  auto sealed = seal_base64(env_, c.service_password, c.id);
  if (!sealed) return sealed.error();
  s.sealed_password = *sealed;
  if (auto r = wr.tx.create_resource(to_resource(s, wr.account_id, u->id)); !r) return r.error();
  return c;
}

Result<std::vector<Certificates::ServiceSpecificCredential>> Certificates::list_service_specific_credentials(
    const Read& rd, std::string_view user_name, std::string_view service_name) {
  if (user_name.empty()) return std::vector<ServiceSpecificCredential>{};
  auto u = internal::find_user(rd.tx, rd.account_id, user_name);
  if (!u) return u.error();
  if (!service_name.empty() && !supported_service(service_name)) return no_such_service(service_name);
  auto owned = all_pages<store::Resource>([&](const store::ListOptions& o) {
    return rd.tx.list_resources(ResourceKind::kServiceSpecificCredential, rd.account_id, u->id, o);
  });
  if (!owned) return owned.error();
  std::vector<ServiceSpecificCredential> out;
  for (const store::Resource& r : *owned) {
    auto s = to_credential(r, u->name);
    if (!s) return s.error();
    if (service_name.empty() || s->credential.service_name == service_name) out.push_back(std::move(s->credential));
  }
  return out;
}

Result<Certificates::ServiceSpecificCredential> Certificates::reset_service_specific_credential(
    const Write& wr, std::string_view user_name, std::string_view credential_id) {
  auto owner = certificate_owner(wr.tx, wr.account_id, user_name);
  if (!owner) return owner.error();
  auto s = find_credential(wr.tx, wr.account_id, *owner, credential_id);
  if (!s) return s.error();
  s->credential.service_password = new_service_password(*env_.random);
  auto sealed = seal_base64(env_, s->credential.service_password, s->credential.id);
  if (!sealed) return sealed.error();
  s->sealed_password = *sealed;
  if (auto r = wr.tx.update_resource(to_resource(*s, wr.account_id, owner->first)); !r) return r.error();
  return s->credential;
}

Result<void> Certificates::update_service_specific_credential(const Write& wr, std::string_view user_name,
                                                              std::string_view credential_id, AccessKeyStatus status) {
  auto owner = certificate_owner(wr.tx, wr.account_id, user_name);
  if (!owner) return owner.error();
  auto s = find_credential(wr.tx, wr.account_id, *owner, credential_id);
  if (!s) return s.error();
  if (s->credential.status == status) return {};
  s->credential.status = status;
  if (auto r = wr.tx.update_resource(to_resource(*s, wr.account_id, owner->first)); !r) return r;
  return {};
}

Result<void> Certificates::delete_service_specific_credential(const Write& wr, std::string_view user_name,
                                                              std::string_view credential_id) {
  auto owner = certificate_owner(wr.tx, wr.account_id, user_name);
  if (!owner) return owner.error();
  auto s = find_credential(wr.tx, wr.account_id, *owner, credential_id);
  if (!s) return s.error();
  if (auto d = wr.tx.delete_resource(ResourceKind::kServiceSpecificCredential, credential_id); !d) return d;
  return {};
}

// ---- GetAccountSummary ----

Result<internal::CertificateCounts> internal::count_certificates(store::ReadTransaction& tx,
                                                                 std::string_view account_id) {
  CertificateCounts counts;
  auto servers = all_pages<store::Resource>([&](const store::ListOptions& o) {
    return tx.list_resources(ResourceKind::kServerCertificate, account_id, std::nullopt, o);
  });
  if (!servers) return servers.error();
  counts.server_certificates = static_cast<std::int64_t>(servers->size());
  store::ListOptions one;
  one.max_items = 1;
  auto root = tx.list_resources(ResourceKind::kSigningCertificate, account_id, std::string_view(), one);
  if (!root) return root.error();
  counts.root_signing_certificates = !root->items.empty();
  return counts;
}

}  // namespace iamd::iam

// IamDomain::reseal_secrets: the third step of a master key rotation (docs/operations.md).
#include <utility>

#include "iam/internal.h"
#include "iam/service.h"

namespace iamd::iam {

namespace {

using common::Error;
using common::Result;
using store::ResourceKind;

// Every page of a list (store::ListOptions' marker).
template <class T, class F>
Result<std::vector<T>> every(F&& list) {
  std::vector<T> out;
  store::ListOptions o;
  o.max_items = 1000;
  o.with_tags = false;
  for (;;) {
    auto page = list(o);
    if (!page) return page.error();
    for (T& item : page->items) out.push_back(std::move(item));
    if (!page->is_truncated()) return out;
    o.marker = page->next_marker;
  }
}

}  // namespace

Result<IamDomain::ResealCounts> IamDomain::reseal_secrets() {
  const DomainEnv& env = env_;
  ResealCounts counts;
  auto tx = env.store->begin_write();
  if (!tx) return tx.error();
  store::Transaction& t = **tx;
  auto accounts = every<store::Account>([&](const store::ListOptions& o) { return t.list_accounts(o); });
  if (!accounts) return accounts.error();

  auto reseal_keys = [&](std::string_view account_id, std::string_view user_id) -> Result<void> {
    auto keys = t.list_access_keys(account_id, user_id);
    if (!keys) return keys.error();
    for (store::AccessKey& k : *keys) {
      if (env.master_key.sealed_with_current(k.secret_ciphertext)) {
        ++counts.unchanged;
        continue;
      }
      auto secret = env.master_key.open(k.secret_ciphertext, k.id);
      if (!secret) {
        return Error{std::string(store::kStorageFailure),
                     "the secret of access key " + k.id + " does not open: " + secret.error().message, ""};
      }
      auto sealed = env.master_key.seal(*secret, k.id, *env.random);
      if (!sealed) return sealed.error();
      // The store changes a key's status and last use only: the key is written again with
      // every field as it was (create keeps the last use).
      k.secret_ciphertext = std::move(sealed).value();
      if (auto r = t.delete_access_key(k.id); !r) return r.error();
      if (auto r = t.create_access_key(k); !r) return r.error();
      ++counts.access_keys;
    }
    return {};
  };
  auto reseal_records = [&](ResourceKind kind, std::string_view account_id, std::size_t& resealed) -> Result<void> {
    auto records = every<store::Resource>(
        [&](const store::ListOptions& o) { return t.list_resources(kind, account_id, std::nullopt, o); });
    if (!records) return records.error();
    for (store::Resource& r : *records) {
      auto changed = kind == ResourceKind::kMfaDevice ? internal::reseal_mfa_device(env, r)
                                                      : internal::reseal_certificate_record(env, r);
      if (!changed) return changed.error();
      if (!*changed) {
        ++counts.unchanged;
        continue;
      }
      if (auto u = t.update_resource(r); !u) return u.error();
      ++resealed;
    }
    return {};
  };

  for (const store::Account& a : *accounts) {
    if (auto r = reseal_keys(a.id, ""); !r) return r.error();
    auto users = every<store::User>([&](const store::ListOptions& o) { return t.list_users(a.id, o); });
    if (!users) return users.error();
    for (const store::User& u : *users) {
      if (auto r = reseal_keys(a.id, u.id); !r) return r.error();
    }
    if (auto r = reseal_records(ResourceKind::kMfaDevice, a.id, counts.mfa_devices); !r) return r.error();
    if (auto r = reseal_records(ResourceKind::kServerCertificate, a.id, counts.certificates); !r) return r.error();
    if (auto r = reseal_records(ResourceKind::kServiceSpecificCredential, a.id, counts.certificates); !r) {
      return r.error();
    }
  }
  if (auto c = t.commit(); !c) return c.error();
  return counts;
}

}  // namespace iamd::iam

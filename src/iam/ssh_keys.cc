// SSH public keys of IAM users (the keys CodeCommit accepts): upload (RSA, at least 2048
// bits, as an ssh-rsa line or PEM), get in either encoding, list, activate/deactivate, delete.
// Each public function is one step of the caller's unit of work (iam/scope.h).
#include <algorithm>

#include "common/ids.h"
#include "common/strings.h"
#include "formats/ssh_key.h"
#include "iam/internal.h"
#include "iam/service.h"

namespace iamd::iam {

namespace {

using common::Error;
using internal::not_found;

constexpr auto kSsh = store::ResourceKind::kSshPublicKey;
constexpr int kMinimumBits = 2048;  // API_UploadSSHPublicKey: "The minimum bit-length of the public key is 2048 bits."

// A key record's body: the key as uploaded, its wire form and its state.
struct SshBody {
  std::string text;  // SSHPublicKeyBody as uploaded
  SshKeys::SshKeyEncoding encoding = SshKeys::SshKeyEncoding::kSsh;
  std::string wire;  // RFC 4253 wire format (base64 in the JSON)
  std::string fingerprint;
  store::AccessKeyStatus status = store::AccessKeyStatus::kActive;
};

std::string encode_body(const SshBody& b) {
  common::JsonWriter w;
  w.begin_object();
  w.key("Body").value(b.text);
  w.key("Encoding").value(b.encoding == SshKeys::SshKeyEncoding::kSsh ? "SSH" : "PEM");
  w.key("Key").value(common::base64_encode(b.wire));
  w.key("Fingerprint").value(b.fingerprint);
  w.key("Status").value(b.status == store::AccessKeyStatus::kActive ? "Active" : "Inactive");
  w.end_object();
  return w.str();
}

Result<SshBody> decode_body(const store::Resource& r) {
  auto json = policy::parse_json(r.body);
  SshBody b;
  if (!json || !json->is_object() || !common::base64_decode(internal::read_string(*json, "Key"), b.wire)) {
    return Error{std::string(store::kStorageFailure), "the record of SSH public key " + r.id + " is corrupt", ""};
  }
  b.text = internal::read_string(*json, "Body");
  b.encoding =
      internal::read_string(*json, "Encoding") == "PEM" ? SshKeys::SshKeyEncoding::kPem : SshKeys::SshKeyEncoding::kSsh;
  b.fingerprint = internal::read_string(*json, "Fingerprint");
  b.status = internal::read_string(*json, "Status") == "Inactive" ? store::AccessKeyStatus::kInactive
                                                                  : store::AccessKeyStatus::kActive;
  return b;
}

// [UNCERTAIN] AWS's wording, by analogy with "The Access Key with id <id> cannot be found.".
Error key_not_found(std::string_view id) {
  return not_found("The Public Key with id " + std::string(id) + " cannot be found.");
}

SshKeys::SshPublicKey to_key(const store::Resource& r, const SshBody& b, std::string_view user_name) {
  SshKeys::SshPublicKey k;
  k.id = r.id;
  k.user_name = std::string(user_name);
  k.fingerprint = b.fingerprint;
  k.body = b.text;
  k.status = b.status;
  k.upload_date = r.create_date;
  return k;
}

// The user's key with that id.
Result<store::Resource> find_key(store::ReadTransaction& tx, const store::User& user, std::string_view id) {
  auto r = tx.get_resource(kSsh, id);
  if (!r) {
    if (store::is_not_found(r.error())) return key_not_found(id);
    return r.error();
  }
  if (r->owner_id != user.id) return key_not_found(id);
  return r;
}

// A key of a user (found by the caller) with its decoded body.
struct UserKey {
  store::User user;
  store::Resource record;
  SshBody body;
};

Result<UserKey> load_key(store::ReadTransaction& tx, Result<store::User> user, std::string_view id) {
  if (!user) return user.error();
  auto r = find_key(tx, *user, id);
  if (!r) return r.error();
  auto b = decode_body(*r);
  if (!b) return b.error();
  return UserKey{std::move(user).value(), std::move(r).value(), std::move(b).value()};
}

}  // namespace

Result<SshKeys::SshPublicKey> SshKeys::upload_ssh_public_key(const Write& wr, std::string_view user_name,
                                                             std::string_view body) {
  auto user = internal::find_user(wr.tx, wr.account_id, user_name);
  if (!user) return user.error();
  auto key = formats::parse_rsa_public_key(body);
  if (!key) {
    // [UNCERTAIN] AWS's wording for both.
    if (key.error().code == formats::kUnrecognizedKeyEncoding) {
      return Error{"UnrecognizedPublicKeyEncoding", "The public key encoding format is unsupported or unrecognized.",
                   ""};
    }
    return Error{"InvalidPublicKey", "Invalid public key", ""};
  }
  if (key->bits < kMinimumBits) return Error{"InvalidPublicKey", "Invalid public key", ""};
  store::ListOptions all;
  all.max_items = env_.quotas.size_of(Quota::kSshPublicKeysPerUser) + 1;
  auto existing = wr.tx.list_resources(kSsh, wr.account_id, user->id, all);
  if (!existing) return existing.error();
  SshBody b;
  b.text = std::string(body);
  b.encoding = key->encoding == formats::PublicKeyEncoding::kSsh ? SshKeyEncoding::kSsh : SshKeyEncoding::kPem;
  b.wire = key->wire;
  b.fingerprint = formats::ssh_md5_fingerprint(key->wire);
  for (const store::Resource& r : existing->items) {
    auto other = decode_body(r);
    if (!other) return other.error();
    if (other->wire == b.wire) {
      return Error{"DuplicateSSHPublicKey", "The SSH public key you tried to upload is a duplicate.", ""};
    }
  }
  if (auto q = env_.quotas.check_room(Quota::kSshPublicKeysPerUser, existing->items.size()); !q) return q.error();
  store::Resource r;
  r.kind = kSsh;
  r.account_id = std::string(wr.account_id);
  r.id = common::make_unique_id("APKA", *env_.random);
  r.name = r.id;
  r.owner_id = user->id;
  r.create_date = env_.clock->now();
  r.body = encode_body(b);
  if (auto c = wr.tx.create_resource(r); !c) return c.error();
  return to_key(r, b, user->name);
}

Result<SshKeys::SshPublicKey> SshKeys::get_ssh_public_key(const Read& rd, std::string_view user_name,
                                                          std::string_view key_id, SshKeyEncoding encoding) {
  auto key = load_key(rd.tx, internal::find_user(rd.tx, rd.account_id, user_name), key_id);
  if (!key) return key.error();
  const SshBody& b = key->body;
  SshPublicKey k = to_key(key->record, b, key->user.name);
  if (encoding == b.encoding) return k;  // as uploaded
  if (encoding == SshKeyEncoding::kSsh) {
    k.body = formats::ssh_public_key_line(b.wire);
  } else {
    auto pem = formats::pem_public_key(b.wire);
    if (!pem) return Error{"UnrecognizedPublicKeyEncoding", "The public key cannot be converted to PEM.", ""};
    k.body = std::move(pem).value();
  }
  return k;
}

Result<store::Page<SshKeys::SshPublicKey>> SshKeys::list_ssh_public_keys(const Read& rd, std::string_view user_name,
                                                                         const store::ListOptions& options) {
  store::Page<SshPublicKey> out;
  if (user_name.empty()) return out;  // the root user has no SSH public keys [IMPL]
  auto user = internal::find_user(rd.tx, rd.account_id, user_name);
  if (!user) return user.error();
  auto page = rd.tx.list_resources(kSsh, rd.account_id, user->id, options);
  if (!page) return page.error();
  out.next_marker = page->next_marker;
  for (const store::Resource& r : page->items) {
    auto b = decode_body(r);
    if (!b) return b.error();
    out.items.push_back(to_key(r, *b, user->name));
  }
  return out;
}

Result<void> SshKeys::update_ssh_public_key(const Write& wr, std::string_view user_name, std::string_view key_id,
                                            store::AccessKeyStatus status) {
  auto key = load_key(wr.tx, internal::find_user(wr.tx, wr.account_id, user_name), key_id);
  if (!key) return key.error();
  if (key->body.status == status) return {};
  key->body.status = status;
  key->record.body = encode_body(key->body);
  if (auto u = wr.tx.update_resource(key->record); !u) return u;
  return {};
}

Result<void> SshKeys::delete_ssh_public_key(const Write& wr, std::string_view user_name, std::string_view key_id) {
  auto key = load_key(wr.tx, internal::find_user(wr.tx, wr.account_id, user_name), key_id);
  if (!key) return key.error();
  if (auto d = wr.tx.delete_resource(kSsh, key->record.id); !d) return d;
  return {};
}

}  // namespace iamd::iam

// Virtual MFA devices: create (a sealed TOTP seed, its base32 form and a QR code), enable for
// a user with two consecutive codes, resync, deactivate, delete, list, and tags. Each public
// function is one step of the caller's unit of work (iam/scope.h).
#include <algorithm>
#include <cstdint>

#include "arn/arn.h"
#include "common/strings.h"
#include "crypto/crypto.h"
#include "formats/qrcode.h"
#include "iam/internal.h"
#include "iam/service.h"

namespace iamd::iam {

namespace {

using common::Error;
using internal::conflict;
using internal::not_found;

constexpr auto kMfa = store::ResourceKind::kMfaDevice;
constexpr std::size_t kSeedBytes = 20;  // 160 bits, RFC 4226 §4's recommendation
// [IMPL] How far from the server's clock the codes may be, in 30 s steps. Enabling takes a
// device that should be in sync (±5 minutes); resyncing exists for devices that drifted
// (±30 minutes around the drift last seen).
constexpr int kEnableWindow = 10;
constexpr int kResyncWindow = 60;

// A device record's body: the sealed seed and the state beyond the store's fields.
struct MfaBody {
  std::string sealed_seed;  // raw bytes (base64 in the JSON)
  store::Tags tags;
  std::optional<common::Timestamp> enable_date;
  std::int64_t drift = 0;      // device step minus server step, as last seen
  std::int64_t last_step = 0;  // the newest step whose code was used (no replay)
};

std::string encode_body(const MfaBody& b) {
  common::JsonWriter w;
  w.begin_object();
  w.key("Seed").value(common::base64_encode(b.sealed_seed));
  internal::write_tags(w, "Tags", b.tags);
  if (b.enable_date) w.key("EnableDate").value(static_cast<long long>(b.enable_date->seconds));
  w.key("Drift").value(static_cast<long long>(b.drift));
  w.key("LastStep").value(static_cast<long long>(b.last_step));
  w.end_object();
  return w.str();
}

Result<MfaBody> decode_body(const store::Resource& r) {
  auto json = policy::parse_json(r.body);
  if (!json || !json->is_object()) {
    return Error{std::string(store::kStorageFailure), "the record of MFA device " + r.id + " is corrupt", ""};
  }
  MfaBody b;
  if (!common::base64_decode(internal::read_string(*json, "Seed"), b.sealed_seed)) {
    return Error{std::string(store::kStorageFailure), "the seed of MFA device " + r.id + " is corrupt", ""};
  }
  b.tags = internal::read_tags(*json, "Tags");
  if (auto d = internal::read_int(*json, "EnableDate")) b.enable_date = common::Timestamp{*d, 0};
  b.drift = internal::read_int(*json, "Drift").value_or(0);
  b.last_step = internal::read_int(*json, "LastStep").value_or(0);
  return b;
}

// A virtual device's serial number: arn:<p>:iam::<acct>:mfa/<path><name>.
std::string device_serial(const DomainEnv& env, std::string_view account_id, std::string_view path,
                          std::string_view name) {
  return arn::iam_arn(env.partition, account_id, "mfa" + std::string(path) + std::string(name));
}

// Whether the device is enabled: for a user (its owner), or for the root user (no owner and
// an enable date, [IMPL]).
bool is_enabled(const store::Resource& r, const MfaBody& b) {
  return !r.owner_id.empty() || b.enable_date.has_value();
}
bool is_root_device(const store::Resource& r, const MfaBody& b) {
  return r.owner_id.empty() && b.enable_date.has_value();
}

// Recorded: virtual_mfa_device_errors / delete-nonexistent-error, enable_mfa_device_errors /
// deactivate-nonexistent-mfa-error.
Error device_not_found(std::string_view serial) {
  return not_found("MFA Device with serial number " + std::string(serial) + " does not exist.");
}
Error invalid_code() {
  return Error{"InvalidAuthenticationCode", "Authentication code for device is not valid.", ""};
}

// The account's device with that serial number.
Result<store::Resource> find_device(store::ReadTransaction& tx, std::string_view account_id, std::string_view serial) {
  auto r = tx.get_resource(kMfa, serial);
  if (!r) {
    if (store::is_not_found(r.error())) return device_not_found(serial);
    return r.error();
  }
  if (r->account_id != account_id) return device_not_found(serial);
  return r;
}

// A device record with its decoded body.
struct Device {
  store::Resource record;
  MfaBody body;
};

Result<Device> load_device(store::ReadTransaction& tx, std::string_view account_id, std::string_view serial) {
  auto r = find_device(tx, account_id, serial);
  if (!r) return r.error();
  auto body = decode_body(*r);
  if (!body) return body.error();
  return Device{std::move(r).value(), std::move(body).value()};
}

// The device enabled for `user` (found by the caller): NoSuchEntity for any other.
Result<Device> load_user_device(store::ReadTransaction& tx, const Result<store::User>& user,
                                std::string_view account_id, std::string_view serial) {
  if (!user) return user.error();
  auto d = load_device(tx, account_id, serial);
  if (d && d->record.owner_id != user->id) return device_not_found(serial);
  return d;
}

// A root device (found by the caller): NoSuchEntity for any device not enabled for the root.
Result<Device> root_device(Result<Device> d, std::string_view serial) {
  if (d && !is_root_device(d->record, d->body)) return device_not_found(serial);
  return d;
}

// Writes the device back with its body.
Result<void> save(store::Transaction& tx, Device d) {
  d.record.body = encode_body(d.body);
  return tx.update_resource(d.record);
}

Result<std::string> open_seed(const DomainEnv& env, const Device& d) {
  auto seed = env.master_key.open(d.body.sealed_seed, d.record.id);
  if (!seed) return Error{std::string(store::kStorageFailure), "the seed of " + d.record.id + " does not open", ""};
  return seed;
}

// The step of AuthenticationCode1 when code1 and code2 are the codes of two consecutive
// steps within `window` steps of `center` (nearest first, so a replayed pair is found where
// it was used).
std::optional<std::int64_t> consecutive_step(std::string_view seed, std::string_view code1, std::string_view code2,
                                             std::int64_t center, int window) {
  for (int d = 0; d <= window; ++d) {
    for (int sign : {1, -1}) {
      if (d == 0 && sign < 0) continue;
      const std::int64_t step = center + sign * d;
      if (step < 0) continue;
      if (crypto::constant_time_equals(crypto::hotp(seed, static_cast<std::uint64_t>(step)), code1) &&
          crypto::constant_time_equals(crypto::hotp(seed, static_cast<std::uint64_t>(step + 1)), code2)) {
        return step;
      }
    }
  }
  return std::nullopt;
}

// Enables the unassigned `device` for `owner_id` (empty: the root user) when code1 and code2
// are two consecutive codes of it near the server's clock.
Result<void> enable_with_codes(const DomainEnv& env, store::Transaction& tx, Device device, std::string_view owner_id,
                               std::string_view code1, std::string_view code2) {
  auto seed = open_seed(env, device);
  if (!seed) return seed.error();
  const common::Timestamp now = env.clock->now();
  const std::int64_t now_step = crypto::totp_step(now.seconds);
  // Code 1 is usually the previous step's: search around it.
  auto step = consecutive_step(*seed, code1, code2, now_step - 1, kEnableWindow);
  if (!step) return invalid_code();
  device.record.owner_id = std::string(owner_id);
  device.body.enable_date = now;
  device.body.drift = *step + 1 - now_step;
  device.body.last_step = *step + 1;
  return save(tx, std::move(device));
}

// [UNCERTAIN] AWS's wording for a device that is enabled already (for any user or the root).
Error already_in_use() {
  return Error{std::string(store::kAlreadyExists), "MFA Device is already in use.", ""};
}

// One code of the enabled `device`: the server's step corrected by the device's drift, or one
// step either side, newer than the last code used. Records the step.
Result<void> check_code(const DomainEnv& env, store::Transaction& tx, Device device, std::string_view code,
                        const Error& wrong_code) {
  auto seed = open_seed(env, device);
  if (!seed) return seed.error();
  const std::int64_t center = crypto::totp_step(env.clock->now().seconds) + device.body.drift;
  for (std::int64_t step : {center, center - 1, center + 1}) {
    if (step <= device.body.last_step) continue;
    if (crypto::constant_time_equals(crypto::hotp(*seed, static_cast<std::uint64_t>(step)), code)) {
      device.body.last_step = step;
      return save(tx, std::move(device));
    }
  }
  return wrong_code;
}

// The deactivated `device`: unassigned, as CreateVirtualMFADevice left it.
Result<void> unassign(store::Transaction& tx, Device device) {
  device.record.owner_id.clear();
  device.body.enable_date.reset();
  device.body.drift = 0;
  device.body.last_step = 0;
  return save(tx, std::move(device));
}

// Reads pages of the account's devices until `options.max_items` of them pass `keep` (the
// store pages by name; a page may come back short when the rest is filtered out).
template <class Keep>
Result<store::Page<store::Resource>> filtered_devices(store::ReadTransaction& tx, std::string_view account_id,
                                                      std::optional<std::string_view> owner,
                                                      const store::ListOptions& options, Keep keep) {
  store::Page<store::Resource> out;
  store::ListOptions o = options;
  const std::size_t limit = std::max<std::size_t>(options.max_items, 1);
  while (true) {
    o.max_items = limit - out.items.size();
    auto page = tx.list_resources(kMfa, account_id, owner, o);
    if (!page) return page.error();
    for (store::Resource& r : page->items) {
      if (keep(r)) out.items.push_back(std::move(r));
    }
    if (!page->is_truncated()) return out;
    if (out.items.size() == limit) {
      out.next_marker = page->next_marker;
      return out;
    }
    o.marker = page->next_marker;
  }
}

}  // namespace

namespace internal {

Result<MfaDeviceCounts> count_mfa_devices(store::ReadTransaction& tx, std::string_view account_id) {
  MfaDeviceCounts counts;
  auto all = all_pages<store::Resource>(
      [&](const store::ListOptions& o) { return tx.list_resources(kMfa, account_id, std::nullopt, o); });
  if (!all) return all.error();
  for (const store::Resource& r : *all) {
    ++counts.devices;
    auto body = decode_body(r);
    if (!body) return body.error();
    if (is_enabled(r, *body)) ++counts.in_use;
    if (is_root_device(r, *body)) ++counts.root_enabled;
  }
  return counts;
}

Result<bool> reseal_mfa_device(const DomainEnv& env, store::Resource& r) {
  auto body = decode_body(r);
  if (!body) return body.error();
  if (env.master_key.sealed_with_current(body->sealed_seed)) return false;
  auto seed = env.master_key.open(body->sealed_seed, r.id);
  if (!seed) {
    return Error{std::string(store::kStorageFailure),
                 "the seed of MFA device " + r.id + " does not open: " + seed.error().message, ""};
  }
  auto sealed = env.master_key.seal(*seed, r.id, *env.random);
  if (!sealed) return sealed.error();
  body->sealed_seed = std::move(sealed).value();
  r.body = encode_body(*body);
  return true;
}

}  // namespace internal

std::string IamDomain::mfa_serial(std::string_view account_id, std::string_view path, std::string_view name) const {
  return device_serial(env_, account_id, path, name);
}

Result<MfaDevices::NewVirtualMfaDevice> MfaDevices::create_virtual_mfa_device(const Write& wr, std::string_view name,
                                                                              std::string_view path,
                                                                              const store::Tags& tags) {
  if (auto r = internal::validate_tags(tags); !r) return r.error();
  const std::string dir = path.empty() ? std::string("/") : std::string(path);
  auto account = wr.tx.get_account(wr.account_id);
  if (!account) return account.error();

  store::Resource r;
  r.kind = kMfa;
  r.account_id = std::string(wr.account_id);
  r.id = device_serial(env_, wr.account_id, dir, name);
  r.name = dir + std::string(name);
  r.path = dir;
  r.create_date = env_.clock->now();
  const std::string seed = env_.random->bytes(kSeedBytes);
  MfaBody body;
  auto sealed = env_.master_key.seal(seed, r.id, *env_.random);
  if (!sealed) return sealed.error();
  body.sealed_seed = std::move(sealed).value();
  body.tags = tags;
  r.body = encode_body(body);

  NewVirtualMfaDevice out;
  out.device.serial_number = r.id;
  out.device.tags = tags;
  out.base32_seed = common::base32_encode(seed);
  // The URI AWS documents for QRCodePNG: otpauth://totp/$virtualMFADeviceName@$AccountName
  // ?secret=$Base32String, AccountName being the account alias, else the account id [IMPL].
  const std::string account_name = account->alias.value_or(std::string(wr.account_id));
  auto png =
      formats::qr_code_png("otpauth://totp/" + std::string(name) + "@" + account_name + "?secret=" + out.base32_seed);
  if (!png) return png.error();
  out.qr_code_png = std::move(png).value();

  if (auto c = wr.tx.create_resource(r); !c) {
    if (store::is_already_exists(c.error())) {
      // Recorded: virtual_mfa_device_errors / create-duplicate-error.
      return Error{std::string(store::kAlreadyExists), "MFA device already exists.", ""};
    }
    return c.error();
  }
  return out;
}

Result<void> MfaDevices::delete_virtual_mfa_device(const Write& wr, std::string_view serial_number) {
  auto device = load_device(wr.tx, wr.account_id, serial_number);
  if (!device) return device.error();
  // [UNCERTAIN] AWS's wording for a device still enabled for a user (or the root user).
  if (is_enabled(device->record, device->body)) {
    return conflict("MFA Device is in use by a user and cannot be deleted.");
  }
  if (auto r = wr.tx.delete_resource(kMfa, device->record.id); !r) return r;
  return {};
}

Result<store::Page<MfaDevices::VirtualMfaDevice>> MfaDevices::list_virtual_mfa_devices(
    const Read& rd, MfaAssignment assignment, const store::ListOptions& options) {
  auto page = filtered_devices(rd.tx, rd.account_id, std::nullopt, options, [&](const store::Resource& r) {
    if (assignment == MfaAssignment::kAny) return true;
    auto body = decode_body(r);
    if (!body) return true;  // kept: the decoding below reports it
    return is_enabled(r, *body) == (assignment == MfaAssignment::kAssigned);
  });
  if (!page) return page.error();
  store::Page<VirtualMfaDevice> out;
  out.next_marker = page->next_marker;
  for (const store::Resource& r : page->items) {
    auto body = decode_body(r);
    if (!body) return body.error();
    VirtualMfaDevice d;
    d.serial_number = r.id;
    d.enable_date = body->enable_date;
    d.tags = body->tags;
    d.root = is_root_device(r, *body);
    if (!r.owner_id.empty()) {
      auto user = rd.tx.get_user_by_id(r.owner_id);
      if (!user) return user.error();
      d.user = std::move(user).value();
    }
    out.items.push_back(std::move(d));
  }
  return out;
}

Result<void> MfaDevices::enable_mfa_device(const Write& wr, std::string_view user_name, std::string_view serial_number,
                                           std::string_view code1, std::string_view code2) {
  auto user = internal::find_user(wr.tx, wr.account_id, user_name);
  if (!user) return user.error();
  auto device = load_device(wr.tx, wr.account_id, serial_number);
  if (!device) return device.error();
  if (is_enabled(device->record, device->body)) return already_in_use();
  store::ListOptions all;
  all.max_items = env_.quotas.size_of(Quota::kMfaDevicesPerUser) + 1;
  auto enabled = wr.tx.list_resources(kMfa, wr.account_id, user->id, all);
  if (!enabled) return enabled.error();
  if (auto q = env_.quotas.check_room(Quota::kMfaDevicesPerUser, enabled->items.size()); !q) return q;
  return enable_with_codes(env_, wr.tx, std::move(device).value(), user->id, code1, code2);
}

Result<void> MfaDevices::enable_root_mfa_device(const Write& wr, std::string_view serial_number, std::string_view code1,
                                                std::string_view code2) {
  auto device = load_device(wr.tx, wr.account_id, serial_number);
  if (!device) return device.error();
  if (is_enabled(device->record, device->body)) return already_in_use();
  // [AWS] The root user may have up to 8 MFA devices, as an IAM user.
  auto mine = list_mfa_devices(wr, "", store::ListOptions{});
  if (!mine) return mine.error();
  if (auto q = env_.quotas.check_room(Quota::kMfaDevicesPerUser, mine->items.size()); !q) return q;
  return enable_with_codes(env_, wr.tx, std::move(device).value(), "", code1, code2);
}

Result<void> MfaDevices::deactivate_root_mfa_device(const Write& wr, std::string_view serial_number) {
  auto device = root_device(load_device(wr.tx, wr.account_id, serial_number), serial_number);
  if (!device) return device.error();
  return unassign(wr.tx, std::move(device).value());
}

Result<void> MfaDevices::deactivate_mfa_device(const Write& wr, std::string_view user_name,
                                               std::string_view serial_number) {
  auto device =
      load_user_device(wr.tx, internal::find_user(wr.tx, wr.account_id, user_name), wr.account_id, serial_number);
  if (!device) return device.error();
  // The virtual device stays, unassigned, until DeleteVirtualMFADevice.
  return unassign(wr.tx, std::move(device).value());
}

Result<void> MfaDevices::resync_mfa_device(const Write& wr, std::string_view user_name, std::string_view serial_number,
                                           std::string_view code1, std::string_view code2) {
  auto device =
      load_user_device(wr.tx, internal::find_user(wr.tx, wr.account_id, user_name), wr.account_id, serial_number);
  if (!device) return device.error();
  auto seed = open_seed(env_, *device);
  if (!seed) return seed.error();
  const std::int64_t now_step = crypto::totp_step(env_.clock->now().seconds);
  auto step = consecutive_step(*seed, code1, code2, now_step + device->body.drift - 1, kResyncWindow);
  // Codes already used (by EnableMFADevice or an earlier resync) do not count again.
  if (!step || *step <= device->body.last_step) return invalid_code();
  device->body.drift = *step + 1 - now_step;
  device->body.last_step = *step + 1;
  return save(wr.tx, std::move(device).value());
}

namespace {

// [OBS] AWS's texts for a code that does not match and for a device it cannot use (the
// latter with its second sentence after two spaces, as the aws CLI prints AWS's answers).
const Error& wrong_mfa_code() {
  static const Error e{"AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.", ""};
  return e;
}
const Error& unusable_mfa_device() {
  static const Error e{"AccessDenied",
                       "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial "
                       "number is valid and associated with this user.",
                       ""};
  return e;
}
// [UNCERTAIN] AWS's text for a serial number without a code or a code without a serial number,
// seen in one answer of AWS (AssumeRole); both members are optional in the models, so empty
// here means not given (the decoder checks their lengths).
Result<void> both_given(std::string_view serial_number, std::string_view code) {
  if (serial_number.empty() || code.empty()) {
    return Error{"AccessDenied",
                 "MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.", ""};
  }
  return {};
}

}  // namespace

Result<void> MfaDevices::authenticate(const Write& wr, const std::optional<store::User>& user,
                                      std::string_view serial_number, std::string_view code) {
  if (auto r = both_given(serial_number, code); !r) return r;
  if (!user) return unusable_mfa_device();
  auto device = load_device(wr.tx, wr.account_id, serial_number);
  if (!device) return store::is_not_found(device.error()) ? unusable_mfa_device() : device.error();
  if (device->record.owner_id != user->id) return unusable_mfa_device();
  return check_code(env_, wr.tx, std::move(device).value(), code, wrong_mfa_code());
}

Result<void> MfaDevices::authenticate_root(const Write& wr, std::string_view serial_number, std::string_view code) {
  if (auto r = both_given(serial_number, code); !r) return r;
  auto device = load_device(wr.tx, wr.account_id, serial_number);
  if (!device) return store::is_not_found(device.error()) ? unusable_mfa_device() : device.error();
  if (!is_root_device(device->record, device->body)) return unusable_mfa_device();
  return check_code(env_, wr.tx, std::move(device).value(), code, wrong_mfa_code());
}

Result<store::Page<MfaDevices::VirtualMfaDevice>> MfaDevices::list_mfa_devices(const Read& rd,
                                                                               std::string_view user_name,
                                                                               const store::ListOptions& options) {
  store::Page<VirtualMfaDevice> out;
  if (user_name.empty()) {
    // The root user's: no owner and an enable date (unassigned devices have no owner either).
    auto page = filtered_devices(rd.tx, rd.account_id, std::string_view(), options, [](const store::Resource& r) {
      auto body = decode_body(r);
      return !body || is_root_device(r, *body);  // a corrupt record is kept: the decoding below reports it
    });
    if (!page) return page.error();
    out.next_marker = page->next_marker;
    for (const store::Resource& r : page->items) {
      auto body = decode_body(r);
      if (!body) return body.error();
      VirtualMfaDevice d;
      d.serial_number = r.id;
      d.root = true;
      d.enable_date = body->enable_date;
      out.items.push_back(std::move(d));
    }
    return out;
  }
  auto user = internal::find_user(rd.tx, rd.account_id, user_name);
  if (!user) return user.error();
  auto page = rd.tx.list_resources(kMfa, rd.account_id, user->id, options);
  if (!page) return page.error();
  out.next_marker = page->next_marker;
  for (const store::Resource& r : page->items) {
    auto body = decode_body(r);
    if (!body) return body.error();
    VirtualMfaDevice d;
    d.serial_number = r.id;
    d.user = *user;
    d.enable_date = body->enable_date;
    out.items.push_back(std::move(d));
  }
  return out;
}

Result<void> MfaDevices::tag_mfa_device(const Write& wr, std::string_view serial_number, const store::Tags& tags) {
  if (auto r = internal::validate_tags(tags); !r) return r;
  auto device = load_device(wr.tx, wr.account_id, serial_number);
  if (!device) return device.error();
  store::Tags& current = device->body.tags;
  const store::Tags before = current;
  for (const store::Tag& t : tags) {
    auto same =
        std::find_if(current.begin(), current.end(), [&](const store::Tag& existing) { return existing.key == t.key; });
    if (same != current.end()) {
      same->value = t.value;
    } else {
      current.push_back(t);
    }
  }
  if (current.size() > env_.quotas.size_of(Quota::kTagsPerResource))
    return env_.quotas.exceeded(Quota::kTagsPerResource);
  if (current == before) return {};
  return save(wr.tx, std::move(device).value());
}

Result<void> MfaDevices::untag_mfa_device(const Write& wr, std::string_view serial_number,
                                          const std::vector<std::string>& keys) {
  auto device = load_device(wr.tx, wr.account_id, serial_number);
  if (!device) return device.error();
  const auto removed = std::erase_if(
      device->body.tags, [&](const store::Tag& t) { return std::find(keys.begin(), keys.end(), t.key) != keys.end(); });
  if (removed == 0) return {};
  return save(wr.tx, std::move(device).value());
}

Result<store::Page<store::Tag>> MfaDevices::list_mfa_device_tags(const Read& rd, std::string_view serial_number,
                                                                 const store::ListOptions& options) {
  auto device = load_device(rd.tx, rd.account_id, serial_number);
  if (!device) return device.error();
  return internal::page_of(std::move(device->body.tags), options);
}

}  // namespace iamd::iam

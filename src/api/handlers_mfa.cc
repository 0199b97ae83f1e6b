// Virtual MFA devices and SSH public keys. Per the Service Authorization Reference
// (evaluation.md §6): the virtual-device operations (Create/DeleteVirtualMFADevice,
// Tag/Untag/ListMFADeviceTags) are evaluated against the device's ARN, which is its serial
// number (arn:<p>:iam::<acct>:mfa/<path><name>); Enable/Deactivate/Resync/ListMFADevices and
// the SSH public key operations against the target user's ARN (the caller's when UserName is
// omitted); ListVirtualMFADevices against "*". The pipeline (api/pipeline.h) has resolved
// and authorized each one (operations.cc) in the transaction these run in.
#include "api/handlers.h"
#include "api/internal.h"

namespace iamd::api {

namespace pi = protocol::iam;
using common::Result;

namespace {

using internal::list_options;
using internal::status_name;
using internal::to_wire;

iam::MfaDevices::MfaAssignment assignment_of(const std::optional<std::string>& status) {
  if (!status || *status == "Any") return iam::MfaDevices::MfaAssignment::kAny;
  if (*status == "Assigned") return iam::MfaDevices::MfaAssignment::kAssigned;
  return iam::MfaDevices::MfaAssignment::kUnassigned;  // the only other value the model allows
}

store::Tags tags_of(const std::vector<pi::Tag>& tags) {
  store::Tags out;
  for (const pi::Tag& t : tags) out.push_back(store::Tag{t.key, t.value});
  return out;
}

pi::SSHPublicKey to_wire(const iam::SshKeys::SshPublicKey& k) {
  pi::SSHPublicKey w;
  w.user_name = k.user_name;
  w.ssh_public_key_id = k.id;
  w.fingerprint = k.fingerprint;
  w.ssh_public_key_body = k.body;
  w.status = std::string(status_name(k.status));
  w.upload_date = k.upload_date;
  return w;
}

}  // namespace

// ---- Virtual MFA devices ----

Result<pi::CreateVirtualMFADeviceResult> IamHandlers::create_virtual_mfa_device(
    const pi::CreateVirtualMFADeviceRequest& r) {
  auto d = mfa_devices().create_virtual_mfa_device(pipe_.write(), r.virtual_mfa_device_name, r.path.value_or("/"),
                                                   tags_of(r.tags));
  if (!d) return d.error();
  pi::VirtualMFADevice w;
  w.serial_number = d->device.serial_number;
  w.base32_string_seed = d->base32_seed;  // blobs: the encoder sends them base64-encoded
  w.qr_code_png = d->qr_code_png;
  w.tags = internal::wire_tags(d->device.tags);
  pi::CreateVirtualMFADeviceResult out;
  out.virtual_mfa_device = std::move(w);
  return out;
}

Result<void> IamHandlers::delete_virtual_mfa_device(const pi::DeleteVirtualMFADeviceRequest& r) {
  return mfa_devices().delete_virtual_mfa_device(pipe_.write(), r.serial_number);
}

Result<pi::ListVirtualMFADevicesResult> IamHandlers::list_virtual_mfa_devices(
    const pi::ListVirtualMFADevicesRequest& r) {
  auto page = mfa_devices().list_virtual_mfa_devices(pipe_.read(), assignment_of(r.assignment_status),
                                                     list_options(std::nullopt, r.marker, r.max_items));
  if (!page) return page.error();
  pi::ListVirtualMFADevicesResult out;
  // Lists leave the seed, the QR code and the tags out (API_ListVirtualMFADevices).
  std::optional<pi::User> root;
  for (const iam::MfaDevices::VirtualMfaDevice& d : page->items) {
    pi::VirtualMFADevice w;
    w.serial_number = d.serial_number;
    if (d.user) w.user = to_wire(ctx_.domain, *d.user, false);
    if (d.root) {
      if (!root) {
        // [UNCERTAIN] AWS shows the root user as a User without Path and UserName: the account
        // id as UserId, the root's ARN, the account's creation date.
        const iam::Read rd = pipe_.read();
        auto account = rd.tx.get_account(rd.account_id);
        if (!account) return account.error();
        root.emplace();
        root->user_id = std::string(rd.account_id);
        root->arn = ctx_.domain.root_arn(rd.account_id);
        root->create_date = account->create_date;
      }
      w.user = root;
    }
    w.enable_date = d.enable_date;
    out.virtual_mfa_devices.push_back(std::move(w));
  }
  out.is_truncated = page->is_truncated();
  if (page->is_truncated()) out.marker = page->next_marker;
  return out;
}

Result<void> IamHandlers::enable_mfa_device(const pi::EnableMFADeviceRequest& r) {
  return mfa_devices().enable_mfa_device(pipe_.write(), pipe_.target().name, r.serial_number, r.authentication_code1,
                                         r.authentication_code2);
}

Result<void> IamHandlers::deactivate_mfa_device(const pi::DeactivateMFADeviceRequest& r) {
  return mfa_devices().deactivate_mfa_device(pipe_.write(), pipe_.target().name, r.serial_number);
}

Result<void> IamHandlers::resync_mfa_device(const pi::ResyncMFADeviceRequest& r) {
  return mfa_devices().resync_mfa_device(pipe_.write(), pipe_.target().name, r.serial_number, r.authentication_code1,
                                         r.authentication_code2);
}

Result<pi::ListMFADevicesResult> IamHandlers::list_mfa_devices(const pi::ListMFADevicesRequest& r) {
  const std::string& name = pipe_.target().name;
  auto page = mfa_devices().list_mfa_devices(pipe_.read(), name, list_options(std::nullopt, r.marker, r.max_items));
  if (!page) return page.error();
  pi::ListMFADevicesResult out;
  for (const iam::MfaDevices::VirtualMfaDevice& d : page->items) {
    pi::MFADevice w;
    w.user_name = d.user ? d.user->name : name;
    w.serial_number = d.serial_number;
    w.enable_date = d.enable_date;
    out.mfa_devices.push_back(std::move(w));
  }
  out.is_truncated = page->is_truncated();
  if (page->is_truncated()) out.marker = page->next_marker;
  return out;
}

Result<void> IamHandlers::tag_mfa_device(const pi::TagMFADeviceRequest& r) {
  return mfa_devices().tag_mfa_device(pipe_.write(), r.serial_number, tags_of(r.tags));
}

Result<void> IamHandlers::untag_mfa_device(const pi::UntagMFADeviceRequest& r) {
  return mfa_devices().untag_mfa_device(pipe_.write(), r.serial_number, r.tag_keys);
}

Result<pi::ListMFADeviceTagsResult> IamHandlers::list_mfa_device_tags(const pi::ListMFADeviceTagsRequest& r) {
  auto page = mfa_devices().list_mfa_device_tags(pipe_.read(), r.serial_number,
                                                 list_options(std::nullopt, r.marker, r.max_items));
  if (!page) return page.error();
  return internal::page_result(*page, &pi::ListMFADeviceTagsResult::tags, [&](const store::Tag& tag) {
    return pi::Tag{tag.key, tag.value};
  });
}

// ---- SSH public keys ----

Result<pi::UploadSSHPublicKeyResult> IamHandlers::upload_ssh_public_key(const pi::UploadSSHPublicKeyRequest& r) {
  auto k = ssh_keys().upload_ssh_public_key(pipe_.write(), pipe_.target().name, r.ssh_public_key_body);
  if (!k) return k.error();
  pi::UploadSSHPublicKeyResult out;
  out.ssh_public_key = to_wire(*k);
  return out;
}

Result<pi::GetSSHPublicKeyResult> IamHandlers::get_ssh_public_key(const pi::GetSSHPublicKeyRequest& r) {
  // The model allows only SSH and PEM.
  const auto encoding = r.encoding == "PEM" ? iam::SshKeys::SshKeyEncoding::kPem : iam::SshKeys::SshKeyEncoding::kSsh;
  auto k = ssh_keys().get_ssh_public_key(pipe_.read(), pipe_.target().name, r.ssh_public_key_id, encoding);
  if (!k) return k.error();
  pi::GetSSHPublicKeyResult out;
  out.ssh_public_key = to_wire(*k);
  return out;
}

Result<pi::ListSSHPublicKeysResult> IamHandlers::list_ssh_public_keys(const pi::ListSSHPublicKeysRequest& r) {
  auto page = ssh_keys().list_ssh_public_keys(pipe_.read(), pipe_.target().name,
                                              list_options(std::nullopt, r.marker, r.max_items));
  if (!page) return page.error();
  pi::ListSSHPublicKeysResult out;
  for (const iam::SshKeys::SshPublicKey& k : page->items) {
    pi::SSHPublicKeyMetadata w;
    w.user_name = k.user_name;
    w.ssh_public_key_id = k.id;
    w.status = std::string(status_name(k.status));
    w.upload_date = k.upload_date;
    out.ssh_public_keys.push_back(std::move(w));
  }
  out.is_truncated = page->is_truncated();
  if (page->is_truncated()) out.marker = page->next_marker;
  return out;
}

Result<void> IamHandlers::update_ssh_public_key(const pi::UpdateSSHPublicKeyRequest& r) {
  // The model's enum here is Active|Inactive (the generated layer rejects anything else).
  auto status = r.status == "Active" ? store::AccessKeyStatus::kActive : store::AccessKeyStatus::kInactive;
  return ssh_keys().update_ssh_public_key(pipe_.write(), pipe_.target().name, r.ssh_public_key_id, status);
}

Result<void> IamHandlers::delete_ssh_public_key(const pi::DeleteSSHPublicKeyRequest& r) {
  return ssh_keys().delete_ssh_public_key(pipe_.write(), pipe_.target().name, r.ssh_public_key_id);
}

}  // namespace iamd::api

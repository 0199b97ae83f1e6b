// Virtual MFA devices and SSH public keys. Per the Service Authorization Reference
// (evaluation.md §6): the virtual-device operations (Create/DeleteVirtualMFADevice,
// Tag/Untag/ListMFADeviceTags) are evaluated against the device's ARN, which is its serial
// number (arn:<p>:iam::<acct>:mfa/<path><name>); Enable/Deactivate/Resync/ListMFADevices and
// the SSH public key operations against the target user's ARN (the caller's when UserName is
// omitted); ListVirtualMFADevices against "*".
#include "api/errors.h"
#include "api/handlers.h"
#include "api/internal.h"

namespace iamd::api {

namespace pi = protocol::iam;
using common::Result;

namespace {

using internal::fail;
using internal::list_options;
using internal::request_tags;
using internal::status_name;
using internal::to_wire;

// The ARN a serial number names for authorization: itself when it is an ARN, else [IMPL] the
// account's mfa/ resource of that name (a hardware token's serial; none exists here).
std::string device_arn(const iam::IamDomain& domain, std::string_view account_id, std::string_view serial) {
  if (serial.starts_with("arn:")) return std::string(serial);
  return domain.mfa_serial(account_id, "/", serial);
}

iam::IamDomain::MfaAssignment assignment_of(const std::optional<std::string>& status) {
  if (!status || *status == "Any") return iam::IamDomain::MfaAssignment::kAny;
  if (*status == "Assigned") return iam::IamDomain::MfaAssignment::kAssigned;
  return iam::IamDomain::MfaAssignment::kUnassigned;  // the only other value the model allows
}

pi::SSHPublicKey to_wire(const iam::IamDomain::SshPublicKey& k) {
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
  const std::string& account = ctx_.caller.account_id;
  const std::string path = r.path.value_or("/");
  condition::Context extra;
  store::Tags tags = internal::creation_tags(r.tags, extra);
  if (auto a = authorize("iam:CreateVirtualMFADevice", ctx_.domain.mfa_serial(account, path, r.virtual_mfa_device_name),
                         &extra);
      !a) {
    return a.error();
  }
  auto d = ctx_.domain.create_virtual_mfa_device(account, r.virtual_mfa_device_name, path, tags);
  if (!d) return fail<pi::CreateVirtualMFADeviceResult>(d.error());
  pi::VirtualMFADevice w;
  w.serial_number = d->device.serial_number;
  w.base32_string_seed = d->base32_seed;  // blobs: the encoder sends them base64-encoded
  w.qr_code_png = d->qr_code_png;
  for (const store::Tag& t : d->device.tags) w.tags.push_back(pi::Tag{t.key, t.value});
  pi::CreateVirtualMFADeviceResult out;
  out.virtual_mfa_device = std::move(w);
  return out;
}

Result<void> IamHandlers::delete_virtual_mfa_device(const pi::DeleteVirtualMFADeviceRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  if (auto a = authorize("iam:DeleteVirtualMFADevice", device_arn(ctx_.domain, account, r.serial_number)); !a) {
    return a;
  }
  if (auto d = ctx_.domain.delete_virtual_mfa_device(account, r.serial_number); !d) return to_aws_error(d.error());
  return {};
}

Result<pi::ListVirtualMFADevicesResult> IamHandlers::list_virtual_mfa_devices(
    const pi::ListVirtualMFADevicesRequest& r) {
  if (auto a = authorize("iam:ListVirtualMFADevices", "*"); !a) return a.error();
  auto page = ctx_.domain.list_virtual_mfa_devices(ctx_.caller.account_id, assignment_of(r.assignment_status),
                                                   list_options(std::nullopt, r.marker, r.max_items));
  if (!page) return fail<pi::ListVirtualMFADevicesResult>(page.error());
  pi::ListVirtualMFADevicesResult out;
  // Lists leave the seed, the QR code and the tags out (API_ListVirtualMFADevices).
  for (const iam::IamDomain::VirtualMfaDevice& d : page->items) {
    pi::VirtualMFADevice w;
    w.serial_number = d.serial_number;
    if (d.user) w.user = to_wire(ctx_.domain, *d.user, false);
    w.enable_date = d.enable_date;
    out.virtual_mfa_devices.push_back(std::move(w));
  }
  out.is_truncated = page->is_truncated();
  if (page->is_truncated()) out.marker = page->next_marker;
  return out;
}

Result<void> IamHandlers::enable_mfa_device(const pi::EnableMFADeviceRequest& r) {
  Target t = target_user(r.user_name);
  if (auto a = authorize("iam:EnableMFADevice", t.arn); !a) return a;
  if (auto e = ctx_.domain.enable_mfa_device(ctx_.caller.account_id, t.name, r.serial_number, r.authentication_code1,
                                             r.authentication_code2);
      !e) {
    return to_aws_error(e.error());
  }
  return {};
}

Result<void> IamHandlers::deactivate_mfa_device(const pi::DeactivateMFADeviceRequest& r) {
  Target t = target_user(r.user_name);
  if (auto a = authorize("iam:DeactivateMFADevice", t.arn); !a) return a;
  if (auto d = ctx_.domain.deactivate_mfa_device(ctx_.caller.account_id, t.name, r.serial_number); !d) {
    return to_aws_error(d.error());
  }
  return {};
}

Result<void> IamHandlers::resync_mfa_device(const pi::ResyncMFADeviceRequest& r) {
  Target t = target_user(r.user_name);
  if (auto a = authorize("iam:ResyncMFADevice", t.arn); !a) return a;
  if (auto e = ctx_.domain.resync_mfa_device(ctx_.caller.account_id, t.name, r.serial_number, r.authentication_code1,
                                             r.authentication_code2);
      !e) {
    return to_aws_error(e.error());
  }
  return {};
}

Result<pi::ListMFADevicesResult> IamHandlers::list_mfa_devices(const pi::ListMFADevicesRequest& r) {
  Target t = target_user(r.user_name);
  if (auto a = authorize("iam:ListMFADevices", t.arn); !a) return a.error();
  auto page =
      ctx_.domain.list_mfa_devices(ctx_.caller.account_id, t.name, list_options(std::nullopt, r.marker, r.max_items));
  if (!page) return fail<pi::ListMFADevicesResult>(page.error());
  pi::ListMFADevicesResult out;
  for (const iam::IamDomain::VirtualMfaDevice& d : page->items) {
    pi::MFADevice w;
    w.user_name = d.user ? d.user->name : t.name;
    w.serial_number = d.serial_number;
    w.enable_date = d.enable_date;
    out.mfa_devices.push_back(std::move(w));
  }
  out.is_truncated = page->is_truncated();
  if (page->is_truncated()) out.marker = page->next_marker;
  return out;
}

Result<void> IamHandlers::tag_mfa_device(const pi::TagMFADeviceRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  condition::Context extra;
  store::Tags tags = request_tags(r.tags, extra);
  if (auto a = authorize("iam:TagMFADevice", device_arn(ctx_.domain, account, r.serial_number), &extra); !a) return a;
  if (auto t = ctx_.domain.tag_mfa_device(account, r.serial_number, tags); !t) return to_aws_error(t.error());
  return {};
}

Result<void> IamHandlers::untag_mfa_device(const pi::UntagMFADeviceRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  condition::Context extra;
  if (!r.tag_keys.empty()) extra.set_list("aws:TagKeys", r.tag_keys);
  if (auto a = authorize("iam:UntagMFADevice", device_arn(ctx_.domain, account, r.serial_number), &extra); !a) {
    return a;
  }
  if (auto t = ctx_.domain.untag_mfa_device(account, r.serial_number, r.tag_keys); !t) return to_aws_error(t.error());
  return {};
}

Result<pi::ListMFADeviceTagsResult> IamHandlers::list_mfa_device_tags(const pi::ListMFADeviceTagsRequest& r) {
  const std::string& account = ctx_.caller.account_id;
  if (auto a = authorize("iam:ListMFADeviceTags", device_arn(ctx_.domain, account, r.serial_number)); !a) {
    return a.error();
  }
  auto page =
      ctx_.domain.list_mfa_device_tags(account, r.serial_number, list_options(std::nullopt, r.marker, r.max_items));
  if (!page) return fail<pi::ListMFADeviceTagsResult>(page.error());
  pi::ListMFADeviceTagsResult out;
  for (const store::Tag& tag : page->items) out.tags.push_back(pi::Tag{tag.key, tag.value});
  out.is_truncated = page->is_truncated();
  if (page->is_truncated()) out.marker = page->next_marker;
  return out;
}

// ---- SSH public keys ----

Result<pi::UploadSSHPublicKeyResult> IamHandlers::upload_ssh_public_key(const pi::UploadSSHPublicKeyRequest& r) {
  Target t = target_user(r.user_name);
  if (auto a = authorize("iam:UploadSSHPublicKey", t.arn); !a) return a.error();
  auto k = ctx_.domain.upload_ssh_public_key(ctx_.caller.account_id, t.name, r.ssh_public_key_body);
  if (!k) return fail<pi::UploadSSHPublicKeyResult>(k.error());
  pi::UploadSSHPublicKeyResult out;
  out.ssh_public_key = to_wire(*k);
  return out;
}

Result<pi::GetSSHPublicKeyResult> IamHandlers::get_ssh_public_key(const pi::GetSSHPublicKeyRequest& r) {
  Target t = target_user(r.user_name);
  if (auto a = authorize("iam:GetSSHPublicKey", t.arn); !a) return a.error();
  // The model allows only SSH and PEM.
  const auto encoding =
      r.encoding == "PEM" ? iam::IamDomain::SshKeyEncoding::kPem : iam::IamDomain::SshKeyEncoding::kSsh;
  auto k = ctx_.domain.get_ssh_public_key(ctx_.caller.account_id, t.name, r.ssh_public_key_id, encoding);
  if (!k) return fail<pi::GetSSHPublicKeyResult>(k.error());
  pi::GetSSHPublicKeyResult out;
  out.ssh_public_key = to_wire(*k);
  return out;
}

Result<pi::ListSSHPublicKeysResult> IamHandlers::list_ssh_public_keys(const pi::ListSSHPublicKeysRequest& r) {
  Target t = target_user(r.user_name);
  if (auto a = authorize("iam:ListSSHPublicKeys", t.arn); !a) return a.error();
  auto page = ctx_.domain.list_ssh_public_keys(ctx_.caller.account_id, t.name,
                                               list_options(std::nullopt, r.marker, r.max_items));
  if (!page) return fail<pi::ListSSHPublicKeysResult>(page.error());
  pi::ListSSHPublicKeysResult out;
  for (const iam::IamDomain::SshPublicKey& k : page->items) {
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
  Target t = target_user(r.user_name);
  if (auto a = authorize("iam:UpdateSSHPublicKey", t.arn); !a) return a;
  // The model's enum here is Active|Inactive (the generated layer rejects anything else).
  auto status = r.status == "Active" ? store::AccessKeyStatus::kActive : store::AccessKeyStatus::kInactive;
  if (auto u = ctx_.domain.update_ssh_public_key(ctx_.caller.account_id, t.name, r.ssh_public_key_id, status); !u) {
    return to_aws_error(u.error());
  }
  return {};
}

Result<void> IamHandlers::delete_ssh_public_key(const pi::DeleteSSHPublicKeyRequest& r) {
  Target t = target_user(r.user_name);
  if (auto a = authorize("iam:DeleteSSHPublicKey", t.arn); !a) return a;
  if (auto d = ctx_.domain.delete_ssh_public_key(ctx_.caller.account_id, t.name, r.ssh_public_key_id); !d) {
    return to_aws_error(d.error());
  }
  return {};
}

}  // namespace iamd::api

// Virtual MFA devices (mfa.cc): create, enable for a user, resync, deactivate, delete, list,
// and tags, each function one step of a unit of work (iam/scope.h).
// Devices are kept as store::Resource kMfaDevice records: id = the serial number
// (arn:<p>:iam::<acct>:mfa/<path><name>), name = <path><name> (unique per account, the
// list order), owner = the user the device is enabled for. [IMPL] A device enabled for the
// root user has no owner and an enable date (an unassigned one has neither): AWS lets the
// root user assign its devices in the console only, so only the console calls the root
// functions below. The 20-byte TOTP seed is sealed with the master key, bound to the serial
// number. Codes are RFC 6238 (HMAC-SHA1, 30 s, 6 digits) checked against the environment's
// clock. Quotas (identifiers.md §5): 8 MFA devices per user, and [AWS] as many for the root
// user, 50 tags per device (keys case-sensitive).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "iam/env.h"
#include "iam/scope.h"
#include "iam/types.h"

namespace iamd::iam {

class MfaDevices {
 public:
  explicit MfaDevices(const DomainEnv& env) : env_(env) {}

  struct VirtualMfaDevice {
    std::string serial_number;
    std::optional<store::User> user;  // the user the device is enabled for
    bool root = false;                // enabled for the root user (then `user` is empty)
    std::optional<common::Timestamp> enable_date;
    store::Tags tags;
  };
  struct NewVirtualMfaDevice {
    VirtualMfaDevice device;
    std::string base32_seed;  // Base32StringSeed, shown once
    std::string qr_code_png;  // QRCodePNG: the PNG bytes of the otpauth://totp/ URI
  };
  enum class MfaAssignment { kAny, kAssigned, kUnassigned };
  Result<NewVirtualMfaDevice> create_virtual_mfa_device(const Write& wr, std::string_view name, std::string_view path,
                                                        const store::Tags& tags);
  Result<void> delete_virtual_mfa_device(const Write& wr, std::string_view serial_number);
  Result<store::Page<VirtualMfaDevice>> list_virtual_mfa_devices(const Read& rd, MfaAssignment assignment,
                                                                 const store::ListOptions& options);
  // The two codes must be consecutive codes of the device (AuthenticationCode1 first).
  Result<void> enable_mfa_device(const Write& wr, std::string_view user_name, std::string_view serial_number,
                                 std::string_view code1, std::string_view code2);
  Result<void> deactivate_mfa_device(const Write& wr, std::string_view user_name, std::string_view serial_number);
  Result<void> resync_mfa_device(const Write& wr, std::string_view user_name, std::string_view serial_number,
                                 std::string_view code1, std::string_view code2);
  // The devices enabled for the user; `user_name` empty: the root user's.
  Result<store::Page<VirtualMfaDevice>> list_mfa_devices(const Read& rd, std::string_view user_name,
                                                         const store::ListOptions& options);
  // Authentication with one code of the device `serial_number` enabled for `user` (none: a
  // principal without devices, such as a role session, which always fails), as
  // GetSessionToken and AssumeRole check it: the code of the server's step, corrected by the
  // device's drift, or one step either side, newer than the last code the device used (a
  // code counts once). AccessDenied with AWS's messages otherwise [OBS]. Records the step used.
  Result<void> authenticate(const Write& wr, const std::optional<store::User>& user, std::string_view serial_number,
                            std::string_view code);
  // The same for a device enabled for the root user (the caller is the root user).
  Result<void> authenticate_root(const Write& wr, std::string_view serial_number, std::string_view code);

  // The root user's own devices, which AWS manages in the console only (the console's
  // root-mfa endpoints): enable an unassigned device with two consecutive codes, as
  // enable_mfa_device does for a user (at most 8), and deactivate one (it stays, unassigned,
  // until DeleteVirtualMFADevice; NotFound when it is not enabled for the root user).
  Result<void> enable_root_mfa_device(const Write& wr, std::string_view serial_number, std::string_view code1,
                                      std::string_view code2);
  Result<void> deactivate_root_mfa_device(const Write& wr, std::string_view serial_number);
  Result<void> tag_mfa_device(const Write& wr, std::string_view serial_number, const store::Tags& tags);
  Result<void> untag_mfa_device(const Write& wr, std::string_view serial_number, const std::vector<std::string>& keys);
  Result<store::Page<store::Tag>> list_mfa_device_tags(const Read& rd, std::string_view serial_number,
                                                       const store::ListOptions& options);

 private:
  const DomainEnv& env_;
};

}  // namespace iamd::iam

// The domain family of users' SSH public keys (ssh_keys.cc): each function one step of a unit of work (iam/scope.h).
// [being moved here from IamDomain]
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "iam/env.h"
#include "iam/scope.h"
#include "iam/types.h"

namespace iamd::iam {

class SshKeys {
 public:
  explicit SshKeys(const DomainEnv& env) : env_(env) {}

 private:
  [[maybe_unused]] const DomainEnv& env_;
};

}  // namespace iamd::iam

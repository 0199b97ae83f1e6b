// The domain family of instance profiles, role permissions boundaries and service-linked roles (instance_profiles.cc):
// each function one step of a unit of work (iam/scope.h). [being moved here from IamDomain]
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "iam/env.h"
#include "iam/scope.h"
#include "iam/types.h"

namespace iamd::iam {

class InstanceProfiles {
 public:
  explicit InstanceProfiles(const DomainEnv& env) : env_(env) {}

 private:
  [[maybe_unused]] const DomainEnv& env_;
};

}  // namespace iamd::iam

// The domain family of signing certificates, server certificates and service-specific credentials (certificates.cc):
// each function one step of a unit of work (iam/scope.h). [being moved here from IamDomain]
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "iam/env.h"
#include "iam/scope.h"
#include "iam/types.h"

namespace iamd::iam {

class Certificates {
 public:
  explicit Certificates(const DomainEnv& env) : env_(env) {}

 private:
  [[maybe_unused]] const DomainEnv& env_;
};

}  // namespace iamd::iam

// The domain family of the account: summary, alias, password policy; login profiles and passwords; user tags, renames
// and permissions boundaries (account.cc): each function one step of a unit of work (iam/scope.h). [being moved here
// from IamDomain]
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "iam/env.h"
#include "iam/scope.h"
#include "iam/types.h"

namespace iamd::iam {

class Accounts {
 public:
  explicit Accounts(const DomainEnv& env) : env_(env) {}

 private:
  [[maybe_unused]] const DomainEnv& env_;
};

}  // namespace iamd::iam

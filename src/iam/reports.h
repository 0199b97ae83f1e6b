// The domain family of what an account reports about itself: GetAccountAuthorizationDetails
// (authorization_details.cc) and the credential report (credential_report.cc); each function
// one step of a unit of work (iam/scope.h).
#pragma once

#include "iam/env.h"
#include "iam/scope.h"
#include "iam/types.h"

namespace iamd::iam {

class Reports {
 public:
  explicit Reports(const DomainEnv& env) : env_(env) {}

  // GetAccountAuthorizationDetails: `filter` is a set of kDetail* bits; at most
  // options.max_items records in all.
  Result<AuthorizationDetails> authorization_details(const Read& rd, unsigned filter,
                                                     const store::ListOptions& options);

 private:
  [[maybe_unused]] const DomainEnv& env_;
};

}  // namespace iamd::iam

// The domain family of what an account reports about itself: GetAccountAuthorizationDetails
// (authorization_details.cc) and the credential report (credential_report.cc); each function
// one step of a unit of work (iam/scope.h).
#pragma once

#include "iam/env.h"
#include "iam/scope.h"
#include "iam/types.h"

namespace iamd::iam {

class IamDomain;

class Reports {
 public:
  // `domain`: the other families and the ARN builders, which the reports read through.
  Reports(const DomainEnv& env, IamDomain& domain) : env_(env), domain_(domain) {}

  // GetAccountAuthorizationDetails: `filter` is a set of kDetail* bits; at most
  // options.max_items records in all.
  Result<AuthorizationDetails> authorization_details(const Read& rd, unsigned filter,
                                                     const store::ListOptions& options);

  // The credential report: Generate answers kStarted when it made a new report
  // (synchronously) and kComplete while the last one is under 4 hours old; Get fails with
  // ReportNotPresent or ReportExpired.
  Result<CredentialReportState> generate_credential_report(const Write& wr);
  Result<CredentialReport> get_credential_report(const Read& rd);

 private:
  static Result<CredentialReport> read_credential_report(const store::Resource& record);

  const DomainEnv& env_;
  IamDomain& domain_;
};

}  // namespace iamd::iam

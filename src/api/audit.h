// The audit trail (docs/operations.md "Audit trail"): one CloudTrail-shaped record per API
// call, allowed, denied or failed, and per request refused before any operation (a bad
// signature, an unknown key). The gateway fills an AuditCall as the request goes (who, from
// where, which operation; the codec's CallNotes: request, result, error; the decision of the
// last authorization; the target), and the trail turns it into a store::AuditEvent:
// * a write that succeeded: appended by Pipeline::end in the operation's own transaction,
//   before its commit (a committed change always has its record, a rolled-back one none),
//   then written to the JSON-lines file once committed;
// * a write that failed or was denied (also refused before the operation): in a transaction of
//   its own, at once;
// * a read, allowed, denied or failed: queued and written in one transaction with the other
//   queued records by flush() (the server calls it every second; also when 1000 are queued,
//   and when it stops): a crash loses at most the last second's read records.
// The JSON-lines file, when configured, gets each record once it is in the store, one per line.
// Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/caller.h"
#include "common/ids.h"
#include "common/random.h"
#include "common/result.h"
#include "common/time.h"
#include "protocol/response.h"
#include "store/store.h"

namespace iamd::api {

// What the gateway and the pipeline learn of one call.
struct AuditCall {
  common::Timestamp time;
  std::string request_id;
  std::string service;  // "iam", "sts", "organizations"
  std::string event_name;
  std::string region;
  std::string source_ip;
  std::string user_agent;
  std::string access_key_id;       // as the request named it, also when it was refused
  const Caller* caller = nullptr;  // null: not authenticated
  bool console = false;            // a console call (Gateway::handle_console)
  protocol::CallNotes notes;
  std::string decision;                // iamd's decision of the last authorization, JSON (authz::decision_json)
  std::string resource_arn;            // the operation's target, when it names one
  std::optional<common::Error> error;  // refused before the operation (not in notes)
  // Set by Pipeline::end when the record went into the operation's write transaction.
  std::optional<store::AuditEvent> stored;
};

class AuditTrail {
 public:
  // `file`: the JSON-lines file (empty: none), opened O_APPEND, 0600, no link followed.
  static common::Result<std::unique_ptr<AuditTrail>> open(store::Store& store, const common::Clock& clock,
                                                          common::Random& random, const std::string& file);
  ~AuditTrail();
  AuditTrail(const AuditTrail&) = delete;
  AuditTrail& operator=(const AuditTrail&) = delete;

  const common::Clock& clock() const { return clock_; }

  // The record of `call` (outcome from its error, if any).
  store::AuditEvent event(const AuditCall& call);
  // After the call: writes its record where it belongs (see above). A failure to store the
  // record of a failed call or a read loses that record only (reported by the server's log
  // when it flushes).
  void finish(AuditCall& call);
  // The queued reads' records, in one transaction; the number written.
  common::Result<std::size_t> flush();
  // Deletes the records older than `before`; how many.
  common::Result<std::uint64_t> prune(common::Timestamp before);
  // Records written to the JSON-lines file: after the store has them.
  void write_file(const std::vector<store::AuditEvent>& events);

  static constexpr std::size_t kMaxQueued = 1000;

 private:
  AuditTrail(store::Store& store, const common::Clock& clock, common::Random& random, int fd);

  store::Store& store_;
  const common::Clock& clock_;
  common::RequestIds ids_;  // event ids: random UUIDs, drawn without a lock
  int fd_ = -1;             // the JSON-lines file; -1: none
  std::mutex file_mu_;      // one line at a time
  std::mutex queue_mu_;     // guards queue_
  std::vector<store::AuditEvent> queue_;
};

// Whether the operation `name` of `service` changes nothing (CloudTrail's readOnly): by its
// row's Mode (api/operations.h); an operation iamd does not serve reads nothing.
bool audit_read_only(std::string_view service, std::string_view name);

}  // namespace iamd::api

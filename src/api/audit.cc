#include "api/audit.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "api/operations.h"
#include "common/ids.h"
#include "common/json_writer.h"

namespace iamd::api {

namespace {

// CloudTrail's eventSource of a SigV4 service name.
std::string event_source(std::string_view service) {
  return std::string(service.empty() ? "iam" : service) + ".amazonaws.com";
}

bool is_denial(const common::Error& e) {
  return e.code == "AccessDenied" || e.code == "AccessDeniedException";
}

// Operations whose result CloudTrail records although they change nothing: those that hand
// out credentials (their secrets hidden).
bool issues_credentials(std::string_view name) {
  for (std::string_view n :
       {"AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity", "GetSessionToken", "GetFederationToken"}) {
    if (name == n) return true;
  }
  return false;
}

void session_attributes(common::JsonWriter& w, common::Timestamp created, bool mfa) {
  w.key("attributes").begin_object();
  w.key("creationDate").value(common::format_iso8601(created));
  w.key("mfaAuthenticated").value(mfa ? "true" : "false");  // a string, as CloudTrail writes it
  w.end_object();
}

// CloudTrail's userIdentity element [AWS: CloudTrail userIdentity element].
void user_identity(common::JsonWriter& w, const AuditCall& call) {
  w.begin_object();
  const Caller* c = call.caller;
  if (c == nullptr || c->anonymous) {
    // [IMPL] An unsigned call (AssumeRoleWithWebIdentity, AssumeRoleWithSAML) or one refused
    // before its caller was known: CloudTrail's WebIdentityUser/SAMLUser name the identity
    // provider, which iamd's record keeps in requestParameters instead.
    std::string_view type = "Unknown";
    if (c != nullptr && call.event_name == "AssumeRoleWithWebIdentity") type = "WebIdentityUser";
    if (c != nullptr && call.event_name == "AssumeRoleWithSAML") type = "SAMLUser";
    w.key("type").value(type);
    if (!call.access_key_id.empty()) w.key("accessKeyId").value(call.access_key_id);
    w.end_object();
    return;
  }
  const std::string& account = c->account_id;
  if (c->is_role_session()) {
    const sts::Session& s = *c->session;
    w.key("type").value("AssumedRole");
    w.key("principalId").value(s.principal_id + ":" + s.session_name);
    w.key("arn").value(c->arn);
    w.key("accountId").value(account);
    w.key("accessKeyId").value(c->access_key_id);
    w.key("sessionContext").begin_object();
    w.key("sessionIssuer").begin_object();
    w.key("type").value("Role");
    w.key("principalId").value(s.principal_id);
    w.key("arn").value(s.principal_arn);
    w.key("accountId").value(account);
    w.key("userName").value(s.principal_name);
    w.end_object();
    session_attributes(w, s.issued, s.mfa);
    if (!s.source_identity.empty()) w.key("sourceIdentity").value(s.source_identity);
    w.end_object();
  } else if (c->is_federated()) {
    const sts::Session& s = *c->session;
    w.key("type").value("FederatedUser");
    w.key("principalId").value(account + ":" + s.principal_name);
    w.key("arn").value(c->arn);
    w.key("accountId").value(account);
    w.key("accessKeyId").value(c->access_key_id);
    w.key("sessionContext").begin_object();
    w.key("sessionIssuer").begin_object();
    w.key("type").value(c->user ? "IAMUser" : "Root");
    w.key("principalId").value(c->user ? std::string_view(c->user->id) : std::string_view(account));
    w.key("arn").value(s.principal_arn);
    w.key("accountId").value(account);
    if (c->user) w.key("userName").value(c->user->name);
    w.end_object();
    session_attributes(w, s.issued, s.mfa);
    w.end_object();
  } else {
    w.key("type").value(c->user ? "IAMUser" : "Root");
    w.key("principalId").value(c->user ? std::string_view(c->user->id) : std::string_view(account));
    w.key("arn").value(c->arn);
    w.key("accountId").value(account);
    if (!c->access_key_id.empty()) w.key("accessKeyId").value(c->access_key_id);
    if (c->user) w.key("userName").value(c->user->name);
    if (c->session) {  // a GetSessionToken session
      w.key("sessionContext").begin_object();
      session_attributes(w, c->session->issued, c->session->mfa);
      w.end_object();
    } else if (c->console) {
      w.key("sessionContext").begin_object();
      session_attributes(w, c->console->at, c->console->mfa);
      w.end_object();
    }
  }
  if (call.console) w.key("sessionCredentialFromConsole").value("true");
  w.end_object();
}

}  // namespace

bool audit_read_only(std::string_view service, std::string_view name) {
  const Operation* op = find_operation(service, name);
  if (op == nullptr) return true;
  return op->mode != Mode::kWrite && op->mode != Mode::kPrepared;
}

common::Result<std::unique_ptr<AuditTrail>> AuditTrail::open(store::Store& store, const common::Clock& clock,
                                                             common::Random& random, const std::string& file) {
  int fd = -1;
  if (!file.empty()) {
    fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
      const int err = errno;
      if (err == ELOOP) return common::Error{"InvalidInput", file + " is a symbolic link; no link is followed", ""};
      return common::Error{"InvalidInput", "cannot open " + file + ": " + std::strerror(err), ""};
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      return common::Error{"InvalidInput", file + " is not a regular file", ""};
    }
    if ((st.st_mode & 0777) != 0600 && ::fchmod(fd, 0600) != 0) {
      const int err = errno;
      ::close(fd);
      return common::Error{"InvalidInput", "cannot chmod " + file + ": " + std::strerror(err), ""};
    }
  }
  return std::unique_ptr<AuditTrail>(new AuditTrail(store, clock, random, fd));
}

AuditTrail::AuditTrail(store::Store& store, const common::Clock& clock, common::Random& random, int fd)
    : store_(store), clock_(clock), ids_(random), fd_(fd) {}

AuditTrail::~AuditTrail() {
  if (fd_ >= 0) ::close(fd_);
}

store::AuditEvent AuditTrail::event(const AuditCall& call) {
  store::AuditEvent e;
  e.event_id = ids_.next();
  e.time = call.time;
  const Caller* c = call.caller != nullptr && !call.caller->anonymous ? call.caller : nullptr;
  if (c != nullptr) {
    e.account_id = c->account_id;
    e.principal_arn = c->arn;
  }
  e.event_source = event_source(call.service);
  e.event_name = call.event_name;
  if (call.resource_arn != "*") e.resource_arn = call.resource_arn;
  const std::optional<common::Error>& error = call.error ? call.error : call.notes.error;
  if (error) {
    e.outcome = is_denial(*error) ? store::AuditOutcome::kDenied : store::AuditOutcome::kError;
    e.error_code = error->code;
  }
  const bool read_only = audit_read_only(call.service, call.event_name);

  common::JsonWriter w(true);
  w.begin_object();
  w.key("eventVersion").value("1.08");
  w.key("userIdentity");
  user_identity(w, call);
  w.key("eventTime").value(common::format_iso8601(call.time));
  w.key("eventSource").value(e.event_source);
  w.key("eventName").value(e.event_name);
  w.key("awsRegion").value(call.region);
  w.key("sourceIPAddress").value(call.source_ip);
  w.key("userAgent").value(call.user_agent);
  if (error) {
    w.key("errorCode").value(error->code);
    w.key("errorMessage").value(error->message);
  }
  // CloudTrail writes null for a request without parameters.
  w.key("requestParameters");
  if (call.notes.request && *call.notes.request != "{}") {
    w.raw(*call.notes.request);
  } else {
    w.null_value();
  }
  // Reads' results are not recorded, as CloudTrail does not record them; the credentials
  // operations' are (with their secrets hidden).
  w.key("responseElements");
  if (!error && call.notes.result && (!read_only || issues_credentials(call.event_name))) {
    w.raw(*call.notes.result);
  } else {
    w.null_value();
  }
  w.key("requestID").value(call.request_id);
  w.key("eventID").value(e.event_id);
  w.key("readOnly").value(read_only);
  if (!e.resource_arn.empty()) {
    w.key("resources").begin_array().begin_object();
    w.key("ARN").value(e.resource_arn);
    if (!e.account_id.empty()) w.key("accountId").value(e.account_id);
    w.end_object().end_array();
  }
  w.key("eventType").value("AwsApiCall");
  w.key("managementEvent").value(true);
  if (!e.account_id.empty()) w.key("recipientAccountId").value(e.account_id);
  w.key("eventCategory").value("Management");
  w.key("iamd").begin_object();
  w.key("outcome").value(store::audit_outcome_name(e.outcome));
  w.key("decision");
  if (call.decision.empty()) {
    w.null_value();  // not authorized by policy, or refused before
  } else {
    w.raw(call.decision);
  }
  w.end_object();
  w.end_object();
  e.json = w.str();
  return e;
}

void AuditTrail::finish(AuditCall& call) {
  if (call.stored) {
    write_file({*call.stored});
    return;
  }
  store::AuditEvent e = event(call);
  // [IMPL] Reads that failed or were denied, and refused requests for reads, are queued as
  // reads are: a flood of them costs one store write a second, not one each (their calls run
  // on the event loops, which must not wait for the log's sync).
  const bool own_transaction = !audit_read_only(call.service, call.event_name);
  if (own_transaction) {
    auto w = store_.begin_write();
    if (!w) return;
    if (!(*w)->append_audit_event(e) || !(*w)->commit()) return;
    write_file({e});
    return;
  }
  bool full = false;
  {
    std::lock_guard lock(queue_mu_);
    queue_.push_back(std::move(e));
    full = queue_.size() >= kMaxQueued;
  }
  if (full) (void)flush();
}

common::Result<std::size_t> AuditTrail::flush() {
  std::vector<store::AuditEvent> batch;
  {
    std::lock_guard lock(queue_mu_);
    batch.swap(queue_);
  }
  if (batch.empty()) return std::size_t{0};
  auto keep = [&] {  // a failed write keeps the records for the next flush
    std::lock_guard lock(queue_mu_);
    queue_.insert(queue_.begin(), std::make_move_iterator(batch.begin()), std::make_move_iterator(batch.end()));
  };
  auto w = store_.begin_write();
  if (!w) {
    keep();
    return w.error();
  }
  for (const store::AuditEvent& e : batch) {
    if (auto a = (*w)->append_audit_event(e); !a) {
      (*w)->rollback();
      keep();
      return a.error();
    }
  }
  if (auto c = (*w)->commit(); !c) {
    keep();
    return c.error();
  }
  write_file(batch);
  return batch.size();
}

common::Result<std::uint64_t> AuditTrail::prune(common::Timestamp before) {
  auto w = store_.begin_write();
  if (!w) return w.error();
  auto n = (*w)->prune_audit_events(before);
  if (!n) return n.error();
  if (auto c = (*w)->commit(); !c) return c.error();
  return *n;
}

void AuditTrail::write_file(const std::vector<store::AuditEvent>& events) {
  if (fd_ < 0 || events.empty()) return;
  std::string lines;
  for (const store::AuditEvent& e : events) {
    lines += e.json;
    lines += '\n';
  }
  std::lock_guard lock(file_mu_);
  std::string_view rest = lines;
  while (!rest.empty()) {
    const ssize_t n = ::write(fd_, rest.data(), rest.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // [IMPL] the store keeps the record; the file misses it
    }
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace iamd::api

#include "app/audit_tool.h"

#include <ostream>
#include <utility>

#include "common/time.h"
#include "store/store.h"

namespace iamd::app {

namespace {

// The store subfolder of a data folder (app/serve.cc kStoreFolder).
constexpr const char* kStoreFolder = "store";

bool parse_time(const std::optional<std::string>& text, std::string_view flag, std::optional<common::Timestamp>& out,
                std::ostream& err) {
  if (!text) return true;
  out = common::parse_aws_date(*text);
  if (!out) {
    err << "iamd: " << flag << ": '" << *text
        << "' is not a time (ISO 8601 such as 2026-12-05T08:00:00Z or 2026-12-05, or epoch seconds)\n";
    return false;
  }
  return true;
}

}  // namespace

int audit_query(const AuditToolOptions& o, std::ostream& out, std::ostream& err) {
  store::AuditQuery q;
  if (o.principal) q.principal_arn = *o.principal;
  if (o.resource) q.resource_arn = *o.resource;
  if (o.action) {
    const std::string& a = *o.action;
    const std::size_t colon = a.find(':');
    const std::string name = colon == std::string::npos ? a : a.substr(colon + 1);
    const std::string service = colon == std::string::npos ? std::string() : a.substr(0, colon);
    if (name.empty() || (colon != std::string::npos && service.empty()) || name.find(':') != std::string::npos) {
      err << "iamd: --action: '" << a << "' is not SERVICE:Operation (e.g. iam:CreateUser)\n";
      return 2;
    }
    if (!service.empty()) {
      if (service != "iam" && service != "sts" && service != "organizations") {
        err << "iamd: --action: unknown service '" << service << "' (iam, sts or organizations)\n";
        return 2;
      }
      q.event_source = service + ".amazonaws.com";
    }
    q.event_name = name;
  }
  if (!parse_time(o.since, "--since", q.since, err) || !parse_time(o.until, "--until", q.until, err)) return 2;
  if (q.since && q.until && *q.until <= *q.since) {
    err << "iamd: --until must be later than --since\n";
    return 2;
  }
  if (o.outcome) {
    q.outcome = store::parse_audit_outcome(*o.outcome);
    if (!q.outcome) {
      err << "iamd: --outcome: '" << *o.outcome << "' is not allowed, denied or error\n";
      return 2;
    }
  }
  if (o.max_items == 0) {
    err << "iamd: --max-items must be at least 1\n";
    return 2;
  }
  if (o.output != "json" && o.output != "text") {
    err << "iamd: --output: '" << o.output << "' is not json or text\n";
    return 2;
  }
  auto opened = store::open_store_read_only("sqlite:" + (o.data / kStoreFolder).string());
  if (!opened) {
    err << "iamd: cannot read the store: " << opened.error().message << "\n";
    return 1;
  }
  auto tx = (*opened)->begin_read();  // one snapshot for every page
  if (!tx) {
    err << "iamd: cannot read the store: " << tx.error().message << "\n";
    return 1;
  }
  std::size_t left = o.max_items;
  while (left > 0) {
    q.max_items = std::min<std::size_t>(left, 500);
    auto page = (*tx)->list_audit_events(q);
    if (!page) {
      err << "iamd: cannot read the audit trail: " << page.error().message << "\n";
      return 1;
    }
    for (const store::AuditEvent& e : page->items) {
      if (o.output == "json") {
        out << e.json << "\n";
      } else {
        out << common::format_iso8601(e.time) << " " << store::audit_outcome_name(e.outcome) << " "
            << e.event_source.substr(0, e.event_source.find('.')) << ":" << e.event_name << " "
            << (e.principal_arn.empty() ? "-" : e.principal_arn) << " "
            << (e.resource_arn.empty() ? "-" : e.resource_arn) << (e.error_code.empty() ? "" : " " + e.error_code)
            << "\n";
      }
    }
    left -= page->items.size();
    if (!page->is_truncated()) break;
    q.marker = page->next_marker;
  }
  out.flush();
  return 0;
}

}  // namespace iamd::app

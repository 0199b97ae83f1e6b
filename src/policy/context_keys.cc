#include <set>

#include "common/strings.h"
#include "policy/document.h"

namespace iamd::policy {

namespace {

// Adds the keys of the ${...} variables in `text` (a Resource or condition value).
void add_variables(std::string_view text, std::vector<std::string>& out, std::set<std::string>& seen) {
  for (std::size_t at = text.find("${"); at != std::string_view::npos; at = text.find("${", at + 2)) {
    const std::size_t close = text.find('}', at + 2);
    if (close == std::string_view::npos) return;
    std::string_view inner = text.substr(at + 2, close - at - 2);
    if (auto comma = inner.find(','); comma != std::string_view::npos) inner = inner.substr(0, comma);
    while (!inner.empty() && inner.back() == ' ') inner.remove_suffix(1);
    while (!inner.empty() && inner.front() == ' ') inner.remove_prefix(1);
    // ${*}, ${?} and ${$} are escapes, not keys.
    if (inner.size() <= 1) continue;
    if (seen.insert(common::to_lower(inner)).second) out.emplace_back(inner);
  }
}

}  // namespace

std::vector<std::string> context_keys(const PolicyDocument& document) {
  std::vector<std::string> out;
  std::set<std::string> seen;  // case-folded: condition keys are case-insensitive
  for (const StatementDoc& s : document.statements) {
    for (const ConditionEntry& c : s.conditions) {
      if (seen.insert(common::to_lower(c.key)).second) out.push_back(c.key);
      if (document.variables_enabled()) {
        for (const std::string& v : c.values) add_variables(v, out, seen);
      }
    }
    if (document.variables_enabled()) {
      for (const std::string& r : s.resource.values) add_variables(r, out, seen);
    }
  }
  return out;
}

}  // namespace iamd::policy

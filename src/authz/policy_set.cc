#include "authz/policy_set.h"

#include "common/wildcard.h"

namespace iamd::authz {

const std::vector<std::uint32_t> PolicySet::kEmpty;

PolicySet::PolicySet(std::vector<std::shared_ptr<const policy::CompiledPolicy>> policies)
    : policies_(std::move(policies)) {
  for (const auto& p : policies_) {
    for (const policy::CompiledStatement& st : p->statements) {
      auto idx = static_cast<std::uint32_t>(statements_.size());
      statements_.push_back(&st);
      if (st.not_action) {
        always_.push_back(idx);
        continue;
      }
      for (const common::Glob& glob : st.actions) {
        const std::string& a = glob.encoded();
        std::size_t colon = a.find(':');
        std::string_view service = std::string_view(a).substr(0, colon);
        auto push = [idx](std::vector<std::uint32_t>& v) {
          if (v.empty() || v.back() != idx) v.push_back(idx);
        };
        if (colon == std::string::npos || common::has_wildcard(service) ||
            a.find(common::kEscape) != std::string::npos) {
          push(always_);
        } else if (common::has_wildcard(std::string_view(a).substr(colon + 1))) {
          push(by_service_[std::string(service)]);
        } else {
          push(exact_[a]);
        }
      }
    }
  }
}

}  // namespace iamd::authz

// A set of compiled policies of one type (a principal's identity policies, a boundary, the
// session policies, one SCP level, ...), indexed by action so that the cost of a decision
// grows with the statements that can apply to the requested action, not with every
// statement attached. Immutable after construction: share it between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "policy/compiled.h"

namespace iamd::authz {

class PolicySet {
 public:
  PolicySet() = default;
  explicit PolicySet(std::vector<std::shared_ptr<const policy::CompiledPolicy>> policies);

  const std::vector<std::shared_ptr<const policy::CompiledPolicy>>& policies() const { return policies_; }
  std::size_t statement_count() const { return statements_.size(); }

  // Calls f(const CompiledStatement&) once for each statement whose Action/NotAction may
  // match `action_lower` (a superset: callers still test the statement), in document order.
  template <class F>
  void for_each_candidate(std::string_view action_lower, F&& f) const {
    const std::vector<std::uint32_t>* lists[3] = {&always_, &kEmpty, &kEmpty};
    if (auto it = exact_.find(action_lower); it != exact_.end()) lists[1] = &it->second;
    std::string_view service = action_lower.substr(0, action_lower.find(':'));
    if (auto it = by_service_.find(service); it != by_service_.end()) lists[2] = &it->second;
    // Three-way merge of sorted index lists, skipping duplicates.
    std::size_t pos[3] = {0, 0, 0};
    std::uint32_t last = UINT32_MAX;
    while (true) {
      std::uint32_t next = UINT32_MAX;
      int from = -1;
      for (int i = 0; i < 3; ++i) {
        if (pos[i] < lists[i]->size() && (*lists[i])[pos[i]] < next) {
          next = (*lists[i])[pos[i]];
          from = i;
        }
      }
      if (from < 0) return;
      ++pos[from];
      if (next == last) continue;
      last = next;
      f(*statements_[next]);
    }
  }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Index = std::unordered_map<std::string, std::vector<std::uint32_t>, Hash, std::equal_to<>>;
  static const std::vector<std::uint32_t> kEmpty;

  std::vector<std::shared_ptr<const policy::CompiledPolicy>> policies_;
  std::vector<const policy::CompiledStatement*> statements_;
  Index exact_;                        // "s3:getobject" -> statements naming exactly it
  Index by_service_;                   // "s3" -> statements with a wildcard action of that service
  std::vector<std::uint32_t> always_;  // NotAction, "*", or a wildcard in the service prefix
};

}  // namespace iamd::authz

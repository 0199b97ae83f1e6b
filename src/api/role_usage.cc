#include "api/role_usage.h"

#include <utility>
#include <vector>

namespace iamd::api {

namespace {

// Roles remembered at most; past it, roles with nothing pending are forgotten (their next
// use is written at once again).
constexpr std::size_t kMaxRoles = 100000;

}  // namespace

void RoleUsage::note(const RoleUse& use) {
  {
    std::lock_guard lock(mu_);
    auto it = roles_.find(use.role_id);
    if (it != roles_.end() && it->second.region == use.region &&
        use.when.seconds - it->second.written.seconds < interval_) {
      Entry& e = it->second;
      if (e.written < use.when && (!e.pending || *e.pending < use.when)) e.pending = use.when;
      return;
    }
    if (it == roles_.end() && roles_.size() >= kMaxRoles) {
      std::erase_if(roles_, [](const auto& kv) { return !kv.second.pending; });
    }
    if (it != roles_.end() && use.when < it->second.written) return;  // a newer use was written
    // Written now: a newer use of the same Region noted meanwhile comes after this one.
    Entry& e = roles_[use.role_id];
    e.written = use.when;
    e.region = use.region;
    e.pending.reset();
  }
  if (!write(use)) {
    std::lock_guard lock(mu_);
    Entry& e = roles_[use.role_id];
    if (e.region == use.region && (!e.pending || *e.pending < use.when)) e.pending = use.when;
  }
}

common::Result<void> RoleUsage::write(const RoleUse& use) {
  auto tx = store_.begin_write();
  if (!tx) return tx.error();
  auto r = (*tx)->record_role_use(use.role_id, store::RoleLastUsed{use.when, use.region});
  // A role deleted since it was assumed has no RoleLastUsed to keep.
  if (!r && !store::is_not_found(r.error())) return r.error();
  return (*tx)->commit();
}

common::Result<std::size_t> RoleUsage::flush() {
  std::vector<RoleUse> uses;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, e] : roles_) {
      if (!e.pending) continue;
      uses.push_back(RoleUse{id, *e.pending, e.region});
      e.pending.reset();
    }
  }
  if (uses.empty()) return std::size_t{0};
  auto restore = [&] {
    std::lock_guard lock(mu_);
    for (const RoleUse& u : uses) {
      Entry& e = roles_[u.role_id];
      if (e.region == u.region && (!e.pending || *e.pending < u.when)) e.pending = u.when;
    }
  };
  auto tx = store_.begin_write();
  if (!tx) {
    restore();
    return tx.error();
  }
  std::size_t written = 0;
  for (const RoleUse& u : uses) {
    auto r = (*tx)->record_role_use(u.role_id, store::RoleLastUsed{u.when, u.region});
    if (r) {
      ++written;
    } else if (!store::is_not_found(r.error())) {
      (*tx)->rollback();
      restore();
      return r.error();
    }
  }
  if (auto c = (*tx)->commit(); !c) {
    restore();
    return c.error();
  }
  return written;
}

std::size_t RoleUsage::pending() const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (const auto& [id, e] : roles_) n += e.pending ? 1 : 0;
  return n;
}

}  // namespace iamd::api

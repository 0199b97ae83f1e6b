#include "console/sessions.h"

#include <algorithm>
#include <vector>

#include "common/strings.h"

namespace iamd::console {

namespace {

std::string random_hex(common::Random& random) {
  std::string bytes(32, '\0');
  random.fill(reinterpret_cast<std::uint8_t*>(bytes.data()), bytes.size());
  return common::to_hex(bytes);
}

}  // namespace

Session SessionTable::create(Session s, common::Random& random, common::Timestamp now) {
  s.id = random_hex(random);
  s.csrf = random_hex(random);
  std::lock_guard lock(mu_);
  if (sessions_.size() >= capacity_) {
    // Expired ones first; then the half that expires soonest.
    std::erase_if(sessions_, [&](const auto& e) { return e.second.expires.seconds <= now.seconds; });
    if (sessions_.size() >= capacity_) {
      std::vector<std::int64_t> ends;
      ends.reserve(sessions_.size());
      for (const auto& e : sessions_) ends.push_back(e.second.expires.seconds);
      std::nth_element(ends.begin(), ends.begin() + static_cast<std::ptrdiff_t>(ends.size() / 2), ends.end());
      const std::int64_t median = ends[ends.size() / 2];
      std::erase_if(sessions_, [&](const auto& e) { return e.second.expires.seconds <= median; });
    }
  }
  sessions_.insert_or_assign(s.id, s);
  return s;
}

std::optional<Session> SessionTable::find(std::string_view id, common::Timestamp now) const {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(std::string(id));
  if (it == sessions_.end() || it->second.expires.seconds <= now.seconds) return std::nullopt;
  return it->second;
}

void SessionTable::update(const Session& s) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(s.id);
  if (it != sessions_.end()) it->second = s;
}

void SessionTable::erase(std::string_view id) {
  std::lock_guard lock(mu_);
  sessions_.erase(std::string(id));
}

std::size_t SessionTable::size() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

std::int64_t Throttle::wait(std::string_view key, common::Timestamp now) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(std::string(key));
  if (it == entries_.end() || it->second.failures < free_) return 0;
  const int over = std::min(it->second.failures - free_, 10);
  const std::int64_t delay = std::min<std::int64_t>(std::int64_t{1} << over, kMaxWait);
  const std::int64_t until = it->second.last.seconds + delay;
  return std::max<std::int64_t>(0, until - now.seconds);
}

void Throttle::failed(std::string_view key, common::Timestamp now) {
  std::lock_guard lock(mu_);
  if (entries_.size() >= kCapacity) {
    // Forget keys quiet for longer than the longest wait; all of them if that is not enough.
    std::erase_if(entries_, [&](const auto& e) { return now.seconds - e.second.last.seconds > kMaxWait; });
    if (entries_.size() >= kCapacity) entries_.clear();
  }
  Entry& e = entries_[std::string(key)];
  e.failures = std::min(e.failures + 1, 1000);
  e.last = now;
}

void Throttle::succeeded(std::string_view key) {
  std::lock_guard lock(mu_);
  entries_.erase(std::string(key));
}

}  // namespace iamd::console

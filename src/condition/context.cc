#include "condition/context.h"

#include "common/strings.h"

namespace iamd::condition {

Context::Entry& Context::slot(std::string_view key) {
  std::string lower = common::to_lower(key);
  std::uint64_t hash = common::hash_lower(key);
  for (Entry& e : entries_) {
    if (e.hash == hash && e.key_lower == lower) {
      e.key = std::string(key);
      return e;
    }
  }
  Entry& e = entries_.emplace_back();
  e.key = std::string(key);
  e.key_lower = std::move(lower);
  e.hash = hash;
  return e;
}

void Context::set(std::string_view key, std::string value) {
  Entry& e = slot(key);
  e.values.clear();
  e.values.push_back(std::move(value));
  e.multi = false;
}

void Context::set_list(std::string_view key, std::vector<std::string> values) {
  Entry& e = slot(key);
  e.values = std::move(values);
  e.multi = true;
}

const Context::Entry* Context::find(std::string_view key) const {
  std::string lower = common::to_lower(key);
  return find(lower, common::hash_lower(key));
}

}  // namespace iamd::condition

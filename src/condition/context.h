// The request context: condition keys and their values, as the request carries them.
// Key names are case-insensitive; a key is multivalued when it was set as a list (even
// of one or zero elements). Values are strings, as in IAM's ContextEntries; operators
// coerce them. Built once per request, then read-only: safe to share between threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace iamd::condition {

class Context {
 public:
  struct Entry {
    std::string key;        // as the caller wrote it
    std::string key_lower;  // ASCII lowercase, for lookup
    std::uint64_t hash = 0;
    std::vector<std::string> values;
    bool multi = false;
  };

  // Sets a single-valued key, replacing any earlier value of the same key.
  void set(std::string_view key, std::string value);
  // Sets a multivalued key (aws:TagKeys, ...), replacing any earlier value.
  void set_list(std::string_view key, std::vector<std::string> values);

  // Lookup by lowercase name and its common::hash_lower; nullptr when absent.
  const Entry* find(std::string_view key_lower, std::uint64_t hash) const {
    for (const Entry& e : entries_) {
      if (e.hash == hash && e.key_lower == key_lower) return &e;
    }
    return nullptr;
  }
  const Entry* find(std::string_view key) const;
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  Entry& slot(std::string_view key);
  std::vector<Entry> entries_;
};

}  // namespace iamd::condition

#include "crypto/key_ring.h"

#include <cassert>
#include <utility>

#include "common/strings.h"
#include "crypto/crypto.h"

namespace iamd::crypto {

namespace {

constexpr char kMark0 = static_cast<char>(0xA5);
constexpr char kMark1 = 'K';
constexpr std::size_t kHeader = 2 + KeyRing::kIdSize;

std::string raw_id(std::string_view key) {
  return derive_key(key, "iamd key id v1").substr(0, KeyRing::kIdSize);
}

bool keyed(std::string_view sealed) {
  return sealed.size() > kHeader && sealed[0] == kMark0 && sealed[1] == kMark1;
}

}  // namespace

common::Result<KeyRing> KeyRing::make(std::string current, std::vector<std::string> accepted) {
  KeyRing ring;
  auto add = [&ring](std::string key) -> common::Result<void> {
    if (key.size() != kSealKeySize) return common::Error{"InvalidKey", "a master key must be 32 bytes", ""};
    std::string id = raw_id(key);
    for (const Key& k : ring.keys_) {
      if (k.id != id) continue;
      if (k.bytes == key) return {};
      return common::Error{
          "InvalidKey",
          "two different master keys have the same key id " + common::to_hex(id) + "; generate another key", ""};
    }
    ring.keys_.push_back(Key{std::move(id), std::move(key)});
    return {};
  };
  if (auto a = add(std::move(current)); !a) return a.error();
  for (std::string& k : accepted) {
    if (auto a = add(std::move(k)); !a) return a.error();
  }
  return ring;
}

KeyRing KeyRing::single(std::string key) {
  auto ring = make(std::move(key));
  assert(ring);
  return std::move(ring).value();
}

std::string KeyRing::id_of(std::string_view key) {
  return common::to_hex(raw_id(key));
}

std::string KeyRing::current_id() const {
  return keys_.empty() ? std::string() : common::to_hex(keys_.front().id);
}

std::vector<std::string> KeyRing::ids() const {
  std::vector<std::string> out;
  for (const Key& k : keys_) out.push_back(common::to_hex(k.id));
  return out;
}

KeyRing KeyRing::derive(std::string_view purpose) const {
  KeyRing out;
  for (const Key& k : keys_) out.keys_.push_back(Key{k.id, derive_key(k.bytes, purpose)});
  return out;
}

common::Result<std::string> KeyRing::seal(std::string_view plaintext, std::string_view associated,
                                          common::Random& random) const {
  if (keys_.empty()) return common::Error{"InvalidKey", "no master key configured", ""};
  const Key& k = keys_.front();
  auto sealed = crypto::seal(k.bytes, plaintext, associated, random);
  if (!sealed) return sealed.error();
  std::string out;
  out.reserve(kHeader + sealed->size());
  out.push_back(kMark0);
  out.push_back(kMark1);
  out += k.id;
  out += *sealed;
  return out;
}

common::Result<std::string> KeyRing::open(std::string_view sealed, std::string_view associated) const {
  std::string unknown;
  if (keyed(sealed)) {
    std::string_view id = sealed.substr(2, kIdSize);
    bool held = false;
    for (const Key& k : keys_) {
      if (k.id != id) continue;
      held = true;
      auto plain = open_sealed(k.bytes, sealed.substr(kHeader), associated);
      if (plain) return plain;
      break;
    }
    if (!held) unknown = common::to_hex(id);
  }
  // The legacy form (no key id): the data folder's original master.key, wherever it now is
  // in the ring.
  for (const Key& k : keys_) {
    auto plain = open_sealed(k.bytes, sealed, associated);
    if (plain) return plain;
  }
  if (!unknown.empty()) {
    return common::Error{"UnknownKey",
                         "the value was sealed with master key " + unknown + ", which this server does not hold", ""};
  }
  return common::Error{"DecryptionFailed", "the sealed data does not open with any master key of this server", ""};
}

bool KeyRing::sealed_with_current(std::string_view sealed) const {
  return !keys_.empty() && keyed(sealed) && sealed.substr(2, kIdSize) == keys_.front().id;
}

}  // namespace iamd::crypto

// The master keys of a deployment (docs/operations.md "Keys and their rotation"): the current
// key seals, every key of the ring opens. A value sealed by the ring names the key that
// sealed it, so that nodes keep opening what was sealed before a rotation:
//
//   keyed form:  0xA5 'K' | key id (4 bytes) | nonce | ciphertext | tag   (crypto::seal)
//   legacy form:                               nonce | ciphertext | tag   (before key rings)
//
// The key id is the first 4 bytes of derive_key(key, "iamd key id v1"): it names the key
// without revealing it. A keyed value opens only under the key its id names. [IMPL] A legacy
// value (sealed with the data folder's master.key before this form existed) is tried under
// every key of the ring, the current first: the original key need not stay current, only in
// the ring until `iamd keys reseal` has re-sealed everything. A legacy value whose random
// nonce happens to begin with the two marker bytes is still opened as legacy after the keyed
// reading fails (AES-GCM's tag makes a wrong reading fail, never a wrong plaintext).
//
// derive(purpose) gives the ring of keys for one purpose (session tokens, authorization
// messages) with the master keys' ids, so that a sealed token names its master key too.
// Thread-safety: immutable after construction; every function is thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/random.h"
#include "common/result.h"

namespace iamd::crypto {

class KeyRing {
 public:
  inline static constexpr std::size_t kIdSize = 4;

  KeyRing() = default;
  // `current` seals; `accepted` (previous or next keys) only open. Each key 32 bytes; a key
  // given twice is kept once; two different keys with the same id are refused ("InvalidKey").
  static common::Result<KeyRing> make(std::string current, std::vector<std::string> accepted = {});
  // A ring of one key (tests, tools); the key must be 32 bytes (asserted).
  static KeyRing single(std::string key);

  bool empty() const { return keys_.empty(); }
  std::size_t size() const { return keys_.size(); }
  // The key id of a 32-byte key, as 8 lowercase hex digits (for operators and messages).
  static std::string id_of(std::string_view key);
  // The current key's id in hex; empty for an empty ring.
  std::string current_id() const;
  // The ids of every key, current first, in hex.
  std::vector<std::string> ids() const;

  // The ring of keys derived for `purpose` (derive_key), with the same ids.
  KeyRing derive(std::string_view purpose) const;

  // Seals under the current key, in the keyed form. "InvalidKey" for an empty ring.
  common::Result<std::string> seal(std::string_view plaintext, std::string_view associated,
                                   common::Random& random) const;
  // Opens a keyed or legacy value. "UnknownKey" (naming the id) when it is keyed with a key
  // the ring does not hold and does not open as legacy; "DecryptionFailed" otherwise.
  common::Result<std::string> open(std::string_view sealed, std::string_view associated) const;
  // Whether `sealed` is in the keyed form under the current key (re-sealing skips it).
  bool sealed_with_current(std::string_view sealed) const;

 private:
  struct Key {
    std::string id;     // kIdSize raw bytes
    std::string bytes;  // 32 bytes
  };
  std::vector<Key> keys_;  // the current key first
};

}  // namespace iamd::crypto

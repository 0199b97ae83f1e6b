// Randomness behind an injectable interface, so ids, keys and nonces are deterministic in
// tests. The operating system's generator (crypto::OsRandom, OpenSSL) is in the crypto
// module; nothing here needs a third-party library.
// Thread-safety: SeededRandom is not thread-safe; implementations say what they promise.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace iamd::common {

class Random {
 public:
  virtual ~Random() = default;
  virtual void fill(std::uint8_t* out, std::size_t n) = 0;
  std::string bytes(std::size_t n);
};

// A deterministic generator for tests (splitmix64); never for production secrets.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(std::uint64_t seed) : state_(seed) {}
  void fill(std::uint8_t* out, std::size_t n) override;

 private:
  std::uint64_t state_;
};

}  // namespace iamd::common

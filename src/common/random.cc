#include "common/random.h"

namespace iamd::common {

std::string Random::bytes(std::size_t n) {
  std::string out(n, '\0');
  fill(reinterpret_cast<std::uint8_t*>(out.data()), n);
  return out;
}

void SeededRandom::fill(std::uint8_t* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    state_ += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    out[i] = static_cast<std::uint8_t>(z ^ (z >> 31));
  }
}

}  // namespace iamd::common

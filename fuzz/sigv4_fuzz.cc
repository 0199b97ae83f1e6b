#include "sigv4_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  iamd::fuzz::sigv4_target(data, size);
  return 0;
}

#include "console_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  iamd::fuzz::console_target(data, size);
  return 0;
}

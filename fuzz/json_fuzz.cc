#include "json_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  iamd::fuzz::json_target(data, size);
  return 0;
}

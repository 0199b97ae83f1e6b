#include "query_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  iamd::fuzz::query_target(data, size);
  return 0;
}

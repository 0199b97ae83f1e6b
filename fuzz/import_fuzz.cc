#include "import_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  iamd::fuzz::import_target(data, size);
  return 0;
}

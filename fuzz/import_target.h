// The import fuzz entry point, shared by fuzz/import_fuzz.cc and the seed-replay test
// (tests/store/fuzz_seeds_test.cc): the bytes are an `iamd import` file (store/dump.h) read
// into an empty memory store under the master key check "00". It must never crash, leak or
// trip a sanitizer; every refusal names its line; what imports exports again and imports into
// another empty store with the same bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "store/dump.h"
#include "store/store.h"

namespace iamd::fuzz {

inline void import_target(const std::uint8_t* data, std::size_t size) {
  auto store = store::open_store("memory:");
  if (!store) __builtin_trap();
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  auto imported = store::import_store(**store, store::ImportOptions{"00"}, in);
  if (!imported) {
    const auto& e = imported.error();
    if ((e.code != store::kInvalidInput && e.code != store::kConflict) || !e.message.starts_with("line ")) {
      __builtin_trap();
    }
    if ((*store)->generation() != 0) __builtin_trap();  // nothing written
    return;
  }
  const store::ExportOptions options{"2026-01-01T00:00:00Z", "00"};
  std::ostringstream first;
  if (!store::export_store(**store, options, first)) __builtin_trap();
  auto again = store::open_store("memory:");
  if (!again) __builtin_trap();
  std::istringstream in2(first.str());
  if (!store::import_store(**again, store::ImportOptions{"00"}, in2)) __builtin_trap();
  std::ostringstream second;
  if (!store::export_store(**again, options, second) || second.str() != first.str()) __builtin_trap();
}

}  // namespace iamd::fuzz

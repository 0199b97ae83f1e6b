// The SAML metadata fuzz entry point, shared by fuzz/saml_fuzz.cc and the seed-replay test
// (tests/fuzz_replay_test.cc): the bytes go through the XML reader and the SAML metadata
// parser of CreateSAMLProvider. It must never crash, leak or trip a sanitizer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "formats/xml_read.h"
#include "iam/saml_metadata.h"

namespace iamd::fuzz {

namespace saml_detail {

// Walks the tree (depth is bounded by the reader) and checks what the reader promises.
inline std::size_t count(const formats::XmlElement& e, int depth) {
  if (depth > formats::kMaxXmlDepth || e.name.empty()) __builtin_trap();
  std::size_t n = 1;
  for (const formats::XmlElement& c : e.children) n += count(c, depth + 1);
  return n;
}

}  // namespace saml_detail

inline void saml_target(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto root = formats::read_xml(text)) {
    if (saml_detail::count(*root, 1) > formats::kMaxXmlElements) __builtin_trap();
  }
  auto metadata = iam::parse_saml_metadata(text);
  if (metadata && metadata->entity_id.empty()) __builtin_trap();
  if (!metadata && metadata.error().message != "Could not parse metadata") __builtin_trap();
}

}  // namespace iamd::fuzz

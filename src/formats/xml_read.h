// A small namespace-aware XML reader for untrusted documents (SAML metadata): the text
// becomes a tree of plain values. Expat does the parsing and stays inside xml_read.cc.
//
// Refused, as errors (never a crash or an unbounded allocation): malformed XML, a DOCTYPE
// declaration (so no entity but the five predefined ones is ever expanded), nesting deeper
// than kMaxXmlDepth, more than kMaxXmlElements elements. Comments and processing
// instructions are skipped. Text is returned as UTF-8 whatever the document's encoding.
// Thread-safety: read_xml is reentrant; the tree is a plain value.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace iamd::formats {

inline constexpr int kMaxXmlDepth = 64;
inline constexpr std::size_t kMaxXmlElements = 100000;

struct XmlAttribute {
  std::string ns;    // namespace URI; empty for an unprefixed attribute
  std::string name;  // local name
  std::string value;
};

struct XmlElement {
  std::string ns;    // namespace URI; empty when the element is in no namespace
  std::string name;  // local name
  std::vector<XmlAttribute> attributes;
  std::vector<XmlElement> children;
  std::string text;  // the character data directly inside, concatenated

  // The first child / attribute with that namespace and local name, or nullptr.
  const XmlElement* child(std::string_view ns, std::string_view name) const;
  const XmlAttribute* attribute(std::string_view ns, std::string_view name) const;
};

// Parses a whole document and returns its root element. The error (code "InvalidInput")
// says what was wrong and where ("line L, column C: ...").
common::Result<XmlElement> read_xml(std::string_view text);

}  // namespace iamd::formats

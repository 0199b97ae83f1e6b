#include "formats/xml_read.h"

#include <expat.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <utility>

namespace iamd::formats {

using common::Error;
using common::Result;

namespace {

// Expat reports namespaced names as "<uri><separator><local>".
constexpr char kNsSeparator = '\x01';

void split_name(const XML_Char* qualified, std::string& ns, std::string& name) {
  std::string_view q(qualified);
  std::size_t at = q.find(kNsSeparator);
  if (at == std::string_view::npos) {
    ns.clear();
    name = std::string(q);
  } else {
    ns = std::string(q.substr(0, at));
    name = std::string(q.substr(at + 1));
  }
}

struct ParserDeleter {
  void operator()(XML_ParserStruct* p) const { XML_ParserFree(p); }
};

// The tree under construction: open elements on a stack, each moved into its parent when
// it closes (so no pointer into a growing vector is ever kept).
struct Builder {
  XML_Parser parser = nullptr;
  std::vector<XmlElement> open;
  std::optional<XmlElement> root;
  std::size_t elements = 0;
  std::string refusal;  // set when a handler stopped the parser

  void stop(std::string why) {
    if (refusal.empty()) refusal = std::move(why);
    XML_StopParser(parser, XML_FALSE);
  }
};

void on_start(void* data, const XML_Char* name, const XML_Char** attributes) {
  auto* b = static_cast<Builder*>(data);
  if (static_cast<int>(b->open.size()) >= kMaxXmlDepth) {
    return b->stop("elements nest deeper than " + std::to_string(kMaxXmlDepth) + " levels");
  }
  if (++b->elements > kMaxXmlElements) {
    return b->stop("more than " + std::to_string(kMaxXmlElements) + " elements");
  }
  XmlElement e;
  split_name(name, e.ns, e.name);
  for (const XML_Char** a = attributes; a[0] != nullptr; a += 2) {
    XmlAttribute attr;
    split_name(a[0], attr.ns, attr.name);
    attr.value = a[1];
    e.attributes.push_back(std::move(attr));
  }
  b->open.push_back(std::move(e));
}

void on_end(void* data, const XML_Char*) {
  auto* b = static_cast<Builder*>(data);
  if (b->open.empty()) return;  // after a refusal
  XmlElement done = std::move(b->open.back());
  b->open.pop_back();
  if (b->open.empty()) {
    b->root = std::move(done);
  } else {
    b->open.back().children.push_back(std::move(done));
  }
}

void on_text(void* data, const XML_Char* s, int len) {
  auto* b = static_cast<Builder*>(data);
  if (!b->open.empty()) b->open.back().text.append(s, static_cast<std::size_t>(len));
}

void on_doctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  static_cast<Builder*>(data)->stop("a DOCTYPE declaration is not allowed");
}

Error xml_error(std::string message) {
  return Error{"InvalidInput", std::move(message), ""};
}

}  // namespace

const XmlElement* XmlElement::child(std::string_view child_ns, std::string_view child_name) const {
  auto it = std::find_if(children.begin(), children.end(),
                         [&](const XmlElement& c) { return c.ns == child_ns && c.name == child_name; });
  return it == children.end() ? nullptr : &*it;
}

const XmlAttribute* XmlElement::attribute(std::string_view attr_ns, std::string_view attr_name) const {
  auto it = std::find_if(attributes.begin(), attributes.end(),
                         [&](const XmlAttribute& a) { return a.ns == attr_ns && a.name == attr_name; });
  return it == attributes.end() ? nullptr : &*it;
}

Result<XmlElement> read_xml(std::string_view text) {
  std::unique_ptr<XML_ParserStruct, ParserDeleter> parser(XML_ParserCreateNS(nullptr, kNsSeparator));
  if (!parser) return xml_error("out of memory");
  Builder b;
  b.parser = parser.get();
  XML_SetUserData(parser.get(), &b);
  XML_SetElementHandler(parser.get(), on_start, on_end);
  XML_SetCharacterDataHandler(parser.get(), on_text);
  XML_SetStartDoctypeDeclHandler(parser.get(), on_doctype);
  // Fed in slices: XML_Parse takes an int length.
  constexpr std::size_t kSlice = 1 << 20;
  std::size_t at = 0;
  XML_Status status = XML_STATUS_OK;
  do {
    std::size_t n = std::min(kSlice, text.size() - at);
    bool last = at + n == text.size();
    status = XML_Parse(parser.get(), text.data() + at, static_cast<int>(n), last ? XML_TRUE : XML_FALSE);
    at += n;
  } while (status == XML_STATUS_OK && at < text.size());
  if (status != XML_STATUS_OK || !b.root) {
    std::string where = "line " + std::to_string(XML_GetCurrentLineNumber(parser.get())) + ", column " +
                        std::to_string(XML_GetCurrentColumnNumber(parser.get())) + ": ";
    if (!b.refusal.empty()) return xml_error(where + b.refusal);
    if (status == XML_STATUS_OK) return xml_error(where + "no root element");
    return xml_error(where + XML_ErrorString(XML_GetErrorCode(parser.get())));
  }
  return std::move(*b.root);
}

}  // namespace iamd::formats

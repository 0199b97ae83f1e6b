// XML output in the layout AWS's Query services use: one element per line, two-space
// indentation, text XML-escaped. The writer only appends; it never parses.
// Thread-safety: a value type; one writer per response.
#pragma once

#include <string>
#include <string_view>

namespace iamd::protocol {

// Appends `text` as XML character data. `&`, `<` and `>` become entities and CR becomes
// `&#xD;` (a raw CR would be normalized away by the client's parser). Characters XML 1.0
// cannot carry at all (other C0 controls, invalid UTF-8) become U+FFFD, so the document is
// always well-formed; the models' patterns keep such characters out of stored values.
void append_xml_escaped(std::string& out, std::string_view text);

// RFC 3986 percent-encoding of every byte outside A-Z a-z 0-9 - _ . ~ (space is %20), the
// form AWS uses for policy documents inside responses (api.md §3).
std::string url_encode(std::string_view text);

class XmlWriter {
 public:
  // Opens an element; `xmlns` (if non-empty) becomes its default-namespace attribute.
  void open(std::string_view name, std::string_view xmlns = {});
  // Closes the innermost open element; an element that got no content is rewritten as
  // `<Name/>`.
  void close(std::string_view name);
  // `<Name>text</Name>` with `text` escaped.
  void leaf(std::string_view name, std::string_view text);
  // `<Name/>`.
  void empty(std::string_view name);

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void indent();
  std::string out_;
  int depth_ = 0;
  std::size_t open_end_ = std::string::npos;  // size of out_ right after the last open()
};

}  // namespace iamd::protocol

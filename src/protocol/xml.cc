#include "protocol/xml.h"

#include "common/strings.h"

namespace iamd::protocol {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// Length of the valid UTF-8 sequence at s[i], or 0.
std::size_t valid_sequence(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t len = common::utf8_sequence_length(b0);
  if (b0 >= 0x80 && len == 1) return 0;
  if (i + len > s.size()) return 0;
  char32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1F) : len == 3 ? (b0 & 0x0F) : (b0 & 0x07);
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  // U+FFFE and U+FFFF are not XML characters either.
  if (cp == 0xFFFE || cp == 0xFFFF) return 0;
  return len;
}

}  // namespace

// Printable ASCII that goes out as it is (no '&', '<', '>').
constexpr bool is_plain(unsigned char c) {
  return c >= 0x20 && c < 0x80 && c != '&' && c != '<' && c != '>';
}

void append_xml_escaped(std::string& out, std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    // Runs of plain characters (nearly all of an answer) are appended at once.
    std::size_t run = i;
    while (run < text.size() && is_plain(static_cast<unsigned char>(text[run]))) ++run;
    if (run != i) {
      out.append(text.data() + i, run - i);
      i = run;
      if (i == text.size()) break;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '\r':
          out += "&#xD;";
          break;
        case '\t':
        case '\n':
          out.push_back(static_cast<char>(c));
          break;
        default:
          if (c < 0x20) {
            out += kReplacement;
          } else {
            out.push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    std::size_t len = valid_sequence(text, i);
    if (len == 0) {
      out += kReplacement;
      ++i;
    } else {
      out.append(text.substr(i, len));
      i += len;
    }
  }
}

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3 / 2);
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

void XmlWriter::indent() {
  out_.append(static_cast<std::size_t>(depth_) * 2, ' ');
}

void XmlWriter::open(std::string_view name, std::string_view xmlns) {
  indent();
  out_.push_back('<');
  out_.append(name);
  if (!xmlns.empty()) {
    out_.append(" xmlns=\"");
    append_xml_escaped(out_, xmlns);
    out_.push_back('"');
  }
  out_.append(">\n");
  ++depth_;
  open_end_ = out_.size();
}

void XmlWriter::close(std::string_view name) {
  --depth_;
  if (open_end_ == out_.size()) {
    out_.resize(out_.size() - 2);  // ">\n"
    out_.append("/>\n");
  } else {
    indent();
    out_.append("</");
    out_.append(name);
    out_.append(">\n");
  }
  open_end_ = std::string::npos;
}

void XmlWriter::leaf(std::string_view name, std::string_view text) {
  indent();
  out_.push_back('<');
  out_.append(name);
  out_.push_back('>');
  append_xml_escaped(out_, text);
  out_.append("</");
  out_.append(name);
  out_.append(">\n");
}

void XmlWriter::empty(std::string_view name) {
  indent();
  out_.push_back('<');
  out_.append(name);
  out_.append("/>\n");
}

}  // namespace iamd::protocol

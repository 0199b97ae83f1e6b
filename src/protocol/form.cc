#include "protocol/form.h"

#include <algorithm>

namespace iamd::protocol {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if ((b0 & 0xE0) == 0xC0) {
      len = 2, cp = b0 & 0x1F, min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
      len = 3, cp = b0 & 0x0F, min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
      len = 4, cp = b0 & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

// Decodes one name or value; false on a malformed escape.
bool decode_component(std::string_view text, std::string& out) {
  out.clear();
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      if (text.size() - i < 3) return false;
      int hi = hex_value(text[i + 1]);
      int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return true;
}

}  // namespace

common::Error malformed_query_string(std::string message) {
  return common::Error{"MalformedQueryString", std::move(message), {}};
}

common::Result<void> parse_form(std::string_view text, const FormLimits& limits, std::vector<Param>& out) {
  if (text.size() > limits.max_bytes) {
    return malformed_query_string("The request is larger than " + std::to_string(limits.max_bytes) + " bytes.");
  }
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('&', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view pair = text.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;
    if (out.size() >= limits.max_params) {
      return malformed_query_string("The request has more than " + std::to_string(limits.max_params) + " parameters.");
    }
    std::size_t eq = pair.find('=');
    std::string_view raw_name = pair.substr(0, eq);
    std::string_view raw_value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    Param p;
    if (!decode_component(raw_name, p.name) || !decode_component(raw_value, p.value)) {
      return malformed_query_string("The request contains a malformed percent-encoding.");
    }
    if (p.name.empty()) return malformed_query_string("The request contains a parameter without a name.");
    if (p.name.size() > limits.max_name_bytes) {
      return malformed_query_string("The request contains a parameter name longer than " +
                                    std::to_string(limits.max_name_bytes) + " bytes.");
    }
    if (!valid_utf8(p.name) || !valid_utf8(p.value)) {
      return malformed_query_string("The request contains a parameter that is not valid UTF-8.");
    }
    out.push_back(std::move(p));
  }
  return {};
}

common::Result<Params> decode_form(std::string_view query, std::string_view body, const FormLimits& limits) {
  if (query.size() > limits.max_bytes || body.size() > limits.max_bytes - query.size()) {
    return malformed_query_string("The request is larger than " + std::to_string(limits.max_bytes) + " bytes.");
  }
  std::vector<Param> params;
  if (auto r = parse_form(query, limits, params); !r) return r.error();
  if (auto r = parse_form(body, limits, params); !r) return r.error();
  return Params::from(std::move(params));
}

common::Result<Params> Params::from(std::vector<Param> params) {
  std::sort(params.begin(), params.end(), [](const Param& a, const Param& b) { return a.name < b.name; });
  for (std::size_t i = 1; i < params.size(); ++i) {
    if (params[i].name == params[i - 1].name) {
      return malformed_query_string("The parameter " + params[i].name + " is given more than once.");
    }
  }
  return Params(std::move(params));
}

std::vector<Param>::const_iterator Params::lower_bound(std::string_view name) const {
  return std::lower_bound(items_.begin(), items_.end(), name,
                          [](const Param& p, std::string_view n) { return std::string_view(p.name) < n; });
}

const std::string* Params::find(std::string_view name) const {
  auto it = lower_bound(name);
  return it != items_.end() && it->name == name ? &it->value : nullptr;
}

bool Params::has_prefix(std::string_view prefix) const {
  auto it = lower_bound(prefix);
  return it != items_.end() && std::string_view(it->name).starts_with(prefix);
}

std::vector<std::uint32_t> Params::list_indices(std::string_view prefix, bool exact) const {
  constexpr std::uint32_t kMaxIndex = 1000000;
  std::vector<std::uint32_t> indices;
  for (auto it = lower_bound(prefix); it != items_.end() && std::string_view(it->name).starts_with(prefix); ++it) {
    std::string_view rest = std::string_view(it->name).substr(prefix.size());
    std::size_t digits = 0;
    std::uint32_t n = 0;
    while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9' && n <= kMaxIndex) {
      n = n * 10 + static_cast<std::uint32_t>(rest[digits] - '0');
      ++digits;
    }
    if (digits == 0 || rest[0] == '0' || n > kMaxIndex) continue;
    std::string_view tail = rest.substr(digits);
    if (exact ? !tail.empty() : (tail.size() < 2 || tail[0] != '.')) continue;
    indices.push_back(n);
  }
  std::sort(indices.begin(), indices.end());
  indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
  return indices;
}

}  // namespace iamd::protocol

#include "common/wildcard.h"

#include "common/strings.h"

namespace iamd::common {

namespace {
bool needs_escape(char c) {
  return c == kStar || c == kAnyChar || c == kEscape;
}
}  // namespace

std::string encode_glob(std::string_view pattern) {
  std::string out;
  out.reserve(pattern.size());
  for (char c : pattern) {
    if (c == '*') {
      out.push_back(kStar);
    } else if (c == '?') {
      out.push_back(kAnyChar);
    } else {
      if (needs_escape(c)) out.push_back(kEscape);
      out.push_back(c);
    }
  }
  return out;
}

void append_literal(std::string& encoded, std::string_view text) {
  for (char c : text) {
    if (needs_escape(c)) encoded.push_back(kEscape);
    encoded.push_back(c);
  }
}

std::string encode_literal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_literal(out, text);
  return out;
}

bool has_wildcard(std::string_view encoded) {
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] == kEscape) {
      ++i;
    } else if (encoded[i] == kStar || encoded[i] == kAnyChar) {
      return true;
    }
  }
  return false;
}

std::string decode_glob(std::string_view encoded) {
  std::string out;
  out.reserve(encoded.size());
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    char c = encoded[i];
    if (c == kEscape && i + 1 < encoded.size()) {
      out.push_back(encoded[++i]);
    } else if (c == kStar) {
      out.push_back('*');
    } else if (c == kAnyChar) {
      out.push_back('?');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Glob::Glob(std::string encoded) : encoded_(std::move(encoded)) {
  // Count wildcards and note where the stars are.
  int stars = 0, others = 0;
  bool leading = false, trailing = false;
  std::string literal;
  for (std::size_t i = 0; i < encoded_.size(); ++i) {
    char c = encoded_[i];
    if (c == kEscape && i + 1 < encoded_.size()) {
      literal.push_back(encoded_[++i]);
    } else if (c == kStar) {
      ++stars;
      leading = leading || i == 0;
      trailing = trailing || i + 1 == encoded_.size();
    } else if (c == kAnyChar) {
      ++others;
    } else {
      literal.push_back(c);
    }
  }
  if (others > 0) {
    shape_ = Shape::kGeneral;
  } else if (stars == 0) {
    shape_ = Shape::kExact;
  } else if (literal.empty()) {
    shape_ = Shape::kAny;
  } else if (stars == 1 && trailing) {
    shape_ = Shape::kPrefix;
  } else if (stars == 1 && leading) {
    shape_ = Shape::kSuffix;
  } else {
    shape_ = Shape::kGeneral;
  }
  literal_ = std::move(literal);
}

bool glob_match(std::string_view p, std::string_view t) {
  std::size_t pi = 0;
  std::size_t ti = 0;
  std::size_t star_p = std::string_view::npos;
  std::size_t star_t = 0;
  while (ti < t.size()) {
    if (pi < p.size()) {
      char c = p[pi];
      if (c == kStar) {
        star_p = ++pi;
        star_t = ti;
        continue;
      }
      if (c == kAnyChar) {
        ++pi;
        ti += utf8_sequence_length(static_cast<unsigned char>(t[ti]));
        if (ti > t.size()) ti = t.size();
        continue;
      }
      std::size_t advance = 1;
      if (c == kEscape && pi + 1 < p.size()) {
        c = p[pi + 1];
        advance = 2;
      }
      if (c == t[ti]) {
        pi += advance;
        ++ti;
        continue;
      }
    }
    if (star_p != std::string_view::npos) {
      // Backtrack: let the last star swallow one more character.
      pi = star_p;
      ti = ++star_t;
      continue;
    }
    return false;
  }
  while (pi < p.size() && p[pi] == kStar) ++pi;
  return pi == p.size();
}

}  // namespace iamd::common

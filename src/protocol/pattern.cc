#include "protocol/pattern.h"

#include <algorithm>

namespace iamd::protocol::detail {

namespace {

constexpr char32_t kReplacement = 0xFFFD;

bool in_class(std::uint16_t index, char32_t c) {
  const CharClass& cls = kPatternClasses[index];
  const CodeRange* begin = kPatternRanges + cls.first;
  const CodeRange* end = begin + cls.count;
  const CodeRange* it =
      std::upper_bound(begin, end, c, [](char32_t value, const CodeRange& r) { return value < r.lo; });
  return it != begin && c <= (it - 1)->hi;
}

// One Pike VM run. `mark_[pc] == stamp` means pc is already on the list being built.
class Vm {
 public:
  Vm(const PatternInfo& pattern, const std::vector<char32_t>& text)
      : p_(pattern), text_(text), mark_(pattern.size, 0) {}

  bool run() {
    std::vector<std::uint32_t> current;
    std::vector<std::uint32_t> next;
    add(current, 0, 0);
    for (std::size_t pos = 0;; ++pos) {
      next.clear();
      for (std::uint32_t pc : current) {
        const PatternInst& inst = p_.program[pc];
        if (inst.op == PatternOp::kMatch && pos == text_.size()) return true;
        if (inst.op == PatternOp::kClass && pos < text_.size() && in_class(inst.a, text_[pos])) {
          add(next, pc + 1, pos + 1);
        }
      }
      if (pos == text_.size() || next.empty()) return false;
      current.swap(next);
    }
  }

 private:
  // Adds pc and everything reachable from it without consuming input, at position `pos`.
  void add(std::vector<std::uint32_t>& list, std::uint32_t pc, std::size_t pos) {
    const std::uint32_t stamp = static_cast<std::uint32_t>(pos) + 1;
    stack_.push_back(pc);
    while (!stack_.empty()) {
      std::uint32_t x = stack_.back();
      stack_.pop_back();
      if (mark_[x] == stamp) continue;
      mark_[x] = stamp;
      const PatternInst& inst = p_.program[x];
      switch (inst.op) {
        case PatternOp::kClass:
        case PatternOp::kMatch:
          list.push_back(x);
          break;
        case PatternOp::kSplit:
          stack_.push_back(inst.b);
          stack_.push_back(inst.a);
          break;
        case PatternOp::kJump:
          stack_.push_back(inst.a);
          break;
        case PatternOp::kNotAhead:
          if (pos == text_.size() || !in_class(inst.a, text_[pos])) stack_.push_back(x + 1);
          break;
        case PatternOp::kBegin:
          if (pos == 0) stack_.push_back(x + 1);
          break;
        case PatternOp::kEnd:
          if (pos == text_.size()) stack_.push_back(x + 1);
          break;
      }
    }
  }

  const PatternInfo& p_;
  const std::vector<char32_t>& text_;
  std::vector<std::uint32_t> mark_;
  std::vector<std::uint32_t> stack_;
};

}  // namespace

void decode_utf8(std::string_view text, std::vector<char32_t>& out) {
  out.clear();
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    if (b0 < 0x80) {
      out.push_back(b0);
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
    }
    bool ok = len != 0 && i + len <= text.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
      const auto b = static_cast<unsigned char>(text[i + k]);
      if ((b & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (b & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if (ok && (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))) ok = false;
    if (ok) {
      out.push_back(cp);
      i += len;
    } else {
      out.push_back(kReplacement);
      ++i;
    }
  }
}

bool pattern_matches(std::uint32_t index, const std::vector<char32_t>& text) {
  if (index >= kPatternCount) return false;
  return Vm(kPatterns[index], text).run();
}

}  // namespace iamd::protocol::detail

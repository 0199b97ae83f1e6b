// The service models' `pattern` constraints, matched the way AWS's validator does: the whole
// value must match (Java `Matcher.matches()`), over Unicode code points.
//
// tools/gen_protocol.py compiles every model pattern once, at build time, into a small
// Thompson-NFA program over code-point classes (\w, \d, \p{L}... and \uXXXX ranges expanded
// into sorted range tables; the translation rules are in the generator's docstring). This file
// runs such a program as a Pike VM: time is O(length x program size) whatever the input, so no
// pattern can be driven into catastrophic backtracking, and nothing recurses per character.
// Thread-safety: the tables are immutable; matching uses only the caller's scratch space.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace iamd::protocol::detail {

enum class PatternOp : std::uint8_t {
  kClass,     // consume one code point in class `a`, continue at pc + 1
  kSplit,     // continue at both `a` and `b`
  kJump,      // continue at `a`
  kNotAhead,  // zero-width: the next code point (if any) is not in class `a` (Java `(?!x)`)
  kBegin,     // zero-width: at the start of the value (`^`)
  kEnd,       // zero-width: at the end of the value (`$`)
  kMatch,
};

struct PatternInst {
  PatternOp op;
  std::uint16_t a;
  std::uint16_t b;
};

struct CodeRange {
  char32_t lo;
  char32_t hi;  // inclusive
};

// A class is a run of sorted, disjoint, non-adjacent ranges in the range table.
struct CharClass {
  std::uint32_t first;
  std::uint32_t count;
};

struct PatternInfo {
  std::string_view text;  // the pattern as the model spells it (quoted in messages)
  const PatternInst* program;
  std::uint32_t size;
};

// The generated tables (protocol/model_tables.cc in the build tree).
extern const CodeRange kPatternRanges[];
extern const CharClass kPatternClasses[];
extern const PatternInfo kPatterns[];
extern const std::uint32_t kPatternCount;

// Decodes UTF-8 into code points; each byte of an invalid sequence becomes U+FFFD, so the
// result is defined for any bytes.
void decode_utf8(std::string_view text, std::vector<char32_t>& out);

// True when the whole of `text` matches pattern number `index`.
bool pattern_matches(std::uint32_t index, const std::vector<char32_t>& text);

}  // namespace iamd::protocol::detail

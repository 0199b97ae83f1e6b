// The condition operator vocabulary, defined once (X-macro) and everything else derived.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace iamd::condition {

enum class Family { kString, kNumeric, kDate, kBool, kBinary, kIp, kArn, kNull };
// The positive comparison an operator performs; negated operators use the same comparison.
enum class Compare {
  kEquals,
  kEqualsIgnoreCase,
  kLike,
  kLessThan,
  kLessThanEquals,
  kGreaterThan,
  kGreaterThanEquals,
  kInRange,
  kNull
};

// X(name, family, compare, negated, variables-substituted)
#define IAMD_CONDITION_OPERATORS(X)                                       \
  X(StringEquals, kString, kEquals, false, true)                          \
  X(StringNotEquals, kString, kEquals, true, true)                        \
  X(StringEqualsIgnoreCase, kString, kEqualsIgnoreCase, false, true)      \
  X(StringNotEqualsIgnoreCase, kString, kEqualsIgnoreCase, true, true)    \
  X(StringLike, kString, kLike, false, true)                              \
  X(StringNotLike, kString, kLike, true, true)                            \
  X(NumericEquals, kNumeric, kEquals, false, false)                       \
  X(NumericNotEquals, kNumeric, kEquals, true, false)                     \
  X(NumericLessThan, kNumeric, kLessThan, false, false)                   \
  X(NumericLessThanEquals, kNumeric, kLessThanEquals, false, false)       \
  X(NumericGreaterThan, kNumeric, kGreaterThan, false, false)             \
  X(NumericGreaterThanEquals, kNumeric, kGreaterThanEquals, false, false) \
  X(DateEquals, kDate, kEquals, false, false)                             \
  X(DateNotEquals, kDate, kEquals, true, false)                           \
  X(DateLessThan, kDate, kLessThan, false, false)                         \
  X(DateLessThanEquals, kDate, kLessThanEquals, false, false)             \
  X(DateGreaterThan, kDate, kGreaterThan, false, false)                   \
  X(DateGreaterThanEquals, kDate, kGreaterThanEquals, false, false)       \
  X(Bool, kBool, kEquals, false, true)                                    \
  X(BinaryEquals, kBinary, kEquals, false, false)                         \
  X(IpAddress, kIp, kInRange, false, false)                               \
  X(NotIpAddress, kIp, kInRange, true, false)                             \
  X(ArnEquals, kArn, kLike, false, true)                                  \
  X(ArnLike, kArn, kLike, false, true)                                    \
  X(ArnNotEquals, kArn, kLike, true, true)                                \
  X(ArnNotLike, kArn, kLike, true, true)                                  \
  X(Null, kNull, kNull, false, false)

enum class Operator {
#define IAMD_X(name, family, compare, negated, variables) k##name,
  IAMD_CONDITION_OPERATORS(IAMD_X)
#undef IAMD_X
};

struct OperatorInfo {
  Operator op;
  std::string_view name;
  Family family;
  Compare compare;
  bool negated;
  bool variables;  // policy variables are substituted in this operator's values
};

enum class SetQualifier { kNone, kForAllValues, kForAnyValue };

// A full operator as written in a policy: [ForAllValues:|ForAnyValue:]<Operator>[IfExists].
struct OperatorSpec {
  const OperatorInfo* info = nullptr;
  SetQualifier qualifier = SetQualifier::kNone;
  bool if_exists = false;
};

const OperatorInfo& info(Operator op);
// All operators, in declaration order (for round-trip tests and documentation).
std::span<const OperatorInfo> all_operators();
// Case-insensitive lookup of a bare operator name ("stringequals" -> StringEquals).
const OperatorInfo* find_operator(std::string_view name);
// Parses a full operator name; nullopt when it is not one (Null takes no IfExists).
std::optional<OperatorSpec> parse_operator(std::string_view text);

}  // namespace iamd::condition

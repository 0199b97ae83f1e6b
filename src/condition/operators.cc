#include "condition/operators.h"

#include "common/strings.h"

namespace iamd::condition {

namespace {
constexpr OperatorInfo kOperators[] = {
#define IAMD_X(name, family, compare, negated, variables) \
  {Operator::k##name, #name, Family::family, Compare::compare, negated, variables},
    IAMD_CONDITION_OPERATORS(IAMD_X)
#undef IAMD_X
};
}  // namespace

const OperatorInfo& info(Operator op) {
  return kOperators[static_cast<int>(op)];
}

std::span<const OperatorInfo> all_operators() {
  return {kOperators, sizeof kOperators / sizeof kOperators[0]};
}

const OperatorInfo* find_operator(std::string_view name) {
  for (const OperatorInfo& o : kOperators) {
    if (common::iequals(o.name, name)) return &o;
  }
  return nullptr;
}

std::optional<OperatorSpec> parse_operator(std::string_view text) {
  OperatorSpec spec;
  constexpr std::string_view kAll = "ForAllValues:";
  constexpr std::string_view kAny = "ForAnyValue:";
  if (common::starts_with_icase(text, kAll)) {
    spec.qualifier = SetQualifier::kForAllValues;
    text.remove_prefix(kAll.size());
  } else if (common::starts_with_icase(text, kAny)) {
    spec.qualifier = SetQualifier::kForAnyValue;
    text.remove_prefix(kAny.size());
  }
  constexpr std::string_view kIfExists = "IfExists";
  if (const OperatorInfo* o = find_operator(text)) {
    spec.info = o;
    return spec;
  }
  if (text.size() > kIfExists.size() && common::iequals(text.substr(text.size() - kIfExists.size()), kIfExists)) {
    const OperatorInfo* o = find_operator(text.substr(0, text.size() - kIfExists.size()));
    if (o != nullptr && o->family != Family::kNull) {
      spec.info = o;
      spec.if_exists = true;
      return spec;
    }
  }
  return std::nullopt;
}

}  // namespace iamd::condition

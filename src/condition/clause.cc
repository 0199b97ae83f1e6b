#include "condition/clause.h"

#include "arn/arn.h"
#include "common/strings.h"
#include "common/wildcard.h"

namespace iamd::condition {

namespace {

// Per-thread scratch for variable expansion: grows once, then evaluation does not allocate.
std::string& scratch() {
  thread_local std::string buffer;
  return buffer;
}
std::array<std::string, 6>& arn_scratch() {
  thread_local std::array<std::string, 6> buffers;
  return buffers;
}

template <class T>
bool ordered(Compare c, const T& v, const T& p) {
  switch (c) {
    case Compare::kEquals:
      return v == p;
    case Compare::kLessThan:
      return v < p;
    case Compare::kLessThanEquals:
      return v <= p;
    case Compare::kGreaterThan:
      return v > p;
    case Compare::kGreaterThanEquals:
      return v >= p;
    default:
      return false;
  }
}

}  // namespace

Clause Clause::compile(std::string_view op_text, const OperatorSpec& spec, std::string_view key,
                       const std::vector<std::string>& raw_values, bool variables) {
  Clause c;
  c.op_text_ = std::string(op_text);
  c.spec_ = spec;
  c.key_ = std::string(key);
  c.key_lower_ = common::to_lower(key);
  c.hash_ = common::hash_lower(key);
  const OperatorInfo& info = *spec.info;
  bool vars = variables && info.variables;
  for (const std::string& raw : raw_values) {
    PolicyValue v;
    v.raw = raw;
    switch (info.family) {
      case Family::kString:
        v.text = Template::compile(raw, info.compare == Compare::kLike ? Template::Mode::kGlob : Template::Mode::kPlain,
                                   vars);
        break;
      case Family::kBool:
        v.text = Template::compile(raw, Template::Mode::kPlain, vars);
        break;
      case Family::kArn: {
        // Split before substituting, so a variable can never move a segment boundary.
        std::array<std::string_view, 6> parts;
        if (arn::split6(raw, parts)) {
          for (std::size_t i = 0; i < 6; ++i) v.arn[i] = Template::compile(parts[i], Template::Mode::kGlob, vars);
        } else {
          v.arn_shaped = false;
        }
        break;
      }
      case Family::kNumeric: {
        auto n = parse_number(raw);
        v.valid = n.has_value();
        v.number = n.value_or(0);
        break;
      }
      case Family::kDate: {
        auto d = parse_date(raw);
        v.valid = d.has_value();
        if (d) v.date = *d;
        break;
      }
      case Family::kIp: {
        auto r = parse_ip_range(raw);
        v.valid = r.has_value();
        if (r) v.ip = *r;
        break;
      }
      case Family::kBinary:
        v.valid = common::base64_decode(raw, v.bytes);
        break;
      case Family::kNull:
        if (common::iequals(raw, "true")) {
          v.null_expect_absent = true;
        } else if (!common::iequals(raw, "false")) {
          v.valid = false;
        }
        break;
    }
    c.values_.push_back(std::move(v));
  }
  return c;
}

Clause::Match Clause::compare(const PolicyValue& p, std::string_view value, const Context& context,
                              EvalSink& sink) const {
  const OperatorInfo& info = *spec_.info;
  if (!p.valid) {
    sink.diagnose(key_, op_text_, "policy value cannot be read as the operator's type");
    return Match::kInvalid;
  }
  switch (info.family) {
    case Family::kString:
    case Family::kBool: {
      std::string_view pattern;
      std::string& buf = scratch();
      if (p.text.has_variables()) {
        buf.clear();
        if (!p.text.expand(context, buf, &sink)) {
          return Match::kNo;
        }
        pattern = buf;
      } else {
        pattern = p.text.constant();
      }
      bool m = false;
      if (info.family == Family::kBool) {
        m = common::iequals(value, pattern);
      } else if (info.compare == Compare::kEquals) {
        m = value == pattern;
      } else if (info.compare == Compare::kEqualsIgnoreCase) {
        m = common::iequals(value, pattern);
      } else if (p.text.has_variables()) {
        m = common::glob_match(pattern, value);
      } else {
        m = p.text.glob().match(value);
      }
      return m ? Match::kYes : Match::kNo;
    }
    case Family::kArn: {
      if (!p.arn_shaped) return Match::kNo;
      std::array<std::string_view, 6> parts;
      if (!arn::split6(value, parts)) return Match::kNo;
      auto& bufs = arn_scratch();
      for (std::size_t i = 0; i < 6; ++i) {
        if (!p.arn[i].has_variables()) {
          if (!p.arn[i].glob().match(parts[i])) return Match::kNo;
          continue;
        }
        bufs[i].clear();
        if (!p.arn[i].expand(context, bufs[i], &sink)) {
          return Match::kNo;
        }
        if (!common::glob_match(bufs[i], parts[i])) return Match::kNo;
      }
      return Match::kYes;
    }
    case Family::kNumeric: {
      auto v = parse_number(value);
      if (!v) {
        sink.diagnose(key_, op_text_, "context value is not a number");
        return Match::kInvalid;
      }
      return ordered(info.compare, *v, p.number) ? Match::kYes : Match::kNo;
    }
    case Family::kDate: {
      auto v = parse_date(value);
      if (!v) {
        sink.diagnose(key_, op_text_, "context value is not a date");
        return Match::kInvalid;
      }
      return ordered(info.compare, *v, p.date) ? Match::kYes : Match::kNo;
    }
    case Family::kIp: {
      auto v = parse_ip_range(value);
      if (!v) {
        sink.diagnose(key_, op_text_, "context value is not an IP address");
        return Match::kInvalid;
      }
      return ip_in_range(*v, p.ip) ? Match::kYes : Match::kNo;
    }
    case Family::kBinary: {
      std::string& buf = scratch();
      if (!common::base64_decode(value, buf)) {
        sink.diagnose(key_, op_text_, "context value is not base64");
        return Match::kInvalid;
      }
      return buf == p.bytes ? Match::kYes : Match::kNo;
    }
    case Family::kNull:
      break;
  }
  return Match::kNo;
}

bool Clause::holds_for(std::string_view value, const Context& context, EvalSink& sink) const {
  const bool negated = spec_.info->negated;
  for (const PolicyValue& p : values_) {
    Match m = compare(p, value, context, sink);
    if (negated) {
      // "matches none of them": an unreadable value fails closed.
      if (m == Match::kYes || m == Match::kInvalid) return false;
    } else if (m == Match::kYes) {
      return true;
    }
  }
  return negated;
}

void Clause::note_missing(const Context& context, EvalSink& sink) const {
  if (context.find(key_lower_, hash_) == nullptr) sink.missing(key_);
  for (const PolicyValue& v : values_) {
    v.text.note_missing(context, sink);
    for (const Template& t : v.arn) t.note_missing(context, sink);
  }
}

bool Clause::evaluate(const Context& context, EvalSink& sink) const {
  const Context::Entry* e = context.find(key_lower_, hash_);
  if (e == nullptr) sink.missing(key_);
  if (spec_.info->family == Family::kNull) {
    bool present = e != nullptr;
    for (const PolicyValue& p : values_) {
      if (!p.valid) {
        sink.diagnose(key_, op_text_, "Null takes \"true\" or \"false\"");
        continue;
      }
      if (p.null_expect_absent != present) return true;
    }
    return false;
  }
  if (e == nullptr) {
    if (spec_.if_exists) return true;
    switch (spec_.qualifier) {
      case SetQualifier::kForAllValues:
        return true;
      case SetQualifier::kForAnyValue:
        return false;
      case SetQualifier::kNone:
        return spec_.info->negated;
    }
  }
  switch (spec_.qualifier) {
    case SetQualifier::kForAllValues:
      for (const std::string& v : e->values) {
        if (!holds_for(v, context, sink)) return false;
      }
      return true;
    case SetQualifier::kForAnyValue:
      for (const std::string& v : e->values) {
        if (holds_for(v, context, sink)) return true;
      }
      return false;
    case SetQualifier::kNone:
      // A plain operator on a multivalued key never matches (evaluation.md §4.2 [IMPL]).
      if (e->multi || e->values.size() != 1) {
        sink.diagnose(key_, op_text_, "a multivalued key needs ForAllValues or ForAnyValue");
        return false;
      }
      return holds_for(e->values[0], context, sink);
  }
  return false;
}

}  // namespace iamd::condition

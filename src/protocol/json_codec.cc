#include "protocol/json_codec.h"

#include <charconv>
#include <cstdio>
#include <limits>

#include "common/strings.h"
#include "protocol/pattern.h"

namespace iamd::protocol::detail {

namespace {

void check_string(JsonDecodeContext& ctx, const ShapeInfo& shape, const std::string& path, const std::string& value,
                  std::size_t byte_length) {
  if (shape.enum_count > 0) {
    bool found = false;
    for (std::uint16_t i = 0; i < shape.enum_count; ++i) {
      if (ctx.model.enums[shape.enum_first + i] == value) found = true;
    }
    if (!found) ctx.failures.push_back(JsonFailure{kInvalidEnum, path});
  }
  if (!shape.has_min && !shape.has_max && shape.pattern < 0) return;
  std::int64_t length = 0;
  if (shape.kind == Kind::kBlob) {
    length = static_cast<std::int64_t>(byte_length);
  } else {
    decode_utf8(value, ctx.scratch);
    length = static_cast<std::int64_t>(ctx.scratch.size());
  }
  if (shape.has_min && length < shape.min) ctx.failures.push_back(JsonFailure{kMinLengthExceeded, path});
  if (shape.has_max && length > shape.max) ctx.failures.push_back(JsonFailure{kMaxLengthExceeded, path});
  if (shape.pattern >= 0 && shape.kind != Kind::kBlob &&
      !pattern_matches(static_cast<std::uint32_t>(shape.pattern), ctx.scratch)) {
    ctx.failures.push_back(JsonFailure{kInvalidPattern, path});
  }
}

// A JSON number that is an integer in decimal (no fraction, no exponent).
std::optional<std::int64_t> parse_integer(const std::string& text) {
  std::int64_t n = 0;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(first, last, n);
  if (ec != std::errc() || ptr != last || text.empty()) return std::nullopt;
  return n;
}

// "1.5" -> {1, 500000000}; "-0.25" -> {-1, 750000000}; exponents allowed ("1.7E9").
std::optional<common::Timestamp> parse_epoch_seconds(const std::string& text) {
  if (auto whole = parse_integer(text)) return common::Timestamp{*whole, 0};
  double d = 0;
  const char* last = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), last, d);
  // Beyond +-2^62 seconds a double has no sub-second digits left and the year is absurd.
  if (ec != std::errc() || ptr != last || !(d > -4.6e18 && d < 4.6e18)) return std::nullopt;
  const double floor = d < 0 && static_cast<double>(static_cast<std::int64_t>(d)) != d
                           ? static_cast<double>(static_cast<std::int64_t>(d) - 1)
                           : static_cast<double>(static_cast<std::int64_t>(d));
  common::Timestamp t{static_cast<std::int64_t>(floor), static_cast<std::int32_t>((d - floor) * 1e9 + 0.5)};
  if (t.nanos >= 1000000000) {
    t.seconds += 1;
    t.nanos -= 1000000000;
  }
  return t;
}

}  // namespace

std::string_view reason_message(std::string_view reason) {
  // The texts of AWS's InvalidInputException reason list; INVALID_PATTERN's as observed on
  // the wire ("does not", where the reference now writes "doesn't").
  if (reason == kInputRequired) return "You must include a value for all required parameters.";
  if (reason == kInvalidEnum) return "You specified an invalid value.";
  if (reason == kInvalidPattern) return "You provided a value that does not match the required pattern.";
  if (reason == kMinLengthExceeded) return "You provided a string parameter that is shorter than allowed.";
  if (reason == kMaxLengthExceeded) return "You provided a string parameter that is longer than allowed.";
  if (reason == kMinValueExceeded) return "You provided a numeric parameter that has a smaller value than allowed.";
  if (reason == kMaxValueExceeded) return "You provided a numeric parameter that has a larger value than allowed.";
  if (reason == kInvalidListMember) {
    return "You provided a list to a parameter that contains at least one invalid value.";
  }
  return "You specified an invalid value.";
}

common::Error json_validation_error(const std::vector<JsonFailure>& failures) {
  const JsonFailure& f = failures.front();
  return common::Error{"InvalidInputException", std::string(reason_message(f.reason)), f.path, std::string(f.reason)};
}

void json_type_error(JsonDecodeContext& ctx, const std::string& path, std::string_view expected) {
  if (ctx.type_error) return;
  // [UNCERTAIN] Coral's texts name Jackson's token types; this names the member and what it
  // must be.
  ctx.type_error = serialization_exception("The value of '" + path + "' must be " + std::string(expected) + ".");
}

void json_decode(JsonDecodeContext& ctx, const ShapeInfo& shape, const JsonNode& node, const std::string& path,
                 std::string& out) {
  if (node.type != JsonNode::Type::kString) {
    return json_type_error(ctx, path, shape.kind == Kind::kBlob ? "a base64 string" : "a string");
  }
  if (shape.kind == Kind::kBlob) {
    if (!common::base64_decode(node.text, out)) {
      out.clear();
      return json_type_error(ctx, path, "a base64 string");
    }
    check_string(ctx, shape, path, node.text, out.size());
    return;
  }
  out = node.text;
  check_string(ctx, shape, path, out, out.size());
}

void json_decode(JsonDecodeContext& ctx, const ShapeInfo& shape, const JsonNode& node, const std::string& path,
                 std::int64_t& out) {
  std::optional<std::int64_t> n;
  if (node.type == JsonNode::Type::kNumber) n = parse_integer(node.text);
  // The model's `integer` is a Java int.
  if (n && shape.kind == Kind::kInteger &&
      (*n < std::numeric_limits<std::int32_t>::min() || *n > std::numeric_limits<std::int32_t>::max())) {
    n.reset();
  }
  if (!n) return json_type_error(ctx, path, shape.kind == Kind::kInteger ? "an integer" : "a long integer");
  out = *n;
  if (shape.has_min && *n < shape.min) ctx.failures.push_back(JsonFailure{kMinValueExceeded, path});
  if (shape.has_max && *n > shape.max) ctx.failures.push_back(JsonFailure{kMaxValueExceeded, path});
}

void json_decode(JsonDecodeContext& ctx, const ShapeInfo&, const JsonNode& node, const std::string& path, bool& out) {
  if (node.type != JsonNode::Type::kBool) return json_type_error(ctx, path, "a boolean");
  out = node.boolean;
}

void json_decode(JsonDecodeContext& ctx, const ShapeInfo&, const JsonNode& node, const std::string& path,
                 common::Timestamp& out) {
  std::optional<common::Timestamp> t;
  if (node.type == JsonNode::Type::kNumber) t = parse_epoch_seconds(node.text);
  if (!t) return json_type_error(ctx, path, "a timestamp in epoch seconds");
  out = *t;
}

void flatten_value(std::vector<Param>& out, const ShapeInfo& shape, const std::string& name, const std::string& v) {
  out.push_back(Param{name, shape.kind == Kind::kBlob ? common::base64_encode(v) : v});
}

void flatten_value(std::vector<Param>& out, const ShapeInfo&, const std::string& name, std::int64_t v) {
  out.push_back(Param{name, std::to_string(v)});
}

void flatten_value(std::vector<Param>& out, const ShapeInfo&, const std::string& name, bool v) {
  out.push_back(Param{name, v ? "true" : "false"});
}

void flatten_value(std::vector<Param>& out, const ShapeInfo&, const std::string& name, const common::Timestamp& v) {
  out.push_back(Param{name, common::format_iso8601(v)});
}

void json_encode(std::string& out, const ShapeInfo& shape, const std::string& v) {
  if (shape.kind == Kind::kBlob) {
    append_json_text(out, common::base64_encode(v));
  } else {
    append_json_text(out, v);
  }
}

void json_encode(std::string& out, const ShapeInfo&, std::int64_t v) {
  out += std::to_string(v);
}

void json_encode(std::string& out, const ShapeInfo&, bool v) {
  out += v ? "true" : "false";
}

void json_encode(std::string& out, const ShapeInfo&, const common::Timestamp& v) {
  common::Timestamp t = v;
  if (t.nanos < 0 || t.nanos >= 1000000000) {  // normalise a hand-built value
    t.seconds += t.nanos / 1000000000;
    t.nanos %= 1000000000;
    if (t.nanos < 0) {
      t.nanos += 1000000000;
      t.seconds -= 1;
    }
  }
  if (t.nanos == 0) {
    out += std::to_string(t.seconds);
    return;
  }
  // seconds + nanos/1e9 in decimal: a negative time with a fraction is -(|s| - 1).(1e9 - n).
  std::int64_t whole = t.seconds;
  std::int32_t frac = t.nanos;
  if (whole < 0) {
    out += '-';
    whole = -(whole + 1);
    frac = 1000000000 - frac;
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%09d", static_cast<int>(frac));
  std::string digits(buf);
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  out += std::to_string(whole);
  out += '.';
  out += digits;
}

}  // namespace iamd::protocol::detail

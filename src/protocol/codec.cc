#include "protocol/codec.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include "common/strings.h"
#include "protocol/pattern.h"

namespace iamd::protocol::detail {

namespace {

// STS messages name the value except for sensitive members (passwords, private keys), where
// AWS writes "Value at '<path>'" so the secret never reaches a log; IAM messages never name
// it [OBS, aws-recorded-errors.md].
std::string value_prefix(const ServiceModel& model, const ShapeInfo& shape, std::string_view rendered) {
  if (shape.sensitive || !model.show_values) return "Value at '";
  std::string s = "Value '";
  s += rendered;
  s += "' at '";
  return s;
}

std::string number_constraint(std::string_view relation, std::int64_t bound) {
  std::string s = "Member must have ";
  s += relation;
  s += std::to_string(bound);
  return s;
}

std::string enum_constraint(const ServiceModel& model, const ShapeInfo& shape) {
  std::string set = "Member must satisfy enum value set";
  if (!model.list_enum_values) return set;
  set += ": [";
  for (std::uint16_t i = 0; i < shape.enum_count; ++i) {
    if (i > 0) set += ", ";
    set += model.enums[shape.enum_first + i];
  }
  set += ']';
  return set;
}

// java.lang.String.hashCode of an ASCII name, spread as java.util.HashMap.hash() does.
std::uint32_t java_hash(std::string_view name) {
  std::uint32_t h = 0;
  for (char c : name) h = 31 * h + static_cast<unsigned char>(c);
  return h ^ (h >> 16);
}

void check_string(DecodeContext& ctx, const ShapeInfo& shape, const std::string& path, const std::string& value,
                  std::size_t byte_length) {
  if (shape.enum_count > 0) {
    bool found = false;
    for (std::uint16_t i = 0; i < shape.enum_count; ++i) {
      if (ctx.model.enums[shape.enum_first + i] == value) found = true;
    }
    if (!found) ctx.failures.push_back(failure(ctx.model, shape, path, value, enum_constraint(ctx.model, shape)));
  }
  if (!shape.has_min && !shape.has_max && shape.pattern < 0) return;
  std::int64_t length = 0;
  if (shape.kind == Kind::kBlob) {
    length = static_cast<std::int64_t>(byte_length);
  } else {
    decode_utf8(value, ctx.scratch);
    length = static_cast<std::int64_t>(ctx.scratch.size());
  }
  if (shape.has_min && length < shape.min) {
    ctx.failures.push_back(
        failure(ctx.model, shape, path, value, number_constraint("length greater than or equal to ", shape.min)));
  }
  if (shape.has_max && length > shape.max) {
    ctx.failures.push_back(
        failure(ctx.model, shape, path, value, number_constraint("length less than or equal to ", shape.max)));
  }
  if (shape.pattern >= 0 && shape.kind != Kind::kBlob &&
      !pattern_matches(static_cast<std::uint32_t>(shape.pattern), ctx.scratch)) {
    std::string c = "Member must satisfy regular expression pattern: ";
    c += kPatterns[shape.pattern].text;
    ctx.failures.push_back(failure(ctx.model, shape, path, value, c));
  }
}

void check_range(DecodeContext& ctx, const ShapeInfo& shape, const std::string& path, std::int64_t value) {
  if (shape.has_min && value < shape.min) {
    ctx.failures.push_back(failure(ctx.model, shape, path, std::to_string(value),
                                   number_constraint("value greater than or equal to ", shape.min)));
  }
  if (shape.has_max && value > shape.max) {
    ctx.failures.push_back(failure(ctx.model, shape, path, std::to_string(value),
                                   number_constraint("value less than or equal to ", shape.max)));
  }
}

}  // namespace

void append_path_name(std::string& path, std::string_view member_name) {
  if (member_name.empty()) return;
  char first = member_name[0];
  path.push_back(first >= 'A' && first <= 'Z' ? static_cast<char>(first - 'A' + 'a') : first);
  path.append(member_name.substr(1));
}

// [UNCERTAIN] IAM's "Value at" for a missing member: by analogy with its other messages and
// with the services that never show values (CloudWatch Logs, Cognito); STS "Value null at".
std::string null_failure(const ServiceModel& model, const std::string& path) {
  return (model.show_values ? "Value null at '" : "Value at '") + path +
         "' failed to satisfy constraint: Member must not be null";
}

std::string failure(const ServiceModel& model, const ShapeInfo& shape, const std::string& path,
                    std::string_view rendered, std::string_view constraint) {
  std::string s = value_prefix(model, shape, rendered);
  s += path;
  s += "' failed to satisfy constraint: ";
  s += constraint;
  return s;
}

std::optional<std::string> list_length_failure(const ServiceModel& model, const ShapeInfo& shape,
                                               const std::string& path, std::string_view rendered, std::size_t count) {
  const auto n = static_cast<std::int64_t>(count);
  if (shape.has_min && n < shape.min) {
    return failure(model, shape, path, rendered, number_constraint("length greater than or equal to ", shape.min));
  }
  if (shape.has_max && n > shape.max) {
    return failure(model, shape, path, rendered, number_constraint("length less than or equal to ", shape.max));
  }
  return std::nullopt;
}

std::string list_members_failure(const ServiceModel& model, const ShapeInfo& list, const std::string& path,
                                 std::string_view rendered) {
  const ShapeInfo& m = model.shapes[list.member];
  const bool numeric = m.kind == Kind::kInteger || m.kind == Kind::kLong;
  std::vector<std::string> parts;
  // [UNCERTAIN] where an enum goes among them: no recorded list of enums.
  if (m.enum_count > 0) parts.push_back(enum_constraint(model, m));
  if (m.has_max) {
    parts.push_back(
        number_constraint(numeric ? "value less than or equal to " : "length less than or equal to ", m.max));
  }
  if (m.has_min) {
    parts.push_back(
        number_constraint(numeric ? "value greater than or equal to " : "length greater than or equal to ", m.min));
  }
  if (m.pattern >= 0) {
    std::string c = "Member must satisfy regular expression pattern: ";
    c += kPatterns[m.pattern].text;
    parts.push_back(std::move(c));
  }
  if (list.members_not_null) parts.emplace_back("Member must not be null");
  std::string constraint = "Member must satisfy constraint: [";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) constraint += ", ";
    constraint += parts[i];
  }
  constraint += ']';
  ShapeInfo shown = list;
  shown.sensitive = list.sensitive || m.sensitive;
  return failure(model, shown, path, rendered, constraint);
}

void order_like_aws(std::vector<std::string>& failures,
                    const std::vector<std::pair<std::string_view, std::size_t>>& spans, std::size_t member_count) {
  std::size_t capacity = 16;
  while (member_count * 4 > capacity * 3) capacity *= 2;
  struct Span {
    std::uint32_t bucket;
    std::size_t begin;
    std::size_t end;
  };
  std::vector<Span> order;
  order.reserve(spans.size());
  std::string name;
  for (std::size_t i = 0; i < spans.size(); ++i) {
    name.clear();
    append_path_name(name, spans[i].first);
    const std::size_t end = i + 1 < spans.size() ? spans[i + 1].second : failures.size();
    order.push_back({static_cast<std::uint32_t>(java_hash(name) & (capacity - 1)), spans[i].second, end});
  }
  std::stable_sort(order.begin(), order.end(), [](const Span& a, const Span& b) { return a.bucket < b.bucket; });
  std::vector<std::string> reordered;
  reordered.reserve(failures.size() - spans.front().second);
  for (const Span& sp : order) {
    for (std::size_t k = sp.begin; k < sp.end; ++k) reordered.push_back(std::move(failures[k]));
  }
  std::move(reordered.begin(), reordered.end(), failures.begin() + static_cast<std::ptrdiff_t>(spans.front().second));
}

bool decode_value(DecodeContext& ctx, const ShapeInfo& shape, const std::string& key, const std::string& path,
                  std::string& out) {
  const std::string* v = ctx.params.find(key);
  if (v == nullptr) return false;
  if (shape.kind == Kind::kBlob) {
    // Blobs travel base64-encoded (api.md §2); the handler gets the bytes.
    if (!common::base64_decode(*v, out)) {
      ctx.failures.push_back(failure(ctx.model, shape, path, *v, "Member must be base64-encoded"));
      out.clear();
      return true;
    }
    check_string(ctx, shape, path, *v, out.size());
    return true;
  }
  check_string(ctx, shape, path, *v, v->size());
  out = *v;
  return true;
}

bool decode_value(DecodeContext& ctx, const ShapeInfo& shape, const std::string& key, const std::string& path,
                  std::int64_t& out) {
  const std::string* v = ctx.params.find(key);
  if (v == nullptr) return false;
  std::int64_t n = 0;
  const char* first = v->data();
  const char* last = v->data() + v->size();
  auto [ptr, ec] = std::from_chars(first, last, n);
  bool ok = ec == std::errc() && ptr == last && !v->empty();
  // The model's `integer` is a Java int.
  if (ok && shape.kind == Kind::kInteger &&
      (n < std::numeric_limits<std::int32_t>::min() || n > std::numeric_limits<std::int32_t>::max())) {
    ok = false;
  }
  if (!ok) {
    ctx.failures.push_back(failure(ctx.model, shape, path, *v, "Member must be an integer"));
    return true;
  }
  out = n;
  check_range(ctx, shape, path, n);
  return true;
}

bool decode_value(DecodeContext& ctx, const ShapeInfo& shape, const std::string& key, const std::string& path,
                  bool& out) {
  const std::string* v = ctx.params.find(key);
  if (v == nullptr) return false;
  if (common::iequals(*v, "true")) {
    out = true;
  } else if (common::iequals(*v, "false")) {
    out = false;
  } else {
    ctx.failures.push_back(failure(ctx.model, shape, path, *v, "Member must be a boolean (true or false)"));
  }
  return true;
}

bool decode_value(DecodeContext& ctx, const ShapeInfo& shape, const std::string& key, const std::string& path,
                  common::Timestamp& out) {
  const std::string* v = ctx.params.find(key);
  if (v == nullptr) return false;
  if (auto t = common::parse_aws_date(*v)) {
    out = *t;
  } else {
    ctx.failures.push_back(failure(ctx.model, shape, path, *v, "Member must be an ISO 8601 timestamp"));
  }
  return true;
}

void render_value(std::string& out, const std::string& v) {
  out += v;
}
void render_value(std::string& out, std::int64_t v) {
  out += std::to_string(v);
}
void render_value(std::string& out, bool v) {
  out += v ? "true" : "false";
}
void render_value(std::string& out, const common::Timestamp& v) {
  out += common::format_iso8601(v);
}

void encode_value(EncodeContext& ctx, const ShapeInfo& shape, std::string_view name, bool, const std::string& v) {
  if (shape.kind == Kind::kBlob) {
    ctx.w.leaf(name, common::base64_encode(v));
  } else if (shape.url_encoded) {
    ctx.w.leaf(name, url_encode(v));
  } else {
    ctx.w.leaf(name, v);
  }
}

void encode_value(EncodeContext& ctx, const ShapeInfo&, std::string_view name, bool, std::int64_t v) {
  ctx.w.leaf(name, std::to_string(v));
}

void encode_value(EncodeContext& ctx, const ShapeInfo&, std::string_view name, bool, bool v) {
  ctx.w.leaf(name, v ? "true" : "false");
}

void encode_value(EncodeContext& ctx, const ShapeInfo&, std::string_view name, bool, const common::Timestamp& v) {
  ctx.w.leaf(name, common::format_iso8601(v));
}

void begin_response(XmlWriter& w, const ServiceModel& model, std::string_view operation) {
  std::string root(operation);
  root += "Response";
  w.open(root, service_info(model.service).xml_namespace);
}

std::string end_response(XmlWriter& w, std::string_view operation, std::string_view request_id) {
  w.open("ResponseMetadata");
  w.leaf("RequestId", request_id);
  w.close("ResponseMetadata");
  std::string root(operation);
  root += "Response";
  w.close(root);
  return w.take();
}

}  // namespace iamd::protocol::detail

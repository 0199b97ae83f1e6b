#include "protocol/codec.h"

#include <charconv>
#include <limits>

#include "common/strings.h"
#include "protocol/pattern.h"

namespace iamd::protocol::detail {

namespace {

// Every message names the value except for sensitive members (passwords, private keys),
// where AWS writes "Value at '<path>'" so the secret never reaches a log.
std::string value_prefix(const ShapeInfo& shape, std::string_view rendered) {
  if (shape.sensitive) return "Value at '";
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

void check_string(DecodeContext& ctx, const ShapeInfo& shape, const std::string& path, const std::string& value,
                  std::size_t byte_length) {
  if (shape.enum_count > 0) {
    bool found = false;
    std::string set = "Member must satisfy enum value set: [";
    for (std::uint16_t i = 0; i < shape.enum_count; ++i) {
      std::string_view e = ctx.model.enums[shape.enum_first + i];
      if (e == value) found = true;
      if (i > 0) set += ", ";
      set += e;
    }
    set += ']';
    if (!found) ctx.failures.push_back(failure(shape, path, value, set));
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
        failure(shape, path, value, number_constraint("length greater than or equal to ", shape.min)));
  }
  if (shape.has_max && length > shape.max) {
    ctx.failures.push_back(failure(shape, path, value, number_constraint("length less than or equal to ", shape.max)));
  }
  if (shape.pattern >= 0 && shape.kind != Kind::kBlob &&
      !pattern_matches(static_cast<std::uint32_t>(shape.pattern), ctx.scratch)) {
    std::string c = "Member must satisfy regular expression pattern: ";
    c += kPatterns[shape.pattern].text;
    ctx.failures.push_back(failure(shape, path, value, c));
  }
}

void check_range(DecodeContext& ctx, const ShapeInfo& shape, const std::string& path, std::int64_t value) {
  if (shape.has_min && value < shape.min) {
    ctx.failures.push_back(
        failure(shape, path, std::to_string(value), number_constraint("value greater than or equal to ", shape.min)));
  }
  if (shape.has_max && value > shape.max) {
    ctx.failures.push_back(
        failure(shape, path, std::to_string(value), number_constraint("value less than or equal to ", shape.max)));
  }
}

}  // namespace

void append_path_name(std::string& path, std::string_view member_name) {
  if (member_name.empty()) return;
  char first = member_name[0];
  path.push_back(first >= 'A' && first <= 'Z' ? static_cast<char>(first - 'A' + 'a') : first);
  path.append(member_name.substr(1));
}

std::string null_failure(const std::string& path) {
  return "Value null at '" + path + "' failed to satisfy constraint: Member must not be null";
}

std::string failure(const ShapeInfo& shape, const std::string& path, std::string_view rendered,
                    std::string_view constraint) {
  std::string s = value_prefix(shape, rendered);
  s += path;
  s += "' failed to satisfy constraint: ";
  s += constraint;
  return s;
}

std::optional<std::string> list_length_failure(const ShapeInfo& shape, const std::string& path,
                                               std::string_view rendered, std::size_t count) {
  const auto n = static_cast<std::int64_t>(count);
  if (shape.has_min && n < shape.min) {
    return failure(shape, path, rendered, number_constraint("length greater than or equal to ", shape.min));
  }
  if (shape.has_max && n > shape.max) {
    return failure(shape, path, rendered, number_constraint("length less than or equal to ", shape.max));
  }
  return std::nullopt;
}

bool decode_value(DecodeContext& ctx, const ShapeInfo& shape, const std::string& key, const std::string& path,
                  std::string& out) {
  const std::string* v = ctx.params.find(key);
  if (v == nullptr) return false;
  if (shape.kind == Kind::kBlob) {
    // Blobs travel base64-encoded (api.md §2); the handler gets the bytes.
    if (!common::base64_decode(*v, out)) {
      ctx.failures.push_back(failure(shape, path, *v, "Member must be base64-encoded"));
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
    ctx.failures.push_back(failure(shape, path, *v, "Member must be an integer"));
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
    ctx.failures.push_back(failure(shape, path, *v, "Member must be a boolean (true or false)"));
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
    ctx.failures.push_back(failure(shape, path, *v, "Member must be an ISO 8601 timestamp"));
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

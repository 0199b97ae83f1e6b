// The JSON 1.1 half of the codec (AWS JSON 1.1: Organizations), over the same generated
// tables and Visit<T> as the Query half (protocol/codec.h): one decoder from the request's
// JSON tree (protocol/json.h) into the generated request structures, one JSON encoder of
// results, the flattening of a decoded request into Query-form Params for the operation
// hooks, and dispatch by operation name. Nothing here is specific to an operation.
//
// Decoding (awsJson1_1, as botocore serializes it): a structure is a JSON object keyed by
// member name; unknown keys are ignored, as AWS does; null counts as absent [IMPL]. Strings
// and enums are JSON strings, blobs base64 strings, integers and longs JSON integers
// (an `integer` within Java's int range), booleans true/false, timestamps numbers of epoch
// seconds (fractions kept to the nanosecond), lists arrays, maps objects. A value of the wrong
// JSON type -> SerializationException (the body does not deserialize; reported before any
// constraint). Then the model's constraints, as Organizations answers them (below).
//
// Organizations answers a constraint failure with InvalidInputException and a Reason, whose
// message is the reason's text (AWS's documented reason list, InvalidInputException in the
// Organizations API reference): [OBS] "You provided a value that does not match the required
// pattern." for DescribeAccount with an AccountId off its pattern (InvalidInputException;
// github.com/aws-ia/terraform-aws-control_tower_account_factory issue 287). It does not send
// the Coral "1 validation error detected: ..." text. [UNCERTAIN] the other reasons' messages
// are the documented texts; which failure is reported when several members fail (the
// first in model order here); a list's own length (MIN_/MAX_LENGTH_EXCEEDED) and a list of
// scalars with an invalid element (INVALID_LIST_MEMBER).
//
// Internal to the protocol module, like codec.h.
// Thread-safety: the tables are immutable; decoding and encoding use per-call state only.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "protocol/codec.h"
#include "protocol/form.h"
#include "protocol/json.h"
#include "protocol/json_rpc.h"
#include "protocol/response.h"

namespace iamd::protocol::detail {

// The Organizations model's tables (generated: protocol/organizations.cc in the build tree),
// for tests.
extern const ServiceModel kOrganizationsServiceModel;

// ---- decoding -------------------------------------------------------------------------------

// One constraint failure: the Reason and the member's path ("tags.1.member.key", the Query
// form's message path, kept for tests and diagnostics; AWS's answer does not name it).
struct JsonFailure {
  std::string_view reason;
  std::string path;
};

struct JsonDecodeContext {
  const ServiceModel& model;
  std::optional<common::Error> type_error;  // the first SerializationException
  std::vector<JsonFailure> failures;        // in visiting order
  std::vector<char32_t> scratch;
};

// Reasons and their messages (Organizations' InvalidInputException).
inline constexpr std::string_view kInputRequired = "INPUT_REQUIRED";
inline constexpr std::string_view kInvalidEnum = "INVALID_ENUM";
inline constexpr std::string_view kInvalidPattern = "INVALID_PATTERN";
inline constexpr std::string_view kMinLengthExceeded = "MIN_LENGTH_EXCEEDED";
inline constexpr std::string_view kMaxLengthExceeded = "MAX_LENGTH_EXCEEDED";
inline constexpr std::string_view kMinValueExceeded = "MIN_VALUE_EXCEEDED";
inline constexpr std::string_view kMaxValueExceeded = "MAX_VALUE_EXCEEDED";
inline constexpr std::string_view kInvalidListMember = "INVALID_LIST_MEMBER";
std::string_view reason_message(std::string_view reason);
// The answer for the failures of a request (not empty): InvalidInputException with the
// first failure's Reason and message.
common::Error json_validation_error(const std::vector<JsonFailure>& failures);

// A SerializationException for a value of the wrong JSON type at `path`.
void json_type_error(JsonDecodeContext& ctx, const std::string& path, std::string_view expected);

// Scalar decoders: `node` is present and not null.
void json_decode(JsonDecodeContext& ctx, const ShapeInfo& shape, const JsonNode& node, const std::string& path,
                 std::string& out);
void json_decode(JsonDecodeContext& ctx, const ShapeInfo& shape, const JsonNode& node, const std::string& path,
                 std::int64_t& out);
void json_decode(JsonDecodeContext& ctx, const ShapeInfo& shape, const JsonNode& node, const std::string& path,
                 bool& out);
void json_decode(JsonDecodeContext& ctx, const ShapeInfo& shape, const JsonNode& node, const std::string& path,
                 common::Timestamp& out);
template <class T>
void json_decode(JsonDecodeContext& ctx, const ShapeInfo& shape, const JsonNode& node, const std::string& path,
                 std::optional<T>& out);
template <ModelStruct T>
void json_decode(JsonDecodeContext& ctx, const ShapeInfo& shape, const JsonNode& node, const std::string& path, T& out);
template <class T>
void json_decode(JsonDecodeContext& ctx, const ShapeInfo& shape, const JsonNode& node, const std::string& path,
                 std::vector<T>& out);
template <class K, class V>
void json_decode(JsonDecodeContext& ctx, const ShapeInfo& shape, const JsonNode& node, const std::string& path,
                 std::vector<std::pair<K, V>>& out);

class JsonDecoder {
 public:
  JsonDecoder(JsonDecodeContext& ctx, const JsonNode& object, std::string path_prefix)
      : ctx_(ctx), object_(object), path_prefix_(std::move(path_prefix)) {}

  template <class T>
  void operator()(const MemberInfo& m, T& field) {
    std::string path = path_prefix_;
    append_path_name(path, m.name);
    const JsonNode* node = object_.find(m.wire);
    if (node == nullptr || node->type == JsonNode::Type::kNull) {
      if (m.required) ctx_.failures.push_back(JsonFailure{kInputRequired, std::move(path)});
      return;
    }
    json_decode(ctx_, ctx_.model.shapes[m.shape], *node, path, field);
  }

 private:
  JsonDecodeContext& ctx_;
  const JsonNode& object_;
  std::string path_prefix_;
};

template <class T>
void json_decode(JsonDecodeContext& ctx, const ShapeInfo& shape, const JsonNode& node, const std::string& path,
                 std::optional<T>& out) {
  T value{};
  json_decode(ctx, shape, node, path, value);
  out = std::move(value);
}

template <ModelStruct T>
void json_decode(JsonDecodeContext& ctx, const ShapeInfo&, const JsonNode& node, const std::string& path, T& out) {
  if (node.type != JsonNode::Type::kObject) return json_type_error(ctx, path, "an object");
  JsonDecoder d(ctx, node, path + ".");
  Visit<T>::members(d, out);
}

// The message path of element i (1-based) is `name.i.member`, as in the Query half.
template <class T>
void json_decode(JsonDecodeContext& ctx, const ShapeInfo& shape, const JsonNode& node, const std::string& path,
                 std::vector<T>& out) {
  if (node.type != JsonNode::Type::kArray) return json_type_error(ctx, path, "an array");
  const ShapeInfo& element = ctx.model.shapes[shape.member];
  const std::size_t first_failure = ctx.failures.size();
  out.clear();
  out.resize(node.items.size());
  for (std::size_t i = 0; i < node.items.size(); ++i) {
    const std::string element_path = path + "." + std::to_string(i + 1) + ".member";
    if (node.items[i].type == JsonNode::Type::kNull) {
      json_type_error(ctx, element_path, "a list element");
      continue;
    }
    json_decode(ctx, element, node.items[i], element_path, out[i]);
  }
  const auto n = static_cast<std::int64_t>(out.size());
  std::optional<JsonFailure> length;
  if (shape.has_min && n < shape.min) length = JsonFailure{kMinLengthExceeded, path};
  if (shape.has_max && n > shape.max) length = JsonFailure{kMaxLengthExceeded, path};
  // A list of scalars with an invalid element is reported once, for the whole list.
  if (!ModelStruct<T> && ctx.failures.size() != first_failure) {
    ctx.failures.resize(first_failure);
    ctx.failures.push_back(JsonFailure{kInvalidListMember, path});
  }
  if (length) ctx.failures.insert(ctx.failures.begin() + static_cast<std::ptrdiff_t>(first_failure), *length);
}

// Entries in document order; the path of entry i is `name.i.entry.key` / `.value`.
template <class K, class V>
void json_decode(JsonDecodeContext& ctx, const ShapeInfo& shape, const JsonNode& node, const std::string& path,
                 std::vector<std::pair<K, V>>& out) {
  if (node.type != JsonNode::Type::kObject) return json_type_error(ctx, path, "an object");
  const ShapeInfo& key_shape = ctx.model.shapes[shape.member];
  const ShapeInfo& value_shape = ctx.model.shapes[shape.value];
  out.clear();
  out.resize(node.items.size());
  for (std::size_t i = 0; i < node.items.size(); ++i) {
    const std::string entry = path + "." + std::to_string(i + 1) + ".entry";
    JsonNode key;
    key.type = JsonNode::Type::kString;
    key.text = node.keys[i];
    json_decode(ctx, key_shape, key, entry + ".key", out[i].first);
    if (node.items[i].type == JsonNode::Type::kNull) {
      json_type_error(ctx, entry + ".value", "a map value");
      continue;
    }
    json_decode(ctx, value_shape, node.items[i], entry + ".value", out[i].second);
  }
  const auto n = static_cast<std::int64_t>(out.size());
  if (shape.has_min && n < shape.min) ctx.failures.push_back(JsonFailure{kMinLengthExceeded, path});
  if (shape.has_max && n > shape.max) ctx.failures.push_back(JsonFailure{kMaxLengthExceeded, path});
}

// Decodes `body` (a JSON object) into `request`: a SerializationException for a value of
// the wrong type, else InvalidInputException for the constraint failures, else success.
// `failures` (optional) receives every constraint failure, for tests.
template <class Req>
common::Result<void> decode_json_request(const ServiceModel& model, const JsonNode& body, Req& request,
                                         std::vector<JsonFailure>* failures = nullptr) {
  JsonDecodeContext ctx{model, std::nullopt, {}, {}};
  JsonDecoder d(ctx, body, "");
  Visit<Req>::members(d, request);
  if (failures != nullptr) *failures = ctx.failures;
  if (ctx.type_error) return *ctx.type_error;
  if (!ctx.failures.empty()) return json_validation_error(ctx.failures);
  return {};
}

// ---- flattening a decoded request into Query-form parameters ---------------------------------

// The operation hooks (begin_operation) take the request's members as Params, the same form
// the Query services hand them, so one pipeline reads both: a scalar member `Name`, list
// elements `Name.member.N` (N from 1), structure members `Name.Sub`, map entries
// `Name.entry.N.key` / `.value`; strings as they are, numbers in decimal, booleans
// true/false, timestamps in ISO 8601, blobs in base64.
void flatten_value(std::vector<Param>& out, const ShapeInfo& shape, const std::string& name, const std::string& v);
void flatten_value(std::vector<Param>& out, const ShapeInfo& shape, const std::string& name, std::int64_t v);
void flatten_value(std::vector<Param>& out, const ShapeInfo& shape, const std::string& name, bool v);
void flatten_value(std::vector<Param>& out, const ShapeInfo& shape, const std::string& name,
                   const common::Timestamp& v);

struct Flattener {
  std::vector<Param>& out;
  const ServiceModel& model;
  std::string prefix;

  template <class T>
  void operator()(const MemberInfo& m, const T& field) {
    value(model.shapes[m.shape], prefix + std::string(m.wire), field);
  }

  template <class T>
  void value(const ShapeInfo& shape, const std::string& name, const std::optional<T>& v) {
    if (v) value(shape, name, *v);
  }
  template <ModelStruct T>
  void value(const ShapeInfo&, const std::string& name, const T& v) {
    Flattener inner{out, model, name + "."};
    Visit<T>::members(inner, v);
  }
  template <class T>
  void value(const ShapeInfo& shape, const std::string& name, const std::vector<T>& v) {
    const ShapeInfo& element = model.shapes[shape.member];
    for (std::size_t i = 0; i < v.size(); ++i) {
      value(element, name + "." + std::string(shape.member_name) + "." + std::to_string(i + 1), v[i]);
    }
  }
  template <class K, class V>
  void value(const ShapeInfo& shape, const std::string& name, const std::vector<std::pair<K, V>>& v) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      const std::string entry = name + ".entry." + std::to_string(i + 1);
      value(model.shapes[shape.member], entry + "." + std::string(shape.key_name), v[i].first);
      value(model.shapes[shape.value], entry + "." + std::string(shape.value_name), v[i].second);
    }
  }
  template <class T>
  requires(!ModelStruct<T>) void value(const ShapeInfo& shape, const std::string& name, const T& v) {
    flatten_value(out, shape, name, v);
  }
};

template <class Req>
Params flatten_request(const ServiceModel& model, const Req& request) {
  std::vector<Param> items;
  Flattener f{items, model, ""};
  Visit<Req>::members(f, request);
  // Names follow the model's distinct member names: never repeated.
  return std::move(Params::from(std::move(items))).value();
}

// ---- JSON encoding ---------------------------------------------------------------------------

// Members that are plain (not optional) values are always written; optional members only when
// set. Lists and maps: an empty one is written ([] / {}) when `send_empty` (the member's rule,
// MemberInfo::send_empty, the same as the XML encoder's) or when it is the value of a set
// std::optional, and left out otherwise. Members in model order, no whitespace.
void json_encode(std::string& out, const ShapeInfo& shape, const std::string& v);
void json_encode(std::string& out, const ShapeInfo& shape, std::int64_t v);
void json_encode(std::string& out, const ShapeInfo& shape, bool v);
// Epoch seconds, as botocore's JSON parser reads timestamps: an integer, or with up to nine
// decimals when the time has a fraction (trailing zeros dropped).
void json_encode(std::string& out, const ShapeInfo& shape, const common::Timestamp& v);
template <ModelStruct T>
void json_encode(std::string& out, const ShapeInfo& shape, const T& v, const ServiceModel& model);

struct JsonEncoder {
  std::string& out;
  const ServiceModel& model;
  bool first = true;

  template <class T>
  void operator()(const MemberInfo& m, const T& field) {
    member(m, model.shapes[m.shape], m.send_empty, field);
  }

  template <class T>
  void member(const MemberInfo& m, const ShapeInfo& shape, bool, const std::optional<T>& v) {
    if (v) member(m, shape, true, *v);
  }
  template <class T>
  void member(const MemberInfo& m, const ShapeInfo& shape, bool send_empty, const std::vector<T>& v) {
    if (v.empty() && !send_empty) return;
    key(m);
    value(shape, v);
  }
  template <class T>
  void member(const MemberInfo& m, const ShapeInfo& shape, bool, const T& v) {
    key(m);
    value(shape, v);
  }

  void key(const MemberInfo& m) {
    if (!first) out += ',';
    first = false;
    append_json_text(out, m.wire);
    out += ':';
  }

  template <ModelStruct T>
  void value(const ShapeInfo&, const T& v) {
    out += '{';
    JsonEncoder inner{out, model};
    Visit<T>::members(inner, v);
    out += '}';
  }
  template <class T>
  void value(const ShapeInfo& shape, const std::vector<T>& v) {
    const ShapeInfo& element = model.shapes[shape.member];
    out += '[';
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i > 0) out += ',';
      value(element, v[i]);
    }
    out += ']';
  }
  template <class K, class V>
  void value(const ShapeInfo& shape, const std::vector<std::pair<K, V>>& v) {
    out += '{';
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i > 0) out += ',';
      append_json_text(out, v[i].first);
      out += ':';
      value(model.shapes[shape.value], v[i].second);
    }
    out += '}';
  }
  template <class T>
  requires(!ModelStruct<T>) void value(const ShapeInfo& shape, const T& v) { json_encode(out, shape, v); }
};

template <class Res>
std::string encode_json_result(const ServiceModel& model, const Res& result) {
  std::string out = "{";
  JsonEncoder e{out, model};
  Visit<Res>::members(e, result);
  out += '}';
  return out;
}

// ---- operations ------------------------------------------------------------------------------

template <class Svc>
struct JsonOperationEntry {
  std::string_view name;
  Response (*invoke)(Svc& service, const ServiceModel& model, const JsonOperationEntry& op, const JsonNode& body,
                     std::string_view request_id);
  // Every constraint failure of `body` as this operation's request (tests, diagnostics).
  std::vector<JsonFailure> (*failures)(const ServiceModel& model, const JsonNode& body);
};

template <class Req>
std::vector<JsonFailure> json_failures(const ServiceModel& model, const JsonNode& body) {
  Req request{};
  std::vector<JsonFailure> failures;
  (void)decode_json_request(model, body, request, &failures);
  return failures;
}

// constraint_failures() of a JSON service (generated): (Reason, member path) pairs.
template <class Svc>
std::vector<std::pair<std::string, std::string>> constraint_failures(const ServiceModel& model,
                                                                     std::span<const JsonOperationEntry<Svc>> ops,
                                                                     std::string_view operation,
                                                                     std::string_view body) {
  std::vector<std::pair<std::string, std::string>> out;
  auto it = std::lower_bound(ops.begin(), ops.end(), operation,
                             [](const JsonOperationEntry<Svc>& e, std::string_view a) { return e.name < a; });
  if (it == ops.end() || it->name != operation) return out;
  auto parsed = parse_json_body(body);
  if (!parsed) return out;
  for (JsonFailure& f : it->failures(model, *parsed)) out.emplace_back(std::string(f.reason), std::move(f.path));
  return out;
}

// Decode, validate, call the hooks and the handler, encode: one instantiation per operation.
template <class Svc, class Req, class Res, common::Result<Res> (Svc::*Method)(const Req&)>
Response invoke_json(Svc& service, const ServiceModel& model, const JsonOperationEntry<Svc>& op, const JsonNode& body,
                     std::string_view request_id) {
  Req request{};
  CallNotes* notes = service.call_notes();
  auto failed = [&](const common::Error& e) {
    if (notes != nullptr) notes->error = e;
    return json_error_response(e, request_id);
  };
  if (auto decoded = decode_json_request(model, body, request); !decoded) return failed(decoded.error());
  if (notes != nullptr) notes->request = encode_audit(model, request);
  const Params params = flatten_request(model, request);
  if (auto begun = service.begin_operation(op.name, params); !begun) return failed(begun.error());
  common::Result<Res> result = (service.*Method)(request);
  common::Result<void> outcome;
  if (!result) outcome = result.error();
  if constexpr (!std::is_void_v<Res>) {
    if (notes != nullptr && result) notes->result = encode_audit(model, result.value());
  }
  if (auto ended = service.end_operation(std::move(outcome)); !ended) return failed(ended.error());
  if constexpr (std::is_void_v<Res>) {
    // [IMPL] an operation without output answers an empty object.
    return Response{200, "{}", kJsonContentType};
  } else {
    return Response{200, encode_json_result(model, result.value()), kJsonContentType};
  }
}

// The operation first (UnknownOperationException before the body is read, as AWS JSON
// services answer a target they do not know), then the body, then the operation.
template <class Svc>
Response dispatch_json_operation(Svc& service, const ServiceModel& model, std::span<const JsonOperationEntry<Svc>> ops,
                                 std::string_view operation, std::string_view body, std::string_view request_id) {
  auto it = std::lower_bound(ops.begin(), ops.end(), operation,
                             [](const JsonOperationEntry<Svc>& e, std::string_view a) { return e.name < a; });
  CallNotes* notes = service.call_notes();
  if (it == ops.end() || it->name != operation) {
    const common::Error e = unknown_json_operation(model.service, operation);
    if (notes != nullptr) notes->error = e;
    return json_error_response(e, request_id);
  }
  auto parsed = parse_json_body(body);
  if (!parsed) {
    if (notes != nullptr) notes->error = parsed.error();
    return json_error_response(parsed.error(), request_id);
  }
  return it->invoke(service, model, *it, *parsed, request_id);
}

}  // namespace iamd::protocol::detail

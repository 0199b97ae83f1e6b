// The machinery the generated code (protocol/iam.cc, protocol/sts.cc in the build tree) is
// built from: per-shape metadata tables, one decoder, one XML encoder and one message renderer
// written once as templates over the generated structures, and the operation table that
// dispatch() searches. Nothing here is specific to an operation; tools/gen_protocol.py emits
// only data (shape and member tables) and one small `Visit<T>::members` per structure that
// names its fields in model order.
//
// Internal to the protocol module: handlers and the API layer use protocol/iam.h,
// protocol/sts.h and protocol/query.h.
// Thread-safety: the tables are immutable; decoding and encoding use per-call state only.
#pragma once

#include <algorithm>
#include <concepts>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "protocol/form.h"
#include "protocol/response.h"
#include "protocol/xml.h"

namespace iamd::protocol::detail {

enum class Kind : std::uint8_t { kString, kInteger, kLong, kBoolean, kTimestamp, kBlob, kList, kMap, kStructure };

// One model shape as the codec needs it. Lengths count Unicode code points (bytes for
// blobs); integer ranges are inclusive.
struct ShapeInfo {
  Kind kind;
  bool has_min;
  bool has_max;
  std::int64_t min;
  std::int64_t max;
  std::int32_t pattern;      // index into kPatterns, -1 for none
  bool sensitive;            // the value never appears in messages
  bool url_encoded;          // percent-encoded in responses (policy documents, api.md §3)
  bool flattened;            // list/map without the member/entry wrapper
  bool members_not_null;     // list: AWS names "Member must not be null" among its members' constraints
  std::uint16_t enum_first;  // into ServiceModel::enums
  std::uint16_t enum_count;
  std::uint16_t member;          // list element shape, or map key shape
  std::uint16_t value;           // map value shape
  std::string_view member_name;  // list element name ("member") or map entry name ("entry")
  std::string_view key_name;     // map: "key"
  std::string_view value_name;   // map: "value"
};

struct MemberInfo {
  std::string_view name;  // model member name, for message paths ("UserName" -> "userName")
  std::string_view wire;  // query key and XML element name (locationName, else the name)
  std::uint16_t shape;
  bool required;
  // Lists and maps: an empty one is written as <Name/> rather than left out. The rule is
  // per structure member, from the model and models/empty_lists.txt (tools/gen_protocol.py).
  bool send_empty;
};

struct ServiceModel {
  Service service;
  const ShapeInfo* shapes;
  const std::string_view* enums;
  // How this service's ValidationError messages read (api.md §2, aws-recorded-errors.md):
  // STS names the value ("Value 'x' at 'roleSessionName'"), IAM no longer does ("Value at
  // 'userName'"); IAM's enum failure is the bare "Member must satisfy enum value set", STS
  // lists the values.
  bool show_values;
  bool list_enum_values;
};

struct ErrorStatus {
  std::string_view code;
  int status;
};
// The models' error shapes (IAM and STS), sorted by code: generated.
extern const ErrorStatus kModeledErrors[];
extern const std::size_t kModeledErrorCount;

// Visit<T>::members(visitor, t) calls visitor(MemberInfo, field) for each member of the
// generated structure T in model order; specialised by the generated code.
template <class T>
struct Visit;

template <class T>
concept ModelStruct = requires {
  { T::kShapeName } -> std::convertible_to<std::string_view>;
};

// ---- decoding -------------------------------------------------------------------------------

struct DecodeContext {
  const Params& params;
  const ServiceModel& model;
  std::vector<std::string> failures;  // ValidationError items, in model order
  std::vector<char32_t> scratch;
};

// "userName" from "UserName", appended to `path`.
void append_path_name(std::string& path, std::string_view member_name);
std::string null_failure(const ServiceModel& model, const std::string& path);
// "Value '<rendered>' at '<path>' failed to satisfy constraint: <constraint>"; "Value at
// '<path>' ..." where the service does not show values or the shape is sensitive.
std::string failure(const ServiceModel& model, const ShapeInfo& shape, const std::string& path,
                    std::string_view rendered, std::string_view constraint);
// The length constraint of a list, checked after its elements were decoded.
std::optional<std::string> list_length_failure(const ServiceModel& model, const ShapeInfo& shape,
                                               const std::string& path, std::string_view rendered, std::size_t count);
// A list of scalars with an element that failed is reported once, as the whole list with
// every constraint of its members [OBS, aws-recorded-errors.md: 'tagKeys', 'clientIDList',
// 'thumbprintList']: "Value at 'tagKeys' failed to satisfy constraint: Member must satisfy
// constraint: [Member must have length less than or equal to 128, Member must have length
// greater than or equal to 1, Member must satisfy regular expression pattern: <p>, Member
// must not be null]" (maximum, minimum, pattern, then not null where the list's
// members_not_null says AWS adds it).
std::string list_members_failure(const ServiceModel& model, const ShapeInfo& list, const std::string& path,
                                 std::string_view rendered);
// Orders the failures of one structure's members as AWS does: by the member's bucket in a
// java.util.HashMap keyed by the lower-camel member name (String.hashCode, default capacity
// 16 grown at load factor 0.75 for `member_count` members), members of one bucket in model
// order. [OBS] The two recorded multi-failure answers follow it and neither follows model
// order: UpdateAccountPasswordPolicy lists minimumPasswordLength, passwordReusePrevention,
// maxPasswordAge (model: minimum, maxPasswordAge, passwordReusePrevention);
// CreateOpenIDConnectProvider lists clientIDList, thumbprintList, url (model: Url first).
// [UNCERTAIN] that nested structures (Tag: value before key) and STS order the same way.
// `spans`: (member name, index of its first failure) for the members that failed, in
// visiting order; failures from spans.front().second to the end are reordered in place.
void order_like_aws(std::vector<std::string>& failures,
                    const std::vector<std::pair<std::string_view, std::size_t>>& spans, std::size_t member_count);

// Scalar decoders: each reports whether the member was present and records failures.
bool decode_value(DecodeContext& ctx, const ShapeInfo& shape, const std::string& key, const std::string& path,
                  std::string& out);
bool decode_value(DecodeContext& ctx, const ShapeInfo& shape, const std::string& key, const std::string& path,
                  std::int64_t& out);
bool decode_value(DecodeContext& ctx, const ShapeInfo& shape, const std::string& key, const std::string& path,
                  bool& out);
bool decode_value(DecodeContext& ctx, const ShapeInfo& shape, const std::string& key, const std::string& path,
                  common::Timestamp& out);
template <class T>
bool decode_value(DecodeContext& ctx, const ShapeInfo& shape, const std::string& key, const std::string& path,
                  std::optional<T>& out);
template <ModelStruct T>
bool decode_value(DecodeContext& ctx, const ShapeInfo& shape, const std::string& key, const std::string& path, T& out);
template <class T>
bool decode_value(DecodeContext& ctx, const ShapeInfo& shape, const std::string& key, const std::string& path,
                  std::vector<T>& out);

class Decoder {
 public:
  Decoder(DecodeContext& ctx, std::string key_prefix, std::string path_prefix)
      : ctx_(ctx), key_prefix_(std::move(key_prefix)), path_prefix_(std::move(path_prefix)) {}

  template <class T>
  void operator()(const MemberInfo& m, T& field) {
    std::string key = key_prefix_;
    key += m.wire;
    std::string path = path_prefix_;
    append_path_name(path, m.name);
    const std::size_t before = ctx_.failures.size();
    bool present = decode_value(ctx_, ctx_.model.shapes[m.shape], key, path, field);
    if (!present && m.required) ctx_.failures.push_back(null_failure(ctx_.model, path));
    if (ctx_.failures.size() != before) spans_.emplace_back(m.name, before);
    ++members_;
  }

  // After the structure's last member: puts the failures in AWS's order.
  void finish() {
    if (spans_.size() > 1) order_like_aws(ctx_.failures, spans_, members_);
  }

 private:
  DecodeContext& ctx_;
  std::string key_prefix_;
  std::string path_prefix_;
  std::vector<std::pair<std::string_view, std::size_t>> spans_;
  std::size_t members_ = 0;
};

// ---- rendering values inside messages (Java's List.toString / SDK toString forms) ---------

void render_value(std::string& out, const std::string& v);
void render_value(std::string& out, std::int64_t v);
void render_value(std::string& out, bool v);
void render_value(std::string& out, const common::Timestamp& v);
template <ModelStruct T>
void render_value(std::string& out, const T& v);
template <class T>
void render_value(std::string& out, const std::vector<T>& v);

class Renderer {
 public:
  explicit Renderer(std::string& out) : out_(out) {}
  template <class T>
  void operator()(const MemberInfo& m, const T& field) {
    begin(m);
    render_value(out_, field);
  }
  template <class T>
  void operator()(const MemberInfo& m, const std::optional<T>& field) {
    if (!field) return;
    begin(m);
    render_value(out_, *field);
  }

 private:
  void begin(const MemberInfo& m) {
    if (!first_) out_ += ',';
    first_ = false;
    out_ += m.name;
    out_ += ": ";
  }
  std::string& out_;
  bool first_ = true;
};

template <ModelStruct T>
void render_value(std::string& out, const T& v) {
  out += '{';
  Renderer r(out);
  Visit<T>::members(r, v);
  out += '}';
}

template <class T>
void render_value(std::string& out, const std::vector<T>& v) {
  out += '[';
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += ", ";
    render_value(out, v[i]);
  }
  out += ']';
}

// ---- decoding templates -----------------------------------------------------------------

template <class T>
bool decode_value(DecodeContext& ctx, const ShapeInfo& shape, const std::string& key, const std::string& path,
                  std::optional<T>& out) {
  T value{};
  if (!decode_value(ctx, shape, key, path, value)) return false;
  out = std::move(value);
  return true;
}

template <ModelStruct T>
bool decode_value(DecodeContext& ctx, const ShapeInfo&, const std::string& key, const std::string& path, T& out) {
  std::string prefix = key + ".";
  if (!ctx.params.has_prefix(prefix)) return false;
  Decoder d(ctx, std::move(prefix), path + ".");
  Visit<T>::members(d, out);
  d.finish();
  return true;
}

// A list is present when `Name` is sent (botocore sends `Name=` for an empty list) or any
// element is; elements are `Name.member.N` (`Name.N` when flattened), N from 1, taken in
// ascending N. The message path of element i (1-based position) is `name.i.member`.
template <class T>
bool decode_value(DecodeContext& ctx, const ShapeInfo& shape, const std::string& key, const std::string& path,
                  std::vector<T>& out) {
  std::string base = key + ".";
  if (!shape.flattened) {
    base += shape.member_name;
    base += '.';
  }
  constexpr bool kExact = !ModelStruct<T>;
  std::vector<std::uint32_t> indices = ctx.params.list_indices(base, kExact);
  if (indices.empty() && ctx.params.find(key) == nullptr) return false;
  const ShapeInfo& element = ctx.model.shapes[shape.member];
  std::size_t first_failure = ctx.failures.size();
  out.clear();
  out.resize(indices.size());
  for (std::size_t i = 0; i < indices.size(); ++i) {
    std::string element_key = base + std::to_string(indices[i]);
    std::string element_path = path + "." + std::to_string(i + 1) + ".member";
    (void)decode_value(ctx, element, element_key, element_path, out[i]);
  }
  const bool length_fails = (shape.has_min && static_cast<std::int64_t>(out.size()) < shape.min) ||
                            (shape.has_max && static_cast<std::int64_t>(out.size()) > shape.max);
  const bool members_fail = kExact && ctx.failures.size() != first_failure;
  if (!length_fails && !members_fail) return true;
  std::string rendered;
  if (ctx.model.show_values) render_value(rendered, out);
  if (members_fail) {
    ctx.failures.resize(first_failure);
    ctx.failures.push_back(list_members_failure(ctx.model, shape, path, rendered));
  }
  if (length_fails) {
    // [UNCERTAIN] the list's own length before its members' constraints.
    if (auto f = list_length_failure(ctx.model, shape, path, rendered, out.size())) {
      ctx.failures.insert(ctx.failures.begin() + static_cast<std::ptrdiff_t>(first_failure), std::move(*f));
    }
  }
  return true;
}

// Decodes the top-level members of `request` from `params`; the failures are in model order.
template <class Req>
std::vector<std::string> decode_request(const ServiceModel& model, const Params& params, Req& request) {
  DecodeContext ctx{params, model, {}, {}};
  Decoder d(ctx, "", "");
  Visit<Req>::members(d, request);
  d.finish();
  return std::move(ctx.failures);
}

// ---- XML encoding -----------------------------------------------------------------------

struct EncodeContext {
  XmlWriter& w;
  const ServiceModel& model;
};

// Members that are plain (not optional) values are always written; optional members only
// when set. Lists and maps when non-empty; an empty one as <Name/> when `send_empty` (the
// member's rule, MemberInfo::send_empty: AWS sends <AttachedPolicies/> for an empty listing
// and <MatchedStatements/> in a simulation result, SDKs then show []) or when it is the value
// of a set std::optional (a `handler` member: GetPolicy's <Tags/>), and left out otherwise
// (User.Tags: boto3 then has no key). Scalars ignore `send_empty`.
void encode_value(EncodeContext& ctx, const ShapeInfo& shape, std::string_view name, bool send_empty,
                  const std::string& v);
void encode_value(EncodeContext& ctx, const ShapeInfo& shape, std::string_view name, bool send_empty, std::int64_t v);
void encode_value(EncodeContext& ctx, const ShapeInfo& shape, std::string_view name, bool send_empty, bool v);
void encode_value(EncodeContext& ctx, const ShapeInfo& shape, std::string_view name, bool send_empty,
                  const common::Timestamp& v);
template <class T>
void encode_value(EncodeContext& ctx, const ShapeInfo& shape, std::string_view name, bool send_empty,
                  const std::optional<T>& v);
template <ModelStruct T>
void encode_value(EncodeContext& ctx, const ShapeInfo& shape, std::string_view name, bool send_empty, const T& v);
template <class T>
void encode_value(EncodeContext& ctx, const ShapeInfo& shape, std::string_view name, bool send_empty,
                  const std::vector<T>& v);
template <class K, class V>
void encode_value(EncodeContext& ctx, const ShapeInfo& shape, std::string_view name, bool send_empty,
                  const std::vector<std::pair<K, V>>& v);

class Encoder {
 public:
  explicit Encoder(EncodeContext& ctx) : ctx_(ctx) {}
  template <class T>
  void operator()(const MemberInfo& m, const T& field) {
    encode_value(ctx_, ctx_.model.shapes[m.shape], m.wire, m.send_empty, field);
  }

 private:
  EncodeContext& ctx_;
};

template <class T>
void encode_value(EncodeContext& ctx, const ShapeInfo& shape, std::string_view name, bool, const std::optional<T>& v) {
  if (v) encode_value(ctx, shape, name, true, *v);
}

template <ModelStruct T>
void encode_value(EncodeContext& ctx, const ShapeInfo&, std::string_view name, bool, const T& v) {
  ctx.w.open(name);
  Encoder e(ctx);
  Visit<T>::members(e, v);
  ctx.w.close(name);
}

template <class T>
void encode_value(EncodeContext& ctx, const ShapeInfo& shape, std::string_view name, bool send_empty,
                  const std::vector<T>& v) {
  const ShapeInfo& element = ctx.model.shapes[shape.member];
  if (shape.flattened) {
    for (const T& item : v) encode_value(ctx, element, name, true, item);
    return;
  }
  if (v.empty()) {
    if (send_empty) ctx.w.empty(name);
    return;
  }
  ctx.w.open(name);
  for (const T& item : v) encode_value(ctx, element, shape.member_name, true, item);
  ctx.w.close(name);
}

template <class K, class V>
void encode_value(EncodeContext& ctx, const ShapeInfo& shape, std::string_view name, bool send_empty,
                  const std::vector<std::pair<K, V>>& v) {
  const ShapeInfo& key_shape = ctx.model.shapes[shape.member];
  const ShapeInfo& value_shape = ctx.model.shapes[shape.value];
  std::string_view entry = shape.flattened ? name : shape.member_name;
  if (!shape.flattened) {
    if (v.empty()) {
      if (send_empty) ctx.w.empty(name);
      return;
    }
    ctx.w.open(name);
  }
  for (const auto& [k, val] : v) {
    ctx.w.open(entry);
    encode_value(ctx, key_shape, shape.key_name, true, k);
    encode_value(ctx, value_shape, shape.value_name, true, val);
    ctx.w.close(entry);
  }
  if (!shape.flattened) ctx.w.close(name);
}

// `<OpResponse xmlns=...>` [`<OpResult>`...`</OpResult>`] `<ResponseMetadata>`...
void begin_response(XmlWriter& w, const ServiceModel& model, std::string_view operation);
std::string end_response(XmlWriter& w, std::string_view operation, std::string_view request_id);

template <class Res>
std::string encode_response(const ServiceModel& model, std::string_view operation, std::string_view wrapper,
                            const Res& result, std::string_view request_id) {
  XmlWriter w;
  begin_response(w, model, operation);
  w.open(wrapper);
  EncodeContext ctx{w, model};
  Encoder e(ctx);
  Visit<Res>::members(e, result);
  w.close(wrapper);
  return end_response(w, operation, request_id);
}

// ---- the audit trail's copy (CallNotes) --------------------------------------------------

// A JSON string with its escapes; scalars as the audit writes them (timestamps ISO 8601, blobs
// base64).
void audit_json_text(std::string& out, std::string_view s);
void audit_scalar(std::string& out, const ShapeInfo& shape, const std::string& v);
void audit_scalar(std::string& out, const ShapeInfo& shape, std::int64_t v);
void audit_scalar(std::string& out, const ShapeInfo& shape, bool v);
void audit_scalar(std::string& out, const ShapeInfo& shape, const common::Timestamp& v);

// A request or result as CloudTrail's requestParameters / responseElements: members in model
// order, named in camelCase ("UserName" -> "userName"), absent optionals and empty lists left
// out, secrets (is_secret_member, ShapeInfo::sensitive) replaced by kHiddenValue.
struct AuditEncoder {
  std::string& out;
  const ServiceModel& model;
  bool first = true;

  template <class T>
  void operator()(const MemberInfo& m, const T& field) {
    member(m, model.shapes[m.shape], field);
  }
  template <class T>
  void member(const MemberInfo& m, const ShapeInfo& shape, const std::optional<T>& v) {
    if (v) member(m, shape, *v);
  }
  template <class T>
  void member(const MemberInfo& m, const ShapeInfo& shape, const std::vector<T>& v) {
    if (v.empty()) return;
    if (key(m, shape)) value(shape, v);
  }
  template <class T>
  void member(const MemberInfo& m, const ShapeInfo& shape, const T& v) {
    if (key(m, shape)) value(shape, v);
  }
  // Writes the key; false when the value is a secret (kHiddenValue written instead).
  bool key(const MemberInfo& m, const ShapeInfo& shape) {
    if (!first) out += ',';
    first = false;
    std::string name(m.name);
    if (!name.empty() && name[0] >= 'A' && name[0] <= 'Z') name[0] = static_cast<char>(name[0] - 'A' + 'a');
    audit_json_text(out, name);
    out += ':';
    if (shape.sensitive || is_secret_member(m.name)) {
      audit_json_text(out, kHiddenValue);
      return false;
    }
    return true;
  }
  template <ModelStruct T>
  void value(const ShapeInfo&, const T& v) {
    out += '{';
    AuditEncoder inner{out, model};
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
      audit_json_text(out, v[i].first);
      out += ':';
      value(model.shapes[shape.value], v[i].second);
    }
    out += '}';
  }
  template <class T>
  requires(!ModelStruct<T>) void value(const ShapeInfo& shape, const T& v) { audit_scalar(out, shape, v); }
};

template <class T>
std::string encode_audit(const ServiceModel& model, const T& v) {
  std::string out = "{";
  AuditEncoder e{out, model};
  Visit<T>::members(e, v);
  out += '}';
  return out;
}

// ---- operations -------------------------------------------------------------------------

template <class Svc>
struct OperationEntry {
  std::string_view name;
  std::string_view result_wrapper;  // "CreateUserResult"; empty for operations without output
  Response (*invoke)(Svc& service, const ServiceModel& model, const OperationEntry& op, const Params& params,
                     std::string_view request_id);
};

// Decode, validate, call the handler, encode: one instantiation per operation.
template <class Svc, class Req, class Res, common::Result<Res> (Svc::*Method)(const Req&)>
Response invoke(Svc& service, const ServiceModel& model, const OperationEntry<Svc>& op, const Params& params,
                std::string_view request_id) {
  Req request{};
  CallNotes* notes = service.call_notes();
  auto failed = [&](const common::Error& e) {
    if (notes != nullptr) notes->error = e;
    return error_response(model.service, e, request_id);
  };
  std::vector<std::string> failures = decode_request(model, params, request);
  if (!failures.empty()) return failed(validation_error(failures));
  if (notes != nullptr) notes->request = encode_audit(model, request);
  if (auto begun = service.begin_operation(op.name, params); !begun) return failed(begun.error());
  common::Result<Res> result = (service.*Method)(request);
  common::Result<void> outcome;
  if (!result) outcome = result.error();
  if constexpr (!std::is_void_v<Res>) {
    // Before end_operation: a write's audit record is stored in its transaction.
    if (notes != nullptr && result) notes->result = encode_audit(model, result.value());
  }
  if (auto ended = service.end_operation(std::move(outcome)); !ended) return failed(ended.error());
  if constexpr (std::is_void_v<Res>) {
    XmlWriter w;
    begin_response(w, model, op.name);
    return Response{200, end_response(w, op.name, request_id)};
  } else {
    return Response{200, encode_response(model, op.name, op.result_wrapper, result.value(), request_id)};
  }
}

template <class Svc>
Response dispatch_operation(Svc& service, const ServiceModel& model, std::span<const OperationEntry<Svc>> ops,
                            std::string_view action, const Params& params, std::string_view request_id) {
  auto it = std::lower_bound(ops.begin(), ops.end(), action,
                             [](const OperationEntry<Svc>& e, std::string_view a) { return e.name < a; });
  if (it == ops.end() || it->name != action) {
    const common::Error e = unknown_operation(action, service_info(model.service).api_version);
    if (CallNotes* notes = service.call_notes()) notes->error = e;
    return error_response(model.service, e, request_id);
  }
  return it->invoke(service, model, *it, params, request_id);
}

}  // namespace iamd::protocol::detail

// Step 1 of validation: the JSON shape ("Syntax errors in policy."), building the
// PolicyDocument. The later steps are in validate.cc.
#include "policy/document.h"

#include <set>

#include "common/strings.h"
#include "condition/operators.h"
#include "policy/json.h"
#include "policy/messages.h"

namespace iamd::policy {

namespace {

using common::Error;
using Kind = JsonValue::Kind;

Error syntax(std::string path) {
  return Error{std::string(kMalformed), std::string(kSyntaxError), std::move(path)};
}

std::string child(const std::string& path, std::string_view key) {
  return path + "." + std::string(key);
}
std::string item(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

// The first duplicated key of an object, or nullptr.
const std::string* duplicate_key(const JsonValue& obj) {
  std::set<std::string_view> seen;
  for (const auto& [k, v] : obj.members) {
    if (!seen.insert(k).second) return &k;
  }
  return nullptr;
}

common::Result<void> read_string_list(const JsonValue& v, const std::string& path, bool allow_null, StringList& out) {
  out.present = true;
  out.path = path;
  if (v.is_string()) {
    out.single = true;
    out.values.push_back(v.text);
    out.paths.push_back(path);
    return {};
  }
  if (!v.is_array()) return syntax(path);
  for (std::size_t i = 0; i < v.items.size(); ++i) {
    const JsonValue& e = v.items[i];
    if (e.kind == Kind::kNull && allow_null) continue;  // ignored, as IAM does [OBS]
    if (!e.is_string()) return syntax(item(path, i));
    out.values.push_back(e.text);
    out.paths.push_back(item(path, i));
  }
  return {};
}

common::Result<void> read_principal(const JsonValue& v, const std::string& path, StatementDoc& st) {
  st.principal_path = path;
  if (v.is_string()) {
    if (v.text != "*") return syntax(path);
    st.principals.push_back(PrincipalEntry{"*", "*", path});
    return {};
  }
  if (!v.is_object()) return syntax(path);
  if (const std::string* dup = duplicate_key(v)) return syntax(child(path, *dup));
  for (const auto& [type, value] : v.members) {
    std::string p = child(path, type);
    if (type != "AWS" && type != "Service" && type != "Federated" && type != "CanonicalUser") return syntax(p);
    StringList list;
    if (auto r = read_string_list(value, p, false, list); !r) return r;
    for (std::size_t i = 0; i < list.values.size(); ++i) {
      st.principals.push_back(PrincipalEntry{type, list.values[i], list.paths[i]});
    }
  }
  return {};
}

bool scalar_condition_value(const JsonValue& v, std::string& out) {
  switch (v.kind) {
    case Kind::kString:
    case Kind::kNumber:
      out = v.text;
      return true;
    case Kind::kBool:
      out = v.boolean ? "true" : "false";
      return true;
    default:
      return false;
  }
}

common::Result<void> read_condition(const JsonValue& v, const std::string& path, StatementDoc& st) {
  st.condition_path = path;
  if (!v.is_object()) return syntax(path);
  if (const std::string* dup = duplicate_key(v)) return syntax(child(path, *dup));
  for (const auto& [op, body] : v.members) {
    std::string op_path = child(path, op);
    if (!body.is_object()) return syntax(op_path);
    if (const std::string* dup = duplicate_key(body)) return syntax(child(op_path, *dup));
    // An unknown operator is a syntax error unless its body is empty [OBS].
    if (!condition::parse_operator(op) && !body.members.empty()) return syntax(op_path);
    for (const auto& [key, value] : body.members) {
      ConditionEntry entry;
      entry.op = op;
      entry.key = key;
      entry.path = child(op_path, key);
      std::string scalar;
      if (scalar_condition_value(value, scalar)) {
        entry.values.push_back(std::move(scalar));
      } else if (value.is_array()) {
        for (std::size_t i = 0; i < value.items.size(); ++i) {
          if (!scalar_condition_value(value.items[i], scalar)) return syntax(item(entry.path, i));
          entry.values.push_back(std::move(scalar));
        }
      } else {
        return syntax(entry.path);
      }
      st.conditions.push_back(std::move(entry));
    }
  }
  return {};
}

common::Result<void> read_statement(const JsonValue& v, const std::string& path, int index, StatementDoc& st) {
  st.path = path;
  st.index = index;
  st.begin = v.begin;
  st.end = v.end;
  if (!v.is_object()) return syntax(path);
  if (const std::string* dup = duplicate_key(v)) return syntax(child(path, *dup));
  if (v.find("Principal") && v.find("NotPrincipal")) return syntax(path);
  if (v.find("Action") && v.find("NotAction")) return syntax(path);
  if (v.find("Resource") && v.find("NotResource")) return syntax(path);
  bool has_effect = false;
  for (const auto& [key, value] : v.members) {
    std::string p = child(path, key);
    if (key == "Sid") {
      if (!value.is_string()) return syntax(p);
      st.has_sid = true;
      st.sid = value.text;
    } else if (key == "Effect") {
      if (!value.is_string()) return syntax(p);
      if (!common::iequals(value.text, "Allow") && !common::iequals(value.text, "Deny")) return syntax(p);
      has_effect = true;
      st.effect = value.text;
    } else if (key == "Principal" || key == "NotPrincipal") {
      st.has_principal = true;
      st.not_principal = key == "NotPrincipal";
      if (auto r = read_principal(value, p, st); !r) return r;
    } else if (key == "Action" || key == "NotAction") {
      st.not_action = key == "NotAction";
      if (auto r = read_string_list(value, p, false, st.action); !r) return r;
    } else if (key == "Resource" || key == "NotResource") {
      st.not_resource = key == "NotResource";
      if (auto r = read_string_list(value, p, true, st.resource); !r) return r;
    } else if (key == "Condition") {
      if (auto r = read_condition(value, p, st); !r) return r;
    } else {
      return syntax(p);
    }
  }
  if (!has_effect) return syntax(path);
  return {};
}

}  // namespace

common::Result<void> read_document(const JsonValue& root, PolicyDocument& doc) {
  if (!root.is_object()) return syntax("$");
  if (const std::string* dup = duplicate_key(root)) return syntax(child("$", *dup));
  const JsonValue* statement = nullptr;
  for (const auto& [key, value] : root.members) {
    std::string p = child("$", key);
    if (key == "Version") {
      if (!value.is_string() || (value.text != "2012-10-17" && value.text != "2008-10-17")) return syntax(p);
      doc.has_version = true;
      doc.version = value.text;
    } else if (key == "Id") {
      if (!value.is_string()) return syntax(p);
      doc.has_id = true;
      doc.id = value.text;
    } else if (key == "Statement") {
      statement = &value;
    } else {
      return syntax(p);
    }
  }
  if (statement == nullptr) return syntax("$");
  if (statement->is_object()) {
    StatementDoc st;
    if (auto r = read_statement(*statement, "$.Statement", 0, st); !r) return r;
    doc.statements.push_back(std::move(st));
  } else if (statement->is_array()) {
    if (statement->items.empty()) return syntax("$.Statement");
    for (std::size_t i = 0; i < statement->items.size(); ++i) {
      StatementDoc st;
      if (auto r = read_statement(statement->items[i], item("$.Statement", i), static_cast<int>(i), st); !r) return r;
      doc.statements.push_back(std::move(st));
    }
  } else {
    return syntax("$.Statement");
  }
  return {};
}

std::size_t policy_size(std::string_view text) {
  std::size_t n = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      continue;
    }
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string_view kind_name(PolicyKind kind) {
  switch (kind) {
    case PolicyKind::kIdentity:
      return "identity";
    case PolicyKind::kManaged:
      return "managed";
    case PolicyKind::kTrust:
      return "trust";
    case PolicyKind::kResource:
      return "resource";
    case PolicyKind::kBoundary:
      return "boundary";
    case PolicyKind::kSession:
      return "session";
    case PolicyKind::kScp:
      return "scp";
    case PolicyKind::kRcp:
      return "rcp";
  }
  return "identity";
}

std::optional<PolicyKind> parse_kind(std::string_view name) {
  for (PolicyKind k : {PolicyKind::kIdentity, PolicyKind::kManaged, PolicyKind::kTrust, PolicyKind::kResource,
                       PolicyKind::kBoundary, PolicyKind::kSession, PolicyKind::kScp, PolicyKind::kRcp}) {
    if (kind_name(k) == name) return k;
  }
  return std::nullopt;
}

}  // namespace iamd::policy

#include "authz/explain.h"

#include "common/json_writer.h"
#include "common/strings.h"

namespace iamd::authz {

namespace {

using policy::Effect;

// Collects what the engine reports while one clause is evaluated.
struct ClauseSink {
  std::vector<std::string_view> missing;
  std::vector<condition::Diagnostic> diagnostics;
  condition::EvalSink sink;
  ClauseSink() {
    sink.missing_keys = &missing;
    sink.diagnostics = &diagnostics;
  }
};

void explain_set(const PolicySet& set, PolicyType type, const Request& req, const policy::ResourceView& resource,
                 std::vector<FailedCondition>& out) {
  const bool resource_based = type == PolicyType::kResourceBased || type == PolicyType::kRoleTrust;
  condition::EvalSink quiet;  // the resource match's missing keys are evaluate()'s to report
  set.for_each_candidate(req.action_lower, [&](const policy::CompiledStatement& st) {
    if (st.conditions.empty()) return;
    if (!st.matches_action(req.action_lower)) return;
    if (!st.matches_resource(resource, req.context, quiet)) return;
    if ((resource_based || st.has_principal) && st.match_principal(req.principal) == policy::PrincipalMatch::kNone) {
      return;
    }
    for (const condition::Clause& clause : st.conditions) {
      ClauseSink collected;
      if (clause.evaluate(req.context, collected.sink)) continue;
      FailedCondition f;
      f.statement = &st;
      f.type = type;
      f.clause = &clause;
      const condition::Context::Entry* e = req.context.find(clause.key());
      f.key_missing = e == nullptr;
      if (e != nullptr) f.request_values = e->values;
      if (!collected.diagnostics.empty()) {
        f.note = std::string(collected.diagnostics.front().message);
      } else {
        for (std::string_view k : collected.missing) {
          if (common::iequals(k, clause.key())) continue;
          f.note = "the policy variable ${" + std::string(k) + "} is not in the request";
          break;
        }
      }
      out.push_back(std::move(f));
    }
  });
}

std::string_view effect_name(Effect e) {
  return e == Effect::kAllow ? "ALLOW" : "DENY";
}

// How text output names a statement:
// `identity-based policy "p.json" v2 $.Statement[1], Sid "X" (Deny)`.
std::string statement_heading(const policy::CompiledStatement& st, PolicyType type) {
  std::string s = std::string(policy_type_name(type)) + " policy \"" + std::string(policy_name(st)) + "\"";
  if (st.policy != nullptr && !st.policy->version_id.empty()) s += " " + st.policy->version_id;
  s += " $.Statement[" + std::to_string(st.index) + "]";
  if (!st.sid.empty()) s += ", Sid \"" + st.sid + "\"";
  s += st.effect == Effect::kAllow ? " (Allow)" : " (Deny)";
  return s;
}

std::string quoted_list(const std::vector<std::string>& values) {
  std::string s = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) s += ", ";
    common::append_json_string(s, values[i]);
  }
  return s + "]";
}

std::vector<std::string> policy_values(const condition::Clause& clause) {
  std::vector<std::string> out;
  for (const condition::PolicyValue& v : clause.values()) out.push_back(v.raw);
  return out;
}

// The statement text indented under its heading: its continuation lines lose the indentation
// its "{" had in the policy (`column` characters), so the block reads as written.
void append_indented(std::string& out, std::string_view text, std::size_t column, std::string_view indent) {
  out += indent;
  for (std::size_t i = 0; i < text.size(); ++i) {
    out += text[i];
    if (text[i] != '\n') continue;
    out += indent;
    for (std::size_t skip = 0; skip < column && i + 1 < text.size() && (text[i + 1] == ' ' || text[i + 1] == '\t');
         ++skip) {
      ++i;
    }
  }
  out += '\n';
}

// The column of a statement's "{" in its policy text.
std::size_t column_of(const policy::CompiledStatement& st) {
  if (st.policy == nullptr || st.begin > st.policy->text.size()) return 0;
  const std::size_t line = st.policy->text.rfind('\n', st.begin);
  return line == std::string::npos ? st.begin : st.begin - line - 1;
}

std::string_view article(std::string_view word) {
  return !word.empty() && (word[0] == 'i' || word[0] == 'a' || word[0] == 'e' || word[0] == 'o' || word[0] == 'u')
             ? "an "
             : "a ";
}

}  // namespace

std::vector<FailedCondition> failed_conditions(const PolicyBundle& b, const Request& req) {
  std::vector<FailedCondition> out;
  const policy::ResourceView view(req.resource);
  if (b.identity) explain_set(*b.identity, PolicyType::kIdentityBased, req, view, out);
  if (b.boundary) explain_set(*b.boundary, PolicyType::kPermissionsBoundary, req, view, out);
  if (b.session) explain_set(*b.session, PolicyType::kSession, req, view, out);
  if (b.resource) {
    explain_set(*b.resource, b.resource_is_trust ? PolicyType::kRoleTrust : PolicyType::kResourceBased, req, view, out);
  }
  for (const PolicySet* level : b.scp) explain_set(*level, PolicyType::kServiceControl, req, view, out);
  for (const PolicySet* level : b.rcp) explain_set(*level, PolicyType::kResourceControl, req, view, out);
  return out;
}

std::vector<std::string_view> evaluated_policy_types(const PolicyBundle& b) {
  std::vector<std::string_view> out;
  if (b.identity != nullptr) out.push_back(policy_type_name(PolicyType::kIdentityBased));
  if (b.resource != nullptr) {
    out.push_back(policy_type_name(b.resource_is_trust ? PolicyType::kRoleTrust : PolicyType::kResourceBased));
  }
  if (b.boundary != nullptr) out.push_back(policy_type_name(PolicyType::kPermissionsBoundary));
  if (b.session != nullptr) out.push_back(policy_type_name(PolicyType::kSession));
  if (!b.scp.empty()) out.push_back(policy_type_name(PolicyType::kServiceControl));
  if (!b.rcp.empty()) out.push_back(policy_type_name(PolicyType::kResourceControl));
  return out;
}

std::string_view statement_text(const policy::CompiledStatement& st) {
  if (st.policy == nullptr) return {};
  const std::string_view text = st.policy->text;
  if (st.end <= st.begin || st.end > text.size()) return {};
  const std::size_t end = st.end < text.size() && text[st.end] == '}' ? st.end + 1 : st.end;
  return text.substr(st.begin, end - st.begin);
}

std::string_view policy_name(const policy::CompiledStatement& st) {
  if (st.policy == nullptr) return {};
  const std::string_view id = st.policy->id;
  return id.substr(0, id.find('#'));  // without the cache key's digest
}

// The policy a statement is in, as a person reads it: the id names it for iamd (a managed
// policy's ARN, "<user|group|role>/<unique id>/<name>" for an inline policy, "trust/<role id>",
// "org/<policy id>"), the label says what it is. Ids of other forms (the simulator's inputs)
// are their own label.
namespace {

std::string policy_label(std::string_view id) {
  if (id.starts_with("arn:")) {
    const std::string_view name = id.substr(id.rfind('/') + 1);
    const bool aws = id.find(":iam::aws:policy/") != std::string_view::npos;
    return std::string(aws ? "AWS managed policy " : "customer managed policy ") + std::string(name);
  }
  for (std::string_view kind : {"user", "group", "role"}) {
    const std::string prefix = std::string(kind) + "/";
    if (!id.starts_with(prefix)) continue;
    const std::string_view rest = id.substr(prefix.size());
    const std::size_t slash = rest.find('/');
    if (slash == std::string_view::npos) break;
    std::string label = "inline policy " + std::string(rest.substr(slash + 1)) + " of the " + std::string(kind);
    if (kind == "group") label += " " + std::string(rest.substr(0, slash));
    return label;
  }
  if (id.starts_with("trust/")) return "the role's trust policy";
  if (id.starts_with("org/")) return "organization policy " + std::string(id.substr(4));
  return std::string(id);
}

// A statement's fields in every JSON the module writes (explanation_json, decision_json).
void write_statement_fields(common::JsonWriter& w, const policy::CompiledStatement& st, PolicyType type) {
  w.key("statementId").value(st.sid);
  w.key("effect").value(effect_name(st.effect));
  w.key("policyType").value(policy_type_name(type));
  if (st.policy != nullptr) {
    w.key("policy").value(policy_name(st));
    w.key("policyLabel").value(policy_label(policy_name(st)));
    if (!st.policy->version_id.empty()) w.key("policyVersion").value(st.policy->version_id);
  }
}

}  // namespace

std::string decision_json(const Decision& d) {
  common::JsonWriter w(true);
  w.begin_object();
  w.key("decision").value(decision_name(d.decision));
  if (!d.deciding.empty()) {
    w.key("policyType").value(policy_type_name(d.deciding.front().type));
  } else if (d.blocked_by) {
    w.key("policyType").value(policy_type_name(*d.blocked_by));
  } else {
    w.key("policyType").null_value();
  }
  w.key("statement");
  if (d.deciding.empty()) {
    w.null_value();
  } else {
    w.begin_object();
    write_statement_fields(w, *d.deciding.front().statement, d.deciding.front().type);
    w.end_object();
  }
  w.key("statements").begin_array();
  for (const MatchedStatement& m : d.deciding) {
    w.begin_object();
    write_statement_fields(w, *m.statement, m.type);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.str();
}

std::string explanation_json(std::string_view account, const Request& req, const PolicyBundle& bundle,
                             const Decision& d, const std::vector<FailedCondition>& failed, bool with_reason) {
  common::JsonWriter w;
  auto statement_fields = [&](const policy::CompiledStatement& st, PolicyType type) {
    write_statement_fields(w, st, type);
  };
  auto statements = [&](const std::vector<MatchedStatement>& list) {
    w.begin_object().key("items").begin_array();
    for (const MatchedStatement& m : list) {
      w.begin_object();
      statement_fields(*m.statement, m.type);
      if (std::string_view text = statement_text(*m.statement); !text.empty()) w.key("statement").value(text);
      w.end_object();
    }
    w.end_array().end_object();
  };
  w.begin_object();
  w.key("allowed").value(d.allowed());
  w.key("explicitDeny").value(d.decision == EvalDecision::kExplicitDeny);
  w.key("matchedStatements");
  statements(d.deciding);
  w.key("failures").begin_object().key("items").begin_array().end_array().end_object();
  w.key("context").begin_object();
  w.key("principal").begin_object();
  w.key("id").value(req.principal.unique_id.empty() ? account : std::string_view(req.principal.unique_id));
  const std::string_view arn = req.principal.arn;
  w.key("name").value(arn.substr(arn.rfind('/') == std::string_view::npos ? 0 : arn.rfind('/') + 1));
  w.key("arn").value(arn);
  w.end_object();
  w.key("action").value(req.action);
  w.key("resource").value(req.resource);
  w.key("conditions").begin_object().key("items").begin_array();
  for (const auto& e : req.context.entries()) {
    w.begin_object().key("key").value(e.key).key("values").begin_object().key("items").begin_array();
    for (const std::string& v : e.values) w.begin_object().key("value").value(v).end_object();
    w.end_array().end_object().end_object();
  }
  w.end_array().end_object();
  w.end_object();  // context
  w.key("iamd").begin_object();
  w.key("decision").value(decision_name(d.decision));
  w.key("evaluatedPolicyTypes").begin_array();
  for (std::string_view t : evaluated_policy_types(bundle)) w.value(t);
  w.end_array();
  if (d.blocked_by) w.key("blockedBy").value(policy_type_name(*d.blocked_by));
  w.key("message").value(access_denied_message(req, d, with_reason));
  w.key("matched");
  statements(d.matched);
  w.key("failedConditions").begin_array();
  for (const FailedCondition& f : failed) {
    w.begin_object();
    statement_fields(*f.statement, f.type);
    w.key("operator").value(f.clause->op_text());
    w.key("key").value(f.clause->key());
    w.key("values").begin_array();
    for (const condition::PolicyValue& v : f.clause->values()) w.value(v.raw);
    w.end_array();
    w.key("requestValues").begin_array();
    for (const std::string& v : f.request_values) w.value(v);
    w.end_array();
    w.key("keyMissing").value(f.key_missing);
    if (!f.note.empty()) w.key("note").value(f.note);
    w.end_object();
  }
  w.end_array();
  w.key("missingContextKeys").begin_array();
  for (std::string_view k : d.missing_keys) w.value(k);
  w.end_array();
  w.end_object();  // iamd
  w.end_object();
  return w.str();
}

std::string explanation_text(const Request& req, const PolicyBundle& bundle, const Decision& d,
                             const std::vector<FailedCondition>& failed, bool with_reason) {
  std::string out = "Decision: " + std::string(decision_name(d.decision)) + "\n";
  if (!d.allowed()) out += "AccessDenied: " + access_denied_message(req, d, with_reason) + "\n";
  out += "Principal: " + req.principal.arn + "\n";
  out += "Action: " + req.action + "\n";
  out += "Resource: " + req.resource + "\n";
  out += "Evaluated policy types: ";
  const std::vector<std::string_view> types = evaluated_policy_types(bundle);
  for (std::size_t i = 0; i < types.size(); ++i) out += std::string(i > 0 ? ", " : "") + std::string(types[i]);
  out += types.empty() ? "none\n" : "\n";
  if (d.blocked_by) {
    out += std::string(d.decision == EvalDecision::kExplicitDeny ? "Denied by: " : "Blocked by: ") +
           std::string(policy_type_name(*d.blocked_by)) + "\n";
  }

  auto list = [&](std::string_view title, const std::vector<const MatchedStatement*>& items) {
    if (items.empty()) return;
    out += '\n';
    out += title;
    out += ":\n";
    for (const MatchedStatement* m : items) {
      out += "  " + statement_heading(*m->statement, m->type) + "\n";
      if (std::string_view text = statement_text(*m->statement); !text.empty()) {
        append_indented(out, text, column_of(*m->statement), "    ");
      }
    }
  };
  std::vector<const MatchedStatement*> deciding, others;
  for (const MatchedStatement& m : d.deciding) deciding.push_back(&m);
  for (const MatchedStatement& m : d.matched) {
    bool decided = false;
    for (const MatchedStatement& x : d.deciding) decided = decided || x.statement == m.statement;
    if (!decided) others.push_back(&m);
  }
  list(d.decision == EvalDecision::kExplicitDeny ? "Denying statements" : "Allowing statements", deciding);
  if (d.decision == EvalDecision::kImplicitDeny && d.blocked_by) {
    const std::string_view type = policy_type_name(*d.blocked_by);
    out += "\nNo statement of ";
    out += article(type);
    out += type;
    out += " policy allows " + req.action;
    out += req.resource == "*" ? std::string() : " on " + req.resource;
    out += ".\n";
  }
  list(d.allowed() ? "Other matching statements" : "Matching statements that did not decide", others);

  if (!failed.empty()) {
    out += "\nStatements whose condition failed:\n";
    const policy::CompiledStatement* last = nullptr;
    for (const FailedCondition& f : failed) {
      if (f.statement != last) {
        out += "  " + statement_heading(*f.statement, f.type) + "\n";
        last = f.statement;
      }
      out += "    " + f.clause->op_text() + " " + f.clause->key() + ": policy " +
             quoted_list(policy_values(*f.clause)) + ", request " +
             (f.key_missing ? std::string("missing") : quoted_list(f.request_values));
      if (!f.note.empty()) out += " (" + f.note + ")";
      out += "\n";
    }
  }
  if (!d.missing_keys.empty()) {
    out += "\nMissing context keys: ";
    for (std::size_t i = 0; i < d.missing_keys.size(); ++i) {
      out += std::string(i > 0 ? ", " : "") + std::string(d.missing_keys[i]);
    }
    out += "\n";
  }
  if (!d.diagnostics.empty()) {
    out += "\nDiagnostics:\n";
    for (const condition::Diagnostic& g : d.diagnostics) {
      out += "  " + std::string(g.op) + " " + std::string(g.key) + ": " + std::string(g.message) + "\n";
    }
  }
  return out;
}

}  // namespace iamd::authz

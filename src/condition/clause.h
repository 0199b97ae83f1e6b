// One compiled condition clause: an operator, a key and the policy's values, pre-parsed
// into the operator's type so evaluation never re-parses policy text (Ceph's per-request
// parsing is what we avoid). Immutable after compile; evaluate() is const and lock-free.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.h"
#include "condition/context.h"
#include "condition/operators.h"
#include "condition/template.h"
#include "condition/values.h"

namespace iamd::condition {

// A problem found while evaluating, reported as data: the clause did not match.
struct Diagnostic {
  std::string_view key;      // the condition key, as written in the policy
  std::string_view op;       // the operator, as written
  std::string_view message;  // static text
};

struct EvalSink : MissingSink {
  std::vector<std::string_view>* missing_keys = nullptr;
  std::vector<Diagnostic>* diagnostics = nullptr;
  void missing(std::string_view key) override {
    if (missing_keys != nullptr) missing_keys->push_back(key);
  }
  void diagnose(std::string_view key, std::string_view op, std::string_view message) {
    if (diagnostics != nullptr) diagnostics->push_back(Diagnostic{key, op, message});
  }
};

// A policy value of one clause, in the form its operator compares.
struct PolicyValue {
  std::string raw;                  // as written (JSON numbers and booleans as their text)
  bool valid = true;                // false: cannot be parsed for this operator; never matches
  Template text;                    // String, Bool
  std::array<Template, 6> arn;      // Arn: one template per ARN segment (kGlob)
  bool arn_shaped = true;           // Arn: the value has six segments
  double number = 0;                // Numeric
  common::Timestamp date;           // Date
  IpRange ip;                       // Ip
  std::string bytes;                // Binary (decoded)
  bool null_expect_absent = false;  // Null: "true"
};

class Clause {
 public:
  // `raw_values` are the policy's values as text. `variables` is false for Version 2008-10-17.
  static Clause compile(std::string_view op_text, const OperatorSpec& spec, std::string_view key,
                        const std::vector<std::string>& raw_values, bool variables);

  bool evaluate(const Context& context, EvalSink& sink) const;
  // Reports the keys evaluate() would find missing, without evaluating (used once an
  // earlier clause of the statement has failed).
  void note_missing(const Context& context, EvalSink& sink) const;

  const std::string& key() const { return key_; }
  const std::string& op_text() const { return op_text_; }
  const OperatorSpec& spec() const { return spec_; }
  const std::vector<PolicyValue>& values() const { return values_; }

 private:
  enum class Match { kYes, kNo, kInvalid };
  // The clause for one context value: some policy value matches (positive operators) or
  // none does (negated operators). A policy value whose variable is missing is dropped.
  bool holds_for(std::string_view value, const Context& context, EvalSink& sink) const;
  Match compare(const PolicyValue& p, std::string_view value, const Context& context, EvalSink& sink) const;

  std::string op_text_;
  OperatorSpec spec_;
  std::string key_;
  std::string key_lower_;
  std::uint64_t hash_ = 0;
  std::vector<PolicyValue> values_;
};

}  // namespace iamd::condition

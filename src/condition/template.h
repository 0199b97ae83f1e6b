// A string from a policy that may hold policy variables (${aws:username},
// ${aws:PrincipalTag/team, 'default'}, ${*}, ${?}, ${$}). Compiled once; expanded per
// request into a caller-provided buffer, so evaluation does not allocate once the buffer
// has grown. Immutable after compile: safe to share between threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/wildcard.h"
#include "condition/context.h"

namespace iamd::condition {

// Receives the names of context keys that evaluation needed but the request lacked.
struct MissingSink {
  virtual ~MissingSink() = default;
  virtual void missing(std::string_view key) = 0;
};

class Template {
 public:
  enum class Mode {
    kPlain,  // the text as written; `*` and `?` are ordinary characters
    kGlob,   // encoded for common::glob_match: `*`/`?` written in the policy are wildcards
  };

  // variables=false (Version 2008-10-17, or an operator without variable support) keeps
  // `${...}` as literal text.
  static Template compile(std::string_view raw, Mode mode, bool variables);

  bool has_variables() const { return has_variables_; }
  // The value when there are no variables (plain or encoded per mode).
  const std::string& constant() const { return constant_; }
  // kGlob templates without variables: the compiled pattern.
  const common::Glob& glob() const { return glob_; }
  const std::string& raw() const { return raw_; }

  // Appends the expansion to `out`. Returns false when a variable is absent from the
  // context and has no default (the key is reported to `sink`, if any). Multivalued keys
  // cannot be used as variables and count as absent.
  bool expand(const Context& context, std::string& out, MissingSink* sink) const;

  // Reports to `sink` every variable key absent from the context that has no default.
  void note_missing(const Context& context, MissingSink& sink) const;

 private:
  struct Piece {
    bool is_variable = false;
    std::string text;  // literal text (encoded per mode) or the default value (literal)
    std::string key;
    std::string key_lower;
    std::uint64_t hash = 0;
    bool has_default = false;
  };
  std::string raw_;
  std::string constant_;
  common::Glob glob_;
  std::vector<Piece> pieces_;
  Mode mode_ = Mode::kPlain;
  bool has_variables_ = false;
};

}  // namespace iamd::condition

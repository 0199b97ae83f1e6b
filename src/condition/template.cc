#include "condition/template.h"

#include "common/strings.h"
#include "common/wildcard.h"

namespace iamd::condition {

namespace {

void append_text(std::string& out, std::string_view text, Template::Mode mode) {
  if (mode == Template::Mode::kGlob) {
    out += common::encode_glob(text);
  } else {
    out += text;
  }
}

void append_literal_text(std::string& out, std::string_view text, Template::Mode mode) {
  if (mode == Template::Mode::kGlob) {
    common::append_literal(out, text);
  } else {
    out += text;
  }
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

Template Template::compile(std::string_view raw, Mode mode, bool variables) {
  Template t;
  t.raw_ = std::string(raw);
  t.mode_ = mode;
  std::string literal;  // pending literal text, already encoded
  std::size_t i = 0;
  while (i < raw.size()) {
    if (variables && raw[i] == '$' && i + 1 < raw.size() && raw[i + 1] == '{') {
      std::size_t close = raw.find('}', i + 2);
      if (close != std::string_view::npos) {
        std::string_view body = raw.substr(i + 2, close - i - 2);
        if (body == "*" || body == "?" || body == "$") {
          append_literal_text(literal, body, mode);
          i = close + 1;
          continue;
        }
        Piece var;
        var.is_variable = true;
        std::string_view key = body;
        if (std::size_t comma = body.find(','); comma != std::string_view::npos) {
          std::string_view def = trim(body.substr(comma + 1));
          if (def.size() >= 2 && def.front() == '\'' && def.back() == '\'') {
            key = body.substr(0, comma);
            var.has_default = true;
            var.text = std::string(def.substr(1, def.size() - 2));
          }
        }
        key = trim(key);
        if (!key.empty() && key.find_first_of("${}',") == std::string_view::npos) {
          if (!literal.empty()) {
            Piece lit;
            lit.text = std::move(literal);
            literal.clear();
            t.pieces_.push_back(std::move(lit));
          }
          var.key = std::string(key);
          var.key_lower = common::to_lower(key);
          var.hash = common::hash_lower(key);
          t.pieces_.push_back(std::move(var));
          t.has_variables_ = true;
          i = close + 1;
          continue;
        }
      }
    }
    // Not a variable: one ordinary character.
    append_text(literal, raw.substr(i, 1), mode);
    ++i;
  }
  if (t.has_variables_) {
    if (!literal.empty()) {
      Piece lit;
      lit.text = std::move(literal);
      t.pieces_.push_back(std::move(lit));
    }
  } else {
    if (mode == Mode::kGlob) t.glob_ = common::Glob(literal);
    t.constant_ = std::move(literal);
  }
  return t;
}

bool Template::expand(const Context& context, std::string& out, MissingSink* sink) const {
  if (!has_variables_) {
    out += constant_;
    return true;
  }
  bool ok = true;
  for (const Piece& p : pieces_) {
    if (!p.is_variable) {
      out += p.text;
      continue;
    }
    const Context::Entry* e = context.find(p.key_lower, p.hash);
    if (e != nullptr && !e->multi && e->values.size() == 1) {
      append_literal_text(out, e->values[0], mode_);
    } else if (p.has_default) {
      append_literal_text(out, p.text, mode_);
    } else {
      if (sink != nullptr && e == nullptr) sink->missing(p.key);
      ok = false;
    }
  }
  return ok;
}

void Template::note_missing(const Context& context, MissingSink& sink) const {
  for (const Piece& p : pieces_) {
    if (p.is_variable && !p.has_default && context.find(p.key_lower, p.hash) == nullptr) sink.missing(p.key);
  }
}

}  // namespace iamd::condition

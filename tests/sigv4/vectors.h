// Test helpers: the reader for vectors.txt (the known-answer vectors gen_vectors.py made with
// botocore) and an in-memory CredentialLookup.
#pragma once

#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "common/time.h"
#include "sigv4/canonical.h"
#include "sigv4/errors.h"
#include "sigv4/request.h"
#include "sigv4/verifier.h"

namespace iamd::sigv4::testing {

struct Vector {
  std::string name, kind, access_key_id, secret, session_token, region, service, time;
  long expires = 0;
  Request request;
  std::string canonical_request, string_to_sign, signature;

  common::Timestamp timestamp() const { return *parse_amz_date(time); }
};

inline std::string unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out.push_back(s[i]);
      continue;
    }
    char c = s[++i];
    if (c == 'n') {
      out.push_back('\n');
    } else if (c == 'r') {
      out.push_back('\r');
    } else if (c == 't') {
      out.push_back('\t');
    } else if (c == 'x' && i + 2 < s.size()) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

inline std::vector<Vector> load_vectors() {
  std::ifstream in(IAMD_SIGV4_VECTORS);
  std::vector<Vector> out;
  std::string line;
  Vector v;
  bool open = false;
  auto flush = [&] {
    if (open) out.push_back(std::move(v));
    v = Vector();
    open = false;
  };
  while (std::getline(in, line)) {
    if (line.empty()) {
      flush();
      continue;
    }
    if (line[0] == '#') continue;
    std::size_t sp = line.find(' ');
    std::string key = line.substr(0, sp);
    std::string value = sp == std::string::npos ? "" : unescape(std::string_view(line).substr(sp + 1));
    open = true;
    if (key == "name") v.name = value;
    if (key == "kind") v.kind = value;
    if (key == "access_key_id") v.access_key_id = value;
    if (key == "secret") v.secret = value;
    if (key == "session_token") v.session_token = value;
    if (key == "region") v.region = value;
    if (key == "service") v.service = value;
    if (key == "time") v.time = value;
    if (key == "expires") v.expires = std::stol(value);
    if (key == "method") v.request.method = value;
    if (key == "path") v.request.path = value;
    if (key == "query") v.request.query = value;
    if (key == "header") {
      std::size_t colon = value.find(':');
      std::string hv = value.substr(colon + 1);
      if (!hv.empty() && hv[0] == ' ') hv.erase(0, 1);
      v.request.headers.emplace_back(value.substr(0, colon), hv);
    }
    if (key == "body") v.request.body = value;
    if (key == "canonical_request") v.canonical_request = value;
    if (key == "string_to_sign") v.string_to_sign = value;
    if (key == "signature") v.signature = value;
  }
  flush();
  return out;
}

// Access key id -> secret; the principal handed back is the key id itself. A key listed in
// `tokens` must come with that session token.
class MapLookup final : public CredentialLookup {
 public:
  std::map<std::string, std::string, std::less<>> secrets;
  std::map<std::string, std::string, std::less<>> tokens;
  mutable int calls = 0;

  common::Result<Credential> lookup(std::string_view access_key_id, std::string_view session_token) const override {
    ++calls;
    auto it = secrets.find(access_key_id);
    if (it == secrets.end()) return invalid_client_token_id();
    auto t = tokens.find(access_key_id);
    if (t != tokens.end() && t->second != session_token) return invalid_client_token_id();
    return Credential{it->second, std::make_shared<const std::string>(access_key_id)};
  }
};

}  // namespace iamd::sigv4::testing

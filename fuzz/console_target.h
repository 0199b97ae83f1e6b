// The console fuzz entry point, shared by fuzz/console_fuzz.cc and the seed-replay test in
// tests/console: every console request an attacker can send (the paths, the cookie, the CSRF
// token, the JSON bodies of sign-up and sign-in, the forms of the pages' calls, the policy
// validator, switch role) into console::Console::handle over the real gateway and a memory
// store. It must never crash, leak or trip a sanitizer, whatever the bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "api/gateway.h"
#include "common/random.h"
#include "common/time.h"
#include "console/console.h"
#include "iam/catalog.h"
#include "iam/password.h"
#include "iam/service.h"
#include "store/store.h"

namespace iamd::fuzz {

namespace console_detail {

// Argon2id would spend the fuzzer's time: "f$" + the password instead.
class FastHasher final : public iam::PasswordHasher {
 public:
  common::Result<std::string> hash(std::string_view password, common::Random&) const override {
    return "f$" + std::string(password);
  }
  bool verify(std::string_view password, const std::string& encoded) const override {
    return encoded == "f$" + std::string(password);
  }
};

// One server for the whole run, with an account whose root signed up (email fuzz@example.com,
// password Passw0rd!x) and a live session: inputs name its cookie and token as $COOKIE and
// $CSRF.
struct World {
  FastHasher hasher;
  common::FixedClock clock{common::Timestamp{1'764'000'000, 0}};
  common::SeededRandom random{1};
  common::SeededRandom gateway_random{2};
  common::SeededRandom console_random{3};
  std::unique_ptr<store::Store> store;
  std::unique_ptr<iam::IamDomain> domain;
  std::unique_ptr<api::Gateway> gateway;
  std::unique_ptr<console::Console> console;
  std::string cookie, csrf;

  World() {
    store = std::move(store::open_store("memory:")).value();
    iam::DomainEnv env;
    env.store = store.get();
    env.clock = &clock;
    env.random = &random;
    env.master_key = crypto::KeyRing::single(std::string(32, 'k'));
    env.catalog = &iam::ManagedCatalog::builtin();
    env.passwords = &hasher;
    env.last_accessed_interval = 86400;
    domain = std::make_unique<iam::IamDomain>(env);
    gateway = std::make_unique<api::Gateway>(*domain, clock, gateway_random);
    console::ConsoleOptions o;
    o.allow_signup = true;
    console = std::make_unique<console::Console>(*gateway, *domain, clock, console_random, o);
    api::ApiRequest r;
    r.method = "POST";
    r.path = "/console/api/signup";
    r.headers = {{"Host", "fuzz.test"}, {"Content-Type", "application/json"}};
    r.body = R"({"email": "fuzz@example.com", "password": "Passw0rd!x", "accountName": "fuzz"})";
    api::ApiResponse a = console->handle(r);
    for (const auto& [k, v] : a.headers) {
      if (k == "Set-Cookie") cookie = v.substr(v.find('=') + 1, v.find(';') - v.find('=') - 1);
    }
    const std::size_t at = a.body.find("\"csrfToken\": \"");
    if (at != std::string::npos) csrf = a.body.substr(at + 14, 64);
  }
};

inline std::string substitute(std::string text, const World& w) {
  for (auto [name, value] :
       {std::pair<std::string_view, const std::string*>{"$COOKIE", &w.cookie}, {"$CSRF", &w.csrf}}) {
    for (std::size_t p = text.find(name); p != std::string::npos; p = text.find(name, p + value->size())) {
      text.replace(p, name.size(), *value);
    }
  }
  return text;
}

}  // namespace console_detail

// Bytes -> "METHOD PATH" on the first line, then "Name: value" header lines up to an empty
// line, then the body ($COOKIE and $CSRF replaced by the live session's) -> Console::serves
// and Console::handle.
inline void console_target(const std::uint8_t* data, std::size_t size) {
  static console_detail::World world;
  const std::string text = console_detail::substitute(std::string(reinterpret_cast<const char*>(data), size), world);
  std::string_view rest = text;
  auto line = [&]() {
    const std::size_t nl = rest.find('\n');
    std::string_view l = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    return l;
  };
  api::ApiRequest r;
  const std::string_view first = line();
  const std::size_t space = first.find(' ');
  r.method = std::string(first.substr(0, space));
  r.path = space == std::string_view::npos ? "/" : std::string(first.substr(space + 1));
  if (const std::size_t q = r.path.find('?'); q != std::string::npos) {
    r.query = r.path.substr(q + 1);
    r.path.resize(q);
  }
  while (!rest.empty()) {
    const std::string_view h = line();
    if (h.empty()) break;
    const std::size_t colon = h.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = h.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    r.headers.emplace_back(std::string(h.substr(0, colon)), std::string(value));
  }
  r.body = std::string(rest);
  r.source_ip = "192.0.2.1";
  if (console::Console::serves(r)) (void)world.console->handle(r);
}

}  // namespace iamd::fuzz

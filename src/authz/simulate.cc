#include "authz/simulate.h"

#include "arn/arn.h"
#include "common/strings.h"
#include "common/time.h"
#include "condition/values.h"
#include "policy/json.h"

namespace iamd::authz {

namespace {

TextPosition position(std::string_view text, std::size_t offset, int column_shift) {
  auto [line, column] = policy::line_column(text, offset);
  return TextPosition{line, column + column_shift};
}

}  // namespace

std::optional<policy::PrincipalFacts> principal_from_arn(std::string_view caller) {
  auto parsed = arn::Arn::parse(caller);
  if (!parsed) return std::nullopt;
  policy::PrincipalFacts f;
  f.arn = std::string(caller);
  f.account = parsed->account();
  const std::string& res = parsed->resource();
  if (parsed->service() == "iam" && res == "root") {
    f.type = policy::PrincipalType::kRoot;
  } else if (parsed->service() == "iam" && res.starts_with("user/")) {
    f.type = policy::PrincipalType::kUser;
  } else if (parsed->service() == "sts" && res.starts_with("assumed-role/")) {
    auto parts = common::split(res, '/');
    if (parts.size() != 3) return std::nullopt;
    f.type = policy::PrincipalType::kAssumedRole;
    f.role_arn = "arn:" + parsed->partition() + ":iam::" + parsed->account() + ":role/" + std::string(parts[1]);
  } else if (parsed->service() == "sts" && res.starts_with("federated-user/")) {
    f.type = policy::PrincipalType::kFederatedUser;
  } else {
    return std::nullopt;
  }
  return f;
}

bool valid_context_value(std::string_view type, std::string_view v) {
  std::string_view base = type.ends_with("List") ? type.substr(0, type.size() - 4) : type;
  if (base == "string") return true;
  if (base == "numeric") return condition::parse_number(v).has_value();
  if (base == "boolean") return common::iequals(v, "true") || common::iequals(v, "false");
  if (base == "ip") return condition::parse_ip_range(v).has_value();
  if (base == "date") return common::parse_aws_date(v).has_value();
  if (base == "binary") {
    std::string bytes;
    return common::base64_decode(v, bytes);
  }
  return false;
}

SimulationPage simulate(const PolicyBundle& bundle, Request request, const std::vector<std::string>& actions,
                        const std::vector<std::string>& resources, std::size_t start, std::size_t max_items) {
  SimulationPage page;
  Decision d;
  std::size_t index = 0;
  for (const std::string& action : actions) {
    for (const std::string& resource : resources) {
      if (index++ < start) continue;
      if (page.results.size() == max_items) {
        page.next = index - 1;
        return page;
      }
      request.set_action(action);
      request.resource = resource;
      evaluate(bundle, request, d);
      SimulationResult r;
      r.action = action;
      r.resource = resource;
      r.decision = d.decision;
      for (const MatchedStatement& m : d.deciding) {
        const std::string& text = m.statement->policy->text;
        r.matched.push_back(SimulatedStatement{m.statement, m.type, position(text, m.statement->begin, 0),
                                               position(text, m.statement->end, 1)});
      }
      for (std::string_view k : d.missing_keys) r.missing_keys.emplace_back(k);
      if (bundle.boundary != nullptr) r.allowed_by_boundary = d.allowed_by_boundary;
      page.results.push_back(std::move(r));
    }
  }
  return page;
}

}  // namespace iamd::authz

// Loads the engine-neutral benchmark scenarios (bench/scenarios/S*.json, schema
// iam-bench-scenario/v1) into compiled policy sets and requests, for the benchmarks and
// for the test that checks every scenario's expected decisions.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "authz/authorizer.h"
#include "authz/policy_set.h"
#include "common/result.h"

namespace iamd::bench {

struct ScenarioCase {
  std::string id;
  authz::Request request;
  std::string expected;  // allowed | explicitDeny | implicitDeny
};

struct Scenario {
  std::string id;
  std::unique_ptr<authz::PolicySet> identity;
  std::unique_ptr<authz::PolicySet> boundary;
  std::unique_ptr<authz::PolicySet> resource;
  std::vector<ScenarioCase> cases;
  std::size_t identity_statements = 0;

  authz::PolicyBundle bundle() const {
    authz::PolicyBundle b;
    b.identity = identity.get();
    b.boundary = boundary.get();
    b.resource = resource.get();
    return b;
  }
};

common::Result<std::shared_ptr<Scenario>> load_scenario(const std::string& path);

}  // namespace iamd::bench

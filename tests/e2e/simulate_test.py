#!/usr/bin/python3
"""End-to-end tests of the policy simulator over the API and of the credential operations
added with it, against `iamd serve`, with boto3 and the aws CLI:
SimulateCustomPolicy, SimulatePrincipalPolicy, GetContextKeysForCustomPolicy,
GetContextKeysForPrincipalPolicy, GetAccessKeyLastUsed (with last-used recording) and
ChangePassword. Run by ctest as e2e_simulate:
    tests/e2e/simulate_test.py PATH/TO/iamd
"""
import re
import sys
import time

sys.path.insert(0, __import__("os").path.dirname(__file__))
from harness import *  # noqa: E402,F401,F403 (the shared scaffolding)


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


S3_READ = doc({"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"})
DENY_SECRET = doc({"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::bucket/secret/*"})
CONDITIONAL = doc({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::home-${aws:username}",
                   "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"},
                                 "StringEquals": {"s3:prefix": ["a", "b"]}}})

server, tmp = start_server("simulate")


@check("SimulateCustomPolicy: allowed, implicitDeny, explicitDeny with statement positions")
def _():
    iam = client("iam")
    r = iam.simulate_custom_policy(PolicyInputList=[S3_READ, DENY_SECRET], ActionNames=["s3:GetObject", "s3:PutObject"],
                                   ResourceArns=["arn:aws:s3:::bucket/a.txt", "arn:aws:s3:::bucket/secret/k"])
    got = [(e["EvalActionName"], e["EvalResourceName"], e["EvalDecision"]) for e in r["EvaluationResults"]]
    assert got == [("s3:GetObject", "arn:aws:s3:::bucket/a.txt", "allowed"),
                   ("s3:GetObject", "arn:aws:s3:::bucket/secret/k", "explicitDeny"),
                   ("s3:PutObject", "arn:aws:s3:::bucket/a.txt", "implicitDeny"),
                   ("s3:PutObject", "arn:aws:s3:::bucket/secret/k", "explicitDeny")], got
    assert r["IsTruncated"] is False
    m = r["EvaluationResults"][0]["MatchedStatements"]
    assert m == [{"SourcePolicyId": "PolicyInputList.1", "SourcePolicyType": "none",
                  "StartPosition": {"Line": 1, "Column": 41}, "EndPosition": {"Line": 1, "Column": 138}}], m
    assert r["EvaluationResults"][1]["MatchedStatements"][0]["SourcePolicyId"] == "PolicyInputList.2"
    # AWS sends <MatchedStatements/> and <MissingContextValues/> when empty (models/empty_lists.txt).
    implicit = r["EvaluationResults"][2]
    assert "MatchedStatements" in implicit and implicit["MatchedStatements"] == [], implicit
    assert "MissingContextValues" in implicit and implicit["MissingContextValues"] == [], implicit


@check("SimulateCustomPolicy: context entries, missing context values, boundary detail, pagination")
def _():
    iam = client("iam")
    base = dict(PolicyInputList=[CONDITIONAL], ActionNames=["s3:ListBucket"], ResourceArns=["arn:aws:s3:::home-ann"])
    # The resource's variable first: until it resolves, the statement's conditions are not reached.
    r = iam.simulate_custom_policy(**base)["EvaluationResults"][0]
    assert r["EvalDecision"] == "implicitDeny" and r["MissingContextValues"] == ["aws:username"], r
    name_only = [{"ContextKeyName": "aws:username", "ContextKeyValues": ["ann"], "ContextKeyType": "string"}]
    r = iam.simulate_custom_policy(ContextEntries=name_only, **base)["EvaluationResults"][0]
    assert sorted(r["MissingContextValues"]) == ["aws:SourceIp", "s3:prefix"], r
    ctx = [{"ContextKeyName": "aws:username", "ContextKeyValues": ["ann"], "ContextKeyType": "string"},
           {"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["10.1.2.3"], "ContextKeyType": "ip"},
           {"ContextKeyName": "s3:prefix", "ContextKeyValues": ["b"], "ContextKeyType": "string"}]
    r = iam.simulate_custom_policy(ContextEntries=ctx, **base)["EvaluationResults"][0]
    assert r["EvalDecision"] == "allowed" and r.get("MissingContextValues", []) == [], r
    r = iam.simulate_custom_policy(ContextEntries=ctx, PermissionsBoundaryPolicyInputList=[S3_READ],
                                   **base)["EvaluationResults"][0]
    assert r["EvalDecision"] == "implicitDeny", r
    assert r["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": False}, r
    bad = [{"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["not-an-ip"], "ContextKeyType": "ip"}]
    code, msg, status = error_of(iam.simulate_custom_policy, ContextEntries=bad, **base)
    assert (code, status) == ("InvalidInput", 400) and "not-an-ip" in msg, msg
    # Pagination over the action x resource grid, and boto3's paginator.
    actions = [f"s3:Action{i}" for i in range(5)]
    page = iam.simulate_custom_policy(PolicyInputList=[S3_READ], ActionNames=actions, MaxItems=2)
    assert page["IsTruncated"] and len(page["EvaluationResults"]) == 2, page
    nxt = iam.simulate_custom_policy(PolicyInputList=[S3_READ], ActionNames=actions, MaxItems=2,
                                     Marker=page["Marker"])
    assert [e["EvalActionName"] for e in nxt["EvaluationResults"]] == ["s3:Action2", "s3:Action3"], nxt
    pages = iam.get_paginator("simulate_custom_policy").paginate(
        PolicyInputList=[S3_READ], ActionNames=actions, PaginationConfig={"PageSize": 2})
    assert [e["EvalActionName"] for p in pages for e in p["EvaluationResults"]] == actions
    assert error_of(iam.simulate_custom_policy, PolicyInputList=[S3_READ], ActionNames=actions,
                    Marker="garbage") == ("ValidationError", "Invalid Marker.", 400)


@check("SimulateCustomPolicy: a malformed input policy and a resource policy without CallerArn are InvalidInput")
def _():
    iam = client("iam")
    code, msg, status = error_of(iam.simulate_custom_policy, PolicyInputList=["{nope"], ActionNames=["s3:GetObject"])
    assert (code, status) == ("InvalidInput", 400), (code, msg)
    rp = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/ann"}, "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::bucket/*"}]})
    code, _, _ = error_of(iam.simulate_custom_policy, PolicyInputList=[doc()[:-2] + "]}" if False else S3_READ],
                          ActionNames=["s3:GetObject"], ResourcePolicy=rp)
    assert code == "InvalidInput", code
    r = iam.simulate_custom_policy(PolicyInputList=[DENY_SECRET], ActionNames=["s3:GetObject"],
                                   ResourceArns=["arn:aws:s3:::bucket/x"], ResourcePolicy=rp,
                                   CallerArn=f"arn:aws:iam::{ACCOUNT}:user/ann")["EvaluationResults"][0]
    assert r["EvalDecision"] == "allowed", r
    assert r["MatchedStatements"][0]["SourcePolicyType"] == "resource", r


def cli_simulate(request):
    """Runs `iamd policy simulate --cli-input-json` on `request`: (0, output JSON) or
    (status, (code, message)) parsed from the aws-CLI-style error line."""
    path = os.path.join(tmp, "sim-request.json")
    with open(path, "w") as f:
        json.dump(request, f)
    r = subprocess.run([IAMD, "policy", "simulate", "--cli-input-json", "file://" + path],
                       capture_output=True, text=True, timeout=120)
    if r.returncode == 0:
        return 0, json.loads(r.stdout)
    m = re.match(r"An error occurred \((\w+)\) when calling the SimulateCustomPolicy operation: (.*)$",
                 r.stderr.rstrip("\n"), re.S)
    assert m, r.stderr
    return r.returncode, (m.group(1), m.group(2))


@check("SimulateCustomPolicy: a role trust policy as ResourcePolicy decides sts:AssumeRole as AssumeRole will")
def _():
    iam = client("iam")
    role = f"arn:aws:iam::{ACCOUNT}:role/deploy"

    def trust(principal, action="sts:AssumeRole"):
        return json.dumps({"Version": "2012-10-17", "Statement": [
            {"Sid": "Trust", "Effect": "Allow", "Principal": {"AWS": principal}, "Action": action}]})

    assume = doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role})

    def simulate(resource_policy, identity):
        request = dict(PolicyInputList=identity, ActionNames=["sts:AssumeRole"], ResourceArns=[role],
                       ResourcePolicy=resource_policy, CallerArn=f"arn:aws:iam::{ACCOUNT}:user/ann")
        r = iam.simulate_custom_policy(**request)["EvaluationResults"][0]
        status, offline = cli_simulate(request)  # `iamd policy simulate`: the same implementation
        assert status == 0 and offline["EvaluationResults"][0]["EvalDecision"] == r["EvalDecision"], (offline, r)
        return r

    # The trust policy names the caller: it alone allows (same account), and is the deciding statement.
    r = simulate(trust(f"arn:aws:iam::{ACCOUNT}:user/ann"), [S3_READ])
    assert r["EvalDecision"] == "allowed", r
    assert [(m["SourcePolicyId"], m["SourcePolicyType"]) for m in r["MatchedStatements"]] == \
        [("ResourcePolicy", "resource")], r
    # It names the account: the caller's own policies must allow sts:AssumeRole as well.
    assert simulate(trust(ACCOUNT), [S3_READ])["EvalDecision"] == "implicitDeny"
    assert simulate(trust(f"arn:aws:iam::{ACCOUNT}:root"), [assume])["EvalDecision"] == "allowed"
    # It names someone else: denied whatever the caller's policies say.
    assert simulate(trust(f"arn:aws:iam::{ACCOUNT}:user/bob"), [assume])["EvalDecision"] == "implicitDeny"
    # Validated as a trust policy (before: "Policy statement must contain resources.").
    assert error_of(iam.simulate_custom_policy, PolicyInputList=[assume], ActionNames=["sts:AssumeRole"],
                    ResourceArns=[role], ResourcePolicy=trust(ACCOUNT, "s3:GetObject"),
                    CallerArn=f"arn:aws:iam::{ACCOUNT}:user/ann") == \
        ("InvalidInput", "AssumeRole policy may only specify STS AssumeRole actions.", 400)


def general_globs(n):
    """An identity policy of n resource patterns that glob_match cannot take the fast way."""
    return doc({"Effect": "Allow", "Action": "s3:GetObject",
                "Resource": [f"arn:aws:s3:::*a*b*c*{i}*?" for i in range(n)]})


S3 = ["s3:GetObject"]
BAD_SIMULATIONS = [
    ("not JSON", dict(PolicyInputList=["{nope"], ActionNames=S3), "Syntax errors in policy."),
    ("action without vendor", dict(PolicyInputList=[doc({"Effect": "Allow", "Action": "GetObject", "Resource": "*"})],
                                   ActionNames=S3),
     "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."),
    ("principal in an identity policy",
     dict(PolicyInputList=[doc({"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"})],
          ActionNames=S3), "Policy document should not specify a principal."),
    ("boundary of version 2008", dict(PolicyInputList=[S3_READ], ActionNames=S3, PermissionsBoundaryPolicyInputList=[
        json.dumps({"Version": "2008-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})]),
     "Policy document must be version 2012-10-17 or greater."),
    ("two boundaries", dict(PolicyInputList=[S3_READ], ActionNames=S3,
                            PermissionsBoundaryPolicyInputList=[S3_READ, S3_READ]),
     "Only one permissions boundary policy can be simulated; PermissionsBoundaryPolicyInputList has 2."),
    ("resource policy without caller", dict(PolicyInputList=[S3_READ], ActionNames=S3, ResourcePolicy=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*",
                                                  "Resource": "*"}]})),
     "CallerArn must be specified when a ResourcePolicy is given."),
    ("bad CallerArn", dict(PolicyInputList=[S3_READ], ActionNames=S3, CallerArn="arn:aws:s3:::bucket"),
     "Invalid CallerArn: arn:aws:s3:::bucket"),
    ("bad ResourceOwner", dict(PolicyInputList=[S3_READ], ActionNames=S3, ResourceOwner="someone"),
     "Invalid ResourceOwner: someone"),
    ("bad ip context value", dict(PolicyInputList=[S3_READ], ActionNames=S3, ContextEntries=[
        {"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["not-an-ip"], "ContextKeyType": "ip"}]),
     "Invalid value 'not-an-ip' for context key 'aws:SourceIp' of type ip."),
    ("two values for a single-valued type", dict(PolicyInputList=[S3_READ], ActionNames=S3, ContextEntries=[
        {"ContextKeyName": "aws:username", "ContextKeyValues": ["a", "b"], "ContextKeyType": "string"}]),
     "Context key 'aws:username' of type string takes exactly one value."),
    # Input limits ([IMPL] counts; one boundary [AWS]).
    ("1001 ActionNames", dict(PolicyInputList=[S3_READ], ActionNames=[f"s3:A{i}" for i in range(1001)]),
     "The number of ActionNames cannot exceed 1000."),
    ("1001 ResourceArns", dict(PolicyInputList=[S3_READ], ActionNames=S3,
                               ResourceArns=[f"arn:aws:s3:::b/{i}" for i in range(1001)]),
     "The number of ResourceArns cannot exceed 1000."),
    ("101 policies", dict(PolicyInputList=[S3_READ] * 101, ActionNames=S3),
     "The number of PolicyInputList entries cannot exceed 100."),
    ("101 context entries", dict(PolicyInputList=[S3_READ], ActionNames=S3, ContextEntries=[
        {"ContextKeyName": f"ctx:key{i}", "ContextKeyValues": ["v"], "ContextKeyType": "string"} for i in range(101)]),
     "The number of ContextEntries cannot exceed 100."),
    ("101 context values", dict(PolicyInputList=[S3_READ], ActionNames=S3, ContextEntries=[
        {"ContextKeyName": "aws:TagKeys", "ContextKeyValues": [f"k{i}" for i in range(101)],
         "ContextKeyType": "stringList"}]),
     "The number of ContextKeyValues of context key 'aws:TagKeys' cannot exceed 100."),
    ("context value of 2049 characters", dict(PolicyInputList=[S3_READ], ActionNames=S3, ContextEntries=[
        {"ContextKeyName": "aws:username", "ContextKeyValues": ["u" * 2049], "ContextKeyType": "string"}]),
     "A value of context key 'aws:username' cannot be longer than 2048 characters."),
    # Work: thousands of general globs against a 2,048-character ARN is refused, not run.
    ("pathological globs", dict(PolicyInputList=[general_globs(4000)], ActionNames=S3,
                                ResourceArns=["arn:aws:s3:::" + "abc" * 678]),
     "The simulation is too large to evaluate: the policies' patterns would take too long to match. Use fewer or "
     "simpler wildcard patterns, or shorter ResourceArns and context values."),
]

LONG_ACTION = "s3:" + "G" * 200
WIDE_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b\u0100/*"}]}, ensure_ascii=False)
# The model's constraints: the protocol layer checks them over the API, the CLI in their stead,
# in IAM's current text (no value; a list of strings as a whole) and AWS's order [OBS].
ACTION_NAMES = ("Value at 'actionNames' failed to satisfy constraint: Member must satisfy constraint: [Member must "
                "have length less than or equal to 128, Member must have length greater than or equal to 3]")
CONTEXT_TYPE = ("Value at 'contextEntries.1.member.contextKeyType' failed to satisfy constraint: Member must satisfy "
                "enum value set")
MODEL_ERRORS = [
    ("action name of 203 characters", dict(PolicyInputList=[S3_READ], ActionNames=[LONG_ACTION]),
     f"1 validation error detected: {ACTION_NAMES}"),
    ("unknown context key type", dict(PolicyInputList=[S3_READ], ActionNames=S3, ContextEntries=[
        {"ContextKeyName": "aws:username", "ContextKeyValues": ["a"], "ContextKeyType": "text"}]),
     f"1 validation error detected: {CONTEXT_TYPE}"),
    ("a character above U+00FF in a policy", dict(PolicyInputList=[S3_READ, WIDE_POLICY], ActionNames=S3),
     "1 validation error detected: Value at 'policyInputList' failed to satisfy constraint: Member must satisfy "
     "constraint: [Member must have length less than or equal to 131072, Member must have length greater than or "
     "equal to 1, Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+]"),
    # AWS's order: contextEntries before actionNames (protocol/codec.h, order_like_aws).
    ("two failures, in AWS's order", dict(PolicyInputList=[S3_READ], ActionNames=[LONG_ACTION], ContextEntries=[
        {"ContextKeyName": "aws:username", "ContextKeyValues": ["a"], "ContextKeyType": "text"}]),
     f"2 validation errors detected: {CONTEXT_TYPE}; {ACTION_NAMES}"),
]


@check("SimulateCustomPolicy: the API and `iamd policy simulate` give the same error for the same bad input")
def _():
    iam = client("iam")
    for name, request, message in BAD_SIMULATIONS:
        started = time.monotonic()
        status, cli = cli_simulate(request)
        assert (status, cli) == (1, ("InvalidInput", message)), (name, status, cli)
        assert error_of(iam.simulate_custom_policy, **request) == ("InvalidInput", message, 400), name
        # A backstop only: the refusals above are decided before any evaluation.
        assert time.monotonic() - started < 30, name
    for name, request, message in MODEL_ERRORS:
        status, cli = cli_simulate(request)
        assert (status, cli) == (1, ("ValidationError", message)), (name, status, cli)
        assert error_of(iam.simulate_custom_policy, **request) == ("ValidationError", message, 400), name


@check("SimulateCustomPolicy: large but valid requests answer on both; a page is cut short to the work budget")
def _():
    iam = client("iam")
    # A 4,000-character identity policy: over the inline quota of a user, within the API's.
    big = doc(*[{"Sid": f"S{i}", "Effect": "Allow", "Action": f"s3:Get{i}*", "Resource": f"arn:aws:s3:::bucket{i}/*"}
                for i in range(60)])
    assert len(big.replace(" ", "")) > 4000
    actions = [f"s3:Get{i}Object" for i in range(1000)]
    request = dict(PolicyInputList=[big], ActionNames=actions, ResourceArns=["arn:aws:s3:::bucket7/k"], MaxItems=1000)
    status, out = cli_simulate(request)
    assert status == 0, out
    r = iam.simulate_custom_policy(**request)
    assert not r["IsTruncated"] and not out["IsTruncated"], r["IsTruncated"]
    api = [(e["EvalActionName"], e["EvalDecision"]) for e in r["EvaluationResults"]]
    assert api == [(e["EvalActionName"], e["EvalDecision"]) for e in out["EvaluationResults"]]
    assert len(api) == 1000 and api[7] == ("s3:Get7Object", "allowed") and api[8][1] == "implicitDeny", api[:9]
    # General globs within the budget: the page holds fewer than MaxItems, with a Marker to go on.
    request = dict(PolicyInputList=[general_globs(300)], ActionNames=[f"s3:A{i}" for i in range(1000)],
                   ResourceArns=["arn:aws:s3:::" + "x" * 1000], MaxItems=1000)
    page = iam.simulate_custom_policy(**request)
    n = len(page["EvaluationResults"])
    assert page["IsTruncated"] and 0 < n < 1000, (page["IsTruncated"], n)
    status, out = cli_simulate(request)
    assert status == 0 and len(out["EvaluationResults"]) == n and out["Marker"] == page["Marker"], out.get("Marker")
    nxt = iam.simulate_custom_policy(Marker=page["Marker"], **request)
    assert nxt["EvaluationResults"][0]["EvalActionName"] == f"s3:A{n}", nxt["EvaluationResults"][0]


@check("SimulatePrincipalPolicy: a user's inline, attached and group policies, and its boundary")
def _():
    iam = client("iam")
    iam.create_user(UserName="sim-user")
    iam.put_user_policy(UserName="sim-user", PolicyName="reads", PolicyDocument=S3_READ)
    iam.create_group(GroupName="sim-group")
    iam.add_user_to_group(GroupName="sim-group", UserName="sim-user")
    iam.attach_group_policy(GroupName="sim-group", PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    arn = f"arn:aws:iam::{ACCOUNT}:user/sim-user"
    r = iam.simulate_principal_policy(PolicySourceArn=arn, ActionNames=["s3:GetObject", "iam:ListUsers",
                                                                         "iam:CreateUser"],
                                      ResourceArns=["arn:aws:s3:::bucket/k"])["EvaluationResults"]
    assert [e["EvalDecision"] for e in r] == ["allowed", "allowed", "implicitDeny"], r
    assert r[0]["MatchedStatements"][0]["SourcePolicyId"] == "reads" and \
        r[0]["MatchedStatements"][0]["SourcePolicyType"] == "user", r[0]
    assert r[1]["MatchedStatements"][0]["SourcePolicyId"] == "IAMReadOnlyAccess" and \
        r[1]["MatchedStatements"][0]["SourcePolicyType"] == "aws-managed", r[1]
    iam.put_user_permissions_boundary(UserName="sim-user", PermissionsBoundary="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
    r = iam.simulate_principal_policy(PolicySourceArn=arn, ActionNames=["s3:GetObject", "iam:ListUsers"],
                                      ResourceArns=["arn:aws:s3:::bucket/k"])["EvaluationResults"]
    assert [e["EvalDecision"] for e in r] == ["allowed", "implicitDeny"], r
    assert r[1]["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": False}, r
    # Extra input policies join the stored ones.
    r = iam.simulate_principal_policy(PolicySourceArn=arn, ActionNames=["s3:GetObject"],
                                      ResourceArns=["arn:aws:s3:::bucket/secret/k"],
                                      PolicyInputList=[DENY_SECRET])["EvaluationResults"][0]
    assert r["EvalDecision"] == "explicitDeny", r
    # A group and a role as the source.
    g = iam.simulate_principal_policy(PolicySourceArn=f"arn:aws:iam::{ACCOUNT}:group/sim-group",
                                      ActionNames=["iam:GetUser", "s3:GetObject"])["EvaluationResults"]
    assert [e["EvalDecision"] for e in g] == ["allowed", "implicitDeny"], g
    iam.create_role(RoleName="sim-role", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
    iam.put_role_policy(RoleName="sim-role", PolicyName="r", PolicyDocument=S3_READ)
    ro = iam.simulate_principal_policy(PolicySourceArn=f"arn:aws:iam::{ACCOUNT}:role/sim-role",
                                       ActionNames=["s3:GetObject"], ResourceArns=["arn:aws:s3:::bucket/k"])
    assert ro["EvaluationResults"][0]["MatchedStatements"][0]["SourcePolicyType"] == "role", ro


@check("SimulatePrincipalPolicy: unknown principal NoSuchEntity, bad ARN InvalidInput")
def _():
    iam = client("iam")
    code, _, status = error_of(iam.simulate_principal_policy, PolicySourceArn=f"arn:aws:iam::{ACCOUNT}:user/nobody",
                               ActionNames=["s3:GetObject"])
    assert (code, status) == ("NoSuchEntity", 404), code
    code, _, status = error_of(iam.simulate_principal_policy,
                               PolicySourceArn=f"arn:aws:iam::{ACCOUNT}:policy/something-else",
                               ActionNames=["s3:GetObject"])
    assert (code, status) == ("InvalidInput", 400), code


@check("GetContextKeysForCustomPolicy / ForPrincipalPolicy: condition keys and variables, once each")
def _():
    iam = client("iam")
    keys = iam.get_context_keys_for_custom_policy(PolicyInputList=[CONDITIONAL, S3_READ])["ContextKeyNames"]
    assert sorted(keys) == ["aws:SourceIp", "aws:username", "s3:prefix"], keys
    iam.put_user_policy(UserName="sim-user", PolicyName="cond", PolicyDocument=CONDITIONAL)
    keys = iam.get_context_keys_for_principal_policy(PolicySourceArn=f"arn:aws:iam::{ACCOUNT}:user/sim-user",
                                                     PolicyInputList=[doc({"Effect": "Allow", "Action": "*",
                                                                           "Resource": "*", "Condition": {
                                                                               "Bool": {"aws:SecureTransport": "true"}}})
                                                                      ])["ContextKeyNames"]
    assert sorted(keys) == ["aws:SecureTransport", "aws:SourceIp", "aws:username", "s3:prefix"], keys
    code, _, _ = error_of(iam.get_context_keys_for_custom_policy, PolicyInputList=["not json"])
    assert code == "InvalidInput"


@check("the simulator is authorized: a user without iam:Simulate* is denied with AWS's message")
def _():
    key, secret = user_with_key("no-sim", inline={"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:SimulateCustomPolicy", "Resource": "*"}]})
    iam = client("iam", key, secret)
    assert iam.simulate_custom_policy(PolicyInputList=[S3_READ], ActionNames=["s3:GetObject"])["EvaluationResults"]
    arn = f"arn:aws:iam::{ACCOUNT}:user/sim-user"
    assert error_of(iam.simulate_principal_policy, PolicySourceArn=arn, ActionNames=["s3:GetObject"]) == (
        "AccessDenied", f"User: arn:aws:iam::{ACCOUNT}:user/no-sim is not authorized to perform: "
        f"iam:SimulatePrincipalPolicy on resource: {arn} because no identity-based policy allows the "
        "iam:SimulatePrincipalPolicy action", 403)


@check("aws CLI: simulate-custom-policy prints the decision")
def _():
    out = aws_cli("simulate-custom-policy", "--policy-input-list", S3_READ, "--action-names", "s3:GetObject",
                  "--resource-arns", "arn:aws:s3:::bucket/k")
    assert out["EvaluationResults"][0]["EvalDecision"] == "allowed", out


@check("GetAccessKeyLastUsed: N/A before use; service, region and date after a signed call")
def _():
    iam = client("iam")
    iam.create_user(UserName="used")
    k = iam.create_access_key(UserName="used")["AccessKey"]
    r = iam.get_access_key_last_used(AccessKeyId=k["AccessKeyId"])
    assert r["UserName"] == "used" and r["AccessKeyLastUsed"] == {"ServiceName": "N/A", "Region": "N/A"}, r
    user_sts = boto3.session.Session().client("sts", endpoint_url=server.endpoint, region_name="eu-west-1",
                                              aws_access_key_id=k["AccessKeyId"],
                                              aws_secret_access_key=k["SecretAccessKey"])
    user_sts.get_caller_identity()
    used = iam.get_access_key_last_used(AccessKeyId=k["AccessKeyId"])["AccessKeyLastUsed"]
    assert used["ServiceName"] == "sts" and used["Region"] == "eu-west-1" and "LastUsedDate" in used, used
    # The root user's own key was used by every call above.
    root = iam.get_access_key_last_used(AccessKeyId=ROOT_KEY)
    assert "UserName" not in root and root["AccessKeyLastUsed"]["ServiceName"] == "iam", root
    # An unknown key: AccessDenied naming it, as AWS answers (aws-recorded-errors.md, access_key_errors).
    assert error_of(iam.get_access_key_last_used, AccessKeyId="AKIANOTAKEY000000000") == \
        ("AccessDenied", f"User: arn:aws:iam::{ACCOUNT}:root is not authorized to perform "
                         "iam:GetAccessKeyLastUsed on resource: access key AKIANOTAKEY000000000", 403)


@check("ChangePassword: the user changes its own password; old password, policy and permission are checked")
def _():
    iam = client("iam")
    key, secret = user_with_key("changer")
    iam.create_login_profile(UserName="changer", Password="Initial-Passw0rd!", PasswordResetRequired=True)
    me = client("iam", key, secret)
    code, msg, status = error_of(me.change_password, OldPassword="Initial-Passw0rd!", NewPassword="Next-Passw0rd!")
    assert (code, status) == ("AccessDenied", 403) and "iam:ChangePassword" in msg, msg
    iam.attach_user_policy(UserName="changer", PolicyArn="arn:aws:iam::aws:policy/IAMUserChangePassword")
    assert error_of(me.change_password, OldPassword="wrong-one", NewPassword="Next-Passw0rd!") == \
        ("AccessDenied", "The old password is incorrect.", 403)
    code, _, _ = error_of(me.change_password, OldPassword="Initial-Passw0rd!", NewPassword="short")
    assert code == "PasswordPolicyViolation", code
    me.change_password(OldPassword="Initial-Passw0rd!", NewPassword="Next-Passw0rd!")
    assert iam.get_login_profile(UserName="changer")["LoginProfile"]["PasswordResetRequired"] is False
    # AllowUsersToChangePassword lets a user without the policy change its own password.
    iam.detach_user_policy(UserName="changer", PolicyArn="arn:aws:iam::aws:policy/IAMUserChangePassword")
    iam.update_account_password_policy(MinimumPasswordLength=10, AllowUsersToChangePassword=True)
    me.change_password(OldPassword="Next-Passw0rd!", NewPassword="Third-Passw0rd!")
    iam.delete_account_password_policy()
    code, _, _ = error_of(iam.change_password, OldPassword="a", NewPassword="b")
    assert code == "InvalidUserType", code


finish(tmp)

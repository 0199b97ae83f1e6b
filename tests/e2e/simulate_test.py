#!/usr/bin/python3
"""End-to-end tests of the policy simulator over the API and of the credential operations
added with it, against `iamd serve`, with boto3 and the aws CLI:
SimulateCustomPolicy, SimulatePrincipalPolicy, GetContextKeysForCustomPolicy,
GetContextKeysForPrincipalPolicy, GetAccessKeyLastUsed (with last-used recording) and
ChangePassword. Run by ctest as e2e_simulate:
    tests/e2e/simulate_test.py PATH/TO/iamd
"""
import sys

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
                    Marker="garbage") == ("InvalidInput", "Invalid Marker.", 400)


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
    assert error_of(iam.get_access_key_last_used, AccessKeyId="AKIANOTAKEY000000000") == \
        ("NoSuchEntity", "The Access Key with id AKIANOTAKEY000000000 cannot be found.", 404)


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

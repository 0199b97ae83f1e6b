#!/usr/bin/python3
"""End-to-end tests of GetAccountAuthorizationDetails against `iamd serve`, with boto3 and
the aws CLI: every section with what is attached to it, filters, pagination across
sections (boto3's paginator), URL-encoded documents, and authorization.
Run by ctest as e2e_details:
    tests/e2e/details_test.py PATH/TO/iamd
"""
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from harness import *  # noqa: E402,F401,F403 (the shared scaffolding)

DOC = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/a b+c%d"}]})
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
READ_ONLY = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"

server, tmp = start_server("details")
iam = client("iam")
iam.create_user(UserName="ann", Path="/staff/", Tags=[{"Key": "team", "Value": "core"}],
                PermissionsBoundary=READ_ONLY)
iam.put_user_policy(UserName="ann", PolicyName="own", PolicyDocument=DOC)
iam.create_group(GroupName="devs")
iam.add_user_to_group(GroupName="devs", UserName="ann")
iam.put_group_policy(GroupName="devs", PolicyName="g", PolicyDocument=DOC)
iam.attach_group_policy(GroupName="devs", PolicyArn=READ_ONLY)
local = iam.create_policy(PolicyName="Local", PolicyDocument=DOC, Description="mine")["Policy"]
iam.create_policy_version(PolicyArn=local["Arn"], PolicyDocument=DOC, SetAsDefault=True)
iam.attach_user_policy(UserName="ann", PolicyArn=local["Arn"])
iam.create_role(RoleName="app", AssumeRolePolicyDocument=TRUST)
iam.put_role_policy(RoleName="app", PolicyName="r", PolicyDocument=DOC)
iam.create_instance_profile(InstanceProfileName="app-profile")
iam.add_role_to_instance_profile(InstanceProfileName="app-profile", RoleName="app")


@check("every section, with inline and attached policies, groups, boundary, tags, instance profiles")
def _():
    d = iam.get_account_authorization_details()
    assert d["IsTruncated"] is False
    u = d["UserDetailList"]
    assert [x["UserName"] for x in u] == ["ann"], u
    ann = u[0]
    assert ann["Path"] == "/staff/" and ann["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/staff/ann", ann
    assert ann["UserPolicyList"] == [{"PolicyName": "own", "PolicyDocument": json.loads(DOC)}], ann
    assert ann["GroupList"] == ["devs"], ann
    assert ann["AttachedManagedPolicies"] == [{"PolicyName": "Local", "PolicyArn": local["Arn"]}], ann
    assert ann["PermissionsBoundary"] == {"PermissionsBoundaryType": "PermissionsBoundaryPolicy",
                                          "PermissionsBoundaryArn": READ_ONLY}, ann
    assert ann["Tags"] == [{"Key": "team", "Value": "core"}], ann
    g = d["GroupDetailList"][0]
    assert g["GroupName"] == "devs" and g["GroupPolicyList"][0]["PolicyName"] == "g", g
    assert g["AttachedManagedPolicies"] == [{"PolicyName": "IAMReadOnlyAccess", "PolicyArn": READ_ONLY}], g
    r = d["RoleDetailList"][0]
    assert r["RoleName"] == "app" and r["AssumeRolePolicyDocument"] == json.loads(TRUST), r
    assert r["RolePolicyList"][0]["PolicyName"] == "r", r
    profiles = r["InstanceProfileList"]
    assert [p["InstanceProfileName"] for p in profiles] == ["app-profile"], profiles
    assert profiles[0]["Roles"][0]["RoleName"] == "app", profiles
    # Empty lists of a detail entry are sent, as AWS does (models/empty_lists.txt): boto3 shows [].
    assert "AttachedManagedPolicies" in r and r["AttachedManagedPolicies"] == [], r
    assert "Tags" in r and r["Tags"] == [], r
    assert "Tags" not in profiles[0], profiles
    policies = {p["PolicyName"]: p for p in d["Policies"]}
    # Customer managed policies and the AWS managed policies in use, nothing else.
    assert sorted(policies) == ["IAMReadOnlyAccess", "Local"], sorted(policies)
    mine = policies["Local"]
    assert mine["DefaultVersionId"] == "v2" and mine["AttachmentCount"] == 1 and mine["Description"] == "mine", mine
    assert [v["VersionId"] for v in mine["PolicyVersionList"]] == ["v2", "v1"], mine
    assert [v["IsDefaultVersion"] for v in mine["PolicyVersionList"]] == [True, False], mine
    assert mine["PolicyVersionList"][0]["Document"] == json.loads(DOC), mine
    aws = policies["IAMReadOnlyAccess"]
    assert aws["PolicyVersionList"][0]["IsDefaultVersion"] is True and aws["PermissionsBoundaryUsageCount"] == 1, aws


@check("Filter selects sections; a bad filter is a ValidationError")
def _():
    d = iam.get_account_authorization_details(Filter=["Role", "AWSManagedPolicy"])
    assert d["UserDetailList"] == [] and d["GroupDetailList"] == [], d
    assert [r["RoleName"] for r in d["RoleDetailList"]] == ["app"]
    assert [p["PolicyName"] for p in d["Policies"]] == ["IAMReadOnlyAccess"], d["Policies"]
    d = iam.get_account_authorization_details(Filter=["LocalManagedPolicy"])
    assert [p["PolicyName"] for p in d["Policies"]] == ["Local"] and d["RoleDetailList"] == []
    import botocore.config
    raw = boto3.session.Session().client("iam", endpoint_url=server.endpoint, region_name="us-east-1",
                                         aws_access_key_id=ROOT_KEY, aws_secret_access_key=ROOT_SECRET,
                                         config=botocore.config.Config(parameter_validation=False))
    code, _, status = error_of(raw.get_account_authorization_details, Filter=["Users"])
    assert (code, status) == ("ValidationError", 400), code


@check("pagination runs across sections; boto3's paginator sees everything once")
def _():
    for i in range(5):
        iam.create_user(UserName=f"p{i}")
    seen = []
    marker = None
    pages = 0
    while True:
        kwargs = {"MaxItems": 2}
        if marker:
            kwargs["Marker"] = marker
        d = iam.get_account_authorization_details(**kwargs)
        n = sum(len(d[k]) for k in ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"))
        assert n <= 2, d
        seen += [x["UserName"] for x in d["UserDetailList"]] + [x["GroupName"] for x in d["GroupDetailList"]]
        seen += [x["RoleName"] for x in d["RoleDetailList"]] + [x["PolicyName"] for x in d["Policies"]]
        pages += 1
        if not d["IsTruncated"]:
            break
        marker = d["Marker"]
    assert seen == ["ann", "p0", "p1", "p2", "p3", "p4", "devs", "app", "Local", "IAMReadOnlyAccess"], seen
    assert pages == 5, pages
    users = [u["UserName"] for p in iam.get_paginator("get_account_authorization_details").paginate(
        PaginationConfig={"PageSize": 3}) for u in p["UserDetailList"]]
    assert users == ["ann", "p0", "p1", "p2", "p3", "p4"], users
    assert error_of(iam.get_account_authorization_details, Marker="Zgarbage")[0] == "ValidationError"


@check("empty lists of a detail entry are sent as AWS sends them (boto3 shows []), absent members stay absent")
def _():
    iam.create_role(RoleName="bare", AssumeRolePolicyDocument=TRUST)
    iam.create_group(GroupName="bare-group")
    try:
        d = iam.get_account_authorization_details(Filter=["User", "Role", "Group"])
        [user] = [u for u in d["UserDetailList"] if u["UserName"] == "p0"]
        for key in ("UserPolicyList", "GroupList", "AttachedManagedPolicies", "Tags"):
            assert key in user and user[key] == [], (key, user)
        assert "PermissionsBoundary" not in user, user
        [group] = [g for g in d["GroupDetailList"] if g["GroupName"] == "bare-group"]
        for key in ("GroupPolicyList", "AttachedManagedPolicies"):
            assert key in group and group[key] == [], (key, group)
        [role] = [r for r in d["RoleDetailList"] if r["RoleName"] == "bare"]
        for key in ("InstanceProfileList", "RolePolicyList", "AttachedManagedPolicies", "Tags"):
            assert key in role and role[key] == [], (key, role)
        assert "PermissionsBoundary" not in role, role
        assert d["Policies"] == [], d["Policies"]
    finally:
        iam.delete_group(GroupName="bare-group")


@check("authorization: iam:GetAccountAuthorizationDetails on *; IAMReadOnlyAccess allows it")
def _():
    key, secret = user_with_key("reader", managed=[READ_ONLY])
    assert client("iam", key, secret).get_account_authorization_details(Filter=["User"])["UserDetailList"]
    key, secret = user_with_key("nobody")
    assert error_of(client("iam", key, secret).get_account_authorization_details) == (
        "AccessDenied", f"User: arn:aws:iam::{ACCOUNT}:user/nobody is not authorized to perform: "
        "iam:GetAccountAuthorizationDetails because no identity-based policy allows the "
        "iam:GetAccountAuthorizationDetails action", 403)


@check("aws:ResourceTag and iam:ResourceTag of the target user or role decide a conditional allow")
def _():
    iam.tag_role(RoleName="app", Tags=[{"Key": "team", "Value": "core"}])
    key, secret = user_with_key("tagged-reader", inline={"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["iam:GetUser", "iam:ListUserPolicies"], "Resource": "*",
         "Condition": {"StringEquals": {"aws:ResourceTag/team": "core"}}},
        {"Effect": "Allow", "Action": "iam:GetRole", "Resource": "*",
         "Condition": {"StringEquals": {"iam:ResourceTag/Team": "core"}}}]})
    me = client("iam", key, secret)
    assert me.get_user(UserName="ann")["User"]["UserName"] == "ann"
    assert me.list_user_policies(UserName="ann")["PolicyNames"] == ["own"]
    assert me.get_role(RoleName="app")["Role"]["RoleName"] == "app"
    code, msg, _ = error_of(me.get_user, UserName="p0")
    assert code == "AccessDenied" and f"user/p0" in msg, msg
    iam.untag_role(RoleName="app", TagKeys=["team"])
    assert error_of(me.get_role, RoleName="app")[0] == "AccessDenied"


@check("aws:ResourceTag of a policy and an instance profile; iam:ResourceTag is for users and roles only")
def _():
    iam.tag_policy(PolicyArn=local["Arn"], Tags=[{"Key": "team", "Value": "core"}])
    iam.tag_instance_profile(InstanceProfileName="app-profile", Tags=[{"Key": "team", "Value": "core"}])
    key, secret = user_with_key("tag-reader-2", inline={"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["iam:GetPolicy", "iam:GetInstanceProfile"], "Resource": "*",
         "Condition": {"StringEquals": {"aws:ResourceTag/team": "core"}}},
        {"Effect": "Allow", "Action": "iam:ListPolicyVersions", "Resource": "*",
         "Condition": {"StringEquals": {"iam:ResourceTag/team": "core"}}}]})
    me = client("iam", key, secret)
    assert me.get_policy(PolicyArn=local["Arn"])["Policy"]["PolicyName"] == "Local"
    assert me.get_instance_profile(InstanceProfileName="app-profile")["InstanceProfile"]["InstanceProfileName"] \
        == "app-profile"
    assert error_of(me.get_policy, PolicyArn=READ_ONLY)[0] == "AccessDenied"  # AWS managed: no tags
    assert error_of(me.list_policy_versions, PolicyArn=local["Arn"])[0] == "AccessDenied"
    iam.untag_instance_profile(InstanceProfileName="app-profile", TagKeys=["team"])
    assert error_of(me.get_instance_profile, InstanceProfileName="app-profile")[0] == "AccessDenied"


@check("Create* sees its own tags as aws:ResourceTag; aws:ResourceAccount is the resource's account")
def _():
    key, secret = user_with_key("creator", inline={"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["iam:CreateUser", "iam:CreateRole", "iam:CreatePolicy"], "Resource": "*",
         "Condition": {"StringEquals": {"aws:ResourceTag/team": "core"}}},
        {"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*",
         "Condition": {"StringEquals": {"aws:ResourceAccount": ACCOUNT}}}]})
    me = client("iam", key, secret)
    me.create_user(UserName="made-core", Tags=[{"Key": "team", "Value": "core"}])
    assert error_of(me.create_user, UserName="made-edge", Tags=[{"Key": "team", "Value": "edge"}])[0] == "AccessDenied"
    me.create_policy(PolicyName="made-core", PolicyDocument=DOC, Tags=[{"Key": "team", "Value": "core"}])
    me.create_role(RoleName="made-core", AssumeRolePolicyDocument=TRUST, Tags=[{"Key": "team", "Value": "core"}])
    assert me.get_user(UserName="made-core")["User"]["UserName"] == "made-core"


@check("credential report: not present, STARTED then COMPLETE, AWS's CSV columns and values")
def _():
    try:
        iam.get_credential_report()
        raise AssertionError("the call succeeded")
    except botocore.exceptions.ClientError as e:  # AWS sends no Message (aws-recorded-errors.md)
        assert e.response["Error"]["Code"] == "ReportNotPresent" and "Message" not in e.response["Error"], e.response
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 410
    iam.create_login_profile(UserName="ann", Password="Report-Passw0rd!")
    first = iam.generate_credential_report()
    assert first["State"] == "STARTED" and "Starting" in first["Description"], first
    assert iam.generate_credential_report()["State"] == "COMPLETE"
    r = iam.get_credential_report()
    assert r["ReportFormat"] == "text/csv" and "GeneratedTime" in r, r
    lines = r["Content"].decode().split("\n")
    header = lines[0].split(",")
    assert header[:8] == ["user", "arn", "user_creation_time", "password_enabled", "password_last_used",
                          "password_last_changed", "password_next_rotation", "mfa_active"], header
    assert len(header) == 22 and header[-1] == "cert_2_last_rotated", header
    rows = {line.split(",")[0]: dict(zip(header, line.split(","))) for line in lines[1:]}
    root = rows["<root_account>"]
    assert root["arn"] == f"arn:aws:iam::{ACCOUNT}:root" and root["password_enabled"] == "not_supported", root
    assert root["access_key_1_active"] == "true" and root["access_key_1_last_used_service"] == "iam", root
    ann = rows["ann"]
    assert ann["arn"] == f"arn:aws:iam::{ACCOUNT}:user/staff/ann" and ann["password_enabled"] == "true", ann
    assert ann["password_last_used"] == "no_information" and ann["password_next_rotation"] == "N/A", ann
    assert ann["access_key_1_active"] == "false" and ann["access_key_1_last_rotated"] == "N/A", ann
    assert ann["user_creation_time"].endswith("+00:00"), ann
    assert rows["p0"]["password_enabled"] == "false" and rows["p0"]["password_last_changed"] == "N/A"


@check("aws CLI: get-account-authorization-details")
def _():
    out = aws_cli("get-account-authorization-details", "--filter", "Group")
    assert [g["GroupName"] for g in out["GroupDetailList"]] == ["devs"], out


finish(tmp)

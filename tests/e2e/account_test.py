#!/usr/bin/python3
"""End-to-end tests of the account operations and the user operations beyond create/get/delete
against `iamd serve`, with boto3: GetAccountSummary, account aliases, the password policy,
login profiles, user tags, UpdateUser and user permissions boundaries, with AWS's error
codes, messages and HTTP statuses, and their authorization. Prints one line per check and a
closing "N passed, N failed":
    tests/e2e/account_test.py PATH/TO/iamd
"""
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from harness import *  # noqa: E402,F401,F403 (the shared scaffolding)

IAM_READ = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def user_arn(name, path="/"):
    return f"arn:aws:iam::{ACCOUNT}:user{path}{name}"


server, tmp = start_server("account")


@check("GetAccountSummary: every AWS key, quotas, and counts that follow the store")
def _():
    iam = client("iam")
    s = iam.get_account_summary()["SummaryMap"]
    expected_quotas = {
        "UsersQuota": 5000, "GroupsQuota": 300, "RolesQuota": 1000, "PoliciesQuota": 1500,
        "InstanceProfilesQuota": 1000, "PolicyVersionsInUseQuota": 10000, "AccessKeysPerUserQuota": 2,
        "GroupsPerUserQuota": 10, "AttachedPoliciesPerUserQuota": 10, "AttachedPoliciesPerGroupQuota": 10,
        "AttachedPoliciesPerRoleQuota": 10, "PolicySizeQuota": 6144, "UserPolicySizeQuota": 2048,
        "GroupPolicySizeQuota": 5120, "RolePolicySizeQuota": 10240, "AssumeRolePolicySizeQuota": 2048,
        "VersionsPerPolicyQuota": 5, "ServerCertificates": 0, "ServerCertificatesQuota": 20, "MFADevices": 0,
        "MFADevicesInUse": 0, "AccountMFAEnabled": 0, "AccountAccessKeysPresent": 1,
        "AccountSigningCertificatesPresent": 0, "GlobalEndpointTokenVersion": 1, "Providers": 0,
    }
    for k, v in expected_quotas.items():
        assert s.get(k) == v, (k, s.get(k))
    for k in ("Users", "Groups", "Roles", "Policies", "InstanceProfiles", "PolicyVersionsInUse"):
        assert isinstance(s.get(k), int), (k, s)
    before = s
    iam.create_user(UserName="counted")
    iam.create_group(GroupName="counted-group")
    iam.create_policy(PolicyName="counted-policy", PolicyDocument=doc({"Effect": "Allow", "Action": "s3:*",
                                                                       "Resource": "*"}))
    after = iam.get_account_summary()["SummaryMap"]
    assert after["Users"] == before["Users"] + 1, (before, after)
    assert after["Groups"] == before["Groups"] + 1, (before, after)
    assert after["Policies"] == before["Policies"] + 1, (before, after)
    assert after["PolicyVersionsInUse"] == before["PolicyVersionsInUse"] + 1, (before, after)


@check("Account alias: create, list, replace, delete, NoSuchEntity, ValidationError")
def _():
    iam = client("iam")
    assert iam.list_account_aliases()["AccountAliases"] == []
    iam.create_account_alias(AccountAlias="my-company")
    r = iam.list_account_aliases()
    assert r["AccountAliases"] == ["my-company"] and r["IsTruncated"] is False, r
    iam.create_account_alias(AccountAlias="my-company")  # the same again: no-op
    iam.create_account_alias(AccountAlias="other-name")  # one alias per account: replaces
    assert iam.list_account_aliases()["AccountAliases"] == ["other-name"]
    assert error_of(iam.delete_account_alias, AccountAlias="my-company") == \
        ("NoSuchEntity", "The account alias my-company cannot be found.", 404)
    for bad in ("double--hyphen", "Upper-Case", "-leading", "trailing-", "under_score"):
        code, _, status = error_of(iam.create_account_alias, AccountAlias=bad)
        assert (code, status) == ("ValidationError", 400), (bad, code)
    code, _, status = error_of(iam.create_account_alias, AccountAlias="123456789012")
    assert status == 400 and code in ("ValidationError", "InvalidInput"), code
    iam.delete_account_alias(AccountAlias="other-name")
    assert iam.list_account_aliases()["AccountAliases"] == []


@check("Password policy: NoSuchEntity before, update with defaults, get, delete")
def _():
    iam = client("iam")
    assert error_of(iam.get_account_password_policy) == \
        ("NoSuchEntity", f"The Password Policy with domain name {ACCOUNT} cannot be found.", 404)
    assert error_of(iam.delete_account_password_policy) == \
        ("NoSuchEntity", "The account policy with name PasswordPolicy cannot be found.", 404)
    iam.update_account_password_policy(MinimumPasswordLength=12, RequireSymbols=True, RequireNumbers=True,
                                       MaxPasswordAge=90, PasswordReusePrevention=5)
    p = iam.get_account_password_policy()["PasswordPolicy"]
    assert p == {"MinimumPasswordLength": 12, "RequireSymbols": True, "RequireNumbers": True,
                 "RequireUppercaseCharacters": False, "RequireLowercaseCharacters": False,
                 "AllowUsersToChangePassword": False, "ExpirePasswords": True, "MaxPasswordAge": 90,
                 "PasswordReusePrevention": 5}, p  # no HardExpiry unless set, as in AWS
    iam.update_account_password_policy(RequireUppercaseCharacters=True)  # omitted parameters reset
    p = iam.get_account_password_policy()["PasswordPolicy"]
    assert p["MinimumPasswordLength"] == 6 and p["RequireUppercaseCharacters"] is True, p
    assert p["ExpirePasswords"] is False and "MaxPasswordAge" not in p and "PasswordReusePrevention" not in p, p
    code, _, status = error_of(iam.update_account_password_policy, MinimumPasswordLength=200)
    assert (code, status) == ("ValidationError", 400), code
    iam.delete_account_password_policy()
    assert error_of(iam.get_account_password_policy)[0] == "NoSuchEntity"


@check("Login profile: create, get (no password), update, delete, errors")
def _():
    iam = client("iam")
    created = iam.create_user(UserName="alice")["User"]
    # Untagged: CreateUser and GetUser leave Tags out, as AWS does (models/empty_lists.txt).
    assert "Tags" not in created and "Tags" not in iam.get_user(UserName="alice")["User"], created
    r = iam.create_login_profile(UserName="alice", Password="Correct-Horse-9", PasswordResetRequired=True)
    lp = r["LoginProfile"]
    assert lp["UserName"] == "alice" and lp["PasswordResetRequired"] is True and "CreateDate" in lp, lp
    assert "Password" not in lp and "Correct-Horse-9" not in json.dumps(r, default=str), r
    got = iam.get_login_profile(UserName="ALICE")["LoginProfile"]
    assert got["UserName"] == "alice" and got["PasswordResetRequired"] is True, got
    assert "Password" not in got
    assert error_of(iam.create_login_profile, UserName="alice", Password="Another-Pass-1") == \
        ("EntityAlreadyExists", "Login Profile for user alice already exists.", 409)
    iam.update_login_profile(UserName="alice", PasswordResetRequired=False)
    assert iam.get_login_profile(UserName="alice")["LoginProfile"]["PasswordResetRequired"] is False
    iam.update_login_profile(UserName="alice", Password="Brand-New-Pass-2")
    code, message, status = error_of(iam.delete_user, UserName="alice")
    assert (code, message, status) == ("DeleteConflict", "Cannot delete entity, must delete login profile first.",
                                       409), message
    iam.delete_login_profile(UserName="alice")
    missing = ("NoSuchEntity", "Login Profile for User alice cannot be found.", 404)
    assert error_of(iam.get_login_profile, UserName="alice") == missing
    assert error_of(iam.delete_login_profile, UserName="alice") == missing
    assert error_of(iam.update_login_profile, UserName="alice", PasswordResetRequired=True) == missing
    assert error_of(iam.create_login_profile, UserName="nobody", Password="Whatever-123") == \
        ("NoSuchEntity", "The user with name nobody cannot be found.", 404)
    iam.delete_user(UserName="alice")


@check("Login profile: PasswordPolicyViolation against the account policy and the default one")
def _():
    iam = client("iam")
    iam.create_user(UserName="bob")
    assert error_of(iam.create_login_profile, UserName="bob", Password="short1A") == \
        ("PasswordPolicyViolation", "Password should have a minimum length of 8", 400)
    code, _, status = error_of(iam.create_login_profile, UserName="bob", Password="alllowercase")
    assert (code, status) == ("PasswordPolicyViolation", 400), code
    iam.update_account_password_policy(MinimumPasswordLength=10, RequireUppercaseCharacters=True,
                                       RequireLowercaseCharacters=True, RequireNumbers=True, RequireSymbols=True)
    cases = [("Ab1!", "Password should have a minimum length of 10"),
             ("ABCDEFGH1!", "Password should have at least one lowercase letter"),
             ("abcdefgh1!", "Password should have at least one uppercase letter"),
             ("Abcdefghi!", "Password should have at least one number"),
             ("Abcdefghi1", "Password should have at least one symbol")]
    for pw, message in cases:
        assert error_of(iam.create_login_profile, UserName="bob", Password=pw) == \
            ("PasswordPolicyViolation", message, 400), pw
    iam.create_login_profile(UserName="bob", Password="Abcdefgh1!")
    assert error_of(iam.update_login_profile, UserName="bob", Password="weak") == \
        ("PasswordPolicyViolation", "Password should have a minimum length of 10", 400)
    iam.delete_login_profile(UserName="bob")
    iam.delete_account_password_policy()


@check("TagUser / UntagUser / ListUserTags: case-insensitive keys, 50 tags, pagination")
def _():
    iam = client("iam")
    iam.create_user(UserName="tagged", Tags=[{"Key": "Department", "Value": "finance"}])
    iam.tag_user(UserName="tagged", Tags=[{"Key": "team", "Value": "core"}])
    iam.tag_user(UserName="tagged", Tags=[{"Key": "department", "Value": "hr"}])
    tags = iam.list_user_tags(UserName="tagged")["Tags"]
    assert len(tags) == 2 and {t["Value"] for t in tags} == {"hr", "core"}, tags
    assert iam.get_user(UserName="tagged")["User"]["Tags"] == tags
    code, message, status = error_of(iam.tag_user, UserName="tagged",
                                     Tags=[{"Key": "a", "Value": "1"}, {"Key": "A", "Value": "2"}])
    assert (code, status) == ("InvalidInput", 400) and "case insensitive" in message, message
    iam.untag_user(UserName="tagged", TagKeys=["DEPARTMENT", "absent"])
    assert iam.list_user_tags(UserName="tagged")["Tags"] == [{"Key": "team", "Value": "core"}]
    iam.tag_user(UserName="tagged", Tags=[{"Key": f"k{i:02d}", "Value": str(i)} for i in range(49)])
    first = iam.list_user_tags(UserName="tagged", MaxItems=30)
    assert len(first["Tags"]) == 30 and first["IsTruncated"] is True, first
    rest = iam.list_user_tags(UserName="tagged", Marker=first["Marker"])
    assert len(rest["Tags"]) == 20 and rest["IsTruncated"] is False, rest
    assert error_of(iam.tag_user, UserName="tagged", Tags=[{"Key": "one-too-many", "Value": "x"}]) == \
        ("LimitExceeded", "The number of tags has reached the maximum limit.", 409)
    assert error_of(iam.list_user_tags, UserName="nobody") == \
        ("NoSuchEntity", "The user with name nobody cannot be found.", 404)


@check("UpdateUser: rename, move, EntityAlreadyExists, NoSuchEntity, the key keeps working")
def _():
    iam = client("iam")
    key, secret = user_with_key("carol", managed=[IAM_READ])
    iam.create_user(UserName="dave")
    iam.update_user(UserName="carol", NewUserName="carol2", NewPath="/staff/")
    u = iam.get_user(UserName="carol2")["User"]
    assert u["Arn"] == user_arn("carol2", "/staff/") and u["Path"] == "/staff/", u
    assert error_of(iam.get_user, UserName="carol")[0] == "NoSuchEntity"
    assert error_of(iam.update_user, UserName="carol2", NewUserName="DAVE") == \
        ("EntityAlreadyExists", "User with name DAVE already exists.", 409)
    assert error_of(iam.update_user, UserName="nobody", NewUserName="x") == \
        ("NoSuchEntity", "The user with name nobody cannot be found.", 404)
    me = client("iam", key, secret).get_user()["User"]
    assert me["UserName"] == "carol2" and me["Arn"] == user_arn("carol2", "/staff/"), me


@check("User permissions boundary: put, shown by GetUser, enforced, deleted; bad ARN")
def _():
    iam = client("iam")
    key, secret = user_with_key("erin", managed=[ADMIN])
    me = client("iam", key, secret)
    me.list_groups()  # admin: allowed
    boundary = iam.create_policy(PolicyName="only-s3", PolicyDocument=doc(
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}))["Policy"]["Arn"]
    iam.put_user_permissions_boundary(UserName="erin", PermissionsBoundary=boundary)
    u = iam.get_user(UserName="erin")["User"]
    assert u["PermissionsBoundary"] == {"PermissionsBoundaryType": "PermissionsBoundaryPolicy",
                                        "PermissionsBoundaryArn": boundary}, u
    code, message, status = error_of(me.list_groups)
    assert (code, status) == ("AccessDenied", 403) and "permissions boundary" in message, message
    missing = f"arn:aws:iam::{ACCOUNT}:policy/none"
    assert error_of(iam.put_user_permissions_boundary, UserName="erin", PermissionsBoundary=missing) == \
        ("NoSuchEntity", f"Scope ARN: {missing} does not exist or is not attachable.", 404)  # as recorded
    iam.delete_user_permissions_boundary(UserName="erin")
    assert "PermissionsBoundary" not in iam.get_user(UserName="erin")["User"]
    me.list_groups()
    assert error_of(iam.put_user_permissions_boundary, UserName="nobody", PermissionsBoundary=boundary)[0] == \
        "NoSuchEntity"


@check("IAMReadOnlyAccess: GetAccountSummary and reads allowed, account writes denied")
def _():
    key, secret = user_with_key("reader", managed=[IAM_READ])
    me = client("iam", key, secret)
    assert me.get_account_summary()["SummaryMap"]["UsersQuota"] == 5000
    me.list_account_aliases()
    me.list_user_tags(UserName="reader")
    code, message, status = error_of(me.update_account_password_policy, MinimumPasswordLength=10)
    assert (code, status) == ("AccessDenied", 403), code
    assert message == (f"User: {user_arn('reader')} is not authorized to perform: iam:UpdateAccountPasswordPolicy "
                       "because no identity-based policy allows the iam:UpdateAccountPasswordPolicy action"), message
    assert error_of(me.create_account_alias, AccountAlias="reader-alias")[0] == "AccessDenied"
    code, message, _ = error_of(me.tag_user, UserName="reader", Tags=[{"Key": "a", "Value": "b"}])
    assert code == "AccessDenied" and f"on resource: {user_arn('reader')}" in message, message
    assert error_of(me.create_login_profile, UserName="reader", Password="Abcdefgh1!")[0] == "AccessDenied"


@check("Condition keys: aws:RequestTag / aws:TagKeys on TagUser, iam:PermissionsBoundary")
def _():
    iam = client("iam")
    policy = doc(
        {"Effect": "Allow", "Action": "iam:TagUser", "Resource": "*",
         "Condition": {"StringEquals": {"aws:RequestTag/team": "blue"},
                       "ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}},
        {"Effect": "Allow", "Action": "iam:UntagUser", "Resource": "*",
         "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}},
        {"Effect": "Allow", "Action": "iam:PutUserPermissionsBoundary", "Resource": "*",
         "Condition": {"StringEquals": {"iam:PermissionsBoundary": IAM_READ}}})
    key, secret = user_with_key("tagger", inline=json.loads(policy))
    iam.create_user(UserName="target")
    me = client("iam", key, secret)
    me.tag_user(UserName="target", Tags=[{"Key": "team", "Value": "blue"}])
    assert error_of(me.tag_user, UserName="target", Tags=[{"Key": "team", "Value": "red"}])[0] == "AccessDenied"
    assert error_of(me.tag_user, UserName="target", Tags=[{"Key": "other", "Value": "blue"}])[0] == "AccessDenied"
    assert error_of(me.untag_user, UserName="target", TagKeys=["other"])[0] == "AccessDenied"
    me.untag_user(UserName="target", TagKeys=["team"])
    me.put_user_permissions_boundary(UserName="target", PermissionsBoundary=IAM_READ)
    assert error_of(me.put_user_permissions_boundary, UserName="target", PermissionsBoundary=ADMIN)[0] == \
        "AccessDenied"


finish(tmp)

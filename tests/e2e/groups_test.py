#!/usr/bin/python3
"""End-to-end tests of IAM groups against `iamd serve`, with boto3 (and the aws CLI once).

Covers every group operation, AWS's error codes, messages and HTTP statuses, pagination,
quotas, DeleteConflict, and that group policies take part in authorization. Prints one line
per check and a closing "N passed, N failed". Run by ctest as e2e_groups:
    tests/e2e/groups_test.py PATH/TO/iamd
"""
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from harness import *  # noqa: E402,F401,F403 (the shared scaffolding)


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", **extra):
    return dict({"Effect": "Allow", "Action": action, "Resource": resource}, **extra)


def deny(action, resource="*"):
    return {"Effect": "Deny", "Action": action, "Resource": resource}


def sized_doc(n_resources):
    """An Allow policy whose size grows by ~120 bytes per resource."""
    return doc(allow("s3:GetObject", [f"arn:aws:s3:::bucket/{'k' * 100}-{i:04d}" for i in range(n_resources)]))


def arn(name, path="/"):
    return f"arn:aws:iam::{ACCOUNT}:group{path}{name}"


MANAGED = [f"arn:aws:iam::aws:policy/{n}" for n in (
    "IAMReadOnlyAccess", "AdministratorAccess", "ReadOnlyAccess", "IAMFullAccess", "AmazonS3ReadOnlyAccess",
    "AmazonS3FullAccess", "AmazonEC2ReadOnlyAccess", "AmazonEC2FullAccess", "AmazonDynamoDBReadOnlyAccess",
    "AmazonDynamoDBFullAccess", "AmazonSQSFullAccess")]
IAM_READ = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


server, tmp = start_server("groups")


@check("CreateGroup, GetGroup, ListGroups: fields, ARN with path, AGPA id")
def _():
    iam = client("iam")
    g = iam.create_group(GroupName="Developers")["Group"]
    assert g["GroupName"] == "Developers" and g["Path"] == "/" and g["Arn"] == arn("Developers"), g
    assert g["GroupId"].startswith("AGPA") and len(g["GroupId"]) == 21, g
    assert "CreateDate" in g
    t = iam.create_group(GroupName="Testers", Path="/qa/team/")["Group"]
    assert t["Arn"] == arn("Testers", "/qa/team/") and t["Path"] == "/qa/team/", t
    got = iam.get_group(GroupName="developers")  # lookups ignore case, the stored case comes back
    assert got["Group"] == g and got["Users"] == [] and got["IsTruncated"] is False, got
    names = [x["GroupName"] for x in iam.list_groups()["Groups"]]
    assert names == ["Developers", "Testers"], names
    assert [x["GroupName"] for x in iam.list_groups(PathPrefix="/qa/")["Groups"]] == ["Testers"]
    assert iam.list_groups(PathPrefix="/nothing/")["Groups"] == []


@check("CreateGroup: EntityAlreadyExists (case-insensitive), ValidationError on a bad name")
def _():
    iam = client("iam")
    assert error_of(iam.create_group, GroupName="DEVELOPERS") == \
        ("EntityAlreadyExists", "Group with name DEVELOPERS already exists.", 409)
    code, message, status = error_of(iam.create_group, GroupName="bad name!")
    assert code == "ValidationError" and status == 400 and "regular expression pattern" in message, message


@check("NoSuchEntity for every group operation on a missing group")
def _():
    iam = client("iam")
    iam.create_user(UserName="lonely")
    missing = ("NoSuchEntity", "The group with name nope cannot be found.", 404)
    calls = [
        (iam.get_group, {}), (iam.delete_group, {}), (iam.update_group, {"NewGroupName": "x"}),
        (iam.add_user_to_group, {"UserName": "lonely"}), (iam.remove_user_from_group, {"UserName": "lonely"}),
        (iam.put_group_policy, {"PolicyName": "p", "PolicyDocument": doc(allow("s3:*"))}),
        (iam.get_group_policy, {"PolicyName": "p"}), (iam.delete_group_policy, {"PolicyName": "p"}),
        (iam.list_group_policies, {}), (iam.attach_group_policy, {"PolicyArn": IAM_READ}),
        (iam.detach_group_policy, {"PolicyArn": IAM_READ}), (iam.list_attached_group_policies, {}),
    ]
    for fn, kwargs in calls:
        got = error_of(fn, GroupName="nope", **kwargs)
        assert got == missing, (fn.__name__, got)
    assert error_of(iam.add_user_to_group, GroupName="Developers", UserName="ghost") == \
        ("NoSuchEntity", "The user with name ghost cannot be found.", 404)
    assert error_of(iam.list_groups_for_user, UserName="ghost") == \
        ("NoSuchEntity", "The user with name ghost cannot be found.", 404)


@check("ListGroups pagination with MaxItems/Marker and the boto3 paginator")
def _():
    iam = client("iam")
    for i in range(5):
        iam.create_group(GroupName=f"page-{i}", Path="/paged/")
    seen, marker = [], None
    while True:
        kwargs = {"PathPrefix": "/paged/", "MaxItems": 2}
        if marker:
            kwargs["Marker"] = marker
        r = iam.list_groups(**kwargs)
        seen += [g["GroupName"] for g in r["Groups"]]
        if not r["IsTruncated"]:
            assert "Marker" not in r
            break
        assert len(r["Groups"]) == 2
        marker = r["Marker"]
    assert seen == [f"page-{i}" for i in range(5)], seen
    full = iam.get_paginator("list_groups").paginate(PathPrefix="/paged/", PaginationConfig={"PageSize": 3})
    assert [g["GroupName"] for g in full.build_full_result()["Groups"]] == seen


@check("AddUserToGroup (idempotent), GetGroup members paginated, ListGroupsForUser, RemoveUserFromGroup")
def _():
    iam = client("iam")
    iam.create_group(GroupName="members")
    for i in range(5):
        iam.create_user(UserName=f"m-{i}", Path="/staff/", Tags=[{"Key": "k", "Value": "v"}])
        iam.add_user_to_group(GroupName="members", UserName=f"m-{i}")
    iam.add_user_to_group(GroupName="MEMBERS", UserName="m-0")  # already a member: success
    r = iam.get_group(GroupName="members", MaxItems=2)
    assert r["IsTruncated"] is True and len(r["Users"]) == 2 and r["Group"]["GroupName"] == "members", r
    u = r["Users"][0]
    assert u["UserName"] == "m-0" and u["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/staff/m-0" and u["Path"] == "/staff/"
    assert "Tags" not in u and "PermissionsBoundary" not in u, u
    r2 = iam.get_group(GroupName="members", MaxItems=2, Marker=r["Marker"])
    assert [x["UserName"] for x in r2["Users"]] == ["m-2", "m-3"], r2
    full = iam.get_paginator("get_group").paginate(GroupName="members", PaginationConfig={"PageSize": 2})
    assert [x["UserName"] for x in full.build_full_result()["Users"]] == [f"m-{i}" for i in range(5)]
    iam.add_user_to_group(GroupName="Developers", UserName="m-0")
    groups = iam.list_groups_for_user(UserName="m-0")
    assert [g["GroupName"] for g in groups["Groups"]] == ["Developers", "members"] and not groups["IsTruncated"]
    assert groups["Groups"][0]["Arn"] == arn("Developers")
    page = iam.list_groups_for_user(UserName="m-0", MaxItems=1)
    assert page["IsTruncated"] and [g["GroupName"] for g in page["Groups"]] == ["Developers"]
    rest = iam.list_groups_for_user(UserName="m-0", Marker=page["Marker"])
    assert [g["GroupName"] for g in rest["Groups"]] == ["members"]
    iam.remove_user_from_group(GroupName="Developers", UserName="m-0")
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="m-0")["Groups"]] == ["members"]
    # Removing a user who is not a member succeeds, as in AWS (issue 11).
    iam.remove_user_from_group(GroupName="Developers", UserName="m-0")
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="m-0")["Groups"]] == ["members"]


@check("GroupsPerUser quota: the 11th group is LimitExceeded 409")
def _():
    iam = client("iam")
    iam.create_user(UserName="joiner")
    for i in range(10):
        iam.create_group(GroupName=f"quota-{i:02d}")
        iam.add_user_to_group(GroupName=f"quota-{i:02d}", UserName="joiner")
    iam.create_group(GroupName="quota-10")
    assert error_of(iam.add_user_to_group, GroupName="quota-10", UserName="joiner") == \
        ("LimitExceeded", "Cannot exceed quota for GroupsPerUser: 10", 409)
    iam.add_user_to_group(GroupName="quota-03", UserName="joiner")  # a member already: still fine at the quota
    assert len(iam.list_groups_for_user(UserName="joiner")["Groups"]) == 10


@check("UpdateGroup: rename and re-path, members and policies follow, name conflicts")
def _():
    iam = client("iam")
    iam.create_group(GroupName="old-name")
    iam.create_user(UserName="mover")
    iam.add_user_to_group(GroupName="old-name", UserName="mover")
    iam.put_group_policy(GroupName="old-name", PolicyName="p", PolicyDocument=doc(allow("s3:*")))
    iam.update_group(GroupName="old-name", NewGroupName="new-name", NewPath="/moved/")
    assert error_of(iam.get_group, GroupName="old-name")[0] == "NoSuchEntity"
    r = iam.get_group(GroupName="new-name")
    assert r["Group"]["Path"] == "/moved/" and r["Group"]["Arn"] == arn("new-name", "/moved/"), r["Group"]
    assert [u["UserName"] for u in r["Users"]] == ["mover"]
    assert iam.list_group_policies(GroupName="new-name")["PolicyNames"] == ["p"]
    iam.update_group(GroupName="new-name", NewPath="/")
    assert iam.get_group(GroupName="new-name")["Group"]["Path"] == "/"
    assert error_of(iam.update_group, GroupName="new-name", NewGroupName="developers") == \
        ("EntityAlreadyExists", "Group with name developers already exists.", 409)


@check("group inline policies: put (replace), get, list paginated, delete, messages")
def _():
    iam = client("iam")
    iam.create_group(GroupName="inline")
    d1 = doc(allow("s3:GetObject"))
    iam.put_group_policy(GroupName="inline", PolicyName="read", PolicyDocument=d1)
    got = iam.get_group_policy(GroupName="INLINE", PolicyName="read")
    assert got["GroupName"] == "inline" and got["PolicyName"] == "read" and got["PolicyDocument"] == json.loads(d1), got
    d2 = doc(allow("s3:PutObject"))
    iam.put_group_policy(GroupName="inline", PolicyName="read", PolicyDocument=d2)  # replaces
    assert iam.get_group_policy(GroupName="inline", PolicyName="read")["PolicyDocument"] == json.loads(d2)
    for name in ("b", "c"):
        iam.put_group_policy(GroupName="inline", PolicyName=name, PolicyDocument=d1)
    assert iam.list_group_policies(GroupName="inline")["PolicyNames"] == ["b", "c", "read"]
    page = iam.list_group_policies(GroupName="inline", MaxItems=2)
    assert page["PolicyNames"] == ["b", "c"] and page["IsTruncated"], page
    rest = iam.list_group_policies(GroupName="inline", Marker=page["Marker"])
    assert rest["PolicyNames"] == ["read"] and not rest["IsTruncated"], rest
    iam.delete_group_policy(GroupName="inline", PolicyName="b")
    assert iam.list_group_policies(GroupName="inline")["PolicyNames"] == ["c", "read"]
    missing = ("NoSuchEntity", "The group policy with name b cannot be found.", 404)
    assert error_of(iam.get_group_policy, GroupName="inline", PolicyName="b") == missing
    assert error_of(iam.delete_group_policy, GroupName="inline", PolicyName="b") == missing
    code, message, status = error_of(iam.put_group_policy, GroupName="inline", PolicyName="bad",
                                     PolicyDocument='{"Version":"2012-10-17","Statement":{"Effect":"allow","Action":"*","Resource":"*"}}')
    assert (code, message, status) == ("MalformedPolicyDocument", "The policy failed legacy parsing", 400), message


@check("group inline aggregate quota: 5120 bytes, a replaced policy not counted twice")
def _():
    iam = client("iam")
    iam.create_group(GroupName="big")
    big = sized_doc(24)  # ~3,000 bytes: one fits in 5,120, two do not
    assert 2600 < len(big) < 5120, len(big)
    iam.put_group_policy(GroupName="big", PolicyName="one", PolicyDocument=big)
    iam.put_group_policy(GroupName="big", PolicyName="one", PolicyDocument=big)  # a replacement: same total
    assert error_of(iam.put_group_policy, GroupName="big", PolicyName="two", PolicyDocument=big) == \
        ("LimitExceeded", "Maximum policy size of 5120 bytes exceeded for group big", 409)
    assert iam.list_group_policies(GroupName="big")["PolicyNames"] == ["one"]
    small = sized_doc(8)
    iam.put_group_policy(GroupName="big", PolicyName="two", PolicyDocument=small)
    code, message, _ = error_of(iam.put_group_policy, GroupName="big", PolicyName="huge", PolicyDocument=sized_doc(50))
    assert (code, message) == ("LimitExceeded", "Maximum policy size of 5120 bytes exceeded for group big"), message


@check("attached group policies: attach (idempotent), list with PathPrefix/pagination, detach, errors")
def _():
    iam = client("iam")
    iam.create_group(GroupName="managed")
    iam.attach_group_policy(GroupName="managed", PolicyArn=IAM_READ)
    iam.attach_group_policy(GroupName="managed", PolicyArn=IAM_READ)  # again: no-op
    iam.attach_group_policy(GroupName="managed", PolicyArn=ADMIN)
    r = iam.list_attached_group_policies(GroupName="managed")
    assert r["AttachedPolicies"] == [{"PolicyName": "AdministratorAccess", "PolicyArn": ADMIN},
                                     {"PolicyName": "IAMReadOnlyAccess", "PolicyArn": IAM_READ}], r
    page = iam.list_attached_group_policies(GroupName="managed", MaxItems=1)
    assert page["IsTruncated"] and [p["PolicyName"] for p in page["AttachedPolicies"]] == ["AdministratorAccess"]
    rest = iam.list_attached_group_policies(GroupName="managed", Marker=page["Marker"])
    assert [p["PolicyName"] for p in rest["AttachedPolicies"]] == ["IAMReadOnlyAccess"] and not rest["IsTruncated"]
    # An empty listing is sent as <AttachedPolicies/>, which boto3 shows as [], as with AWS.
    empty = iam.list_attached_group_policies(GroupName="managed", PathPrefix="/service-role/")
    assert empty["AttachedPolicies"] == [] and not empty["IsTruncated"], empty
    iam.detach_group_policy(GroupName="managed", PolicyArn=ADMIN)
    assert [p["PolicyArn"] for p in iam.list_attached_group_policies(GroupName="managed")["AttachedPolicies"]] == [IAM_READ]
    assert error_of(iam.detach_group_policy, GroupName="managed", PolicyArn=ADMIN) == \
        ("NoSuchEntity", f"Policy {ADMIN} was not found.", 404)
    nope = "arn:aws:iam::aws:policy/Nope"
    assert error_of(iam.attach_group_policy, GroupName="managed", PolicyArn=nope) == \
        ("NoSuchEntity", f"Policy {nope} does not exist or is not attachable.", 404)


@check("PoliciesPerGroup quota: the 11th attached policy is LimitExceeded 409")
def _():
    iam = client("iam")
    iam.create_group(GroupName="many")
    for p in MANAGED[:10]:
        iam.attach_group_policy(GroupName="many", PolicyArn=p)
    assert error_of(iam.attach_group_policy, GroupName="many", PolicyArn=MANAGED[10]) == \
        ("LimitExceeded", "Cannot exceed quota for PoliciesPerGroup: 10", 409)
    iam.attach_group_policy(GroupName="many", PolicyArn=MANAGED[0])  # attached already: fine at the quota
    assert len(iam.list_attached_group_policies(GroupName="many")["AttachedPolicies"]) == 10


@check("DeleteGroup: DeleteConflict for members, then inline, then attached policies; DeleteUser in a group")
def _():
    iam = client("iam")
    iam.create_group(GroupName="doomed")
    iam.create_user(UserName="in-doomed")
    iam.add_user_to_group(GroupName="doomed", UserName="in-doomed")
    iam.put_group_policy(GroupName="doomed", PolicyName="p", PolicyDocument=doc(allow("s3:*")))
    iam.attach_group_policy(GroupName="doomed", PolicyArn=IAM_READ)
    assert error_of(iam.delete_user, UserName="in-doomed") == \
        ("DeleteConflict", "Cannot delete entity, must remove user from all groups first.", 409)
    assert error_of(iam.delete_group, GroupName="doomed") == \
        ("DeleteConflict", "Cannot delete entity, must remove users from group first.", 409)
    iam.remove_user_from_group(GroupName="doomed", UserName="in-doomed")
    assert error_of(iam.delete_group, GroupName="doomed") == \
        ("DeleteConflict", "Cannot delete entity, must delete policies first.", 409)
    iam.delete_group_policy(GroupName="doomed", PolicyName="p")
    assert error_of(iam.delete_group, GroupName="doomed") == \
        ("DeleteConflict", "Cannot delete entity, must detach all policies first.", 409)
    iam.detach_group_policy(GroupName="doomed", PolicyArn=IAM_READ)
    iam.delete_group(GroupName="doomed")
    assert error_of(iam.get_group, GroupName="doomed")[0] == "NoSuchEntity"
    assert "doomed" not in [g["GroupName"] for g in iam.list_groups()["Groups"]]
    iam.delete_user(UserName="in-doomed")


@check("authorization: permissions through a group's attached AWS managed policy")
def _():
    iam = client("iam")
    iam.create_group(GroupName="readers")
    iam.attach_group_policy(GroupName="readers", PolicyArn=IAM_READ)
    key, secret = user_with_key("via-managed")
    c = client("iam", key, secret)
    assert error_of(c.list_users)[0] == "AccessDenied"
    iam.add_user_to_group(GroupName="readers", UserName="via-managed")
    c.list_users()
    c.get_group(GroupName="readers")
    code, message, status = error_of(c.create_group, GroupName="sneaky")
    assert (code, status) == ("AccessDenied", 403)
    assert message == (f"User: arn:aws:iam::{ACCOUNT}:user/via-managed is not authorized to perform: iam:CreateGroup "
                       f"on resource: {arn('sneaky')} because no identity-based policy allows the iam:CreateGroup "
                       "action"), message


@check("authorization: permissions through a group inline policy")
def _():
    iam = client("iam")
    iam.create_group(GroupName="creators")
    iam.put_group_policy(GroupName="creators", PolicyName="create",
                         PolicyDocument=doc(allow("iam:CreateUser", f"arn:aws:iam::{ACCOUNT}:user/from-group-*")))
    key, secret = user_with_key("via-inline")
    c = client("iam", key, secret)
    assert error_of(c.create_user, UserName="from-group-1")[0] == "AccessDenied"
    iam.add_user_to_group(GroupName="creators", UserName="via-inline")
    c.create_user(UserName="from-group-1")
    assert error_of(c.create_user, UserName="elsewhere")[0] == "AccessDenied"


@check("authorization: an explicit Deny in a group policy wins over the user's AdministratorAccess")
def _():
    iam = client("iam")
    iam.create_group(GroupName="no-create")
    iam.put_group_policy(GroupName="no-create", PolicyName="deny", PolicyDocument=doc(deny("iam:CreateUser")))
    key, secret = user_with_key("group-denied", managed=[ADMIN])
    c = client("iam", key, secret)
    c.create_user(UserName="before-deny")
    iam.add_user_to_group(GroupName="no-create", UserName="group-denied")
    code, message, status = error_of(c.create_user, UserName="after-deny")
    # An administrator may call sts:DecodeAuthorizationMessage: AWS's text, then the encoded decision.
    aws_text, _, encoded = message.partition(". Encoded authorization failure message: ")
    assert (code, status) == ("AccessDenied", 403) and aws_text.endswith(
        "with an explicit deny in an identity-based policy") and encoded, message
    c.list_users()  # everything else still allowed
    # A second group with a deny-all policy: every action is now denied.
    iam.create_group(GroupName="deny-all")
    iam.put_group_policy(GroupName="deny-all", PolicyName="all", PolicyDocument=doc(deny("*")))
    iam.add_user_to_group(GroupName="deny-all", UserName="group-denied")
    assert error_of(c.list_users)[0] == "AccessDenied"


@check("authorization: removing the user from the group takes effect on the next request")
def _():
    iam = client("iam")
    iam.create_group(GroupName="temporary")
    iam.attach_group_policy(GroupName="temporary", PolicyArn=IAM_READ)
    key, secret = user_with_key("leaver")
    iam.add_user_to_group(GroupName="temporary", UserName="leaver")
    c = client("iam", key, secret)
    c.list_users()
    iam.remove_user_from_group(GroupName="temporary", UserName="leaver")
    assert error_of(c.list_users)[0] == "AccessDenied"
    iam.add_user_to_group(GroupName="temporary", UserName="leaver")
    c.list_users()
    iam.detach_group_policy(GroupName="temporary", PolicyArn=IAM_READ)  # a detach too
    assert error_of(c.list_users)[0] == "AccessDenied"


@check("authorization: group resource ARNs with paths, ListGroups by PathPrefix, iam:PolicyARN")
def _():
    iam = client("iam")
    iam.create_group(GroupName="alpha", Path="/team/")
    iam.create_group(GroupName="beta")
    scoped = doc(
        allow(["iam:GetGroup", "iam:AddUserToGroup", "iam:ListGroups", "iam:UpdateGroup"],
              f"arn:aws:iam::{ACCOUNT}:group/team/*"),
        allow("iam:AttachGroupPolicy", f"arn:aws:iam::{ACCOUNT}:group/team/*",
              Condition={"ArnEquals": {"iam:PolicyARN": IAM_READ}}))
    key, secret = user_with_key("team-admin", inline=json.loads(scoped))
    c = client("iam", key, secret)
    assert c.get_group(GroupName="alpha")["Group"]["Arn"] == arn("alpha", "/team/")
    code, message, _ = error_of(c.get_group, GroupName="beta")
    assert code == "AccessDenied" and f"on resource: {arn('beta')} " in message, message
    c.add_user_to_group(GroupName="alpha", UserName="team-admin")
    assert error_of(c.add_user_to_group, GroupName="beta", UserName="team-admin")[0] == "AccessDenied"
    assert [g["GroupName"] for g in c.list_groups(PathPrefix="/team/")["Groups"]] == ["alpha"]
    code, message, _ = error_of(c.list_groups)
    assert code == "AccessDenied" and f"on resource: arn:aws:iam::{ACCOUNT}:group/ " in message, message
    c.attach_group_policy(GroupName="alpha", PolicyArn=IAM_READ)
    assert error_of(c.attach_group_policy, GroupName="alpha", PolicyArn=ADMIN)[0] == "AccessDenied"
    # UpdateGroup needs permission under the new name and path as well.
    code, message, _ = error_of(c.update_group, GroupName="alpha", NewPath="/other/")
    assert code == "AccessDenied" and f"on resource: {arn('alpha', '/other/')} " in message, message
    c.update_group(GroupName="alpha", NewGroupName="alpha2")
    assert iam.get_group(GroupName="alpha2")["Group"]["Arn"] == arn("alpha2", "/team/")


@check("aws CLI: create-group, add-user-to-group, get-group")
def _():
    aws = aws_cli

    g = aws("create-group", "--group-name", "cli-group", "--path", "/cli/")["Group"]
    assert g["Arn"] == arn("cli-group", "/cli/"), g
    aws("add-user-to-group", "--group-name", "cli-group", "--user-name", "lonely")
    r = aws("get-group", "--group-name", "cli-group")
    assert [u["UserName"] for u in r["Users"]] == ["lonely"], r


@check("groups, members and group policies survive a restart")
def _():
    assert server.stop(signal.SIGTERM) == 0
    server.start()
    iam = client("iam")
    assert [u["UserName"] for u in iam.get_group(GroupName="cli-group")["Users"]] == ["lonely"]
    assert iam.list_group_policies(GroupName="creators")["PolicyNames"] == ["create"]
    assert [p["PolicyArn"] for p in iam.list_attached_group_policies(GroupName="readers")["AttachedPolicies"]] == [IAM_READ]


finish(tmp)

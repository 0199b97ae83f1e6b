#!/usr/bin/python3
"""End-to-end tests of managed policies (customer managed and AWS managed reads) against `iamd serve`
with boto3: fields returned, versions and their quota, default switching taking effect on the next
request, DeleteConflict cases, document validation, ListPolicies scopes and pagination, tags.

Prints one line per check and a closing "N passed, N failed". Run by ctest:
    tests/e2e/policies_test.py PATH/TO/iamd
"""
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from harness import *  # noqa: E402,F401,F403 (the shared scaffolding)

ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"


def allow(*actions, resource="*"):
    return {"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": resource}]}


def local_arn(name, path="/"):
    return f"arn:aws:iam::{ACCOUNT}:policy{path}{name}"


def all_pages(call, key, **kwargs):
    items, marker = [], None
    while True:
        page = call(**kwargs, **({"Marker": marker} if marker else {}))
        items += page[key]
        if not page["IsTruncated"]:
            assert "Marker" not in page, page
            return items
        marker = page["Marker"]


server, tmp = start_server("policies")
iam = client("iam")


@check("CreatePolicy returns the created policy's fields (no Description), GetPolicy adds Description")
def _():
    doc = json.dumps(allow("s3:GetObject"), indent=2)
    p = iam.create_policy(PolicyName="Readers", Path="/team/", PolicyDocument=doc, Description="read things",
                          Tags=[{"Key": "owner", "Value": "ops"}])["Policy"]
    assert p["PolicyName"] == "Readers" and p["Path"] == "/team/", p
    assert p["Arn"] == local_arn("Readers", "/team/"), p
    assert p["PolicyId"].startswith("ANPA") and len(p["PolicyId"]) == 21, p
    assert p["DefaultVersionId"] == "v1" and p["AttachmentCount"] == 0, p
    assert p["PermissionsBoundaryUsageCount"] == 0 and p["IsAttachable"] is True, p
    assert p["Tags"] == [{"Key": "owner", "Value": "ops"}] and "Description" not in p, p
    assert p["CreateDate"] == p["UpdateDate"], p
    g = iam.get_policy(PolicyArn=p["Arn"])["Policy"]
    assert g["Description"] == "read things" and g["Tags"] == p["Tags"] and g["PolicyId"] == p["PolicyId"], g
    assert g["DefaultVersionId"] == "v1" and g["AttachmentCount"] == 0, g


@check("CreatePolicy without Path uses / and its ARN has no extra slash")
def _():
    p = iam.create_policy(PolicyName="Plain", PolicyDocument=json.dumps(allow("s3:*")))["Policy"]
    assert p["Path"] == "/" and p["Arn"] == local_arn("Plain"), p
    # Untagged: CreatePolicy leaves Tags out, GetPolicy sends "Tags": [] (models/empty_lists.txt).
    assert "Tags" not in p, p
    g = iam.get_policy(PolicyArn=p["Arn"])["Policy"]
    assert "Tags" in g and g["Tags"] == [], g


@check("a duplicate name (any case, any path) is EntityAlreadyExists with AWS's message")
def _():
    code, message, status = error_of(iam.create_policy, PolicyName="readers", Path="/other/",
                                     PolicyDocument=json.dumps(allow("s3:*")))
    assert (code, status) == ("EntityAlreadyExists", 409), (code, status)
    assert message == "A policy called readers already exists. Duplicate names are not allowed.", message


@check("GetPolicyVersion returns the document as stored; boto3's decoding gives back what was sent")
def _():
    sent = {"Version": "2012-10-17", "Statement": [
        {"Sid": "Pct", "Effect": "Allow", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::bucket/100%/a b+c&d=e/é"}]}
    text = json.dumps(sent, indent=4)
    arn = iam.create_policy(PolicyName="Encoded", PolicyDocument=text)["Policy"]["Arn"]
    v = iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]
    assert v["Document"] == sent, v["Document"]
    assert v["VersionId"] == "v1" and v["IsDefaultVersion"] is True and "CreateDate" in v, v
    code, message, status = error_of(iam.get_policy_version, PolicyArn=arn, VersionId="v7")
    assert (code, status) == ("NoSuchEntity", 404), (code, message)


@check("documents are validated as managed policies: version 2012 rule, malformed JSON, 6144 quota")
def _():
    old = {"Version": "2008-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    code, message, status = error_of(iam.create_policy, PolicyName="Old", PolicyDocument=json.dumps(old))
    assert (code, status) == ("MalformedPolicyDocument", 400), (code, message)
    assert message == "Policy document must be version 2012-10-17 or greater.", message
    no_version = {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    code, message, _ = error_of(iam.create_policy, PolicyName="Old", PolicyDocument=json.dumps(no_version))
    assert message == "Policy document must be version 2012-10-17 or greater.", message
    code, _, _ = error_of(iam.create_policy, PolicyName="Bad", PolicyDocument="{not json")
    assert code == "MalformedPolicyDocument", code
    # 6,144 characters outside whitespace is the limit.
    base = allow("s3:GetObject", resource=["arn:aws:s3:::x"])
    filler = 6144 - len(json.dumps(base, separators=(",", ":")))
    fits = allow("s3:GetObject", resource=["arn:aws:s3:::x" + "a" * filler])
    assert len(json.dumps(fits, separators=(",", ":"))) == 6144
    iam.create_policy(PolicyName="Exactly6144", PolicyDocument=json.dumps(fits, indent=8))
    over = allow("s3:GetObject", resource=["arn:aws:s3:::x" + "a" * (filler + 1)])
    code, message, status = error_of(iam.create_policy, PolicyName="TooBig", PolicyDocument=json.dumps(over))
    assert (code, status) == ("LimitExceeded", 409) and message == "Cannot exceed quota for PolicySize: 6144", (code, message)
    code, _, _ = error_of(iam.get_policy, PolicyArn=local_arn("TooBig"))
    assert code == "NoSuchEntity", code
    # The same rules for new versions.
    code, message, _ = error_of(iam.create_policy_version, PolicyArn=local_arn("Plain"), PolicyDocument=json.dumps(old))
    assert code == "MalformedPolicyDocument" and "2012-10-17" in message, (code, message)
    code, _, _ = error_of(iam.create_policy_version, PolicyArn=local_arn("Plain"), PolicyDocument=json.dumps(over))
    assert code == "LimitExceeded", code


@check("a managed-policy path with characters outside AWS's pattern is a ValidationError")
def _():
    code, _, status = error_of(iam.create_policy, PolicyName="Starry", Path="/a*b/",
                               PolicyDocument=json.dumps(allow("s3:*")))
    assert (code, status) == ("ValidationError", 400), (code, status)


@check("versions: up to 5, ids increase, LimitExceeded on the 6th, listing without documents, paginated")
def _():
    arn = iam.create_policy(PolicyName="Versioned", PolicyDocument=json.dumps(allow("s3:v1")))["Policy"]["Arn"]
    for n in range(2, 6):
        v = iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(allow(f"s3:v{n}")))["PolicyVersion"]
        assert v["VersionId"] == f"v{n}" and v["IsDefaultVersion"] is False and "Document" not in v, v
    code, message, status = error_of(iam.create_policy_version, PolicyArn=arn, PolicyDocument=json.dumps(allow("s3:x")))
    assert (code, status) == ("LimitExceeded", 409), (code, status)
    assert message == ("A managed policy can have up to 5 versions. Before you create a new version, "
                       "you must delete an existing version."), message
    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert [v["VersionId"] for v in versions] == ["v5", "v4", "v3", "v2", "v1"], versions
    assert all("Document" not in v for v in versions), versions
    assert [v["IsDefaultVersion"] for v in versions] == [False, False, False, False, True], versions
    paged = all_pages(iam.list_policy_versions, "Versions", PolicyArn=arn, MaxItems=2)
    assert [v["VersionId"] for v in paged] == ["v5", "v4", "v3", "v2", "v1"], paged
    first = iam.list_policy_versions(PolicyArn=arn, MaxItems=2)
    assert first["IsTruncated"] is True and len(first["Versions"]) == 2, first
    iam.delete_policy_version(PolicyArn=arn, VersionId="v3")
    v = iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(allow("s3:v6")), SetAsDefault=True)
    assert v["PolicyVersion"]["VersionId"] == "v6" and v["PolicyVersion"]["IsDefaultVersion"] is True, v
    p = iam.get_policy(PolicyArn=arn)["Policy"]
    assert p["DefaultVersionId"] == "v6" and p["UpdateDate"] >= p["CreateDate"], p
    assert iam.get_policy_version(PolicyArn=arn, VersionId="v6")["PolicyVersion"]["Document"] == allow("s3:v6")


@check("DeletePolicyVersion: the default is DeleteConflict, a missing one NoSuchEntity")
def _():
    arn = local_arn("Versioned")
    code, message, status = error_of(iam.delete_policy_version, PolicyArn=arn, VersionId="v6")
    assert (code, status) == ("DeleteConflict", 409), (code, status)
    assert message == "Cannot delete the default version of a policy.", message
    code, _, status = error_of(iam.delete_policy_version, PolicyArn=arn, VersionId="v3")
    assert (code, status) == ("NoSuchEntity", 404), code
    code, _, _ = error_of(iam.set_default_policy_version, PolicyArn=arn, VersionId="v3")
    assert code == "NoSuchEntity", code


@check("attaching a customer managed policy grants it on the next request; a new default takes effect at once")
def _():
    arn = iam.create_policy(PolicyName="Switchable",
                            PolicyDocument=json.dumps(allow("iam:ListUsers")))["Policy"]["Arn"]
    key, secret = user_with_key("switcher")
    user = client("iam", key, secret)
    code, _, _ = error_of(user.list_users)
    assert code == "AccessDenied", code
    iam.attach_user_policy(UserName="switcher", PolicyArn=arn)
    user.list_users()
    code, message, _ = error_of(user.get_user, UserName="switcher")
    assert code == "AccessDenied" and "iam:GetUser" in message, (code, message)
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(allow("iam:GetUser")), SetAsDefault=True)
    assert user.get_user(UserName="switcher")["User"]["UserName"] == "switcher"
    code, _, _ = error_of(user.list_users)
    assert code == "AccessDenied", code
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v1")
    user.list_users()
    code, _, _ = error_of(user.get_user, UserName="switcher")
    assert code == "AccessDenied", code
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 1
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v2")
    user.get_user(UserName="switcher")


@check("ListEntitiesForPolicy lists the attached user; EntityFilter narrows")
def _():
    arn = local_arn("Switchable")
    r = iam.list_entities_for_policy(PolicyArn=arn)
    assert [u["UserName"] for u in r["PolicyUsers"]] == ["switcher"], r
    assert r["PolicyUsers"][0]["UserId"].startswith("AIDA") and r["PolicyGroups"] == [] and r["PolicyRoles"] == [], r
    assert r["IsTruncated"] is False, r
    assert iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="Role")["PolicyUsers"] == []
    assert len(iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="User")["PolicyUsers"]) == 1
    assert iam.list_entities_for_policy(PolicyArn=ADMIN_ARN)["PolicyUsers"] == []
    code, _, _ = error_of(iam.list_entities_for_policy, PolicyArn=local_arn("Nothing"))
    assert code == "NoSuchEntity", code


@check("DeletePolicy: attached and more-than-one-version are DeleteConflict; then it goes with its versions")
def _():
    arn = local_arn("Switchable")
    code, message, status = error_of(iam.delete_policy, PolicyArn=arn)
    assert (code, status) == ("DeleteConflict", 409) and message == "Cannot delete a policy attached to entities.", message
    iam.detach_user_policy(UserName="switcher", PolicyArn=arn)
    code, message, _ = error_of(iam.delete_policy, PolicyArn=arn)
    assert code == "DeleteConflict" and message == (
        "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. "
        "The default version is deleted with the policy."), message
    iam.delete_policy_version(PolicyArn=arn, VersionId="v1")
    iam.delete_policy(PolicyArn=arn)
    code, message, status = error_of(iam.get_policy, PolicyArn=arn)
    assert (code, status) == ("NoSuchEntity", 404) and message == f"Policy {arn} was not found.", message
    code, _, _ = error_of(iam.delete_policy, PolicyArn=arn)
    assert code == "NoSuchEntity", code
    # The name is free again.
    iam.create_policy(PolicyName="Switchable", PolicyDocument=json.dumps(allow("s3:*")))


@check("GetPolicy and GetPolicyVersion on AdministratorAccess come from the catalogue, even unattached")
def _():
    p = iam.get_policy(PolicyArn=ADMIN_ARN)["Policy"]
    assert p["PolicyName"] == "AdministratorAccess" and p["Arn"] == ADMIN_ARN and p["Path"] == "/", p
    assert p["PolicyId"].startswith("ANPA") and p["IsAttachable"] is True and p["AttachmentCount"] == 0, p
    v = iam.get_policy_version(PolicyArn=ADMIN_ARN, VersionId=p["DefaultVersionId"])["PolicyVersion"]
    assert v["IsDefaultVersion"] is True, v
    assert v["Document"]["Statement"][0]["Action"] == "*" and v["Document"]["Statement"][0]["Effect"] == "Allow", v
    versions = iam.list_policy_versions(PolicyArn=ADMIN_ARN)["Versions"]
    assert [x["VersionId"] for x in versions] == [p["DefaultVersionId"]], versions
    iam.create_user(UserName="aws-admin")
    iam.attach_user_policy(UserName="aws-admin", PolicyArn=ADMIN_ARN)
    assert iam.get_policy(PolicyArn=ADMIN_ARN)["Policy"]["AttachmentCount"] == 1
    code, _, _ = error_of(iam.get_policy, PolicyArn="arn:aws:iam::aws:policy/NoSuchPolicyAnywhere")
    assert code == "NoSuchEntity", code


@check("AWS managed policies cannot be changed or deleted from an account")
def _():
    # AccessDenied with AWS's messages (aws-recorded-errors.md, aws_managed_policy_errors).
    assert error_of(iam.create_policy_version, PolicyArn=ADMIN_ARN, PolicyDocument=json.dumps(allow("s3:*"))) == \
        ("AccessDenied", "Cannot update policies outside your own account.", 403)
    assert error_of(iam.delete_policy, PolicyArn=ADMIN_ARN) == \
        ("AccessDenied", "Cannot delete policies outside your own account.", 403)


@check("ListPolicies: Local, AWS (the whole catalogue), All, OnlyAttached, PathPrefix")
def _():
    local = all_pages(iam.list_policies, "Policies", Scope="Local")
    names = [p["PolicyName"] for p in local]
    assert {"Readers", "Plain", "Encoded", "Versioned", "Exactly6144", "Switchable"} <= set(names), names
    assert all(p["Arn"].startswith(f"arn:aws:iam::{ACCOUNT}:policy/") for p in local), local
    assert all("Description" not in p and "Tags" not in p for p in local), local
    aws = all_pages(iam.list_policies, "Policies", Scope="AWS", MaxItems=1000)
    assert len(aws) > 1000, len(aws)
    arns = [p["Arn"] for p in aws]
    assert ADMIN_ARN in arns and len(set(arns)) == len(arns), len(arns)
    assert all(a.startswith("arn:aws:iam::aws:policy/") for a in arns)
    admin = next(p for p in aws if p["Arn"] == ADMIN_ARN)
    assert admin["AttachmentCount"] == 1 and admin["PolicyId"].startswith("ANPA"), admin
    everything = all_pages(iam.list_policies, "Policies")
    assert [p["Arn"] for p in everything] == [p["Arn"] for p in local] + arns, "All is Local then AWS"
    attached = iam.list_policies(OnlyAttached=True)["Policies"]
    assert [p["Arn"] for p in attached] == [ADMIN_ARN], attached
    team = iam.list_policies(Scope="Local", PathPrefix="/team/")["Policies"]
    assert [p["PolicyName"] for p in team] == ["Readers"], team
    service_roles = all_pages(iam.list_policies, "Policies", Scope="AWS", PathPrefix="/service-role/")
    assert service_roles and all(p["Path"].startswith("/service-role/") for p in service_roles), len(service_roles)


@check("ListPolicies pagination: MaxItems pages cross from local to AWS policies without gaps or repeats")
def _():
    everything = [p["Arn"] for p in all_pages(iam.list_policies, "Policies", MaxItems=1000)]
    local_count = len(iam.list_policies(Scope="Local", MaxItems=1000)["Policies"])
    # A page size that makes one page end exactly at the last local policy, and one that straddles.
    for size in (local_count, 4, 97):
        paged = [p["Arn"] for p in all_pages(iam.list_policies, "Policies", MaxItems=size)]
        assert paged == everything, size
    first = iam.list_policies(MaxItems=3)
    assert first["IsTruncated"] is True and len(first["Policies"]) == 3 and first["Marker"], first
    code, _, _ = error_of(iam.list_policies, Marker="not-a-marker")
    assert code in ("InvalidInput", "ValidationError"), code


@check("TagPolicy, ListPolicyTags, UntagPolicy")
def _():
    arn = local_arn("Readers", "/team/")
    iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "env", "Value": "prod"}, {"Key": "owner", "Value": "sec"}])
    tags = iam.list_policy_tags(PolicyArn=arn)
    # Sorted by key, AWS's order (protocol_test.py).
    assert tags["Tags"] == [{"Key": "env", "Value": "prod"}, {"Key": "owner", "Value": "sec"}], tags
    assert tags["IsTruncated"] is False, tags
    page = iam.list_policy_tags(PolicyArn=arn, MaxItems=1)
    assert page["IsTruncated"] is True and len(page["Tags"]) == 1, page
    rest = iam.list_policy_tags(PolicyArn=arn, Marker=page["Marker"])
    assert rest["Tags"] == [{"Key": "owner", "Value": "sec"}], rest
    iam.untag_policy(PolicyArn=arn, TagKeys=["owner"])
    assert iam.get_policy(PolicyArn=arn)["Policy"]["Tags"] == [{"Key": "env", "Value": "prod"}]
    code, _, _ = error_of(iam.tag_policy, PolicyArn=local_arn("Ghost"), Tags=[{"Key": "a", "Value": "b"}])
    assert code == "NoSuchEntity", code


@check("policy operations are authorized: action on the policy ARN, ListPolicies on *")
def _():
    key, secret = user_with_key("limited")
    iam.put_user_policy(UserName="limited", PolicyName="p", PolicyDocument=json.dumps(
        allow("iam:GetPolicy", resource=local_arn("Plain"))))
    user = client("iam", key, secret)
    assert user.get_policy(PolicyArn=local_arn("Plain"))["Policy"]["PolicyName"] == "Plain"
    code, message, status = error_of(user.get_policy, PolicyArn=local_arn("Encoded"))
    assert (code, status) == ("AccessDenied", 403), code
    assert f"iam:GetPolicy on resource: {local_arn('Encoded')}" in message, message
    code, message, _ = error_of(user.create_policy, PolicyName="Mine", Path="/x/", PolicyDocument=json.dumps(allow("s3:*")))
    assert code == "AccessDenied" and local_arn("Mine", "/x/") in message, message
    code, message, _ = error_of(user.list_policies)
    assert code == "AccessDenied" and "iam:ListPolicies" in message and "on resource" not in message, message


@check("PolicyUsageFilter: PermissionsBoundary lists boundary policies and the users and roles using them")
def _():
    iam = client("iam")
    bound = iam.create_policy(PolicyName="BoundaryOnly", Path="/bounds/", PolicyDocument=json.dumps(allow("s3:*")))["Policy"]
    s3_read = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    iam.create_user(UserName="bounded-u", PermissionsBoundary=bound["Arn"])
    iam.create_user(UserName="bounded-v", Path="/ops/", PermissionsBoundary=s3_read)
    iam.create_role(RoleName="bounded-r", PermissionsBoundary=bound["Arn"], AssumeRolePolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                                                  "Action": "sts:AssumeRole"}]}))
    listed = iam.list_policies(PolicyUsageFilter="PermissionsBoundary")["Policies"]
    assert [(p["PolicyName"], p["PermissionsBoundaryUsageCount"]) for p in listed] == \
        [("BoundaryOnly", 2), ("AmazonS3ReadOnlyAccess", 1)], listed
    assert [p["PolicyName"] for p in iam.list_policies(PolicyUsageFilter="PermissionsBoundary", Scope="AWS")[
        "Policies"]] == ["AmazonS3ReadOnlyAccess"]
    assert [p["PolicyName"] for p in iam.list_policies(PolicyUsageFilter="PermissionsBoundary",
                                                        PathPrefix="/bounds/")["Policies"]] == ["BoundaryOnly"]
    page = iam.list_policies(PolicyUsageFilter="PermissionsBoundary", MaxItems=1)
    assert page["IsTruncated"] and len(page["Policies"]) == 1, page
    rest = iam.list_policies(PolicyUsageFilter="PermissionsBoundary", MaxItems=1, Marker=page["Marker"])
    assert [p["PolicyName"] for p in rest["Policies"]] == ["AmazonS3ReadOnlyAccess"] and not rest["IsTruncated"]
    # PermissionsPolicy lists like no filter: the boundary-only policy is not attached anywhere.
    attached = [p["PolicyName"] for p in iam.list_policies(OnlyAttached=True,
                                                           PolicyUsageFilter="PermissionsPolicy")["Policies"]]
    assert "BoundaryOnly" not in attached, attached
    e = iam.list_entities_for_policy(PolicyArn=bound["Arn"], PolicyUsageFilter="PermissionsBoundary")
    assert [r["RoleName"] for r in e["PolicyRoles"]] == ["bounded-r"], e
    assert [u["UserName"] for u in e["PolicyUsers"]] == ["bounded-u"] and e["PolicyGroups"] == [], e
    e = iam.list_entities_for_policy(PolicyArn=bound["Arn"], PolicyUsageFilter="PermissionsBoundary",
                                     EntityFilter="User")
    assert e["PolicyRoles"] == [] and [u["UserName"] for u in e["PolicyUsers"]] == ["bounded-u"], e
    e = iam.list_entities_for_policy(PolicyArn=s3_read, PolicyUsageFilter="PermissionsBoundary", PathPrefix="/ops/")
    assert [u["UserName"] for u in e["PolicyUsers"]] == ["bounded-v"], e
    # Not attached as permissions: the plain listing has nobody.
    plain = iam.list_entities_for_policy(PolicyArn=bound["Arn"])
    assert plain["PolicyUsers"] == [] and plain["PolicyRoles"] == [], plain
    iam.delete_user_permissions_boundary(UserName="bounded-u")
    iam.delete_user_permissions_boundary(UserName="bounded-v")
    iam.delete_role_permissions_boundary(RoleName="bounded-r")
    assert iam.list_policies(PolicyUsageFilter="PermissionsBoundary")["Policies"] == []
    for u in ("bounded-u", "bounded-v"):
        iam.delete_user(UserName=u)
    iam.delete_role(RoleName="bounded-r")
    iam.delete_policy(PolicyArn=bound["Arn"])


@check("restart keeps policies, versions and the default")
def _():
    assert server.stop(signal.SIGTERM) == 0
    server.start()
    global iam
    iam = client("iam")
    p = iam.get_policy(PolicyArn=local_arn("Versioned"))["Policy"]
    assert p["DefaultVersionId"] == "v6", p
    ids = [v["VersionId"] for v in iam.list_policy_versions(PolicyArn=p["Arn"])["Versions"]]
    assert ids == ["v6", "v5", "v4", "v2", "v1"], ids


finish(tmp)

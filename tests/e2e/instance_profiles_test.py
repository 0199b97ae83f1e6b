#!/usr/bin/python3
"""End-to-end tests of instance profiles, role permissions boundaries and service-linked
roles against `iamd serve`, with boto3 (and the aws CLI once).

Covers every instance profile operation (roles inside profiles as full Role elements with the
URL-encoded trust policy, one role per profile, DeleteConflict on profiles and roles, paths,
pagination, tags), boto3's instance_profile_exists waiter, Put/DeleteRolePermissionsBoundary,
CreateServiceLinkedRole / DeleteServiceLinkedRole / GetServiceLinkedRoleDeletionStatus and the
protection of service-linked roles, AWS's error codes, messages and HTTP statuses, and the
authorization of these actions. Prints one line per check and a closing "N passed, N failed".
Run by ctest as e2e_instance_profiles:
    tests/e2e/instance_profiles_test.py PATH/TO/iamd
"""
import sys
import threading
import urllib.parse

sys.path.insert(0, __import__("os").path.dirname(__file__))
from harness import *  # noqa: E402,F401,F403 (the shared scaffolding)

import botocore.config  # noqa: E402
import botocore.exceptions  # noqa: E402


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", **extra):
    return dict({"Effect": "Allow", "Action": action, "Resource": resource}, **extra)


def trust(service="ec2.amazonaws.com"):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})


def profile_arn(name, path="/"):
    return f"arn:aws:iam::{ACCOUNT}:instance-profile{path}{name}"


def role_arn(name, path="/"):
    return f"arn:aws:iam::{ACCOUNT}:role{path}{name}"


IAM_READ = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
# A trust policy with whitespace and characters that percent-encoding must carry.
ODD_TRUST = ('{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow",\n'
             '   "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole",\n'
             '   "Condition": {"StringLike": {"sts:ExternalId": "a%20b+c&d <x>"}}}]\n}')
PROTECTED = "Cannot perform the operation on the protected role '{}' - this role is only modifiable by AWS"

server, tmp = start_server("instance-profiles")


def raw_client():
    """An IAM client without boto3's own parameter checks, so the server's are seen."""
    return boto3.session.Session().client(
        "iam", endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id=ROOT_KEY,
        aws_secret_access_key=ROOT_SECRET, config=botocore.config.Config(parameter_validation=False))


def raw_body(iam, operation, call):
    """The XML body of one call, as sent by the server."""
    seen = {}
    iam.meta.events.register(f"after-call.iam.{operation}",
                             lambda http_response, **kw: seen.setdefault("body", http_response.text))
    call()
    return seen["body"]


@check("CreateInstanceProfile: fields, AIPA id, ARN with path, empty Roles, tags")
def _():
    iam = client("iam")
    p = iam.create_instance_profile(InstanceProfileName="web")["InstanceProfile"]
    assert p["InstanceProfileName"] == "web" and p["Path"] == "/" and p["Arn"] == profile_arn("web"), p
    assert p["InstanceProfileId"].startswith("AIPA") and len(p["InstanceProfileId"]) == 21, p
    assert p["Roles"] == [] and "CreateDate" in p and "Tags" not in p, p
    t = iam.create_instance_profile(InstanceProfileName="tagged", Path="/team/a/",
                                    Tags=[{"Key": "team", "Value": "core"}, {"Key": "Team", "Value": "x"}])
    t = t["InstanceProfile"]
    assert t["Arn"] == profile_arn("tagged", "/team/a/") and t["Path"] == "/team/a/", t
    # Tag keys of instance profiles are case-sensitive (identifiers.md §4).
    # Tags sorted by key (byte order), AWS's order (protocol_test.py).
    assert t["Tags"] == [{"Key": "Team", "Value": "x"}, {"Key": "team", "Value": "core"}], t


@check("CreateInstanceProfile: EntityAlreadyExists (case-insensitive), ValidationError, duplicate tag keys")
def _():
    iam = client("iam")
    assert error_of(iam.create_instance_profile, InstanceProfileName="WEB") == \
        ("EntityAlreadyExists", "Instance Profile WEB already exists.", 409)
    for kwargs in ({"InstanceProfileName": "bad name!"}, {"InstanceProfileName": "x" * 129},
                   {"InstanceProfileName": "ok", "Path": "no-slash"}):
        code, _, status = error_of(raw_client().create_instance_profile, **kwargs)
        assert (code, status) == ("ValidationError", 400), (kwargs, code)
    iam.create_instance_profile(InstanceProfileName="x" * 128)
    iam.delete_instance_profile(InstanceProfileName="x" * 128)
    assert error_of(iam.create_instance_profile, InstanceProfileName="dup",
                    Tags=[{"Key": "k", "Value": "a"}, {"Key": "k", "Value": "b"}]) == \
        ("InvalidInput", "Duplicate tag keys found.", 400)


@check("GetInstanceProfile: lookups ignore case; NoSuchEntity 404 with AWS's message")
def _():
    iam = client("iam")
    g = iam.get_instance_profile(InstanceProfileName="TAGGED")["InstanceProfile"]
    assert g["InstanceProfileName"] == "tagged" and g["Tags"][1] == {"Key": "team", "Value": "core"}, g
    # Untagged: GetInstanceProfile still sends "Tags": [] (CreateInstanceProfile and the
    # listings leave it out; models/empty_lists.txt).
    w = iam.get_instance_profile(InstanceProfileName="web")["InstanceProfile"]
    assert "Tags" in w and w["Tags"] == [], w
    assert error_of(iam.get_instance_profile, InstanceProfileName="nope") == \
        ("NoSuchEntity", "Instance Profile nope cannot be found.", 404)


@check("AddRoleToInstanceProfile: the role as a Role element with its URL-encoded trust policy")
def _():
    iam = client("iam")
    iam.create_role(RoleName="web-role", AssumeRolePolicyDocument=ODD_TRUST, Description="d",
                    Tags=[{"Key": "a", "Value": "b"}])
    iam.add_role_to_instance_profile(InstanceProfileName="web", RoleName="WEB-ROLE")
    p = iam.get_instance_profile(InstanceProfileName="web")["InstanceProfile"]
    [r] = p["Roles"]
    assert r["RoleName"] == "web-role" and r["Arn"] == role_arn("web-role") and r["RoleId"].startswith("AROA"), r
    assert r["AssumeRolePolicyDocument"] == json.loads(ODD_TRUST), r
    assert set(r) == {"Path", "RoleName", "RoleId", "Arn", "CreateDate", "AssumeRolePolicyDocument"}, r
    body = raw_body(iam, "GetInstanceProfile", lambda: iam.get_instance_profile(InstanceProfileName="web"))
    start = body.index("<AssumeRolePolicyDocument>") + len("<AssumeRolePolicyDocument>")
    encoded = body[start:body.index("</AssumeRolePolicyDocument>")]
    assert "%7B" in encoded and " " not in encoded and urllib.parse.unquote(encoded) == ODD_TRUST, encoded


@check("AddRoleToInstanceProfile: one role per profile (LimitExceeded 409), NoSuchEntity for profile and role")
def _():
    iam = client("iam")
    iam.create_role(RoleName="other-role", AssumeRolePolicyDocument=trust())
    limit = ("LimitExceeded", "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1", 409)
    assert error_of(iam.add_role_to_instance_profile, InstanceProfileName="web", RoleName="other-role") == limit
    # The role the profile holds already is refused the same way (as AWS does).
    assert error_of(iam.add_role_to_instance_profile, InstanceProfileName="web", RoleName="web-role") == limit
    assert error_of(iam.add_role_to_instance_profile, InstanceProfileName="nope", RoleName="web-role") == \
        ("NoSuchEntity", "Instance Profile nope cannot be found.", 404)
    assert error_of(iam.add_role_to_instance_profile, InstanceProfileName="tagged", RoleName="ghost") == \
        ("NoSuchEntity", "The role with name ghost cannot be found.", 404)


@check("ListInstanceProfilesForRole: the role's profiles, paginated; NoSuchEntity for a missing role")
def _():
    iam = client("iam")
    iam.add_role_to_instance_profile(InstanceProfileName="tagged", RoleName="web-role")
    r = iam.list_instance_profiles_for_role(RoleName="web-role")
    assert [p["InstanceProfileName"] for p in r["InstanceProfiles"]] in (["tagged", "web"], ["web", "tagged"]), r
    assert not r["IsTruncated"] and all("Tags" not in p for p in r["InstanceProfiles"]), r
    first = iam.list_instance_profiles_for_role(RoleName="web-role", MaxItems=1)
    assert first["IsTruncated"] and len(first["InstanceProfiles"]) == 1, first
    rest = iam.list_instance_profiles_for_role(RoleName="web-role", Marker=first["Marker"])
    names = [p["InstanceProfileName"] for p in first["InstanceProfiles"] + rest["InstanceProfiles"]]
    assert sorted(names) == ["tagged", "web"] and not rest["IsTruncated"], (first, rest)
    assert iam.list_instance_profiles_for_role(RoleName="other-role")["InstanceProfiles"] == []
    assert error_of(iam.list_instance_profiles_for_role, RoleName="ghost") == \
        ("NoSuchEntity", "The role with name ghost cannot be found.", 404)


@check("DeleteRole / DeleteInstanceProfile: DeleteConflict 409 while a role is in a profile")
def _():
    iam = client("iam")
    conflict = ("DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.", 409)
    assert error_of(iam.delete_role, RoleName="web-role") == conflict
    assert error_of(iam.delete_instance_profile, InstanceProfileName="tagged") == conflict
    iam.remove_role_from_instance_profile(InstanceProfileName="tagged", RoleName="web-role")
    assert iam.get_instance_profile(InstanceProfileName="tagged")["InstanceProfile"]["Roles"] == []
    code, _, status = error_of(iam.remove_role_from_instance_profile, InstanceProfileName="tagged",
                               RoleName="web-role")
    assert (code, status) == ("NoSuchEntity", 404), code
    assert error_of(iam.delete_role, RoleName="web-role") == conflict  # still in "web"
    iam.create_instance_profile(InstanceProfileName="doomed")
    iam.add_role_to_instance_profile(InstanceProfileName="doomed", RoleName="other-role")
    iam.remove_role_from_instance_profile(InstanceProfileName="doomed", RoleName="other-role")
    iam.delete_instance_profile(InstanceProfileName="doomed")
    assert error_of(iam.get_instance_profile, InstanceProfileName="doomed")[0] == "NoSuchEntity"
    assert error_of(iam.delete_instance_profile, InstanceProfileName="doomed") == \
        ("NoSuchEntity", "Instance Profile doomed cannot be found.", 404)


@check("ListInstanceProfiles: PathPrefix, MaxItems/Marker pagination, paginator, no tags")
def _():
    iam = client("iam")
    for i in range(5):
        iam.create_instance_profile(InstanceProfileName=f"paged-{i}", Path="/paged/")
    r = iam.list_instance_profiles(PathPrefix="/paged/", MaxItems=2)
    assert [p["InstanceProfileName"] for p in r["InstanceProfiles"]] == ["paged-0", "paged-1"] and r["IsTruncated"]
    names = []
    marker = None
    while True:
        kwargs = {"PathPrefix": "/paged/", "MaxItems": 2}
        if marker:
            kwargs["Marker"] = marker
        r = iam.list_instance_profiles(**kwargs)
        names += [p["InstanceProfileName"] for p in r["InstanceProfiles"]]
        if not r["IsTruncated"]:
            break
        marker = r["Marker"]
    assert names == [f"paged-{i}" for i in range(5)], names
    pages = iam.get_paginator("list_instance_profiles").paginate(PaginationConfig={"PageSize": 3})
    everything = [p for page in pages for p in page["InstanceProfiles"]]
    assert {"web", "tagged", "paged-4"} <= {p["InstanceProfileName"] for p in everything}, everything
    assert all("Tags" not in p for p in everything)
    web = [p for p in everything if p["InstanceProfileName"] == "web"][0]
    assert [r["RoleName"] for r in web["Roles"]] == ["web-role"], web
    assert iam.list_instance_profiles(PathPrefix="/team/")["InstanceProfiles"][0]["InstanceProfileName"] == "tagged"
    assert iam.list_instance_profiles(PathPrefix="/none/")["InstanceProfiles"] == []


@check("Tag/Untag/ListInstanceProfileTags: replace, case-sensitive keys, quota, pagination, NoSuchEntity")
def _():
    iam = client("iam")
    iam.tag_instance_profile(InstanceProfileName="tagged", Tags=[{"Key": "team", "Value": "new"},
                                                                  {"Key": "env", "Value": ""}])
    tags = iam.list_instance_profile_tags(InstanceProfileName="tagged")
    assert tags["Tags"] == [{"Key": "Team", "Value": "x"}, {"Key": "env", "Value": ""},
                            {"Key": "team", "Value": "new"}] and not tags["IsTruncated"], tags
    first = iam.list_instance_profile_tags(InstanceProfileName="tagged", MaxItems=2)
    assert first["IsTruncated"] and len(first["Tags"]) == 2, first
    rest = iam.list_instance_profile_tags(InstanceProfileName="tagged", Marker=first["Marker"])
    assert rest["Tags"] == [{"Key": "team", "Value": "new"}] and not rest["IsTruncated"], rest
    iam.untag_instance_profile(InstanceProfileName="tagged", TagKeys=["Team", "absent"])
    assert [t["Key"] for t in iam.list_instance_profile_tags(InstanceProfileName="tagged")["Tags"]] == ["env", "team"]
    assert error_of(iam.tag_instance_profile, InstanceProfileName="tagged",
                    Tags=[{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]) == \
        ("InvalidInput", "Duplicate tag keys found.", 400)
    iam.tag_instance_profile(InstanceProfileName="tagged", Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(48)])
    assert error_of(iam.tag_instance_profile, InstanceProfileName="tagged", Tags=[{"Key": "one-more", "Value": ""}]) \
        == ("LimitExceeded", "The number of tags has reached the maximum limit.", 409)
    iam.untag_instance_profile(InstanceProfileName="tagged", TagKeys=[f"k{i}" for i in range(48)])
    for fn, kwargs in ((iam.tag_instance_profile, {"Tags": [{"Key": "a", "Value": "b"}]}),
                       (iam.untag_instance_profile, {"TagKeys": ["a"]}),
                       (iam.list_instance_profile_tags, {})):
        assert error_of(fn, InstanceProfileName="nope", **kwargs) == \
            ("NoSuchEntity", "Instance Profile nope cannot be found.", 404), fn


@check("GetAccountSummary: InstanceProfiles counts the account's profiles")
def _():
    iam = client("iam")
    s = iam.get_account_summary()["SummaryMap"]
    listed = len([p for page in iam.get_paginator("list_instance_profiles").paginate()
                  for p in page["InstanceProfiles"]])
    assert s["InstanceProfiles"] == listed and s["InstanceProfilesQuota"] == 1000, s
    iam.create_instance_profile(InstanceProfileName="counted")
    assert iam.get_account_summary()["SummaryMap"]["InstanceProfiles"] == listed + 1
    iam.delete_instance_profile(InstanceProfileName="counted")


@check("boto3 waiter instance_profile_exists: returns once GetInstanceProfile answers, times out otherwise")
def _():
    iam = client("iam")
    waiter = iam.get_waiter("instance_profile_exists")
    waiter.wait(InstanceProfileName="web", WaiterConfig={"Delay": 1, "MaxAttempts": 2})
    later = threading.Timer(1.5, lambda: client("iam").create_instance_profile(InstanceProfileName="late"))
    later.start()
    waiter.wait(InstanceProfileName="late", WaiterConfig={"Delay": 1, "MaxAttempts": 10})
    later.join()
    try:
        waiter.wait(InstanceProfileName="never", WaiterConfig={"Delay": 1, "MaxAttempts": 2})
        raise AssertionError("the waiter did not time out")
    except botocore.exceptions.WaiterError as e:
        assert "Max attempts exceeded" in str(e), e


@check("Put/DeleteRolePermissionsBoundary: GetRole shows it, ListRoles does not; AWS's errors")
def _():
    iam = client("iam")
    iam.put_role_permissions_boundary(RoleName="other-role", PermissionsBoundary=IAM_READ)
    r = iam.get_role(RoleName="other-role")["Role"]
    assert r["PermissionsBoundary"] == {"PermissionsBoundaryType": "PermissionsBoundaryPolicy",
                                        "PermissionsBoundaryArn": IAM_READ}, r
    listed = [x for x in iam.list_roles()["Roles"] if x["RoleName"] == "other-role"][0]
    assert "PermissionsBoundary" not in listed, listed
    local = iam.create_policy(PolicyName="bound", PolicyDocument=doc(allow("s3:*")))["Policy"]["Arn"]
    iam.put_role_permissions_boundary(RoleName="other-role", PermissionsBoundary=local)
    assert iam.get_role(RoleName="other-role")["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == local
    nope = "arn:aws:iam::aws:policy/Nope"
    assert error_of(iam.put_role_permissions_boundary, RoleName="other-role", PermissionsBoundary=nope) == \
        ("NoSuchEntity", f"Scope ARN: {nope} does not exist or is not attachable.", 404)
    # An ARN that names no policy: InvalidInput (aws-recorded-errors.md, role_permissions_boundary_errors).
    not_policy = role_arn("web-role")
    assert error_of(iam.put_role_permissions_boundary, RoleName="other-role", PermissionsBoundary=not_policy) == \
        ("InvalidInput", f"ARN {not_policy} is not valid.", 400)
    assert error_of(iam.put_role_permissions_boundary, RoleName="ghost", PermissionsBoundary=IAM_READ) == \
        ("NoSuchEntity", "The role with name ghost cannot be found.", 404)
    iam.delete_role_permissions_boundary(RoleName="other-role")
    assert "PermissionsBoundary" not in iam.get_role(RoleName="other-role")["Role"]
    iam.delete_role_permissions_boundary(RoleName="other-role")  # nothing to remove: succeeds
    assert error_of(iam.delete_role_permissions_boundary, RoleName="ghost") == \
        ("NoSuchEntity", "The role with name ghost cannot be found.", 404)


@check("CreateServiceLinkedRole: AWS's role name and path, trust policy, Description, CustomSuffix")
def _():
    iam = client("iam")
    r = iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com", Description="for ASGs")["Role"]
    assert r["RoleName"] == "AWSServiceRoleForAutoScaling", r
    assert r["Path"] == "/aws-service-role/autoscaling.amazonaws.com/", r
    assert r["Arn"] == role_arn("AWSServiceRoleForAutoScaling", "/aws-service-role/autoscaling.amazonaws.com/"), r
    assert r["AssumeRolePolicyDocument"] == json.loads(trust("autoscaling.amazonaws.com")), r
    assert r["Description"] == "for ASGs" and r["RoleId"].startswith("AROA"), r
    g = iam.get_role(RoleName="AWSServiceRoleForAutoScaling")["Role"]
    assert g["MaxSessionDuration"] == 3600 and g["Path"] == r["Path"], g
    s = iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com", CustomSuffix="fleet-1")["Role"]
    assert s["RoleName"] == "AWSServiceRoleForAutoScaling_fleet-1" and "Description" not in s, s
    eb = iam.create_service_linked_role(AWSServiceName="elasticbeanstalk.amazonaws.com")["Role"]
    assert eb["RoleName"] == "AWSServiceRoleForElasticBeanstalk", eb
    # Names from data/service-linked-roles.tsv, not derived from the service's name.
    cr = iam.create_service_linked_role(AWSServiceName="custom-resource.application-autoscaling.amazonaws.com")["Role"]
    assert cr["RoleName"] == "AWSServiceRoleForApplicationAutoScaling_CustomResource", cr
    assert cr["Path"] == "/aws-service-role/custom-resource.application-autoscaling.amazonaws.com/", cr
    dms = iam.create_service_linked_role(AWSServiceName="dms.amazonaws.com")["Role"]
    assert dms["RoleName"] == "AWSServiceRoleForDMSServerless", dms


@check("CreateServiceLinkedRole: the service's AWS managed policy is attached and listed")
def _():
    iam = client("iam")
    policy = "arn:aws:iam::aws:policy/aws-service-role/AutoScalingServiceRolePolicy"
    for name in ("AWSServiceRoleForAutoScaling", "AWSServiceRoleForAutoScaling_fleet-1"):
        attached = iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
        assert attached == [{"PolicyName": "AutoScalingServiceRolePolicy", "PolicyArn": policy}], (name, attached)
    p = iam.get_policy(PolicyArn=policy)["Policy"]
    assert p["Path"] == "/aws-service-role/" and p["AttachmentCount"] == 2, p
    roles = {r["RoleName"] for r in iam.list_entities_for_policy(PolicyArn=policy)["PolicyRoles"]}
    assert roles == {"AWSServiceRoleForAutoScaling", "AWSServiceRoleForAutoScaling_fleet-1"}, roles
    cr = iam.list_attached_role_policies(RoleName="AWSServiceRoleForApplicationAutoScaling_CustomResource")
    assert [a["PolicyName"] for a in cr["AttachedPolicies"]] == ["AWSApplicationAutoScalingCustomResourcePolicy"], cr
    # The policy can be read, and it is the catalogue's document.
    v = iam.get_policy_version(PolicyArn=policy, VersionId=p["DefaultVersionId"])["PolicyVersion"]
    assert v["Document"]["Version"] == "2012-10-17", v


@check("CreateServiceLinkedRole: InvalidInput for a name taken and for a name not a service principal")
def _():
    iam = client("iam")
    assert error_of(iam.create_service_linked_role, AWSServiceName="autoscaling.amazonaws.com") == \
        ("InvalidInput", "Service role name AWSServiceRoleForAutoScaling has been taken in this account, please try "
                         "a different suffix.", 400)
    iam.create_role(RoleName="AWSServiceRoleForECS", AssumeRolePolicyDocument=trust())
    assert error_of(iam.create_service_linked_role, AWSServiceName="ecs.amazonaws.com")[:2] == \
        ("InvalidInput", "Service role name AWSServiceRoleForECS has been taken in this account, please try a "
                         "different suffix.")
    iam.delete_role(RoleName="AWSServiceRoleForECS")
    # Services without service-linked roles (unknown to AWS or to iamd's table) are refused.
    for bad in ("autoscaling", "autoscaling.example.com", ".amazonaws.com", "Auto.amazonaws.com",
                "nosuchservice.amazonaws.com", "my-new.service.amazonaws.com"):
        assert error_of(iam.create_service_linked_role, AWSServiceName=bad) == \
            ("InvalidInput", f"Invalid service name: {bad}", 400), bad
        assert error_of(iam.create_service_linked_role, AWSServiceName=bad, CustomSuffix="x") == \
            ("InvalidInput", f"Invalid service name: {bad}", 400), bad
    assert error_of(iam.get_role, RoleName="AWSServiceRoleForMyNewService")[0] == "NoSuchEntity"
    # [OBS] A CustomSuffix for a service that does not take one.
    for service in ("ecs.amazonaws.com", "elasticbeanstalk.amazonaws.com", "ops.apigateway.amazonaws.com"):
        assert error_of(iam.create_service_linked_role, AWSServiceName=service, CustomSuffix="mine") == \
            ("InvalidInput", f"Custom suffix is not allowed for {service}", 400), service
    assert error_of(iam.get_role, RoleName="AWSServiceRoleForECS_mine")[0] == "NoSuchEntity"
    code, _, status = error_of(raw_client().create_service_linked_role, AWSServiceName="bad name!")
    assert (code, status) == ("ValidationError", 400), code


@check("service-linked roles are protected: UnmodifiableEntity 400 on the ordinary role operations")
def _():
    iam = client("iam")
    name = "AWSServiceRoleForAutoScaling"
    protected = ("UnmodifiableEntity", PROTECTED.format(name), 400)
    assert error_of(iam.delete_role, RoleName=name) == protected
    assert error_of(iam.put_role_policy, RoleName=name, PolicyName="p", PolicyDocument=doc(allow("s3:*"))) == protected
    assert error_of(iam.update_assume_role_policy, RoleName=name, PolicyDocument=trust()) == protected
    assert error_of(iam.attach_role_policy, RoleName=name, PolicyArn=IAM_READ) == protected
    assert error_of(iam.detach_role_policy, RoleName=name, PolicyArn=IAM_READ) == protected
    assert error_of(iam.delete_role_policy, RoleName=name, PolicyName="p") == protected
    assert error_of(iam.put_role_permissions_boundary, RoleName=name, PermissionsBoundary=IAM_READ) == protected
    assert error_of(iam.delete_role_permissions_boundary, RoleName=name) == protected
    assert error_of(iam.add_role_to_instance_profile, InstanceProfileName="tagged", RoleName=name) == protected
    assert iam.get_role(RoleName=name)["Role"]["RoleName"] == name


@check("DeleteServiceLinkedRole + GetServiceLinkedRoleDeletionStatus: task id, SUCCEEDED, errors")
def _():
    iam = client("iam")
    task = iam.delete_service_linked_role(RoleName="AWSServiceRoleForAutoScaling_fleet-1")["DeletionTaskId"]
    prefix = "task/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling_fleet-1/"
    assert task.startswith(prefix) and len(task) == len(prefix) + 36, task
    assert error_of(iam.get_role, RoleName="AWSServiceRoleForAutoScaling_fleet-1")[0] == "NoSuchEntity"
    status = iam.get_service_linked_role_deletion_status(DeletionTaskId=task)
    assert status["Status"] == "SUCCEEDED" and "Reason" not in status, status
    # A task for a role that still exists was not issued by this server.
    live = "task/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling/" + task[-36:]
    assert error_of(iam.get_service_linked_role_deletion_status, DeletionTaskId=live) == \
        ("NoSuchEntity", f"Deletion task {live} cannot be found.", 404)
    for bad in ("garbage", "task/aws-service-role/x.amazonaws.com/Name/not-a-uuid", prefix.rstrip("/")):
        assert error_of(iam.get_service_linked_role_deletion_status, DeletionTaskId=bad) == \
            ("InvalidInput", f"Invalid deletion task id: {bad}", 400), bad
    assert error_of(iam.delete_service_linked_role, RoleName="other-role") == \
        ("InvalidInput", "Role other-role is not a service-linked role.", 400)
    assert error_of(iam.delete_service_linked_role, RoleName="ghost") == \
        ("NoSuchEntity", "The role with name ghost cannot be found.", 404)
    # The service's policy went with the role.
    policy = "arn:aws:iam::aws:policy/aws-service-role/AutoScalingServiceRolePolicy"
    roles = [r["RoleName"] for r in iam.list_entities_for_policy(PolicyArn=policy)["PolicyRoles"]]
    assert roles == ["AWSServiceRoleForAutoScaling"], roles
    assert iam.get_policy(PolicyArn=policy)["Policy"]["AttachmentCount"] == 1
    # The name is free again.
    again = iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com", CustomSuffix="fleet-1")
    assert again["Role"]["RoleName"] == "AWSServiceRoleForAutoScaling_fleet-1"
    assert len(iam.list_attached_role_policies(RoleName="AWSServiceRoleForAutoScaling_fleet-1")["AttachedPolicies"]) == 1


@check("authorization: instance-profile/<path><name>, ListInstanceProfiles on the prefix, PassRole for AddRole")
def _():
    key, secret = user_with_key("profile-admin", inline=json.loads(doc(
        allow(["iam:GetInstanceProfile", "iam:CreateInstanceProfile", "iam:AddRoleToInstanceProfile",
               "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
              f"arn:aws:iam::{ACCOUNT}:instance-profile/team/*"),
        allow("iam:ListInstanceProfiles", f"arn:aws:iam::{ACCOUNT}:instance-profile/team/*"),
        allow("iam:TagInstanceProfile", f"arn:aws:iam::{ACCOUNT}:instance-profile/*",
              Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}),
        allow("iam:PassRole", role_arn("other-role")))))
    c = client("iam", key, secret)
    assert c.get_instance_profile(InstanceProfileName="tagged")["InstanceProfile"]["Path"] == "/team/a/"
    code, message, status = error_of(c.get_instance_profile, InstanceProfileName="web")
    assert (code, status) == ("AccessDenied", 403)
    assert message == (f"User: arn:aws:iam::{ACCOUNT}:user/profile-admin is not authorized to perform: "
                       f"iam:GetInstanceProfile on resource: {profile_arn('web')} because no identity-based policy "
                       "allows the iam:GetInstanceProfile action"), message
    # A missing profile is denied on instance-profile/<name>, not reported as missing.
    assert f"on resource: {profile_arn('missing')} " in error_of(c.get_instance_profile,
                                                                 InstanceProfileName="missing")[1]
    assert [p["InstanceProfileName"] for p in c.list_instance_profiles(PathPrefix="/team/")["InstanceProfiles"]] \
        == ["tagged"]
    assert f"on resource: arn:aws:iam::{ACCOUNT}:instance-profile/ " in error_of(c.list_instance_profiles)[1]
    c.create_instance_profile(InstanceProfileName="delegated", Path="/team/")
    assert error_of(c.create_instance_profile, InstanceProfileName="elsewhere")[0] == "AccessDenied"
    code, message, _ = error_of(c.add_role_to_instance_profile, InstanceProfileName="delegated",
                                RoleName="web-role")
    assert code == "AccessDenied" and message == (
        f"User: arn:aws:iam::{ACCOUNT}:user/profile-admin is not authorized to perform: iam:PassRole on resource: "
        f"{role_arn('web-role')} because no identity-based policy allows the iam:PassRole action"), message
    c.add_role_to_instance_profile(InstanceProfileName="delegated", RoleName="other-role")
    c.remove_role_from_instance_profile(InstanceProfileName="delegated", RoleName="other-role")
    c.tag_instance_profile(InstanceProfileName="web", Tags=[{"Key": "team", "Value": "t"}])
    assert error_of(c.tag_instance_profile, InstanceProfileName="web", Tags=[{"Key": "owner", "Value": "x"}])[0] \
        == "AccessDenied"
    c.delete_instance_profile(InstanceProfileName="delegated")


@check("authorization: iam:PermissionsBoundary on Put/DeleteRolePermissionsBoundary, iam:AWSServiceName")
def _():
    key, secret = user_with_key("boundary-admin", inline=json.loads(doc(
        allow("iam:PutRolePermissionsBoundary", f"arn:aws:iam::{ACCOUNT}:role/*",
              Condition={"ArnEquals": {"iam:PermissionsBoundary": IAM_READ}}),
        allow("iam:DeleteRolePermissionsBoundary", f"arn:aws:iam::{ACCOUNT}:role/*",
              Condition={"ArnEquals": {"iam:PermissionsBoundary": IAM_READ}}),
        allow(["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole",
               "iam:GetServiceLinkedRoleDeletionStatus"],
              f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/*",
              Condition={"StringEquals": {"iam:AWSServiceName": "elasticloadbalancing.amazonaws.com"}}),
        allow(["iam:DeleteServiceLinkedRole", "iam:GetServiceLinkedRoleDeletionStatus"],
              f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/elasticloadbalancing.amazonaws.com/*"))))
    c = client("iam", key, secret)
    c.put_role_permissions_boundary(RoleName="other-role", PermissionsBoundary=IAM_READ)
    code, message, status = error_of(c.put_role_permissions_boundary, RoleName="other-role", PermissionsBoundary=ADMIN)
    assert (code, status) == ("AccessDenied", 403)
    assert message == (f"User: arn:aws:iam::{ACCOUNT}:user/boundary-admin is not authorized to perform: "
                       f"iam:PutRolePermissionsBoundary on resource: {role_arn('other-role')} because no "
                       "identity-based policy allows the iam:PutRolePermissionsBoundary action"), message
    c.delete_role_permissions_boundary(RoleName="other-role")  # the current boundary is IAM_READ
    assert error_of(c.delete_role_permissions_boundary, RoleName="web-role")[0] == "AccessDenied"  # none set
    elb = c.create_service_linked_role(AWSServiceName="elasticloadbalancing.amazonaws.com")["Role"]
    assert elb["RoleName"] == "AWSServiceRoleForElasticLoadBalancing", elb
    code, message, _ = error_of(c.create_service_linked_role, AWSServiceName="rds.amazonaws.com")
    assert code == "AccessDenied" and f"on resource: {role_arn('AWSServiceRoleForRDS', '/aws-service-role/rds.amazonaws.com/')} " \
        in message, message
    task = c.delete_service_linked_role(RoleName="AWSServiceRoleForElasticLoadBalancing")["DeletionTaskId"]
    assert c.get_service_linked_role_deletion_status(DeletionTaskId=task)["Status"] == "SUCCEEDED"


@check("aws CLI: create-instance-profile, add-role-to-instance-profile, get-instance-profile")
def _():
    aws = aws_cli

    p = aws("create-instance-profile", "--instance-profile-name", "cli-profile", "--path", "/cli/")["InstanceProfile"]
    assert p["Arn"] == profile_arn("cli-profile", "/cli/"), p
    aws("add-role-to-instance-profile", "--instance-profile-name", "cli-profile", "--role-name", "other-role")
    g = aws("get-instance-profile", "--instance-profile-name", "cli-profile")["InstanceProfile"]
    assert [r["RoleName"] for r in g["Roles"]] == ["other-role"], g
    assert g["Roles"][0]["AssumeRolePolicyDocument"] == json.loads(trust()), g


@check("instance profiles, their roles and tags, and service-linked roles survive a restart")
def _():
    assert server.stop(signal.SIGTERM) == 0
    server.start()
    iam = client("iam")
    p = iam.get_instance_profile(InstanceProfileName="web")["InstanceProfile"]
    assert [r["RoleName"] for r in p["Roles"]] == ["web-role"], p
    assert iam.list_instance_profile_tags(InstanceProfileName="tagged")["Tags"] == \
        [{"Key": "env", "Value": ""}, {"Key": "team", "Value": "new"}]
    assert [x["InstanceProfileName"] for x in iam.list_instance_profiles_for_role(RoleName="other-role")
            ["InstanceProfiles"]] == ["cli-profile"]
    assert error_of(iam.delete_role, RoleName="AWSServiceRoleForAutoScaling")[0] == "UnmodifiableEntity"


finish(tmp)

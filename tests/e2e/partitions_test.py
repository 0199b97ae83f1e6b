#!/usr/bin/python3
"""End-to-end tests of ARN partitions against `iamd serve`, with boto3: a request signed for
a Region of the China (cn-north-1) or AWS GovCloud (US) (us-gov-west-1) partitions sees
every ARN in that partition (aws-cn, aws-us-gov), as AWS does, and is authorized in it.

Covers CreateUser's and GetCallerIdentity's Arn, managed policy ARNs given and shown in the
request's partition (AttachUserPolicy, ListAttachedUserPolicies, GetPolicy, error messages),
service-linked roles, a policy on arn:aws-cn:iam::...:user/x allowing a caller signing for
cn-north-1 (and not one signing for us-east-1, whose request is in the aws partition), and
the same stored user seen through each partition. Prints one line per check and a closing
"N passed, N failed". Run by ctest as e2e_partitions:
    tests/e2e/partitions_test.py PATH/TO/iamd
"""
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from harness import *  # noqa: E402,F401,F403 (the shared scaffolding)

server, tmp = start_server("partitions")


def regional(service, region, key=ROOT_KEY, secret=ROOT_SECRET):
    return boto3.session.Session().client(service, endpoint_url=server.endpoint, region_name=region,
                                          aws_access_key_id=key, aws_secret_access_key=secret)


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@check("GetCallerIdentity: the root's Arn in the partition of the signing Region")
def _():
    for region, partition in (("us-east-1", "aws"), ("cn-north-1", "aws-cn"), ("cn-northwest-1", "aws-cn"),
                              ("us-gov-west-1", "aws-us-gov"), ("us-gov-east-1", "aws-us-gov")):
        ident = regional("sts", region).get_caller_identity()
        assert ident["Arn"] == f"arn:{partition}:iam::{ACCOUNT}:root", (region, ident)
        assert ident["Account"] == ACCOUNT, ident


@check("CreateUser / GetUser / ListUsers: the user's Arn in the request's partition")
def _():
    cn = regional("iam", "cn-north-1")
    u = cn.create_user(UserName="cn-user", Path="/team/")["User"]
    assert u["Arn"] == f"arn:aws-cn:iam::{ACCOUNT}:user/team/cn-user", u
    gov = regional("iam", "us-gov-west-1")
    assert gov.get_user(UserName="cn-user")["User"]["Arn"] == f"arn:aws-us-gov:iam::{ACCOUNT}:user/team/cn-user"
    arns = {x["Arn"] for x in cn.list_users()["Users"]}
    assert f"arn:aws-cn:iam::{ACCOUNT}:user/team/cn-user" in arns and not any(a.startswith("arn:aws:") for a in arns)
    # The same user through the aws partition.
    assert client("iam").get_user(UserName="cn-user")["User"]["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/team/cn-user"


@check("managed policies: ARNs given and shown in the request's partition, errors too")
def _():
    cn = regional("iam", "cn-north-1")
    p = cn.create_policy(PolicyName="cn-read", PolicyDocument=doc(
        {"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}))["Policy"]
    arn = f"arn:aws-cn:iam::{ACCOUNT}:policy/cn-read"
    assert p["Arn"] == arn, p
    cn.attach_user_policy(UserName="cn-user", PolicyArn=arn)
    cn.attach_user_policy(UserName="cn-user", PolicyArn="arn:aws-cn:iam::aws:policy/IAMReadOnlyAccess")
    attached = {a["PolicyArn"] for a in cn.list_attached_user_policies(UserName="cn-user")["AttachedPolicies"]}
    assert attached == {arn, "arn:aws-cn:iam::aws:policy/IAMReadOnlyAccess"}, attached
    assert cn.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 1
    # Through us-east-1 the same policies are in the aws partition.
    aws = {a["PolicyArn"] for a in client("iam").list_attached_user_policies(UserName="cn-user")["AttachedPolicies"]}
    assert aws == {f"arn:aws:iam::{ACCOUNT}:policy/cn-read", "arn:aws:iam::aws:policy/IAMReadOnlyAccess"}, aws
    missing = f"arn:aws-cn:iam::{ACCOUNT}:policy/none"
    assert error_of(cn.get_policy, PolicyArn=missing) == \
        ("NoSuchEntity", f"Policy {missing} was not found.", 404)
    cn.detach_user_policy(UserName="cn-user", PolicyArn="arn:aws-cn:iam::aws:policy/IAMReadOnlyAccess")
    cn.detach_user_policy(UserName="cn-user", PolicyArn=arn)


@check("a policy on arn:aws-cn:iam::...:user/x allows a caller signing for cn-north-1")
def _():
    cn = regional("iam", "cn-north-1")
    cn.create_user(UserName="x")
    own = f"arn:aws-cn:iam::{ACCOUNT}:user/x"
    cn.put_user_policy(UserName="x", PolicyName="self", PolicyDocument=doc(
        {"Effect": "Allow", "Action": ["iam:GetUser", "iam:ListAccessKeys"], "Resource": own}))
    k = cn.create_access_key(UserName="x")["AccessKey"]
    key, secret = k["AccessKeyId"], k["SecretAccessKey"]
    as_x = regional("iam", "cn-north-1", key, secret)
    assert as_x.get_user(UserName="x")["User"]["Arn"] == own
    assert as_x.list_access_keys(UserName="x")["AccessKeyMetadata"][0]["AccessKeyId"] == key
    ident = regional("sts", "cn-north-1", key, secret).get_caller_identity()
    assert ident["Arn"] == own and ident["UserId"].startswith("AIDA"), ident
    # Another user's ARN is not covered.
    denied = error_of(as_x.get_user, UserName="cn-user")
    assert denied[0] == "AccessDenied" and f"arn:aws-cn:iam::{ACCOUNT}:user/team/cn-user" in denied[1], denied
    assert f"User: {own} is not authorized" in denied[1], denied
    # Signing for us-east-1 the request is in the aws partition: the policy does not apply.
    code, message, status = error_of(regional("iam", "us-east-1", key, secret).get_user, UserName="x")
    assert (code, status) == ("AccessDenied", 403), (code, message)
    assert f"User: arn:aws:iam::{ACCOUNT}:user/x is not authorized" in message, message
    # GovCloud likewise.
    assert error_of(regional("iam", "us-gov-west-1", key, secret).get_user, UserName="x")[0] == "AccessDenied"


@check("a policy on arn:aws-us-gov:... with iam:PolicyARN in the request's partition")
def _():
    gov = regional("iam", "us-gov-west-1")
    gov.create_user(UserName="g")
    ro = "arn:aws-us-gov:iam::aws:policy/IAMReadOnlyAccess"
    gov.put_user_policy(UserName="g", PolicyName="attach", PolicyDocument=doc(
        {"Effect": "Allow", "Action": "iam:AttachUserPolicy", "Resource": f"arn:aws-us-gov:iam::{ACCOUNT}:user/g",
         "Condition": {"ArnEquals": {"iam:PolicyARN": ro}}}))
    k = gov.create_access_key(UserName="g")["AccessKey"]
    as_g = regional("iam", "us-gov-west-1", k["AccessKeyId"], k["SecretAccessKey"])
    as_g.attach_user_policy(UserName="g", PolicyArn=ro)
    assert error_of(as_g.attach_user_policy, UserName="g",
                    PolicyArn="arn:aws-us-gov:iam::aws:policy/AdministratorAccess")[0] == "AccessDenied"
    assert [a["PolicyArn"] for a in gov.list_attached_user_policies(UserName="g")["AttachedPolicies"]] == [ro]


@check("service-linked roles and roles: ARNs in the request's partition")
def _():
    cn = regional("iam", "cn-north-1")
    r = cn.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com")["Role"]
    assert r["Arn"] == (f"arn:aws-cn:iam::{ACCOUNT}:role/aws-service-role/autoscaling.amazonaws.com/"
                        "AWSServiceRoleForAutoScaling"), r
    attached = cn.list_attached_role_policies(RoleName="AWSServiceRoleForAutoScaling")["AttachedPolicies"]
    assert [a["PolicyArn"] for a in attached] == \
        ["arn:aws-cn:iam::aws:policy/aws-service-role/AutoScalingServiceRolePolicy"], attached
    gov = regional("iam", "us-gov-west-1")
    role = gov.get_role(RoleName="AWSServiceRoleForAutoScaling")["Role"]
    assert role["Arn"].startswith(f"arn:aws-us-gov:iam::{ACCOUNT}:role/aws-service-role/"), role
    # The trust policy is the stored document, not rewritten.
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "autoscaling.amazonaws.com"}


@check("SimulatePrincipalPolicy and the credential report in the request's partition")
def _():
    cn = regional("iam", "cn-north-1")
    own = f"arn:aws-cn:iam::{ACCOUNT}:user/x"
    r = cn.simulate_principal_policy(PolicySourceArn=own, ActionNames=["iam:GetUser"], ResourceArns=[own])
    assert [e["EvalDecision"] for e in r["EvaluationResults"]] == ["allowed"], r
    other = f"arn:aws-cn:iam::{ACCOUNT}:user/team/cn-user"
    r = cn.simulate_principal_policy(PolicySourceArn=own, ActionNames=["iam:GetUser"], ResourceArns=[other])
    assert [e["EvalDecision"] for e in r["EvaluationResults"]] == ["implicitDeny"], r
    import time
    for _ in range(50):
        if cn.generate_credential_report()["State"] == "COMPLETE":
            break
        time.sleep(0.1)
    csv = cn.get_credential_report()["Content"].decode()
    assert f"arn:aws-cn:iam::{ACCOUNT}:root" in csv and own in csv and "arn:aws:" not in csv, csv


@check("a Region outside the table is still refused")
def _():
    code, message, status = error_of(regional("sts", "cn-north-2").get_caller_identity)
    assert (code, status) == ("SignatureDoesNotMatch", 403), (code, message)


finish(tmp)

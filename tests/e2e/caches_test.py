#!/usr/bin/python3
"""End-to-end tests of the server's caches against `iamd serve` with boto3: a policy deleted
and created again under its name, or a version id that could be reused, never evaluates the
old text (each change is seen by the very next request), and version ids are never reused
after DeleteVersion (as in AWS), across a restart too.

Prints one line per check and a closing "N passed, N failed". Run by ctest:
    tests/e2e/caches_test.py PATH/TO/iamd
"""
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from harness import *  # noqa: E402,F401,F403 (the shared scaffolding)


def allow(*actions):
    return json.dumps({"Version": "2012-10-17",
                       "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}]})


def deny(*actions):
    return json.dumps({"Version": "2012-10-17",
                       "Statement": [{"Effect": "Deny", "Action": list(actions), "Resource": "*"},
                                     {"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}]})


def denied(fn, **kwargs):
    code, _, status = error_of(fn, **kwargs)
    assert (code, status) == ("AccessDenied", 403), (code, status)


server, tmp = start_server("caches")
iam = client("iam")
key, secret = user_with_key("cached", inline=json.loads(allow("iam:GetUser")))
user = client("iam", key, secret)


@check("a policy deleted and created again under its name is evaluated with its new text")
def _():
    arn = iam.create_policy(PolicyName="Reused", PolicyDocument=allow("iam:ListUsers"))["Policy"]["Arn"]
    iam.attach_user_policy(UserName="cached", PolicyArn=arn)
    user.list_users()  # allowed, and the compiled v1 is now cached
    user.list_users()
    iam.detach_user_policy(UserName="cached", PolicyArn=arn)
    denied(user.list_users)
    iam.delete_policy(PolicyArn=arn)
    again = iam.create_policy(PolicyName="Reused", PolicyDocument=deny("iam:ListUsers"))["Policy"]
    assert (again["Arn"], again["DefaultVersionId"]) == (arn, "v1"), again
    iam.attach_user_policy(UserName="cached", PolicyArn=arn)
    denied(user.list_users)  # the very next request
    user.get_user()
    iam.detach_user_policy(UserName="cached", PolicyArn=arn)
    iam.delete_policy(PolicyArn=arn)


@check("a deleted version's id is not given again, and the old text is never evaluated")
def _():
    arn = iam.create_policy(PolicyName="Versions", PolicyDocument=allow("iam:GetUser"))["Policy"]["Arn"]
    iam.attach_user_policy(UserName="cached", PolicyArn=arn)
    v2 = iam.create_policy_version(PolicyArn=arn, PolicyDocument=allow("iam:ListUsers"), SetAsDefault=True)
    assert v2["PolicyVersion"]["VersionId"] == "v2", v2
    user.list_users()
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v1")
    denied(user.list_users)
    iam.delete_policy_version(PolicyArn=arn, VersionId="v2")
    v3 = iam.create_policy_version(PolicyArn=arn, PolicyDocument=deny("iam:ListUsers"), SetAsDefault=True)
    assert v3["PolicyVersion"]["VersionId"] == "v3", v3
    denied(user.list_users)
    ids = [v["VersionId"] for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]]
    assert ids == ["v3", "v1"], ids
    iam.detach_user_policy(UserName="cached", PolicyArn=arn)


@check("version ids continue after the highest one was deleted, also after a restart")
def _():
    global iam
    arn = iam.create_policy(PolicyName="Counted", PolicyDocument=allow("iam:GetUser"))["Policy"]["Arn"]
    for expected in ("v2", "v3"):
        v = iam.create_policy_version(PolicyArn=arn, PolicyDocument=allow("iam:ListUsers"))["PolicyVersion"]
        assert v["VersionId"] == expected, v
    iam.delete_policy_version(PolicyArn=arn, VersionId="v3")
    v = iam.create_policy_version(PolicyArn=arn, PolicyDocument=allow("iam:ListRoles"))["PolicyVersion"]
    assert v["VersionId"] == "v4", v
    iam.delete_policy_version(PolicyArn=arn, VersionId="v4")
    assert server.stop(signal.SIGTERM) == 0
    server.start()
    iam = client("iam")
    v = iam.create_policy_version(PolicyArn=arn, PolicyDocument=allow("iam:ListGroups"))["PolicyVersion"]
    assert v["VersionId"] == "v5", v
    got = iam.get_policy_version(PolicyArn=arn, VersionId="v5")["PolicyVersion"]
    assert got["Document"]["Statement"][0]["Action"] == ["iam:ListGroups"], got


finish(tmp)

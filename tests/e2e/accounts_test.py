#!/usr/bin/python3
"""End-to-end tests of several accounts on one server: `iamd account create` (a standalone
account with its root user and key), the isolation of accounts (names resolve in the caller's
account; another account's policy can be neither read nor attached), and cross-account role
assumption with boto3 (the caller's identity policy and the role's trust policy must both
allow; ExternalId; the session acts in the role's account). Run by ctest as e2e_accounts:
    tests/e2e/accounts_test.py PATH/TO/iamd
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import *  # noqa: E402,F401,F403 (the shared scaffolding)

OTHER = "222222222222"

server, tmp = start_server("accounts")


def iamd(*args):
    return subprocess.run([IAMD, *args], capture_output=True, text=True)


def session_client(service, creds):
    return boto3.session.Session().client(service, endpoint_url=server.endpoint, region_name="us-east-1",
                                          aws_access_key_id=creds["AccessKeyId"],
                                          aws_secret_access_key=creds["SecretAccessKey"],
                                          aws_session_token=creds["SessionToken"])


other_key = None


@check("iamd account create: refused while the server runs, then a new account with its root key")
def _():
    global other_key
    busy = iamd("account", "create", "--data", server.data, "--account-id", OTHER)
    assert busy.returncode == 1 and "stop the server" in busy.stderr, busy
    server.stop()
    made = iamd("account", "create", "--data", server.data, "--account-id", OTHER)
    assert made.returncode == 0, made.stderr
    key = re.search(r"aws_access_key_id\s+= (\S+)", made.stdout).group(1)
    secret = re.search(r"aws_secret_access_key = (\S+)", made.stdout).group(1)
    assert f"created account {OTHER}" in made.stdout and f"--profile iamd-{OTHER}" in made.stdout, made.stdout
    again = iamd("account", "create", "--data", server.data, "--account-id", OTHER)
    assert again.returncode == 1 and "exists already" in again.stderr, again
    bad = iamd("account", "create", "--data", server.data, "--account-id", "12")
    assert bad.returncode == 2 and "12 digits" in bad.stderr, bad
    missing = iamd("account", "create", "--data", os.path.join(tmp, "nothing"))
    assert missing.returncode == 1 and "start `iamd serve" in missing.stderr, missing
    server.start()
    other_key = (key, secret)
    me = client("sts", *other_key).get_caller_identity()
    assert me["Arn"] == f"arn:aws:iam::{OTHER}:root" and me["Account"] == OTHER, me
    assert client("sts").get_access_key_info(AccessKeyId=key)["Account"] == OTHER


@check("accounts are isolated: names resolve in the caller's account; a foreign policy is neither read nor attached")
def _():
    a, b = client("iam"), client("iam", *other_key)
    a.create_user(UserName="same-name")
    b.create_user(UserName="same-name")  # the same name in another account
    assert a.get_user(UserName="same-name")["User"]["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/same-name"
    assert b.get_user(UserName="same-name")["User"]["Arn"] == f"arn:aws:iam::{OTHER}:user/same-name"
    b.create_user(UserName="only-in-b")
    assert error_of(a.get_user, UserName="only-in-b")[0] == "NoSuchEntity"
    assert "only-in-b" not in [u["UserName"] for u in a.list_users()["Users"]]
    arn = b.create_policy(PolicyName="b-policy", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))["Policy"]["Arn"]
    assert error_of(a.get_policy, PolicyArn=arn) == ("NoSuchEntity", f"Policy {arn} was not found.", 404)
    assert error_of(a.attach_user_policy, UserName="same-name", PolicyArn=arn) == (
        "NoSuchEntity", f"Policy {arn} does not exist or is not attachable.", 404)


@check("cross-account AssumeRole: the caller's identity policy and the role's trust policy must both allow")
def _():
    a, b = client("iam"), client("iam", *other_key)
    role_arn = f"arn:aws:iam::{OTHER}:role/shared"
    b.create_role(RoleName="shared", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole",
         "Condition": {"StringEquals": {"sts:ExternalId": "ext-1"}}}]}))
    b.put_role_policy(RoleName="shared", PolicyName="list", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}]}))
    dev = user_with_key("dev")
    dev_sts = client("sts", *dev)
    denied = ("AccessDenied", f"User: arn:aws:iam::{ACCOUNT}:user/dev is not authorized to perform: sts:AssumeRole "
              f"on resource: {role_arn}", 403)
    # The trust policy trusts account A, but A's user has no identity policy allowing it.
    assert error_of(dev_sts.assume_role, RoleArn=role_arn, RoleSessionName="xa", ExternalId="ext-1") == denied
    a.put_user_policy(UserName="dev", PolicyName="assume", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn}]}))
    assert error_of(dev_sts.assume_role, RoleArn=role_arn, RoleSessionName="xa") == denied  # ExternalId required
    assert error_of(dev_sts.assume_role, RoleArn=role_arn, RoleSessionName="xa", ExternalId="wrong") == denied
    r = dev_sts.assume_role(RoleArn=role_arn, RoleSessionName="xa", ExternalId="ext-1")
    assert r["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{OTHER}:assumed-role/shared/xa", r
    s = session_client("iam", r["Credentials"])
    users = [u["Arn"] for u in s.list_users()["Users"]]
    assert f"arn:aws:iam::{OTHER}:user/only-in-b" in users and all(f":{OTHER}:" in u for u in users), users
    assert session_client("sts", r["Credentials"]).get_caller_identity()["Account"] == OTHER
    # A trust policy that does not name account A: denied whatever A's user may do.
    b.update_assume_role_policy(RoleName="shared", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"}, "Action": "sts:AssumeRole"}]}))
    assert error_of(dev_sts.assume_role, RoleArn=role_arn, RoleSessionName="xa", ExternalId="ext-1") == denied


finish(tmp)

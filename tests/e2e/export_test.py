#!/usr/bin/python3
"""End-to-end test of `iamd export` and `iamd import` (docs/operations.md, "Export and
import"): a server populated with boto3 (users with keys, login profiles and an MFA device,
groups, roles with inline and attached policies, a customer policy with versions, an instance
profile, an OIDC provider, a second account) is stopped and exported; the file is imported
into a new data folder holding the same master.key; a server started on it answers every
List*/Get* as the first did, and the old access keys still sign. Also: the running server's
lock, a non-empty target, another master key, a truncated file and bad flags. Run by ctest as
e2e_export:
    tests/e2e/export_test.py PATH/TO/iamd
"""
import base64
import hashlib
import hmac
import json
import os
import shutil
import stat
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import *  # noqa: E402,F401,F403 (the shared scaffolding)

OTHER = "222222222222"
DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:Get*", "Resource": "*"}]}
TRUST = {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                        "Action": "sts:AssumeRole"}]}
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"

server, tmp = start_server("export")
dump_file = os.path.join(tmp, "deployment.jsonl")
new_data = os.path.join(tmp, "new-data")


def iamd(*args, stdin=None):
    return subprocess.run([IAMD, *args], capture_output=True, text=True, input=stdin)


def totp(seed, step):
    mac = hmac.new(seed, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[19] & 0x0F
    return f"{(struct.unpack('>I', mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000:06d}"


keys = {}
policy_arn = None


@check("populate: users, keys, login profile, MFA device, groups, roles, policies, instance profile, OIDC, second account")
def _():
    global policy_arn
    # The second account first (the server must be stopped for `iamd account create`).
    server.stop()
    made = iamd("account", "create", "--data", server.data, "--account-id", OTHER)
    assert made.returncode == 0, made.stderr
    other_key = made.stdout.split("aws_access_key_id     = ")[1].split()[0]
    other_secret = made.stdout.split("aws_secret_access_key = ")[1].split()[0]
    keys["other-root"] = (other_key, other_secret)
    server.start()
    iam = client("iam")
    iam.create_account_alias(AccountAlias="acme-export")
    iam.update_account_password_policy(MinimumPasswordLength=12, RequireSymbols=True, MaxPasswordAge=90)
    policy_arn = iam.create_policy(PolicyName="GetThings", Path="/team/", PolicyDocument=json.dumps(DOC),
                                   Description="gets", Tags=[{"Key": "k", "Value": "v"}])["Policy"]["Arn"]
    doc2 = dict(DOC, Statement=[dict(DOC["Statement"][0], Action="iam:List*")])
    iam.create_policy_version(PolicyArn=policy_arn, PolicyDocument=json.dumps(doc2), SetAsDefault=True)
    iam.create_policy_version(PolicyArn=policy_arn, PolicyDocument=json.dumps(DOC))
    iam.delete_policy_version(PolicyArn=policy_arn, VersionId="v3")  # the next one is v4, here and after import
    iam.create_user(UserName="alice", Path="/eng/", Tags=[{"Key": "team", "Value": "eng"}])
    iam.attach_user_policy(UserName="alice", PolicyArn=READ_ONLY)
    iam.attach_user_policy(UserName="alice", PolicyArn=policy_arn)
    iam.put_user_policy(UserName="alice", PolicyName="assume", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}))
    k = iam.create_access_key(UserName="alice")["AccessKey"]
    keys["alice"] = (k["AccessKeyId"], k["SecretAccessKey"])
    k2 = iam.create_access_key(UserName="alice")["AccessKey"]
    iam.update_access_key(UserName="alice", AccessKeyId=k2["AccessKeyId"], Status="Inactive")
    keys["alice-inactive"] = (k2["AccessKeyId"], k2["SecretAccessKey"])
    iam.create_login_profile(UserName="alice", Password="Correct-Horse-9!", PasswordResetRequired=True)
    iam.create_user(UserName="bob", PermissionsBoundary=READ_ONLY)
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="bob-phone")["VirtualMFADevice"]
    seed = base64.b32decode(device["Base32StringSeed"].decode("ascii"))
    step = int(time.time()) // 30 - 1
    iam.enable_mfa_device(UserName="bob", SerialNumber=device["SerialNumber"], AuthenticationCode1=totp(seed, step),
                          AuthenticationCode2=totp(seed, step + 1))
    iam.create_group(GroupName="devs", Path="/eng/")
    iam.add_user_to_group(GroupName="devs", UserName="alice")
    iam.add_user_to_group(GroupName="devs", UserName="bob")
    iam.put_group_policy(GroupName="devs", PolicyName="g", PolicyDocument=json.dumps(DOC))
    iam.attach_group_policy(GroupName="devs", PolicyArn=policy_arn)
    iam.create_role(RoleName="deployer", Path="/svc/", AssumeRolePolicyDocument=json.dumps(TRUST),
                    Description="deploys", MaxSessionDuration=7200, Tags=[{"Key": "env", "Value": "prod"}])
    iam.put_role_policy(RoleName="deployer", PolicyName="r", PolicyDocument=json.dumps(DOC))
    iam.attach_role_policy(RoleName="deployer", PolicyArn=READ_ONLY)
    iam.create_instance_profile(InstanceProfileName="web", Tags=[{"Key": "x", "Value": "y"}])
    iam.add_role_to_instance_profile(InstanceProfileName="web", RoleName="deployer")
    iam.create_open_id_connect_provider(Url="https://token.example.com", ThumbprintList=["a" * 40],
                                        ClientIDList=["sts.amazonaws.com"])
    other = client("iam", *keys["other-root"])
    other.create_user(UserName="carol")
    k3 = other.create_access_key(UserName="carol")["AccessKey"]
    keys["carol"] = (k3["AccessKeyId"], k3["SecretAccessKey"])


def strip(answer):
    answer = dict(answer)
    answer.pop("ResponseMetadata", None)
    return answer


def snapshot():
    """Every List*/Get* answer of the populated deployment that later calls do not change
    (last used dates move with use: they are compared in the file instead)."""
    iam = client("iam")
    s = {}
    s["summary"] = strip(iam.get_account_summary())
    s["aliases"] = strip(iam.list_account_aliases())
    s["password_policy"] = strip(iam.get_account_password_policy())
    details = strip(iam.get_account_authorization_details())
    for r in details.get("RoleDetailList", []):
        r.pop("RoleLastUsed", None)
    s["details"] = details
    s["users"] = strip(iam.list_users())
    for u in s["users"]["Users"]:
        name = u["UserName"]
        s[f"user {name}"] = strip(iam.get_user(UserName=name))
        s[f"keys {name}"] = strip(iam.list_access_keys(UserName=name))
        s[f"groups {name}"] = strip(iam.list_groups_for_user(UserName=name))
        s[f"mfa {name}"] = strip(iam.list_mfa_devices(UserName=name))
        s[f"tags {name}"] = strip(iam.list_user_tags(UserName=name))
    s["login profile"] = strip(iam.get_login_profile(UserName="alice"))
    s["groups"] = strip(iam.list_groups())
    s["group devs"] = strip(iam.get_group(GroupName="devs"))
    s["group policies"] = strip(iam.list_group_policies(GroupName="devs"))
    s["group attached"] = strip(iam.list_attached_group_policies(GroupName="devs"))
    roles = strip(iam.list_roles())
    for r in roles["Roles"]:
        r.pop("RoleLastUsed", None)
    s["roles"] = roles
    role = strip(iam.get_role(RoleName="deployer"))
    role["Role"].pop("RoleLastUsed", None)
    s["role"] = role
    s["role policy"] = strip(iam.get_role_policy(RoleName="deployer", PolicyName="r"))
    s["role attached"] = strip(iam.list_attached_role_policies(RoleName="deployer"))
    s["policies"] = strip(iam.list_policies(Scope="Local"))
    s["attached aws"] = strip(iam.list_policies(Scope="AWS", OnlyAttached=True))
    s["policy"] = strip(iam.get_policy(PolicyArn=policy_arn))
    s["versions"] = strip(iam.list_policy_versions(PolicyArn=policy_arn))
    s["version v2"] = strip(iam.get_policy_version(PolicyArn=policy_arn, VersionId="v2"))
    s["entities"] = strip(iam.list_entities_for_policy(PolicyArn=policy_arn))
    s["entities aws"] = strip(iam.list_entities_for_policy(PolicyArn=READ_ONLY))
    s["instance profiles"] = strip(iam.list_instance_profiles())
    s["virtual mfa"] = strip(iam.list_virtual_mfa_devices())
    oidc = strip(iam.list_open_id_connect_providers())
    s["oidc"] = oidc
    for p in oidc["OpenIDConnectProviderList"]:
        s["oidc " + p["Arn"]] = strip(iam.get_open_id_connect_provider(OpenIDConnectProviderArn=p["Arn"]))
    other = client("iam", *keys["other-root"])
    s["other users"] = strip(other.list_users())
    s["other keys"] = strip(other.list_access_keys(UserName="carol"))
    return json.loads(json.dumps(s, default=str))


before = None


@check("while the server runs, export refuses: stop the server first (exit 1)")
def _():
    global before
    before = snapshot()
    busy = iamd("export", "--data", server.data, "--output", dump_file)
    assert busy.returncode == 1 and "stop the server first" in busy.stderr, busy
    assert not os.path.exists(dump_file)


@check("export of the stopped server: a private JSON-lines file with a header and a trailer")
def _():
    server.stop()
    r = iamd("export", "--data", server.data, "--output", dump_file)
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(os.stat(dump_file).st_mode) == 0o600
    lines = open(dump_file).read().splitlines()
    header = json.loads(lines[0])
    assert header["format"] == "iamd-export" and header["version"] == 1 and header["masterKeyCheck"], header
    assert json.loads(lines[-1]) == {"type": "end", "records": len(lines) - 2}, lines[-1]
    types = {json.loads(line)["type"] for line in lines[1:-1]}
    for t in ["account", "user", "access_key", "login_profile", "group", "group_member", "role", "policy",
              "policy_version", "attachment", "inline_policy", "instance_profile", "instance_profile_role",
              "resource"]:
        assert t in types, (t, types)
    text = open(dump_file).read()
    assert keys["alice"][1] not in text and "Correct-Horse-9!" not in text  # secrets stay sealed
    # The same to standard output.
    out = iamd("export", "--data", server.data)
    assert out.returncode == 0 and out.stdout.splitlines()[1:] == lines[1:], out.stderr


@check("import refusals: bad flags (2), no master.key, another master key, truncated file (1, nothing written)")
def _():
    assert iamd("import", "--bogus").returncode == 2
    assert iamd("export", "--data").returncode == 2
    empty = os.path.join(tmp, "empty")
    os.makedirs(empty)
    r = iamd("import", "--data", empty, "--input", dump_file)
    assert r.returncode == 1 and "master.key" in r.stderr, r
    assert not os.path.exists(os.path.join(empty, "master.key")) and not os.path.exists(os.path.join(empty, "store"))
    other = os.path.join(tmp, "other-key")
    os.makedirs(other, mode=0o700)
    with open(os.path.join(other, "master.key"), "wb") as f:
        f.write(os.urandom(32))
    os.chmod(os.path.join(other, "master.key"), 0o600)
    r = iamd("import", "--data", other, "--input", dump_file)
    assert r.returncode == 1 and "another master key" in r.stderr, r
    os.makedirs(new_data, mode=0o700)
    shutil.copy2(os.path.join(server.data, "master.key"), os.path.join(new_data, "master.key"))
    truncated = "".join(open(dump_file).readlines()[:-1])
    r = iamd("import", "--data", new_data, "--input", "-", stdin=truncated)
    assert r.returncode == 1 and "truncated" in r.stderr and "nothing was imported" in r.stderr, r
    # Nothing was written: the same folder takes the whole file next.


@check("import into a new folder with the same master.key; a second import is refused (not empty)")
def _():
    for name in ["root-credentials", "root-console-login"]:
        shutil.copy2(os.path.join(server.data, name), os.path.join(new_data, name))
    r = iamd("import", "--data", new_data, "--input", dump_file)
    assert r.returncode == 0, r.stderr
    again = iamd("import", "--data", new_data, "--input", dump_file)
    assert again.returncode == 1 and "not empty" in again.stderr, again
    # Exported again: the same records (only the header's time may differ).
    out = iamd("export", "--data", new_data)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[1:] == open(dump_file).read().splitlines()[1:]


@check("a server on the imported folder answers every List*/Get* the same, and the old keys still sign")
def _():
    old = harness.server
    harness.server = Server(new_data)
    harness.server.start()
    try:
        after = snapshot()
        for k in before:
            assert after.get(k) == before[k], (k, before[k], after.get(k))
        assert after == before
        me = client("sts", *keys["alice"]).get_caller_identity()
        assert me["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/eng/alice", me
        assert client("iam", *keys["alice"]).get_user(UserName="alice")["User"]["UserName"] == "alice"
        code = error_of(client("sts", *keys["alice-inactive"]).get_caller_identity)[0]
        assert code == "InvalidClientTokenId", code
        assert client("sts", *keys["carol"]).get_caller_identity()["Account"] == OTHER
        assert client("sts", *keys["other-root"]).get_caller_identity()["Arn"] == f"arn:aws:iam::{OTHER}:root"
        creds = client("sts", *keys["alice"]).assume_role(
            RoleArn=f"arn:aws:iam::{ACCOUNT}:role/svc/deployer", RoleSessionName="after-import")["Credentials"]
        assert creds["AccessKeyId"].startswith("ASIA")
        # The next policy version is v4 (v3 was deleted before the export).
        v = client("iam").create_policy_version(PolicyArn=policy_arn, PolicyDocument=json.dumps(DOC))
        assert v["PolicyVersion"]["VersionId"] == "v4", v
    finally:
        harness.server.stop()
        harness.server = old


@check("import into a folder a first start made (same account id): its root key and sign-in give way to the file's")
def _():
    started = os.path.join(tmp, "started-data")
    os.makedirs(started, mode=0o700)
    shutil.copy2(os.path.join(server.data, "master.key"), os.path.join(started, "master.key"))
    first = Server(started, env={"IAMD_ROOT_ACCESS_KEY_ID": "AKIAFIRSTSTART000001",
                                 "IAMD_ROOT_SECRET_ACCESS_KEY": "firststartfirststartfirststartfirststart"})
    first.start()
    first.stop()
    r = iamd("import", "--data", started, "--input", dump_file)
    assert r.returncode == 0, r.stderr
    out = iamd("export", "--data", started)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()[1:]
    assert "AKIAFIRSTSTART000001" not in out.stdout
    # The same records as the source's but the account's creation date (the first start's).
    source = open(dump_file).read().splitlines()[1:]
    differ = [(a, b) for a, b in zip(lines, source) if a != b]
    assert len(lines) == len(source) and len(differ) == 1 and '"type":"account"' in differ[0][0], differ
    old = harness.server
    harness.server = Server(started)  # the source's root key (the harness's environment)
    harness.server.start()
    try:
        assert client("sts", *keys["alice"]).get_caller_identity()["Account"] == ACCOUNT
        assert client("iam").get_user(UserName="alice")["User"]["Path"] == "/eng/"
    finally:
        harness.server.stop()
        harness.server = old
    other = os.path.join(tmp, "other-account-data")
    os.makedirs(other, mode=0o700)
    shutil.copy2(os.path.join(server.data, "master.key"), os.path.join(other, "master.key"))
    first = Server(other, env={"IAMD_ACCOUNT_ID": "333333333333"})
    first.start()
    first.stop()
    r = iamd("import", "--data", other, "--input", dump_file)
    assert r.returncode == 1 and "333333333333" in r.stderr and "does not hold" in r.stderr, r


finish(tmp)

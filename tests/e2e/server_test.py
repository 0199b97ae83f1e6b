#!/usr/bin/python3
"""End-to-end tests of `iamd serve` with the real clients people use: boto3 and the aws CLI.

Starts the real server on a free loopback port with a fresh data folder, drives it, and
prints one line per check and a closing "N passed, N failed". Run by ctest:
    tests/e2e/server_test.py PATH/TO/iamd
"""
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from harness import *  # noqa: E402,F401,F403 (the shared scaffolding)


server, tmp = start_server("server")


@check("root GetCallerIdentity (STS) is the account root")
def _():
    who = client("sts").get_caller_identity()
    assert who["Arn"] == f"arn:aws:iam::{ACCOUNT}:root" and who["Account"] == ACCOUNT and who["UserId"] == ACCOUNT


@check("console flow: user with programmatic access and AdministratorAccess uses its key")
def _():
    key, secret = user_with_key("admin", managed=["arn:aws:iam::aws:policy/AdministratorAccess"])
    admin = client("iam", key, secret)
    admin.create_user(UserName="made-by-admin")
    who = client("sts", key, secret).get_caller_identity()
    assert who["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/admin", who
    assert who["UserId"].startswith("AIDA") and len(who["UserId"]) == 21
    attached = client("iam").list_attached_user_policies(UserName="admin")["AttachedPolicies"]
    assert attached == [{"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]


@check("aws CLI: aws configure with the new key, then use it")
def _():
    iam = client("iam")
    iam.create_user(UserName="cli-user")
    iam.attach_user_policy(UserName="cli-user", PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    k = iam.create_access_key(UserName="cli-user")["AccessKey"]
    home = os.path.join(tmp, "home")
    os.makedirs(home, exist_ok=True)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home,
           "AWS_CONFIG_FILE": os.path.join(home, "config"),
           "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "credentials")}
    for args in (["configure", "set", "aws_access_key_id", k["AccessKeyId"]],
                 ["configure", "set", "aws_secret_access_key", k["SecretAccessKey"]],
                 ["configure", "set", "region", "us-east-1"]):
        subprocess.run([AWS] + args, env=env, check=True)
    out = subprocess.run([AWS, "sts", "get-caller-identity", "--endpoint-url", server.endpoint, "--output", "json"],
                         env=env, check=True, capture_output=True, text=True).stdout
    assert json.loads(out)["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/cli-user", out
    out = subprocess.run([AWS, "iam", "list-users", "--endpoint-url", server.endpoint, "--output", "json"],
                         env=env, check=True, capture_output=True, text=True).stdout
    assert "cli-user" in [u["UserName"] for u in json.loads(out)["Users"]]
    denied = subprocess.run([AWS, "iam", "create-user", "--user-name", "x", "--endpoint-url", server.endpoint],
                            env=env, capture_output=True, text=True)
    assert denied.returncode != 0 and "AccessDenied" in denied.stderr, denied.stderr


@check("IAMReadOnlyAccess: reads allowed, writes denied with AWS's message")
def _():
    key, secret = user_with_key("reader", managed=["arn:aws:iam::aws:policy/IAMReadOnlyAccess"])
    reader = client("iam", key, secret)
    assert any(u["UserName"] == "reader" for u in reader.list_users()["Users"])
    reader.get_user(UserName="admin")
    code, message, status = error_of(reader.create_user, UserName="nope")
    assert code == "AccessDenied" and status == 403, (code, status)
    assert message == (f"User: arn:aws:iam::{ACCOUNT}:user/reader is not authorized to perform: iam:CreateUser on "
                       f"resource: arn:aws:iam::{ACCOUNT}:user/nope because no identity-based policy allows the "
                       "iam:CreateUser action"), message


@check("explicit deny wins over AdministratorAccess")
def _():
    deny = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"}]}
    key, secret = user_with_key("denied-admin", managed=["arn:aws:iam::aws:policy/AdministratorAccess"], inline=deny)
    c = client("iam", key, secret)
    code, message, _ = error_of(c.create_user, UserName="x")
    # An administrator may call sts:DecodeAuthorizationMessage: AWS's text, then the encoded decision.
    aws_text, _, encoded = message.partition(". Encoded authorization failure message: ")
    assert code == "AccessDenied" and aws_text.endswith("with an explicit deny in an identity-based policy"), message
    assert encoded, message
    c.list_users()  # everything else still allowed


@check("manage your own access keys with ${aws:username}")
def _():
    own = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": ["iam:CreateAccessKey", "iam:ListAccessKeys", "iam:DeleteAccessKey",
                                      "iam:UpdateAccessKey", "iam:GetUser"],
        "Resource": "arn:aws:iam::*:user/${aws:username}"}]}
    key, secret = user_with_key("erin", inline=own)
    c = client("iam", key, secret)
    mine = c.list_access_keys()["AccessKeyMetadata"]  # no UserName: the caller
    assert [k["AccessKeyId"] for k in mine] == [key], mine
    new = c.create_access_key(UserName="erin")["AccessKey"]
    c.update_access_key(UserName="erin", AccessKeyId=new["AccessKeyId"], Status="Inactive")
    c.delete_access_key(UserName="erin", AccessKeyId=new["AccessKeyId"])
    code, _, _ = error_of(c.list_access_keys, UserName="admin")
    assert code == "AccessDenied"
    code, _, _ = error_of(c.create_access_key, UserName="admin")
    assert code == "AccessDenied"


@check("permissions boundary caps AdministratorAccess")
def _():
    key, secret = user_with_key("bounded", managed=["arn:aws:iam::aws:policy/AdministratorAccess"],
                                boundary="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    c = client("iam", key, secret)
    c.list_users()
    code, message, _ = error_of(c.create_user, UserName="x")
    assert code == "AccessDenied" and message.endswith(
        "because no permissions boundary allows the iam:CreateUser action"), message
    assert client("iam").get_user(UserName="bounded")["User"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == \
        "arn:aws:iam::aws:policy/IAMReadOnlyAccess"


@check("a deactivated key stops working at once")
def _():
    key, secret = user_with_key("temp", managed=["arn:aws:iam::aws:policy/IAMReadOnlyAccess"])
    client("iam", key, secret).get_user()
    client("iam").update_access_key(UserName="temp", AccessKeyId=key, Status="Inactive")
    code, _, status = error_of(client("iam", key, secret).get_user)
    assert code == "InvalidClientTokenId" and status == 403, code


@check("a policy change is visible to the very next request")
def _():
    key, secret = user_with_key("flip")
    c = client("iam", key, secret)
    assert error_of(c.list_users)[0] == "AccessDenied"
    client("iam").attach_user_policy(UserName="flip", PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    c.list_users()
    client("iam").detach_user_policy(UserName="flip", PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    assert error_of(c.list_users)[0] == "AccessDenied"


@check("errors: NoSuchEntity, EntityAlreadyExists, DeleteConflict, LimitExceeded")
def _():
    iam = client("iam")
    code, message, status = error_of(iam.get_user, UserName="nobody")
    assert (code, message, status) == ("NoSuchEntity", "The user with name nobody cannot be found.", 404)
    code, message, status = error_of(iam.create_user, UserName="ADMIN")  # names are case-insensitive
    assert (code, message, status) == ("EntityAlreadyExists", "User with name ADMIN already exists.", 409), message
    code, message, status = error_of(iam.delete_user, UserName="admin")
    assert code == "DeleteConflict" and status == 409 and "access keys" in message, message
    iam.create_user(UserName="keys")
    iam.create_access_key(UserName="keys")
    iam.create_access_key(UserName="keys")
    code, message, status = error_of(iam.create_access_key, UserName="keys")
    assert (code, message, status) == ("LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2", 409)
    code, message, _ = error_of(iam.attach_user_policy, UserName="keys", PolicyArn="arn:aws:iam::aws:policy/Nope")
    assert code == "NoSuchEntity" and "does not exist or is not attachable" in message


@check("validation: name pattern and length, malformed policy")
def _():
    iam = client("iam")
    code, message, status = error_of(iam.create_user, UserName="bad name!")
    assert code == "ValidationError" and status == 400 and "regular expression pattern" in message, message
    code, message, _ = error_of(iam.create_user, UserName="x" * 65)
    assert code == "ValidationError" and "length less than or equal to 64" in message, message
    code, message, _ = error_of(iam.put_user_policy, UserName="admin", PolicyName="p",
                                PolicyDocument='{"Version":"2012-10-17","Statement":{"Effect":"allow","Action":"*","Resource":"*"}}')
    assert (code, message) == ("MalformedPolicyDocument", "The policy failed legacy parsing"), message
    code, message, _ = error_of(iam.put_user_policy, UserName="admin", PolicyName="p", PolicyDocument="{")
    assert code == "MalformedPolicyDocument", code


@check("pagination of ListUsers with MaxItems and Marker")
def _():
    iam = client("iam")
    for i in range(5):
        iam.create_user(UserName=f"page-{i}", Path="/paged/")
    seen, marker = [], None
    while True:
        kwargs = {"PathPrefix": "/paged/", "MaxItems": 2}
        if marker:
            kwargs["Marker"] = marker
        r = iam.list_users(**kwargs)
        seen += [u["UserName"] for u in r["Users"]]
        if not r["IsTruncated"]:
            break
        marker = r["Marker"]
        assert len(r["Users"]) == 2
    assert seen == [f"page-{i}" for i in range(5)], seen
    names = [u["UserName"] for u in iam.get_paginator("list_users").paginate(PathPrefix="/paged/", PaginationConfig={"PageSize": 3}).build_full_result()["Users"]]
    assert names == seen


@check("bad signatures and skewed clocks are refused")
def _():
    code, _, status = error_of(client("iam", ROOT_KEY, "x" * 40).list_users)
    assert (code, status) == ("SignatureDoesNotMatch", 403), code
    code, _, status = error_of(client("iam", "AKIANOSUCHKEY0000000", ROOT_SECRET).list_users)
    assert (code, status) == ("InvalidClientTokenId", 403), code
    # Sign a request as if it were 20 minutes ago.
    creds = botocore.credentials.Credentials(ROOT_KEY, ROOT_SECRET)
    req = botocore.awsrequest.AWSRequest(method="POST", url=server.endpoint + "/",
                                         data="Action=ListUsers&Version=2010-05-08",
                                         headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    import datetime
    real = datetime.datetime

    class TwentyMinutesAgo(real):
        @classmethod
        def utcnow(cls):
            return real.utcnow() - datetime.timedelta(minutes=20)

    datetime.datetime = TwentyMinutesAgo  # botocore.auth reads datetime.datetime.utcnow()
    try:
        botocore.auth.SigV4Auth(creds, "iam", "us-east-1").add_auth(req)
    finally:
        datetime.datetime = real
    prepared = req.prepare()
    r = urllib.request.Request(prepared.url, data=prepared.body.encode() if isinstance(prepared.body, str) else prepared.body,
                               headers=dict(prepared.headers), method="POST")
    try:
        urllib.request.urlopen(r)
        raise AssertionError("a 20-minute-old signature was accepted")
    except urllib.error.HTTPError as e:
        body = e.read().decode()
        assert e.code == 403 and "SignatureDoesNotMatch" in body and "Signature expired" in body, body
    # No signature at all.
    try:
        urllib.request.urlopen(urllib.request.Request(server.endpoint + "/?Action=ListUsers&Version=2010-05-08"))
        raise AssertionError("an unsigned request was accepted")
    except urllib.error.HTTPError as e:
        assert e.code == 403 and "MissingAuthenticationToken" in e.read().decode()


@check("/healthz answers while the process runs; /readyz once the store answers; both GET only, unsigned")
def _():
    import urllib.request
    import urllib.error
    for path, body in (("/healthz", "ok\n"), ("/readyz", "ready\n")):
        with urllib.request.urlopen(server.endpoint + path) as r:
            assert r.status == 200 and r.read().decode() == body, path
            assert r.headers["Cache-Control"] == "no-store", dict(r.headers)
        try:
            urllib.request.urlopen(urllib.request.Request(server.endpoint + path, data=b"x", method="POST"))
            raise AssertionError(f"POST {path} was answered")
        except urllib.error.HTTPError as e:
            assert e.code == 405 and e.headers["Allow"] == "GET, HEAD", (path, e.code)


@check("unsupported operations answer a clear error, never a fake success")
def _():
    # Every IAM and STS operation of Debian's models is served; of Organizations' some are not.
    code, message, status = error_of(client("organizations").describe_resource_policy)
    assert (code, status) == ("UnknownOperationException", 400), (code, status)
    assert message == "The operation DescribeResourcePolicy is not supported by iamd.", message


@check("SIGTERM stops cleanly; restart with the same data folder keeps everything")
def _():
    assert server.stop(signal.SIGTERM) == 0
    server.start()
    assert client("iam").get_user(UserName="admin")["User"]["UserName"] == "admin"


@check("an acknowledged write survives kill -9")
def _():
    client("iam").create_user(UserName="durable")
    server.proc.kill()
    server.proc.wait(timeout=20)
    server.start()
    assert client("iam").get_user(UserName="durable")["User"]["UserName"] == "durable"


finish(tmp)

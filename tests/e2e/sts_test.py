#!/usr/bin/python3
"""End-to-end tests of STS temporary credentials against `iamd serve`, with boto3 and the aws
CLI: GetSessionToken (durations, the root user's one-hour cap, MFA with real RFC 6238 codes),
requests signed with the temporary credentials (X-Amz-Security-Token), GetCallerIdentity for a
session, what a GetSessionToken session may call (IAM only with MFA; of STS only AssumeRole and
GetCallerIdentity), tokens that are altered, swapped between keys or given with a long-term key,
a session whose user is deleted, sessions surviving a restart (the token key comes from the
master key), and GetAccessKeyInfo (the account encoded in access key ids). Run by ctest as
e2e_sts:
    tests/e2e/sts_test.py PATH/TO/iamd
"""
import base64
import datetime
import fcntl
import hashlib
import hmac
import os
import select
import signal
import struct
import subprocess
import sys
import termios

import botocore.config

sys.path.insert(0, os.path.dirname(__file__))
from harness import *  # noqa: E402,F401,F403 (the shared scaffolding)

INVALID = ("InvalidClientTokenId", "The security token included in the request is invalid.", 403)


def allow_all(name):
    return user_with_key(name, inline={"Version": "2012-10-17",
                                       "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def session_client(service, creds):
    return boto3.session.Session().client(service, endpoint_url=server.endpoint, region_name="us-east-1",
                                          aws_access_key_id=creds["AccessKeyId"],
                                          aws_secret_access_key=creds["SecretAccessKey"],
                                          aws_session_token=creds["SessionToken"])


def totp(seed, step):
    mac = hmac.new(seed, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[19] & 0x0F
    return f"{(struct.unpack('>I', mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000:06d}"


def now_step():
    return int(time.time()) // 30


server, tmp = start_server("sts")
iam = client("iam")
sts = client("sts")
alice = allow_all("alice")
alice_sts = client("sts", *alice)


@check("GetSessionToken: ASIA credentials for 12 hours by default, with a token and its expiry")
def _():
    before = datetime.datetime.now(datetime.timezone.utc)
    creds = alice_sts.get_session_token()["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA") and len(creds["AccessKeyId"]) == 20, creds
    assert len(creds["SecretAccessKey"]) == 40 and len(creds["SessionToken"]) > 100, creds
    left = (creds["Expiration"] - before).total_seconds()
    assert 43190 <= left <= 43210, left
    short = alice_sts.get_session_token(DurationSeconds=900)["Credentials"]
    assert 890 <= (short["Expiration"] - before).total_seconds() <= 910


@check("GetSessionToken: durations outside 900..129600 are a ValidationError")
def _():
    raw = boto3.session.Session().client(  # boto3 checks the range itself: send it anyway
        "sts", endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id=alice[0],
        aws_secret_access_key=alice[1], config=botocore.config.Config(parameter_validation=False))
    code, message, status = error_of(raw.get_session_token, DurationSeconds=899)
    assert (code, status) == ("ValidationError", 400), (code, message)
    assert "durationSeconds" in message and "899" in message, message  # STS shows the value


@check("the root user's sessions last at most one hour, a longer request is shortened")
def _():
    before = datetime.datetime.now(datetime.timezone.utc)
    creds = sts.get_session_token(DurationSeconds=7200)["Credentials"]
    assert 3590 <= (creds["Expiration"] - before).total_seconds() <= 3610
    me = session_client("sts", creds).get_caller_identity()
    assert me["Arn"] == f"arn:aws:iam::{ACCOUNT}:root" and me["UserId"] == ACCOUNT, me


@check("a session signs requests: GetCallerIdentity answers the user itself")
def _():
    creds = alice_sts.get_session_token(DurationSeconds=900)["Credentials"]
    me = session_client("sts", creds).get_caller_identity()
    assert me["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/alice", me
    assert me["UserId"] == iam.get_user(UserName="alice")["User"]["UserId"] and me["Account"] == ACCOUNT


@check("a session without MFA is refused by IAM as an invalid token; of STS it may call only GetCallerIdentity")
def _():
    creds = alice_sts.get_session_token(DurationSeconds=900)["Credentials"]
    assert error_of(session_client("iam", creds).list_users) == INVALID
    s = session_client("sts", creds)
    assert error_of(s.get_session_token) == (
        "AccessDenied", "Cannot call GetSessionToken with session credentials", 403)
    code, _, status = error_of(s.get_access_key_info, AccessKeyId=alice[0])
    assert (code, status) == ("AccessDenied", 403)


@check("altered, swapped, missing or foreign tokens are InvalidClientTokenId")
def _():
    a = alice_sts.get_session_token(DurationSeconds=900)["Credentials"]
    b = alice_sts.get_session_token(DurationSeconds=900)["Credentials"]
    raw = bytearray(base64.b64decode(a["SessionToken"]))
    raw[-5] ^= 1
    for token in (base64.b64encode(bytes(raw)).decode(), a["SessionToken"][:-8], b["SessionToken"], "notatoken", ""):
        forged = dict(a, SessionToken=token)
        if token == "":
            c = boto3.session.Session().client("sts", endpoint_url=server.endpoint, region_name="us-east-1",
                                               aws_access_key_id=a["AccessKeyId"],
                                               aws_secret_access_key=a["SecretAccessKey"])
        else:
            c = session_client("sts", forged)
        assert error_of(c.get_caller_identity) == INVALID, token[:20]
    # A long-term key never works with a session token.
    long_term = dict(a, AccessKeyId=alice[0], SecretAccessKey=alice[1])
    assert error_of(session_client("sts", long_term).get_caller_identity) == INVALID


@check("MFA: a session made with the user's device code reaches IAM; a wrong or reused code is refused")
def _():
    d = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice-phone")["VirtualMFADevice"]
    seed = base64.b32decode(d["Base32StringSeed"].decode("ascii"))
    step = now_step()
    iam.enable_mfa_device(UserName="alice", SerialNumber=d["SerialNumber"],
                          AuthenticationCode1=totp(seed, step - 1), AuthenticationCode2=totp(seed, step))
    wrong = "000000" if totp(seed, step + 1) != "000000" else "111111"
    assert error_of(alice_sts.get_session_token, SerialNumber=d["SerialNumber"], TokenCode=wrong) == (
        "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.", 403)
    # The codes enabling the device were used: the next step's code authenticates, once.
    creds = alice_sts.get_session_token(SerialNumber=d["SerialNumber"], TokenCode=totp(seed, step + 1),
                                        DurationSeconds=900)["Credentials"]
    assert error_of(alice_sts.get_session_token, SerialNumber=d["SerialNumber"], TokenCode=totp(seed, step + 1))[0] \
        == "AccessDenied"
    s = session_client("iam", creds)
    assert s.get_user()["User"]["UserName"] == "alice"
    assert any(u["UserName"] == "alice" for u in s.list_users()["Users"])
    # A device of another user, or none, does not authenticate.
    bob = allow_all("bob")
    assert error_of(client("sts", *bob).get_session_token, SerialNumber=d["SerialNumber"], TokenCode="123456") == (
        "AccessDenied", "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial "
        "number is valid and associated with this user.", 403)
    # A serial number without a code, or a code without a serial number.
    both = ("AccessDenied", "MultiFactorAuthentication failed, must provide both MFA serial number and one time pass "
            "code.", 403)
    assert error_of(alice_sts.get_session_token, SerialNumber=d["SerialNumber"]) == both
    assert error_of(alice_sts.get_session_token, TokenCode=totp(seed, now_step())) == both


@check("aws:MultiFactorAuthPresent decides: a Deny without MFA stops the plain session, not the MFA one")
def _():
    name = "carol"
    key = user_with_key(name, inline={"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "iam:DeleteUser", "Resource": "*",
         "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]})
    iam.create_user(UserName="victim1")
    iam.create_user(UserName="victim2")
    code, _, _ = error_of(client("iam", *key).delete_user, UserName="victim1")
    assert code == "AccessDenied"
    d = iam.create_virtual_mfa_device(VirtualMFADeviceName="carol-phone")["VirtualMFADevice"]
    seed = base64.b32decode(d["Base32StringSeed"].decode("ascii"))
    step = now_step()
    iam.enable_mfa_device(UserName=name, SerialNumber=d["SerialNumber"],
                          AuthenticationCode1=totp(seed, step - 1), AuthenticationCode2=totp(seed, step))
    creds = client("sts", *key).get_session_token(SerialNumber=d["SerialNumber"], TokenCode=totp(seed, step + 1),
                                                  DurationSeconds=900)["Credentials"]
    session_client("iam", creds).delete_user(UserName="victim2")


@check("a session ends with its user: deleting the user makes its token invalid")
def _():
    dave = allow_all("dave")
    creds = client("sts", *dave).get_session_token(DurationSeconds=900)["Credentials"]
    assert session_client("sts", creds).get_caller_identity()["Arn"].endswith(":user/dave")
    iam.delete_access_key(UserName="dave", AccessKeyId=dave[0])
    iam.delete_user_policy(UserName="dave", PolicyName="inline")
    iam.delete_user(UserName="dave")
    assert error_of(session_client("sts", creds).get_caller_identity) == INVALID


@check("GetAccessKeyInfo: the account of iamd's keys, of session keys and of AWS's documented example id")
def _():
    assert sts.get_access_key_info(AccessKeyId=alice[0])["Account"] == ACCOUNT
    assert sts.get_access_key_info(AccessKeyId=ROOT_KEY)["Account"] == ACCOUNT  # stored: the root key
    creds = alice_sts.get_session_token(DurationSeconds=900)["Credentials"]
    assert sts.get_access_key_info(AccessKeyId=creds["AccessKeyId"])["Account"] == ACCOUNT
    # The decoding of AWS's ids (an id of account 609629065308, from AWS's own documentation's form).
    assert sts.get_access_key_info(AccessKeyId="ASIAY34FZKBOKMUTVV7A")["Account"] == "609629065308"


@check("GetAccessKeyInfo is authorized: a user without sts:GetAccessKeyInfo is denied")
def _():
    erin = user_with_key("erin")
    code, message, status = error_of(client("sts", *erin).get_access_key_info, AccessKeyId=alice[0])
    assert (code, status) == ("AccessDenied", 403) and "sts:GetAccessKeyInfo" in message, message


@check("the aws CLI: get-session-token, then get-caller-identity with AWS_SESSION_TOKEN")
def _():
    home = os.path.join(tmp, "cli-home")
    os.makedirs(home, exist_ok=True)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_ACCESS_KEY_ID": alice[0], "AWS_SECRET_ACCESS_KEY": alice[1],
           "AWS_CONFIG_FILE": os.path.join(home, "config"), "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "c")}
    run = lambda *a, **e: json.loads(subprocess.run(  # noqa: E731
        [AWS, "sts", *a, "--endpoint-url", server.endpoint, "--output", "json"], env=dict(env, **e), check=True,
        capture_output=True, text=True).stdout)
    creds = run("get-session-token", "--duration-seconds", "900")["Credentials"]
    me = run("get-caller-identity", AWS_ACCESS_KEY_ID=creds["AccessKeyId"],
             AWS_SECRET_ACCESS_KEY=creds["SecretAccessKey"], AWS_SESSION_TOKEN=creds["SessionToken"])
    assert me["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/alice", me


# ---- AssumeRole ----

ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/deploy"


def trust(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def user_arn(name):
    return f"arn:aws:iam::{ACCOUNT}:user/{name}"


def principal(arn, actions=("sts:AssumeRole", "sts:TagSession"), **extra):
    return dict({"Effect": "Allow", "Principal": {"AWS": arn}, "Action": list(actions)}, **extra)


iam.create_role(RoleName="deploy", AssumeRolePolicyDocument=trust(principal(user_arn("alice"))),
                Tags=[{"Key": "team", "Value": "infra"}])
# Its own sessions may assume it again (role chaining); a principal must exist to be named.
iam.update_assume_role_policy(RoleName="deploy", PolicyDocument=trust(principal(user_arn("alice")),
                                                                      principal(ROLE_ARN)))
iam.put_role_policy(RoleName="deploy", PolicyName="read", PolicyDocument=json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["iam:ListUsers", "iam:GetRole"],
                                            "Resource": "*"}]}))


@check("AssumeRole: role credentials, the assumed-role ARN and AROA id, RoleLastUsed")
def _():
    r = alice_sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="build-1")
    role = iam.get_role(RoleName="deploy")["Role"]
    assert r["AssumedRoleUser"] == {"AssumedRoleId": f"{role['RoleId']}:build-1",
                                    "Arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/deploy/build-1"}, r
    assert "PackedPolicySize" not in r and r["Credentials"]["AccessKeyId"].startswith("ASIA")
    left = (r["Credentials"]["Expiration"] - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
    assert 3590 <= left <= 3610, left  # one hour unless asked
    me = session_client("sts", r["Credentials"]).get_caller_identity()
    assert me["Arn"] == r["AssumedRoleUser"]["Arn"] and me["UserId"] == r["AssumedRoleUser"]["AssumedRoleId"], me
    assert iam.get_role(RoleName="deploy")["Role"]["RoleLastUsed"]["Region"] == "us-east-1"
    # Another Region is written at once (RoleLastUsed is bookkeeping outside the call: api/role_usage.h).
    eu = boto3.session.Session().client("sts", endpoint_url=server.endpoint, region_name="eu-west-1",
                                        aws_access_key_id=alice[0], aws_secret_access_key=alice[1])
    eu.assume_role(RoleArn=ROLE_ARN, RoleSessionName="build-2")
    assert iam.get_role(RoleName="deploy")["Role"]["RoleLastUsed"]["Region"] == "eu-west-1"


@check("AssumeRole with an MFA code: checked and recorded (a reused code is refused), aws:MultiFactorAuthPresent")
def _():
    carol = allow_all("mfauser")
    d = iam.create_virtual_mfa_device(VirtualMFADeviceName="assumer-phone")["VirtualMFADevice"]
    seed = base64.b32decode(d["Base32StringSeed"].decode("ascii"))
    step = now_step()
    iam.enable_mfa_device(UserName="mfauser", SerialNumber=d["SerialNumber"],
                          AuthenticationCode1=totp(seed, step - 1), AuthenticationCode2=totp(seed, step))
    iam.create_role(RoleName="mfa-only", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/mfauser"},
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}))
    arn = f"arn:aws:iam::{ACCOUNT}:role/mfa-only"
    carol_sts = client("sts", *carol)
    assert error_of(carol_sts.assume_role, RoleArn=arn, RoleSessionName="no-mfa")[0] == "AccessDenied"
    r = carol_sts.assume_role(RoleArn=arn, RoleSessionName="with-mfa", SerialNumber=d["SerialNumber"],
                              TokenCode=totp(seed, step + 1))
    assert r["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/mfa-only/with-mfa", r
    assert error_of(carol_sts.assume_role, RoleArn=arn, RoleSessionName="again", SerialNumber=d["SerialNumber"],
                    TokenCode=totp(seed, step + 1)) == (
        "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.", 403)
    assert "LastUsedDate" in iam.get_role(RoleName="mfa-only")["Role"]["RoleLastUsed"]


@check("a role session acts with the role's policies, nothing more")
def _():
    creds = alice_sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="ss")["Credentials"]
    s = session_client("iam", creds)
    assert any(u["UserName"] == "alice" for u in s.list_users()["Users"])
    code, message, status = error_of(s.create_user, UserName="nope")
    assert (code, status) == ("AccessDenied", 403), code
    assert message == (f"User: arn:aws:sts::{ACCOUNT}:assumed-role/deploy/ss is not authorized to perform: "
                       f"iam:CreateUser on resource: arn:aws:iam::{ACCOUNT}:user/nope because no identity-based "
                       "policy allows the iam:CreateUser action"), message
    # Recorded [OBS]: an operation on "the caller's user" needs a UserName with role credentials.
    assert error_of(s.list_access_keys) == (
        "ValidationError", "Must specify userName when calling with non-User credentials", 400)


@check("a session policy narrows the session: PackedPolicySize, and the session policy's denial")
def _():
    only = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetRole",
                                                               "Resource": "*"}]})
    r = alice_sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="narrow", Policy=only)
    assert 1 <= r["PackedPolicySize"] <= 100, r
    s = session_client("iam", r["Credentials"])
    assert s.get_role(RoleName="deploy")["Role"]["RoleName"] == "deploy"
    code, message, _ = error_of(s.list_users)
    assert code == "AccessDenied" and message.endswith("because no session policy allows the iam:ListUsers action"), message
    # Managed session policies work the same way.
    r = alice_sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="managed",
                              PolicyArns=[{"arn": "arn:aws:iam::aws:policy/IAMReadOnlyAccess"}])
    assert any(u["UserName"] == "alice" for u in session_client("iam", r["Credentials"]).list_users()["Users"])
    code, _, _ = error_of(alice_sts.assume_role, RoleArn=ROLE_ARN, RoleSessionName="mm",
                          PolicyArns=[{"arn": f"arn:aws:iam::{ACCOUNT}:policy/none"}])
    assert code == "MalformedPolicyDocument", code


@check("who may assume: the root user never, a missing role as an unauthorized one, malformed ARNs as recorded")
def _():
    assert error_of(sts.assume_role, RoleArn=ROLE_ARN, RoleSessionName="rr") == (
        "AccessDenied", "Roles may not be assumed by root accounts.", 403)
    bob = client("sts", *user_with_key("bob2"))
    for arn in (ROLE_ARN, f"arn:aws:iam::{ACCOUNT}:role/missing"):
        assert error_of(bob.assume_role, RoleArn=arn, RoleSessionName="xx") == (
            "AccessDenied", f"User: {user_arn('bob2')} is not authorized to perform: sts:AssumeRole on resource: {arn}",
            403), arn
    for arn in ("nothing-valid-in-here", "arn::b:::something/test-role", "arn:a::::something/test-role",
                "arn:a:::something/test-role", "arn:a:a::aaaaaaaaaa:"):
        assert error_of(alice_sts.assume_role, RoleArn=arn, RoleSessionName="xx") == (
            "ValidationError", f"{arn} is invalid", 400), arn


@check("a trust policy naming the account needs the caller's own Allow too; ExternalId conditions hold")
def _():
    iam.create_role(RoleName="by-account", AssumeRolePolicyDocument=trust(principal(
        f"arn:aws:iam::{ACCOUNT}:root", actions=("sts:AssumeRole",),
        Condition={"StringEquals": {"sts:ExternalId": "secret-42"}})))
    arn = f"arn:aws:iam::{ACCOUNT}:role/by-account"
    frank = user_with_key("frank")
    code, _, _ = error_of(client("sts", *frank).assume_role, RoleArn=arn, RoleSessionName="ff", ExternalId="secret-42")
    assert code == "AccessDenied"
    iam.put_user_policy(UserName="frank", PolicyName="assume", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": arn}]}))
    f = client("sts", *frank)
    assert error_of(f.assume_role, RoleArn=arn, RoleSessionName="ff", ExternalId="wrong")[0] == "AccessDenied"
    assert error_of(f.assume_role, RoleArn=arn, RoleSessionName="ff")[0] == "AccessDenied"
    f.assume_role(RoleArn=arn, RoleSessionName="ff", ExternalId="secret-42")


@check("durations: MaxSessionDuration, and one hour for role chaining")
def _():
    assert error_of(alice_sts.assume_role, RoleArn=ROLE_ARN, RoleSessionName="xx", DurationSeconds=7200) == (
        "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", 400)
    iam.update_role(RoleName="deploy", MaxSessionDuration=14400)
    creds = alice_sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="long", DurationSeconds=7200)["Credentials"]
    chained = session_client("sts", creds)
    assert error_of(chained.assume_role, RoleArn=ROLE_ARN, RoleSessionName="cc", DurationSeconds=7200) == (
        "ValidationError",
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.", 400)
    r = chained.assume_role(RoleArn=ROLE_ARN, RoleSessionName="cc")
    assert r["AssumedRoleUser"]["Arn"].endswith("assumed-role/deploy/cc")


@check("session tags: aws:PrincipalTag in conditions, transitive tags through a chain, AWS's tag errors")
def _():
    iam.create_role(RoleName="tagged", AssumeRolePolicyDocument=trust(principal(user_arn("alice")),
                                                                       principal(ROLE_ARN)))
    iam.put_role_policy(RoleName="tagged", PolicyName="by-tag", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*",
                                                "Condition": {"StringEquals": {"aws:PrincipalTag/project": "blue"}}}]}))
    tagged = f"arn:aws:iam::{ACCOUNT}:role/tagged"
    blue = alice_sts.assume_role(RoleArn=tagged, RoleSessionName="bb", Tags=[{"Key": "project", "Value": "blue"}])
    assert blue["PackedPolicySize"] >= 1
    assert session_client("iam", blue["Credentials"]).get_user(UserName="alice")["User"]["UserName"] == "alice"
    red = alice_sts.assume_role(RoleArn=tagged, RoleSessionName="rr", Tags=[{"Key": "project", "Value": "red"}])
    assert error_of(session_client("iam", red["Credentials"]).get_user, UserName="alice")[0] == "AccessDenied"
    assert error_of(alice_sts.assume_role, RoleArn=tagged, RoleSessionName="dd",
                    Tags=[{"Key": "a", "Value": "1"}, {"Key": "A", "Value": "2"}]) == (
        "InvalidParameterValue", "Duplicate tag keys found. Please note that Tag keys are case insensitive.", 400)
    assert error_of(alice_sts.assume_role, RoleArn=tagged, RoleSessionName="dd", Tags=[{"Key": "a", "Value": "1"}],
                    TransitiveTagKeys=["b"]) == (
        "InvalidParameterValue", "The specified transitive tag key must be included in the requested tags.", 400)
    # project=blue, transitive: a session chained from it keeps the tag and cannot set it again.
    first = alice_sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="tt", Tags=[{"Key": "project", "Value": "blue"}],
                                  TransitiveTagKeys=["project"])
    chained = session_client("sts", first["Credentials"])
    second = chained.assume_role(RoleArn=tagged, RoleSessionName="t2")
    assert session_client("iam", second["Credentials"]).get_user(UserName="alice")["User"]["UserName"] == "alice"
    assert error_of(chained.assume_role, RoleArn=tagged, RoleSessionName="t3",
                    Tags=[{"Key": "PROJECT", "Value": "red"}]) == (
        "InvalidParameterValue", "One of the specified transitive tag keys can't be set because it conflicts with a "
        "transitive tag key from the calling session.", 400)


@check("a role's session loses every permission when the role is deleted")
def _():
    iam.create_role(RoleName="temp", AssumeRolePolicyDocument=trust(principal(user_arn("alice"))))
    iam.put_role_policy(RoleName="temp", PolicyName="p", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}]}))
    creds = alice_sts.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/temp", RoleSessionName="tt")["Credentials"]
    s = session_client("iam", creds)
    s.list_users()
    iam.delete_role_policy(RoleName="temp", PolicyName="p")
    iam.delete_role(RoleName="temp")
    assert error_of(s.list_users)[0] == "AccessDenied"


# ---- the aws CLI following role_arn in a profile ----

def cli_home(name, credentials, config):
    """A private HOME for the aws CLI with the given shared credentials and config files. The
    AssumeRole call the CLI makes by itself for a role_arn profile ignores --endpoint-url, and
    Debian's aws CLI 2.9 has no endpoint setting for it (endpoint_url and AWS_ENDPOINT_URL came
    in 2.13): a rule set of its own in ~/.aws/models (the CLI's documented place for data files
    that override its own) sends STS to iamd."""
    home = os.path.join(tmp, name)
    rules = os.path.join(home, ".aws", "models", "sts", "2011-06-15")
    os.makedirs(rules, exist_ok=True)
    parameters = {"Region": {"builtIn": "AWS::Region", "required": False, "type": "String"},
                  "UseDualStack": {"builtIn": "AWS::UseDualStack", "required": True, "default": False,
                                   "type": "Boolean"},
                  "UseFIPS": {"builtIn": "AWS::UseFIPS", "required": True, "default": False, "type": "Boolean"},
                  "Endpoint": {"builtIn": "SDK::Endpoint", "required": False, "type": "String"},
                  "UseGlobalEndpoint": {"builtIn": "AWS::STS::UseGlobalEndpoint", "required": True,
                                        "default": False, "type": "Boolean"}}
    with open(os.path.join(rules, "endpoint-rule-set-1.json"), "w") as f:
        json.dump({"version": "1.0", "parameters": parameters, "rules": [
            {"conditions": [{"fn": "isSet", "argv": [{"ref": "Endpoint"}]}], "endpoint": {"url": {"ref": "Endpoint"}},
             "type": "endpoint"},
            {"conditions": [], "endpoint": {"url": server.endpoint}, "type": "endpoint"}]}, f)
    with open(os.path.join(home, "credentials"), "w") as f:
        f.write(credentials)
    with open(os.path.join(home, "config"), "w") as f:
        f.write(config + f"endpoint_url = {server.endpoint}\n")  # the aws CLI 2.13 and later
    return home


def cli_env(home):
    return {"PATH": "/usr/bin:/bin", "HOME": home, "AWS_CONFIG_FILE": os.path.join(home, "config"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "credentials")}


def cli_on_terminal(home, args, answer, timeout=60):
    """Runs the aws CLI with a pseudo-terminal as its controlling terminal (stdin too), as in a
    shell: the CLI asks for an MFA code on /dev/tty, not on stdin. Waits for the prompt, types
    `answer`, and returns (exit status, what the terminal showed, stdout, stderr)."""
    master, slave = os.openpty()

    def controlling_terminal():  # in the child, after setsid (start_new_session)
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen([AWS, *args], env=cli_env(home), stdin=slave, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True, preexec_fn=controlling_terminal)
    os.close(slave)
    shown = b""
    deadline = time.time() + timeout
    try:
        while b"Enter MFA code for" not in shown or not shown.rstrip().endswith(b":"):
            ready, _, _ = select.select([master], [], [], max(0.0, deadline - time.time()))
            if not ready:
                raise AssertionError(f"no MFA prompt on the terminal: {shown!r}")
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the CLI closed the terminal without asking
                chunk = b""
            if not chunk:
                out, err = proc.communicate(timeout=timeout)
                raise AssertionError(f"the CLI ended without an MFA prompt: {shown!r} {out!r} {err!r}")
            shown += chunk
        os.write(master, answer.encode() + b"\n")
        out, err = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    return proc.returncode, shown.decode(errors="replace"), out.decode(), err.decode()


@check("the aws CLI follows role_arn in a profile (source_profile) and acts as the role")
def _():
    home = cli_home("cli-role", f"[base]\naws_access_key_id = {alice[0]}\naws_secret_access_key = {alice[1]}\n",
                    f"[profile deployer]\nrole_arn = {ROLE_ARN}\nsource_profile = base\nregion = us-east-1\n"
                    f"role_session_name = cli\n")
    out = subprocess.run([AWS, "--profile", "deployer", "--endpoint-url", server.endpoint, "sts",
                          "get-caller-identity", "--output", "json"], env=cli_env(home), capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/deploy/cli", out.stdout
    # Its IAM calls too are the role's: deploy may not create users.
    out = subprocess.run([AWS, "--profile", "deployer", "--endpoint-url", server.endpoint, "iam", "create-user",
                          "--user-name", "by-cli-role", "--output", "json"], env=cli_env(home), capture_output=True,
                         text=True)
    assert out.returncode != 0 and "assumed-role/deploy/cli is not authorized to perform: iam:CreateUser" in out.stderr, \
        out.stderr


# A role only a user who signed in with MFA may assume (the user's own policies allow it).
MFA_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/mfa-admin"
iam.create_role(RoleName="mfa-admin", AssumeRolePolicyDocument=trust(
    {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole",
     "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}))
iam.put_role_policy(RoleName="mfa-admin", PolicyName="read", PolicyDocument=json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetRole", "Resource": "*",
                                            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}))
mia = user_with_key("mia", inline={"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": MFA_ROLE_ARN}]})
mia_device = iam.create_virtual_mfa_device(VirtualMFADeviceName="mia-phone")["VirtualMFADevice"]
mia_seed = base64.b32decode(mia_device["Base32StringSeed"].decode("ascii"))
_step = now_step()
iam.enable_mfa_device(UserName="mia", SerialNumber=mia_device["SerialNumber"],
                      AuthenticationCode1=totp(mia_seed, _step - 1), AuthenticationCode2=totp(mia_seed, _step))
mia_used = [_step]  # the last step whose code the server took: each code counts once


def next_code():
    """The code of the first step after the last one used and not yet past, which the server
    accepts now (the current step and its neighbours); waits for the clock when it is ahead."""
    step = max(mia_used[-1] + 1, now_step())
    while now_step() + 1 < step:
        time.sleep(1)
    mia_used.append(step)
    return totp(mia_seed, step)


MIA_CREDENTIALS = f"[mia]\naws_access_key_id = {mia[0]}\naws_secret_access_key = {mia[1]}\n"


def mfa_profile(home_name, with_serial=True):
    serial = f"mfa_serial = {mia_device['SerialNumber']}\n" if with_serial else ""
    return cli_home(home_name, MIA_CREDENTIALS,
                    f"[profile admin]\nrole_arn = {MFA_ROLE_ARN}\nsource_profile = mia\nregion = us-east-1\n"
                    f"role_session_name = mia-mfa\n{serial}")


def unused_code():
    """A code no step the server accepts now (the current one and its neighbours) produces."""
    step = now_step()
    near = {totp(mia_seed, s) for s in range(step - 3, step + 4)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in near)


@check("the aws CLI with mfa_serial: asks on the terminal, a wrong code is AccessDenied as AWS says it")
def _():
    rc, shown, out, err = cli_on_terminal(mfa_profile("cli-mfa-wrong"), [
        "--profile", "admin", "sts", "get-caller-identity", "--output", "json"], unused_code())
    assert f"Enter MFA code for {mia_device['SerialNumber']}:" in shown, shown
    assert "Enter MFA code" not in out + err, (out, err)  # asked on the terminal, not on stdout/stderr
    assert rc != 0 and out == "", (rc, out)
    assert "An error occurred (AccessDenied) when calling the AssumeRole operation: MultiFactorAuthentication " \
           "failed with invalid MFA one time pass code." in err, err


@check("the aws CLI with mfa_serial: the device's current code assumes the role, the session has MFA")
def _():
    home = mfa_profile("cli-mfa")
    rc, shown, out, err = cli_on_terminal(home, ["--profile", "admin", "sts", "get-caller-identity", "--output",
                                                 "json"], next_code())
    assert rc == 0, (shown, err)
    me = json.loads(out)
    role_id = iam.get_role(RoleName="mfa-admin")["Role"]["RoleId"]
    assert me == {"UserId": f"{role_id}:mia-mfa", "Account": ACCOUNT,
                  "Arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/mfa-admin/mia-mfa"}, me
    # The CLI keeps the role's credentials (~/.aws/cli/cache): no second prompt; the role's policy
    # allows GetRole only with aws:MultiFactorAuthPresent, which the session carries.
    out = subprocess.run([AWS, "--profile", "admin", "iam", "get-role", "--role-name", "mfa-admin", "--output", "json",
                          "--endpoint-url", server.endpoint], env=cli_env(home), capture_output=True, text=True,
                         stdin=subprocess.DEVNULL, timeout=60)
    assert out.returncode == 0 and json.loads(out.stdout)["Role"]["Arn"] == MFA_ROLE_ARN, out.stderr


@check("AssumeRole with an MFA device of another user, or half of the MFA members, is AccessDenied as AWS says")
def _():
    mia_sts = client("sts", *mia)
    other = iam.create_virtual_mfa_device(VirtualMFADeviceName="not-mia")["VirtualMFADevice"]["SerialNumber"]
    assert error_of(mia_sts.assume_role, RoleArn=MFA_ROLE_ARN, RoleSessionName="xx", SerialNumber=other,
                    TokenCode="123456") == (
        "AccessDenied", "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial "
        "number is valid and associated with this user.", 403)
    both = ("AccessDenied", "MultiFactorAuthentication failed, must provide both MFA serial number and one time pass "
            "code.", 403)
    assert error_of(mia_sts.assume_role, RoleArn=MFA_ROLE_ARN, RoleSessionName="xx",
                    SerialNumber=mia_device["SerialNumber"]) == both
    assert error_of(mia_sts.assume_role, RoleArn=MFA_ROLE_ARN, RoleSessionName="xx", TokenCode="123456") == both


@check("the aws CLI without mfa_serial: the trust policy's aws:MultiFactorAuthPresent condition denies")
def _():
    out = subprocess.run([AWS, "--profile", "admin", "sts", "get-caller-identity", "--output", "json"],
                         env=cli_env(mfa_profile("cli-no-mfa", with_serial=False)), capture_output=True, text=True,
                         stdin=subprocess.DEVNULL, timeout=60)
    assert out.returncode != 0 and out.stdout == "", out.stdout
    assert "An error occurred (AccessDenied) when calling the AssumeRole operation: User: " \
           f"{user_arn('mia')} is not authorized to perform: sts:AssumeRole on resource: {MFA_ROLE_ARN}" in out.stderr, \
        out.stderr


# ---- GetFederationToken ----

@check("GetFederationToken: a federated user's ARN and id; it may call GetCallerIdentity only")
def _():
    r = alice_sts.get_federation_token(Name="bob-fed", DurationSeconds=900, Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}]}))
    assert r["FederatedUser"] == {"FederatedUserId": f"{ACCOUNT}:bob-fed",
                                  "Arn": f"arn:aws:sts::{ACCOUNT}:federated-user/bob-fed"}, r
    assert 1 <= r["PackedPolicySize"] <= 100
    fed = session_client("sts", r["Credentials"])
    me = fed.get_caller_identity()
    assert me["Arn"] == r["FederatedUser"]["Arn"] and me["UserId"] == f"{ACCOUNT}:bob-fed", me
    assert error_of(session_client("iam", r["Credentials"]).list_users) == INVALID
    assert error_of(fed.get_federation_token, Name="again") == (
        "AccessDenied", "Cannot call GetFederationToken with session credentials", 403)
    assert error_of(fed.assume_role, RoleArn=ROLE_ARN, RoleSessionName="xx")[0] == "AccessDenied"


@check("GetFederationToken is authorized on the federated user's ARN; sessions may not call it")
def _():
    gina = user_with_key("gina")
    code, message, status = error_of(client("sts", *gina).get_federation_token, Name="fed-x")
    assert (code, status) == ("AccessDenied", 403), code
    assert f"sts:GetFederationToken on resource: arn:aws:sts::{ACCOUNT}:federated-user/fed-x" in message, message
    iam.put_user_policy(UserName="gina", PolicyName="fed", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:GetFederationToken",
                                                "Resource": f"arn:aws:sts::{ACCOUNT}:federated-user/fed-*"}]}))
    g = client("sts", *gina)
    g.get_federation_token(Name="fed-x")
    assert error_of(g.get_federation_token, Name="other")[0] == "AccessDenied"
    creds = alice_sts.get_session_token(DurationSeconds=900)["Credentials"]
    assert error_of(session_client("sts", creds).get_federation_token, Name="fed-y") == (
        "AccessDenied", "Cannot call GetFederationToken with session credentials", 403)


# ---- DecodeAuthorizationMessage ----

@check("DecodeAuthorizationMessage: a denial carries the encoded decision for a caller allowed to decode it")
def _():
    holly = user_with_key("holly", inline={"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Sid": "NoDeletes", "Effect": "Deny", "Action": "iam:DeleteUser", "Resource": "*"}]})
    code, message, status = error_of(client("iam", *holly).delete_user, UserName="holly")
    assert (code, status) == ("AccessDenied", 403)
    plain, _, blob = message.partition(". Encoded authorization failure message: ")
    assert plain == (f"User: {user_arn('holly')} is not authorized to perform: iam:DeleteUser on resource: "
                     f"{user_arn('holly')} with an explicit deny in an identity-based policy"), plain
    decoded = json.loads(client("sts", *holly).decode_authorization_message(EncodedMessage=blob)["DecodedMessage"])
    assert decoded["allowed"] is False and decoded["explicitDeny"] is True, decoded
    [st] = decoded["matchedStatements"]["items"]
    assert st["statementId"] == "NoDeletes" and st["effect"] == "DENY" and st["policyType"] == "identity-based", st
    assert json.loads(st["statement"])["Action"] == "iam:DeleteUser", st
    ctx = decoded["context"]
    assert ctx["principal"]["arn"] == user_arn("holly") and ctx["action"] == "iam:DeleteUser", ctx
    assert {"key": "aws:username", "values": {"items": [{"value": "holly"}]}} in ctx["conditions"]["items"]
    assert decoded["iamd"]["blockedBy"] == "identity-based" and "identity-based" in decoded["iamd"]["evaluatedPolicyTypes"]
    # Altered, or decoded by nobody allowed to: refused.
    code, _, status = error_of(client("sts", *holly).decode_authorization_message, EncodedMessage=blob[:-4] + "AAAA")
    assert (code, status) == ("InvalidAuthorizationMessageException", 400), code
    ivy = user_with_key("ivy")  # no permission at all: its denials carry nothing, and it may not decode
    code, message, _ = error_of(client("iam", *ivy).list_users)
    assert "Encoded authorization failure message" not in message, message
    assert error_of(client("sts", *ivy).decode_authorization_message, EncodedMessage=blob)[0] == "AccessDenied"


@check("DecodeAuthorizationMessage: the explanation names each statement whose condition failed, with the clause")
def _():
    policy_arn = iam.create_policy(PolicyName="list-with-mfa", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Sid": "ListWithMfa", "Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*",
             "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}))["Policy"]["Arn"]
    iam.create_policy_version(PolicyArn=policy_arn, SetAsDefault=True, PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Sid": "ListWithMfa", "Effect": "Allow", "Action": ["iam:ListUsers", "iam:ListGroups"], "Resource": "*",
             "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"},
                           "Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}))
    jade = user_with_key("jade", managed=[policy_arn], inline={"Version": "2012-10-17", "Statement": [
        {"Sid": "Decode", "Effect": "Allow", "Action": "sts:DecodeAuthorizationMessage", "Resource": "*"},
        {"Sid": "OnlyKim", "Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*",
         "Condition": {"StringEquals": {"aws:username": ["kim", "lee"]}}},
        {"Sid": "NotOnWeekends", "Effect": "Deny", "Action": "iam:*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-9"}}},
        {"Sid": "OtherAction", "Effect": "Allow", "Action": "iam:GetUser", "Resource": "*",
         "Condition": {"StringEquals": {"aws:username": "nobody"}}}]})
    code, message, status = error_of(client("iam", *jade).list_users)
    assert (code, status) == ("AccessDenied", 403), (code, message)
    plain, _, blob = message.partition(". Encoded authorization failure message: ")
    assert plain == (f"User: {user_arn('jade')} is not authorized to perform: iam:ListUsers on resource: "
                     f"arn:aws:iam::{ACCOUNT}:user/ because no identity-based policy allows the iam:ListUsers action"), plain
    decoded = json.loads(client("sts", *jade).decode_authorization_message(EncodedMessage=blob)["DecodedMessage"])
    explanation = decoded["iamd"]
    assert explanation["decision"] == "implicitDeny" and explanation["blockedBy"] == "identity-based", explanation
    assert explanation["message"] == plain, explanation["message"]
    failed = sorted(explanation["failedConditions"], key=lambda f: (f["statementId"], f["operator"]))
    assert failed == [
        {"statementId": "ListWithMfa", "effect": "ALLOW", "policyType": "identity-based", "policy": policy_arn,
         "policyLabel": "customer managed policy list-with-mfa", "policyVersion": "v2", "operator": "Bool", "key": "aws:MultiFactorAuthPresent", "values": ["true"],
         "requestValues": [], "keyMissing": True},
        {"statementId": "NotOnWeekends", "effect": "DENY", "policyType": "identity-based",
         "policy": failed[1]["policy"], "policyLabel": "inline policy inline of the user",
         "operator": "StringEquals", "key": "aws:RequestedRegion",
         "values": ["eu-west-9"], "requestValues": ["us-east-1"], "keyMissing": False},
        {"statementId": "OnlyKim", "effect": "ALLOW", "policyType": "identity-based", "policy": failed[2]["policy"],
         "policyLabel": "inline policy inline of the user", "operator": "StringEquals", "key": "aws:username", "values": ["kim", "lee"], "requestValues": ["jade"],
         "keyMissing": False},
    ], json.dumps(failed, indent=1)
    # The inline policy is named by the user's id and the policy's name, without the digest.
    assert failed[2]["policy"].startswith("user/AIDA") and failed[2]["policy"].endswith("/inline"), failed[2]
    assert "aws:MultiFactorAuthPresent" in explanation["missingContextKeys"], explanation


@check("sessions survive a restart: the token key comes from the master key")
def _():
    creds = alice_sts.get_session_token(DurationSeconds=900)["Credentials"]
    assert server.stop(signal.SIGTERM) == 0
    server.start()
    assert session_client("sts", creds).get_caller_identity()["Arn"].endswith(":user/alice")


@check("RoleLastUsed: further uses of a role within a minute are kept in memory and written when the server stops")
def _():
    iam = client("iam")  # the server restarted: clients of its new endpoint
    alice_sts = client("sts", *alice)
    trust = iam.get_role(RoleName="deploy")["Role"]["AssumeRolePolicyDocument"]
    iam.create_role(RoleName="usage", AssumeRolePolicyDocument=json.dumps(trust))
    arn = f"arn:aws:iam::{ACCOUNT}:role/usage"
    alice_sts.assume_role(RoleArn=arn, RoleSessionName="one")
    first = iam.get_role(RoleName="usage")["Role"]["RoleLastUsed"]["LastUsedDate"]
    time.sleep(1.2)
    alice_sts.assume_role(RoleArn=arn, RoleSessionName="two")
    assert iam.get_role(RoleName="usage")["Role"]["RoleLastUsed"]["LastUsedDate"] == first  # within the minute
    assert server.stop(signal.SIGTERM) == 0
    server.start()
    last = client("iam").get_role(RoleName="usage")["Role"]["RoleLastUsed"]
    assert last["LastUsedDate"] >= first + datetime.timedelta(seconds=1) and last["Region"] == "us-east-1", last


finish(tmp)

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
import hashlib
import hmac
import os
import signal
import struct
import subprocess
import sys

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
        "AccessDenied", "MultiFactorAuthentication failed, unable to validate MFA code.", 403)


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


@check("sessions survive a restart: the token key comes from the master key")
def _():
    creds = alice_sts.get_session_token(DurationSeconds=900)["Credentials"]
    assert server.stop(signal.SIGTERM) == 0
    server.start()
    assert session_client("sts", creds).get_caller_identity()["Arn"].endswith(":user/alice")


finish(tmp)

#!/usr/bin/python3
"""End-to-end tests of STS AssumeRoleWithWebIdentity against `iamd serve --oidc-jwks`, with
boto3 (which sends the call unsigned) and OpenID Connect ID tokens signed here with PyJWT and
cryptography (Debian's python3-jwt, python3-cryptography): a session whose GetCallerIdentity
is the assumed role, the trust policy's conditions on <provider>:aud and :sub, a wrong
audience, an expired token, a token signed by another key, an issuer without a provider, an
ES256 key, a bad --oidc-jwks refused at start. Run by ctest as e2e_web_identity:
    tests/e2e/web_identity_test.py PATH/TO/iamd
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import botocore
import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import *  # noqa: E402,F401,F403 (the shared scaffolding)

ISSUER = "https://idp.example.com"
URL = "idp.example.com"
EC_ISSUER = "https://ec.example.com/tenant"
OTHER_ISSUER = "https://other.example.com"   # keys configured, no provider in the account
SLASH_ISSUER = "https://slash.example.com/"  # a trailing slash makes another provider, as in AWS
CLIENT = "my-client"

rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
ec_key = ec.generate_private_key(ec.SECP256R1())


def jwk(private, kid):
    d = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key())
                   if isinstance(private, rsa.RSAPrivateKey) else jwt.algorithms.ECAlgorithm.to_jwk(private.public_key()))
    d["kid"] = kid
    d["use"] = "sig"
    return d


tmp = tempfile.mkdtemp(prefix="iamd-e2e-web-identity-")
jwks_file = os.path.join(tmp, "idp-jwks.json")
with open(jwks_file, "w") as f:
    json.dump({"keys": [jwk(rsa_key, "k1")]}, f)
inline_ec = json.dumps({"keys": [jwk(ec_key, "e1")]})
inline_other = json.dumps({"keys": [jwk(rsa_key, "k1")]})
server = harness.server = Server(os.path.join(tmp, "data"),
                                 args=["--oidc-jwks", f"{ISSUER}={jwks_file}", "--oidc-jwks", f"{EC_ISSUER}={inline_ec}",
                                       "--oidc-jwks", f"{OTHER_ISSUER}={inline_other}",
                                       "--oidc-jwks", f"{SLASH_ISSUER}={inline_other}"])
server.start()
iam = client("iam")
anonymous = boto3.session.Session().client("sts", endpoint_url=server.endpoint, region_name="us-east-1",
                                           config=botocore.config.Config(signature_version=botocore.UNSIGNED))

provider_arn = iam.create_open_id_connect_provider(Url=ISSUER, ClientIDList=[CLIENT],
                                                   ThumbprintList=["a" * 40])["OpenIDConnectProviderArn"]
ec_provider_arn = iam.create_open_id_connect_provider(Url=EC_ISSUER, ClientIDList=[CLIENT],
                                                      ThumbprintList=["b" * 40])["OpenIDConnectProviderArn"]


def trust(provider, conditions=None):
    st = {"Effect": "Allow", "Principal": {"Federated": provider}, "Action": "sts:AssumeRoleWithWebIdentity"}
    if conditions:
        st["Condition"] = conditions
    return json.dumps({"Version": "2012-10-17", "Statement": [st]})


role_arn = iam.create_role(RoleName="web", AssumeRolePolicyDocument=trust(provider_arn, {
    "StringEquals": {f"{URL}:aud": CLIENT}, "StringLike": {f"{URL}:sub": "repo:acme/*"}}))["Role"]["Arn"]
ec_role_arn = iam.create_role(RoleName="web-ec", AssumeRolePolicyDocument=trust(ec_provider_arn))["Role"]["Arn"]
iam.put_role_policy(RoleName="web", PolicyName="read", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}]}))


def token(key=rsa_key, alg="RS256", kid="k1", iss=ISSUER, sub="repo:acme/app", aud=CLIENT, lifetime=600, **extra):
    now = int(time.time())
    claims = {"iss": iss, "sub": sub, "aud": aud, "iat": now, "exp": now + lifetime, **extra}
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})


def assume(tok, arn=None, **kwargs):
    return anonymous.assume_role_with_web_identity(RoleArn=arn or role_arn, RoleSessionName="ci", WebIdentityToken=tok,
                                                   **kwargs)


@check("a valid token: a role session; GetCallerIdentity shows the assumed role; the answer names subject, provider, audience")
def _():
    out = assume(token())
    assert out["SubjectFromWebIdentityToken"] == "repo:acme/app", out
    assert out["Provider"] == ISSUER and out["Audience"] == CLIENT, out
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/web/ci", out
    c = out["Credentials"]
    assert c["AccessKeyId"].startswith("ASIA")
    left = c["Expiration"].timestamp() - time.time()
    assert 3500 < left <= 3600, left  # one hour by default
    session = boto3.session.Session().client
    kw = dict(endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id=c["AccessKeyId"],
              aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])
    me = session("sts", **kw).get_caller_identity()
    assert me["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/web/ci", me
    session("iam", **kw).list_users()  # the role's policy
    code = error_of(session("iam", **kw).list_roles)[0]
    assert code == "AccessDenied", code
    assert iam.get_role(RoleName="web")["Role"]["RoleLastUsed"].get("LastUsedDate"), "RoleLastUsed"


@check("DurationSeconds: up to the role's MaxSessionDuration")
def _():
    out = assume(token(), DurationSeconds=900)
    left = out["Credentials"]["Expiration"].timestamp() - time.time()
    assert 800 < left <= 900, left
    err = error_of(assume, token(), DurationSeconds=7200)
    assert err == ("ValidationError",
                   "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", 400), err


@check("the trust policy's condition on <provider>:sub is enforced")
def _():
    err = error_of(assume, token(sub="repo:evil/app"))
    assert err == ("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403), err


@check("the trust policy's condition on <provider>:aud is enforced")
def _():
    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=provider_arn, ClientID="second")
    try:
        err = error_of(assume, token(aud="second"))
        assert err == ("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403), err
    finally:
        iam.remove_client_id_from_open_id_connect_provider(OpenIDConnectProviderArn=provider_arn, ClientID="second")


@check("an audience that is not a client ID of the provider: InvalidIdentityToken Incorrect token audience")
def _():
    err = error_of(assume, token(aud="someone-else"))
    assert err == ("InvalidIdentityToken", "Incorrect token audience", 400), err
    assert assume(token(aud=["someone-else", CLIENT]))["Audience"] == CLIENT  # a list with one of them


@check("an expired token: ExpiredTokenException")
def _():
    err = error_of(assume, token(lifetime=-10))
    assert err[0] == "ExpiredTokenException" and err[2] == 400, err
    assert err[1].startswith("Token expired: current date/time "), err


@check("a token signed by another key, or altered: InvalidIdentityToken")
def _():
    err = error_of(assume, token(key=stranger))
    assert err[0] == "InvalidIdentityToken" and err[2] == 400, err
    good = token()
    head, body, sig = good.split(".")
    claims = json.loads(jwt.utils.base64url_decode(body))
    claims["sub"] = "repo:acme/other"
    forged = head + "." + jwt.utils.base64url_encode(json.dumps(claims).encode()).decode() + "." + sig
    assert error_of(assume, forged)[0] == "InvalidIdentityToken"


@check("a kid the issuer has no key for, alg none, HS256, and a token that is no JWT: InvalidIdentityToken")
def _():
    assert error_of(assume, token(kid="nope"))[0] == "InvalidIdentityToken"
    none = jwt.encode({"iss": ISSUER, "sub": "repo:acme/app", "aud": CLIENT, "exp": int(time.time()) + 600}, None,
                      algorithm="none")
    assert error_of(assume, none + "AAAA")[0] == "InvalidIdentityToken"
    hs = jwt.encode({"iss": ISSUER, "sub": "repo:acme/app", "aud": CLIENT, "exp": int(time.time()) + 600},
                    "secret-secret-secret-secret-secret", algorithm="HS256", headers={"kid": "k1"})
    assert error_of(assume, hs)[0] == "InvalidIdentityToken"
    err = error_of(assume, "not-a-jwt")
    assert err[0] == "InvalidIdentityToken" and "not a valid JWT" in err[1], err


@check("an issuer without an OIDC provider in the account: InvalidIdentityToken naming it")
def _():
    err = error_of(assume, token(iss=OTHER_ISSUER))
    assert err == ("InvalidIdentityToken", f"No OpenIDConnect provider found in your account for {OTHER_ISSUER}", 400), err


@check("a provider of the account other than the one the trust policy names: AccessDenied")
def _():
    err = error_of(assume, token(key=ec_key, alg="ES256", kid="e1", iss=EC_ISSUER))
    assert err[0] == "AccessDenied", err


@check("ES256 tokens verify with an EC key given inline")
def _():
    out = assume(token(key=ec_key, alg="ES256", kid="e1", iss=EC_ISSUER), arn=ec_role_arn)
    assert out["AssumedRoleUser"]["Arn"].endswith(":assumed-role/web-ec/ci"), out


@check("a role that does not exist: AccessDenied, not NoSuchEntity")
def _():
    err = error_of(assume, token(), arn=f"arn:aws:iam::{ACCOUNT}:role/missing")
    assert err == ("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403), err


@check("a session policy narrows the session")
def _():
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]})
    c = assume(token(), Policy=policy)["Credentials"]
    s = boto3.session.Session().client("iam", endpoint_url=server.endpoint, region_name="us-east-1",
                                       aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                                       aws_session_token=c["SessionToken"])
    assert error_of(s.list_users)[0] == "AccessDenied"


TAGS = "https://aws.amazon.com/tags"


@check("session tags from the token's https://aws.amazon.com/tags claim: sts:TagSession needed, aws:RequestTag in the trust policy, aws:PrincipalTag in the session")
def _():
    allow = [{"Effect": "Allow", "Principal": {"Federated": provider_arn}, "Action": "sts:AssumeRoleWithWebIdentity"},
             {"Effect": "Allow", "Principal": {"Federated": provider_arn}, "Action": "sts:TagSession",
              "Condition": {"StringEquals": {"aws:RequestTag/Project": "blue"}}}]
    iam.create_role(RoleName="tagged", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": allow}))
    iam.put_role_policy(RoleName="tagged", PolicyName="by-tag", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*",
                                                  "Condition": {"StringEquals": {"aws:PrincipalTag/Project": "blue"}}}]}))
    arn = f"arn:aws:iam::{ACCOUNT}:role/tagged"
    blue = {TAGS: {"principal_tags": {"Project": ["blue"]}, "transitive_tag_keys": ["Project"]}}
    out = assume(token(**blue), arn=arn)
    assert out["PackedPolicySize"] >= 1, out
    c = out["Credentials"]
    s = boto3.session.Session().client("iam", endpoint_url=server.endpoint, region_name="us-east-1",
                                       aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                                       aws_session_token=c["SessionToken"])
    s.list_users()
    err = error_of(assume, token(**{TAGS: {"principal_tags": {"Project": ["red"]}}}), arn=arn)
    assert err == ("AccessDenied", "Not authorized to perform sts:TagSession", 403), err
    # The role "web" does not allow sts:TagSession.
    err = error_of(assume, token(**blue))
    assert err == ("AccessDenied", "Not authorized to perform sts:TagSession", 403), err
    err = error_of(assume, token(**{TAGS: {"principal_tags": {"A": ["1"], "a": ["2"]}}}), arn=arn)
    assert err[0] == "InvalidParameterValue", err
    err = error_of(assume, token(**{TAGS: {"principal_tags": {"A": "not-a-list"}}}), arn=arn)
    assert err[0] == "InvalidIdentityToken", err


@check("an issuer with a trailing slash: its provider URL and condition keys keep the slash")
def _():
    arn = iam.create_open_id_connect_provider(Url=SLASH_ISSUER, ClientIDList=[CLIENT],
                                              ThumbprintList=["c" * 40])["OpenIDConnectProviderArn"]
    assert arn.endswith(":oidc-provider/slash.example.com/"), arn
    iam.create_role(RoleName="slash", AssumeRolePolicyDocument=trust(arn, {
        "StringEquals": {"slash.example.com/:sub": "repo:acme/app"}}))
    out = assume(token(iss=SLASH_ISSUER), arn=f"arn:aws:iam::{ACCOUNT}:role/slash")
    assert out["Provider"] == SLASH_ISSUER, out
    err = error_of(assume, token(iss=SLASH_ISSUER.rstrip("/")), arn=f"arn:aws:iam::{ACCOUNT}:role/slash")
    assert err[0] == "InvalidIdentityToken", err


@check("a bad --oidc-jwks is refused at start with a message")
def _():
    for bad in ["no-equals-sign", f"{ISSUER}={tmp}/missing.json", f"{ISSUER}={{\"keys\": []}}",
                f"{ISSUER}={{\"keys\": [{{\"kty\": \"RSA\", \"n\": \"AQAB\", \"e\": \"AQAB\"}}]}}"]:
        p = subprocess.run([harness.IAMD, "serve", "--listen", "127.0.0.1:0", "--data", os.path.join(tmp, "bad"),
                            "--oidc-jwks", bad], capture_output=True, text=True, timeout=20)
        assert p.returncode != 0 and "--oidc-jwks" in p.stderr, (bad, p.returncode, p.stderr)


finish(tmp)

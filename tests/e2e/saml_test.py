#!/usr/bin/python3
"""End-to-end tests of STS AssumeRoleWithSAML against `iamd serve`, with boto3.

A SAML provider is created with real metadata whose signing certificate (tests/iam/saml/) signs
the test's assertions; the signing is done by libxmlsec through the `saml_sign` tool built
next to the iam tests (build/tests/iam/saml_sign, found from the iamd binary's path). The
calls are unsigned, as boto3 sends them. Checks: success (GetCallerIdentity shows the
assumed-role ARN, the answer's Subject, SubjectType, Issuer, Audience, NameQualifier), the
trust policy's saml:aud / saml:sub conditions, a role/provider pair the assertion does not
offer, an expired assertion, an attribute changed after signing, a key that is not the
provider's, a missing RoleSessionName, session tags and DurationSeconds. Run by ctest as
e2e_saml:
    tests/e2e/saml_test.py PATH/TO/iamd
"""
import base64
import datetime
import hashlib
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import *  # noqa: E402,F401,F403 (the shared scaffolding)
from botocore import UNSIGNED  # noqa: E402
from botocore.config import Config  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
KEYS = os.path.join(HERE, "..", "iam", "saml")
SIGNER = os.path.join(os.path.dirname(os.path.abspath(IAMD)), "..", "..", "tests", "iam", "saml_sign")
if not os.access(SIGNER, os.X_OK):
    raise SystemExit(f"saml_sign not built at {SIGNER} (ninja saml_sign)")

ISSUER = "https://idp.example.com/saml"
AWS_SAML = "https://signin.aws.amazon.com/saml"
PROVIDER = f"arn:aws:iam::{ACCOUNT}:saml-provider/CorpIdp"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/SamlRole"
STRICT_ROLE = f"arn:aws:iam::{ACCOUNT}:role/SamlStrict"


def cert_body(name):
    with open(os.path.join(KEYS, f"{name}-cert.pem")) as f:
        return "".join(line.strip() for line in f if not line.startswith("-----"))


def metadata():
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
            f'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{ISSUER}">\n'
            f'  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">\n'
            f'    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data>\n'
            f'      <ds:X509Certificate>{cert_body("idp")}</ds:X509Certificate>\n'
            f'    </ds:X509Data></ds:KeyInfo></md:KeyDescriptor>\n'
            f'    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
            f'Location="https://idp.example.com/sso"/>\n'
            f'  </md:IDPSSODescriptor>\n'
            f'</md:EntityDescriptor>\n')


def iso(delta_seconds):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=delta_seconds)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def response(subject="alice", roles=(f"{ROLE},{PROVIDER}",), session_name="alice@example.com",
             audience=AWS_SAML, not_after=300, extra_attributes=""):
    values = "".join(f"<saml:AttributeValue>{r}</saml:AttributeValue>" for r in roles)
    name = ("" if session_name is None else
            '<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName">'
            f"<saml:AttributeValue>{session_name}</saml:AttributeValue></saml:Attribute>")
    return ('<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
            'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r1" Version="2.0" '
            f'IssueInstant="{iso(0)}" Destination="{AWS_SAML}">'
            f'<saml:Issuer>{ISSUER}</saml:Issuer>'
            '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>'
            f'<saml:Assertion ID="_a1" Version="2.0" IssueInstant="{iso(0)}">'
            f'<saml:Issuer>{ISSUER}</saml:Issuer>'
            '<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">'
            f'{subject}</saml:NameID>'
            '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
            f'<saml:SubjectConfirmationData NotOnOrAfter="{iso(not_after)}" Recipient="{AWS_SAML}"/>'
            '</saml:SubjectConfirmation></saml:Subject>'
            f'<saml:Conditions NotBefore="{iso(-60)}" NotOnOrAfter="{iso(not_after)}">'
            f'<saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction>'
            '</saml:Conditions>'
            f'<saml:AuthnStatement AuthnInstant="{iso(0)}"/>'
            '<saml:AttributeStatement>'
            f'<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role">{values}</saml:Attribute>'
            f'{name}{extra_attributes}'
            '</saml:AttributeStatement></saml:Assertion></samlp:Response>')


def signed(xml, key="idp", element="_a1"):
    out = subprocess.run([SIGNER, os.path.join(KEYS, f"{key}-key.pem"), os.path.join(KEYS, f"{key}-cert.pem"),
                          element], input=xml, capture_output=True, text=True, check=True).stdout
    return out


def b64(xml):
    return base64.b64encode(xml.encode()).decode()


def sts_unsigned():
    return boto3.session.Session().client("sts", endpoint_url=server.endpoint, region_name="us-east-1",
                                          config=Config(signature_version=UNSIGNED))


def assume(role=ROLE, provider=PROVIDER, assertion=None, **kwargs):
    if assertion is None:
        assertion = b64(signed(response()))
    return sts_unsigned().assume_role_with_saml(RoleArn=role, PrincipalArn=provider, SAMLAssertion=assertion,
                                                **kwargs)


def trust(conditions):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": PROVIDER},
        "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"], "Condition": conditions}]})


server, tmp = start_server("saml")


@check("setup: provider with real metadata, roles trusting it")
def _():
    iam = client("iam")
    arn = iam.create_saml_provider(Name="CorpIdp", SAMLMetadataDocument=metadata())["SAMLProviderArn"]
    assert arn == PROVIDER, arn
    iam.create_role(RoleName="SamlRole", AssumeRolePolicyDocument=trust({"StringEquals": {"SAML:aud": AWS_SAML}}))
    iam.put_role_policy(RoleName="SamlRole", PolicyName="p", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}]}))
    iam.create_role(RoleName="SamlStrict", AssumeRolePolicyDocument=trust({
        "StringEquals": {"saml:aud": AWS_SAML, "saml:sub": "bob"}}))
    iam.create_role(RoleName="SamlOtherAud", AssumeRolePolicyDocument=trust({
        "StringEquals": {"saml:aud": "https://other.example.com/saml"}}))


@check("a signed assertion gives a role session; GetCallerIdentity shows the assumed role")
def _():
    r = assume()
    creds = r["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA"), creds
    assert r["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/SamlRole/alice@example.com", r
    assert r["Subject"] == "alice" and r["SubjectType"] == "persistent", r
    assert r["Issuer"] == ISSUER and r["Audience"] == AWS_SAML, r
    qualifier = base64.b64encode(hashlib.sha1((ISSUER + ACCOUNT + "/CorpIdp").encode()).digest()).decode()
    assert r["NameQualifier"] == qualifier, r
    sts = boto3.session.Session().client("sts", endpoint_url=server.endpoint, region_name="us-east-1",
                                         aws_access_key_id=creds["AccessKeyId"],
                                         aws_secret_access_key=creds["SecretAccessKey"],
                                         aws_session_token=creds["SessionToken"])
    me = sts.get_caller_identity()
    assert me["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/SamlRole/alice@example.com", me
    last = client("iam").get_role(RoleName="SamlRole")["Role"]["RoleLastUsed"]
    assert "LastUsedDate" in last, last


@check("the role/provider pair may be written provider first")
def _():
    r = assume(assertion=b64(signed(response(roles=(f"{PROVIDER},{ROLE}",)))))
    assert r["AssumedRoleUser"]["Arn"].endswith("/SamlRole/alice@example.com"), r


@check("trust conditions on saml:sub are enforced")
def _():
    code, message, status = error_of(assume, role=STRICT_ROLE, assertion=b64(signed(response(
        roles=(f"{STRICT_ROLE},{PROVIDER}",)))))
    assert (code, message, status) == ("AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML", 403), \
        (code, message, status)
    r = assume(role=STRICT_ROLE, assertion=b64(signed(response(subject="bob", roles=(f"{STRICT_ROLE},{PROVIDER}",)))))
    assert r["Subject"] == "bob", r


@check("trust conditions on saml:aud are enforced")
def _():
    role = f"arn:aws:iam::{ACCOUNT}:role/SamlOtherAud"
    code, _, status = error_of(assume, role=role, assertion=b64(signed(response(roles=(f"{role},{PROVIDER}",)))))
    assert (code, status) == ("AccessDenied", 403), (code, status)


@check("a pair the assertion does not offer is denied")
def _():
    code, _, status = error_of(assume, role=STRICT_ROLE)  # the assertion lists SamlRole only
    assert (code, status) == ("AccessDenied", 403), (code, status)


@check("an unknown provider is InvalidIdentityToken")
def _():
    code, message, status = error_of(assume, provider=f"arn:aws:iam::{ACCOUNT}:saml-provider/Nope")
    assert (code, message, status) == ("InvalidIdentityToken", "Specified provider doesn't exist", 400), \
        (code, message, status)


@check("an expired assertion is ExpiredTokenException")
def _():
    code, _, status = error_of(assume, assertion=b64(signed(response(not_after=-10))))
    assert (code, status) == ("ExpiredTokenException", 400), (code, status)


@check("a wrong audience is InvalidIdentityToken")
def _():
    code, _, status = error_of(assume, assertion=b64(signed(response(audience="https://sp.example.com"))))
    assert (code, status) == ("InvalidIdentityToken", 400), (code, status)


@check("an attribute changed after signing, or another key, is 'Response signature invalid'")
def _():
    tampered = signed(response()).replace("alice@example.com", "admin@example.com")
    code, message, status = error_of(assume, assertion=b64(tampered))
    assert (code, message, status) == ("InvalidIdentityToken", "Response signature invalid", 400), \
        (code, message, status)
    code, message, _ = error_of(assume, assertion=b64(signed(response(), key="other")))
    assert (code, message) == ("InvalidIdentityToken", "Response signature invalid"), (code, message)
    code, message, _ = error_of(assume, assertion=b64(response()))  # unsigned
    assert (code, message) == ("InvalidIdentityToken", "Response signature invalid"), (code, message)


@check("RoleSessionName is required")
def _():
    code, message, _ = error_of(assume, assertion=b64(signed(response(session_name=None))))
    assert (code, message) == ("InvalidIdentityToken", "RoleSessionName is required in AuthnResponse"), \
        (code, message)


@check("session tags from PrincipalTag attributes; DurationSeconds within SessionDuration")
def _():
    extra = ('<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/PrincipalTag:team">'
             '<saml:AttributeValue>blue</saml:AttributeValue></saml:Attribute>'
             '<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/SessionDuration">'
             '<saml:AttributeValue>1800</saml:AttributeValue></saml:Attribute>')
    r = assume(assertion=b64(signed(response(extra_attributes=extra))), DurationSeconds=3600)
    assert "PackedPolicySize" in r, r
    left = (r["Credentials"]["Expiration"] - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
    assert 1700 < left <= 1800, left
    code, _, _ = error_of(assume, DurationSeconds=7200)  # the role's maximum is one hour
    assert code == "ValidationError", code
    many = "".join(f'<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/PrincipalTag:k{i}">'
                   '<saml:AttributeValue>v</saml:AttributeValue></saml:Attribute>' for i in range(51))
    code, _, _ = error_of(assume, assertion=b64(signed(response(extra_attributes=many))))
    assert code == "InvalidIdentityToken", code


finish(tmp)

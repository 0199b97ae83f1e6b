#!/usr/bin/python3
"""End-to-end tests of signing certificates, server certificates and service-specific
credentials against `iamd serve`, with boto3 and the aws CLI.

Real certificates are made here with the `openssl` command (Debian package openssl):
self-signed RSA 2048 and EC P-256 ones, a CA with a certificate it issued (for chains) and
a private key that matches none of them. Covers every operation, AWS's error codes, messages
and HTTP statuses, quotas, DeleteConflict, pagination, tags, sealing of secrets at rest,
GetAccountSummary, and authorization. Prints one line per check and a closing
"N passed, N failed". Run by ctest as e2e_certificates:
    tests/e2e/certificates_test.py PATH/TO/iamd
"""
import datetime
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from harness import *  # noqa: E402,F401,F403 (the shared scaffolding)

BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
server, tmp = start_server("certificates")
pki = os.path.join(tmp, "pki")
os.makedirs(pki)


def openssl(*args):
    subprocess.run(["openssl", *args], cwd=pki, check=True, capture_output=True)


def read(name):
    with open(os.path.join(pki, name)) as f:
        return f.read()


def self_signed(name, key_type="rsa:2048", days="30"):
    """A self-signed certificate NAME.pem with its unencrypted key NAME.key (PKCS#8)."""
    extra = ["-pkeyopt", "ec_paramgen_curve:prime256v1"] if key_type == "ec" else []
    openssl("req", "-x509", "-newkey", key_type, *extra, "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.pem",
            "-days", days, "-subj", f"/CN={name}.example.com")
    return read(f"{name}.pem"), read(f"{name}.key")


def not_after(name):
    out = subprocess.run(["openssl", "x509", "-enddate", "-noout", "-in", f"{name}.pem"], cwd=pki, check=True,
                         capture_output=True, text=True).stdout.strip()
    text = out.split("=", 1)[1].replace(" GMT", "")
    return datetime.datetime.strptime(" ".join(text.split()), "%b %d %H:%M:%S %Y").replace(
        tzinfo=datetime.timezone.utc)


CERT1, KEY1 = self_signed("one")
CERT2, KEY2 = self_signed("two")
CERT3, _ = self_signed("three")
EC_CERT, EC_KEY = self_signed("ec", "ec")
_, OTHER_KEY = self_signed("other")
# A CA and a certificate it issued, for chains.
CA_CERT, CA_KEY = self_signed("ca", days="60")
openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr", "-subj",
        "/CN=leaf.example.com")
openssl("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out",
        "leaf.pem", "-days", "20")
LEAF_CERT, LEAF_KEY = read("leaf.pem"), read("leaf.key")
# The same key in PKCS#1 form ("BEGIN RSA PRIVATE KEY").
openssl("rsa", "-in", "one.key", "-traditional", "-out", "one-pkcs1.key")
KEY1_PKCS1 = read("one-pkcs1.key")


def user_arn(name, path="/"):
    return f"arn:aws:iam::{ACCOUNT}:user{path}{name}"


def cert_arn(name, path="/"):
    return f"arn:aws:iam::{ACCOUNT}:server-certificate{path}{name}"


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def summary():
    return client("iam").get_account_summary()["SummaryMap"]


iam = client("iam")
for name in ("signer", "other-signer", "svc", "svc2"):
    iam.create_user(UserName=name)

# ---------------------------------------------------------------- signing certificates


@check("UploadSigningCertificate: fields, Base32 id of 32 characters, status Active; ListSigningCertificates")
def _():
    c = iam.upload_signing_certificate(UserName="signer", CertificateBody=CERT1)["Certificate"]
    assert c["UserName"] == "signer" and c["Status"] == "Active" and c["CertificateBody"] == CERT1, c
    assert len(c["CertificateId"]) == 32 and all(ch in BASE32 for ch in c["CertificateId"]), c
    assert "UploadDate" in c
    listed = iam.list_signing_certificates(UserName="SIGNER")
    assert listed["IsTruncated"] is False and listed["Certificates"] == [c], listed


@check("UploadSigningCertificate: NoSuchEntity for a missing user, MalformedCertificate with AWS's message")
def _():
    assert error_of(iam.upload_signing_certificate, UserName="nonexistent-user", CertificateBody=CERT2) == \
        ("NoSuchEntity", "The user with name nonexistent-user cannot be found.", 404)
    assert error_of(iam.upload_signing_certificate, UserName="signer", CertificateBody="invalid-certificate-body") == \
        ("MalformedCertificate", "Certificate invalid-certificate-body is malformed.", 400)
    for op in (iam.list_signing_certificates,):
        assert error_of(op, UserName="nonexistent-user")[0] == "NoSuchEntity"


@check("UploadSigningCertificate: DuplicateCertificate (409) for a certificate uploaded already, by any user")
def _():
    code, message, status = error_of(iam.upload_signing_certificate, UserName="signer", CertificateBody=CERT1)
    assert (code, status) == ("DuplicateCertificate", 409), (code, status)
    assert "already exists" in message, message
    assert error_of(iam.upload_signing_certificate, UserName="other-signer", CertificateBody=CERT1)[0] == \
        "DuplicateCertificate"


@check("UploadSigningCertificate: LimitExceeded at the third certificate of a user")
def _():
    iam.upload_signing_certificate(UserName="signer", CertificateBody=CERT2)
    assert error_of(iam.upload_signing_certificate, UserName="signer", CertificateBody=CERT3) == \
        ("LimitExceeded", "Cannot exceed quota for CertificatesPerUser: 2", 409)
    assert len(iam.list_signing_certificates(UserName="signer")["Certificates"]) == 2


@check("ListSigningCertificates: MaxItems and Marker page through the certificates")
def _():
    first = iam.list_signing_certificates(UserName="signer", MaxItems=1)
    assert first["IsTruncated"] is True and len(first["Certificates"]) == 1 and first["Marker"], first
    second = iam.list_signing_certificates(UserName="signer", MaxItems=1, Marker=first["Marker"])
    assert second["IsTruncated"] is False and len(second["Certificates"]) == 1, second
    assert first["Certificates"][0]["CertificateId"] != second["Certificates"][0]["CertificateId"]


@check("UpdateSigningCertificate: Inactive and back; NoSuchEntity for unknown ids and other users' certificates")
def _():
    cid = iam.list_signing_certificates(UserName="signer")["Certificates"][0]["CertificateId"]
    iam.update_signing_certificate(UserName="signer", CertificateId=cid, Status="Inactive")
    statuses = {c["CertificateId"]: c["Status"] for c in iam.list_signing_certificates(UserName="signer")["Certificates"]}
    assert statuses[cid] == "Inactive", statuses
    iam.update_signing_certificate(UserName="signer", CertificateId=cid, Status="Active")
    missing = "NONEXISTENTCERTID12345678901"
    assert error_of(iam.update_signing_certificate, UserName="signer", CertificateId=missing, Status="Inactive") == \
        ("NoSuchEntity", f"The Certificate with id {missing} cannot be found.", 404)
    assert error_of(iam.update_signing_certificate, UserName="other-signer", CertificateId=cid, Status="Inactive") == \
        ("NoSuchEntity", f"The Certificate with id {cid} cannot be found.", 404)
    assert error_of(iam.update_signing_certificate, UserName="nonexistent-user", CertificateId=missing,
                    Status="Inactive") == ("NoSuchEntity", "The user with name nonexistent-user cannot be found.", 404)


@check("DeleteUser refuses a user with signing certificates; DeleteSigningCertificate; NoSuchEntity after")
def _():
    code, _, status = error_of(iam.delete_user, UserName="signer")
    assert (code, status) == ("DeleteConflict", 409), code
    for c in iam.list_signing_certificates(UserName="signer")["Certificates"]:
        iam.delete_signing_certificate(UserName="signer", CertificateId=c["CertificateId"])
    assert iam.list_signing_certificates(UserName="signer")["Certificates"] == []
    assert error_of(iam.delete_signing_certificate, UserName="signer", CertificateId=c["CertificateId"]) == \
        ("NoSuchEntity", f"The Certificate with id {c['CertificateId']} cannot be found.", 404)
    # A deleted certificate may be uploaded again.
    iam.upload_signing_certificate(UserName="signer", CertificateBody=CERT1)


@check("Signing certificates without UserName: the caller's (a user's own; the root user's, in the summary)")
def _():
    key, secret = user_with_key("self-signer", inline=json.loads(doc(
        {"Effect": "Allow", "Action": ["iam:UploadSigningCertificate", "iam:ListSigningCertificates",
                                       "iam:DeleteSigningCertificate"],
         "Resource": f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}"})))
    me = client("iam", key, secret)
    mine = me.upload_signing_certificate(CertificateBody=EC_CERT)["Certificate"]
    assert mine["UserName"] == "self-signer", mine
    assert [c["CertificateId"] for c in me.list_signing_certificates()["Certificates"]] == [mine["CertificateId"]]
    me.delete_signing_certificate(CertificateId=mine["CertificateId"])
    assert summary()["AccountSigningCertificatesPresent"] == 0
    root = iam.upload_signing_certificate(CertificateBody=EC_CERT)["Certificate"]
    assert "UserName" not in root and root["Status"] == "Active", root
    assert [c["CertificateId"] for c in iam.list_signing_certificates()["Certificates"]] == [root["CertificateId"]]
    assert summary()["AccountSigningCertificatesPresent"] == 1
    iam.delete_signing_certificate(CertificateId=root["CertificateId"])
    assert summary()["AccountSigningCertificatesPresent"] == 0


@check("Signing certificates: AccessDenied on another user's ARN, with AWS's message")
def _():
    key, secret = user_with_key("cert-self", inline=json.loads(doc(
        {"Effect": "Allow", "Action": "iam:*SigningCertificate*",
         "Resource": f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}"})))
    me = client("iam", key, secret)
    me.list_signing_certificates()
    code, message, status = error_of(me.upload_signing_certificate, UserName="other-signer", CertificateBody=CERT3)
    assert (code, status) == ("AccessDenied", 403), code
    assert message == (f"User: {user_arn('cert-self')} is not authorized to perform: iam:UploadSigningCertificate "
                       f"on resource: {user_arn('other-signer')} because no identity-based policy allows the "
                       "iam:UploadSigningCertificate action"), message
    assert error_of(me.list_signing_certificates, UserName="other-signer")[0] == "AccessDenied"

# ---------------------------------------------------------------- server certificates


@check("UploadServerCertificate: metadata (ASCA id, ARN with path, Expiration = notAfter), tags returned")
def _():
    r = iam.upload_server_certificate(ServerCertificateName="web", Path="/cloudfront/", CertificateBody=CERT1 + "\n\n",
                                      PrivateKey=KEY1, Tags=[{"Key": "env", "Value": "prod"}])
    m = r["ServerCertificateMetadata"]
    assert m["ServerCertificateName"] == "web" and m["Path"] == "/cloudfront/", m
    assert m["Arn"] == cert_arn("web", "/cloudfront/"), m
    assert m["ServerCertificateId"].startswith("ASCA") and len(m["ServerCertificateId"]) == 21, m
    assert all(ch in BASE32 for ch in m["ServerCertificateId"][4:]), m
    assert m["Expiration"] == not_after("one"), (m["Expiration"], not_after("one"))
    assert "UploadDate" in m
    assert r["Tags"] == [{"Key": "env", "Value": "prod"}], r


@check("GetServerCertificate: body without trailing white space, Tags, no private key in the answer")
def _():
    raw = {}
    c = client("iam")
    c.meta.events.register("after-call.iam.GetServerCertificate",
                           lambda http_response, **kw: raw.setdefault("body", http_response.text))
    s = c.get_server_certificate(ServerCertificateName="WEB")["ServerCertificate"]
    assert s["CertificateBody"] == CERT1.rstrip(), s
    assert "CertificateChain" not in s, s
    assert s["Tags"] == [{"Key": "env", "Value": "prod"}], s
    assert s["ServerCertificateMetadata"]["Arn"] == cert_arn("web", "/cloudfront/"), s
    assert "PRIVATE KEY" not in raw["body"] and KEY1.splitlines()[1] not in raw["body"], raw


@check("UploadServerCertificate: a chain issued in order, EC and PKCS#1 keys; GetServerCertificate returns the chain")
def _():
    u = iam.upload_server_certificate(ServerCertificateName="leaf", CertificateBody=LEAF_CERT, PrivateKey=LEAF_KEY,
                                      CertificateChain=CA_CERT)
    # Untagged: the Upload answer has no Tags, GetServerCertificate sends <Tags/> as AWS does
    # (models/empty_lists.txt), which boto3 shows as [].
    assert "Tags" not in u, u
    s = iam.get_server_certificate(ServerCertificateName="leaf")["ServerCertificate"]
    assert s["CertificateChain"] == CA_CERT.rstrip() and "Tags" in s and s["Tags"] == [], s
    assert s["ServerCertificateMetadata"]["Path"] == "/", s
    iam.upload_server_certificate(ServerCertificateName="ec", CertificateBody=EC_CERT, PrivateKey=EC_KEY)
    iam.upload_server_certificate(ServerCertificateName="pkcs1", CertificateBody=CERT1, PrivateKey=KEY1_PKCS1)


@check("UploadServerCertificate: MalformedCertificate (body, key, chain) and KeyPairMismatch, with AWS's messages")
def _():
    assert error_of(iam.upload_server_certificate, ServerCertificateName="bad", CertificateBody="garbage",
                    PrivateKey=KEY1) == \
        ("MalformedCertificate", "Unable to parse certificate. Please ensure the certificate is in PEM format.", 400)
    code, _, status = error_of(iam.upload_server_certificate, ServerCertificateName="bad", CertificateBody=CERT1,
                               PrivateKey="not a key")
    assert (code, status) == ("MalformedCertificate", 400), code
    assert error_of(iam.upload_server_certificate, ServerCertificateName="bad", CertificateBody=CERT1,
                    PrivateKey=OTHER_KEY) == \
        ("KeyPairMismatch",
         "Unable to validate certificate key pair. Please ensure the private key matches the certificate.", 400)
    assert error_of(iam.upload_server_certificate, ServerCertificateName="bad", CertificateBody=LEAF_CERT,
                    PrivateKey=LEAF_KEY, CertificateChain=CERT2) == \
        ("MalformedCertificate", "Unable to validate certificate chain. The certificate chain must start with the "
         "immediate signing certificate, followed by any intermediaries in order. The index within the chain of the "
         "invalid certificate is: -1", 400)
    assert error_of(iam.upload_server_certificate, ServerCertificateName="bad", CertificateBody=LEAF_CERT,
                    PrivateKey=LEAF_KEY, CertificateChain=CA_CERT + CERT2) == \
        ("MalformedCertificate", "Unable to validate certificate chain. The certificate chain must start with the "
         "immediate signing certificate, followed by any intermediaries in order. The index within the chain of the "
         "invalid certificate is: 0", 400)
    code, _, _ = error_of(iam.upload_server_certificate, ServerCertificateName="bad", CertificateBody=LEAF_CERT,
                          PrivateKey=LEAF_KEY, CertificateChain="no chain here")
    assert code == "MalformedCertificate", code
    assert error_of(iam.get_server_certificate, ServerCertificateName="bad")[0] == "NoSuchEntity"


@check("UploadServerCertificate: EntityAlreadyExists (names ignore case); tag validation")
def _():
    assert error_of(iam.upload_server_certificate, ServerCertificateName="Web", CertificateBody=CERT2,
                    PrivateKey=KEY2) == ("EntityAlreadyExists", "The Server Certificate with name Web already exists.", 409)
    assert error_of(iam.upload_server_certificate, ServerCertificateName="dup-tags", CertificateBody=CERT2,
                    PrivateKey=KEY2, Tags=[{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]) == \
        ("InvalidInput", "Duplicate tag keys found.", 400)


@check("GetServerCertificate / DeleteServerCertificate: NoSuchEntity with AWS's message")
def _():
    for op in (iam.get_server_certificate, iam.delete_server_certificate, iam.list_server_certificate_tags):
        assert error_of(op, ServerCertificateName="nonexistent-certificate") == \
            ("NoSuchEntity", "The Server Certificate with name nonexistent-certificate cannot be found.", 404), op


@check("ListServerCertificates: every one by name, PathPrefix, MaxItems and Marker")
def _():
    names = [m["ServerCertificateName"] for m in iam.list_server_certificates()["ServerCertificateMetadataList"]]
    assert names == ["ec", "leaf", "pkcs1", "web"], names
    cf = iam.list_server_certificates(PathPrefix="/cloudfront/")["ServerCertificateMetadataList"]
    assert [m["ServerCertificateName"] for m in cf] == ["web"] and cf[0]["Arn"] == cert_arn("web", "/cloudfront/")
    seen, marker = [], None
    while True:
        kwargs = {"MaxItems": 3}
        if marker:
            kwargs["Marker"] = marker
        page = iam.list_server_certificates(**kwargs)
        seen += [m["ServerCertificateName"] for m in page["ServerCertificateMetadataList"]]
        if not page["IsTruncated"]:
            break
        marker = page["Marker"]
    assert seen == names, seen


@check("UpdateServerCertificate: rename and move (ARN follows), EntityAlreadyExists, NoSuchEntity")
def _():
    iam.update_server_certificate(ServerCertificateName="pkcs1", NewServerCertificateName="renamed", NewPath="/new/")
    m = iam.get_server_certificate(ServerCertificateName="renamed")["ServerCertificate"]["ServerCertificateMetadata"]
    assert m["Path"] == "/new/" and m["Arn"] == cert_arn("renamed", "/new/"), m
    assert error_of(iam.get_server_certificate, ServerCertificateName="pkcs1")[0] == "NoSuchEntity"
    assert error_of(iam.update_server_certificate, ServerCertificateName="renamed", NewServerCertificateName="WEB") == \
        ("EntityAlreadyExists", "The Server Certificate with name WEB already exists.", 409)
    assert error_of(iam.update_server_certificate, ServerCertificateName="pkcs1", NewPath="/x/") == \
        ("NoSuchEntity", "The Server Certificate with name pkcs1 cannot be found.", 404)
    iam.update_server_certificate(ServerCertificateName="renamed", NewPath="/")
    m = iam.get_server_certificate(ServerCertificateName="renamed")["ServerCertificate"]["ServerCertificateMetadata"]
    assert m["Path"] == "/" and m["Arn"] == cert_arn("renamed"), m


@check("Tag/Untag/ListServerCertificateTags: keys case-sensitive, replace, pagination, 50 at most")
def _():
    iam.tag_server_certificate(ServerCertificateName="ec", Tags=[{"Key": "team", "Value": "a"},
                                                                  {"Key": "Team", "Value": "b"}])
    iam.tag_server_certificate(ServerCertificateName="ec", Tags=[{"Key": "team", "Value": "c"}])
    tags = iam.list_server_certificate_tags(ServerCertificateName="ec")
    # Sorted by key (byte order), AWS's order (protocol_test.py).
    assert tags["Tags"] == [{"Key": "Team", "Value": "b"}, {"Key": "team", "Value": "c"}] and not tags["IsTruncated"]
    first = iam.list_server_certificate_tags(ServerCertificateName="ec", MaxItems=1)
    assert first["IsTruncated"] and first["Tags"] == [{"Key": "Team", "Value": "b"}], first
    second = iam.list_server_certificate_tags(ServerCertificateName="ec", Marker=first["Marker"])
    assert second["Tags"] == [{"Key": "team", "Value": "c"}], second
    iam.untag_server_certificate(ServerCertificateName="ec", TagKeys=["Team", "absent"])
    assert iam.list_server_certificate_tags(ServerCertificateName="ec")["Tags"] == [{"Key": "team", "Value": "c"}]
    many = [{"Key": f"k{i}", "Value": "v"} for i in range(50)]
    assert error_of(iam.tag_server_certificate, ServerCertificateName="ec", Tags=many) == \
        ("LimitExceeded", "The number of tags has reached the maximum limit.", 409)
    assert error_of(iam.tag_server_certificate, ServerCertificateName="nope", Tags=many[:1])[0] == "NoSuchEntity"
    assert error_of(iam.untag_server_certificate, ServerCertificateName="nope", TagKeys=["a"])[0] == "NoSuchEntity"
    assert iam.get_server_certificate(ServerCertificateName="ec")["ServerCertificate"]["Tags"] == \
        [{"Key": "team", "Value": "c"}]


@check("GetAccountSummary: ServerCertificates follows uploads and deletes; LimitExceeded at 20 per account")
def _():
    assert summary()["ServerCertificates"] == 4
    for i in range(16):
        iam.upload_server_certificate(ServerCertificateName=f"bulk-{i:02d}", CertificateBody=CERT2, PrivateKey=KEY2)
    assert summary()["ServerCertificates"] == 20 and summary()["ServerCertificatesQuota"] == 20
    assert error_of(iam.upload_server_certificate, ServerCertificateName="one-too-many", CertificateBody=CERT2,
                    PrivateKey=KEY2) == ("LimitExceeded", "Cannot exceed quota for ServerCertificatesPerAccount: 20", 409)
    for i in range(16):
        iam.delete_server_certificate(ServerCertificateName=f"bulk-{i:02d}")
    assert summary()["ServerCertificates"] == 4


@check("Server certificates: AccessDenied with AWS's message; path-scoped ListServerCertificates; tag conditions")
def _():
    key, secret = user_with_key("cert-admin", inline=json.loads(doc(
        {"Effect": "Allow", "Action": ["iam:GetServerCertificate", "iam:ListServerCertificates",
                                       "iam:UploadServerCertificate", "iam:DeleteServerCertificate"],
         "Resource": f"arn:aws:iam::{ACCOUNT}:server-certificate/cloudfront/*"},
        {"Effect": "Deny", "Action": "iam:UploadServerCertificate", "Resource": "*",
         "Condition": {"StringEquals": {"aws:RequestTag/env": "prod"}}})))
    me = client("iam", key, secret)
    assert me.get_server_certificate(ServerCertificateName="web")["ServerCertificate"]["CertificateBody"]
    assert [m["ServerCertificateName"] for m in
            me.list_server_certificates(PathPrefix="/cloudfront/")["ServerCertificateMetadataList"]] == ["web"]
    code, message, status = error_of(me.get_server_certificate, ServerCertificateName="leaf")
    assert (code, status) == ("AccessDenied", 403), code
    assert message == (f"User: {user_arn('cert-admin')} is not authorized to perform: iam:GetServerCertificate on "
                       f"resource: {cert_arn('leaf')} because no identity-based policy allows the "
                       "iam:GetServerCertificate action"), message
    assert error_of(me.list_server_certificates)[0] == "AccessDenied"
    code, message, _ = error_of(me.upload_server_certificate, ServerCertificateName="cf2", Path="/cloudfront/",
                                CertificateBody=CERT3, PrivateKey=KEY2, Tags=[{"Key": "env", "Value": "prod"}])
    assert code == "AccessDenied" and "with an explicit deny in an identity-based policy" in message, message
    me.upload_server_certificate(ServerCertificateName="cf2", Path="/cloudfront/", CertificateBody=CERT2,
                                 PrivateKey=KEY2, Tags=[{"Key": "env", "Value": "dev"}])
    me.delete_server_certificate(ServerCertificateName="cf2")

# ---------------------------------------------------------------- service-specific credentials


@check("CreateServiceSpecificCredential: fields, <user>-at-<account>, 60-character password, ACCA id")
def _():
    c = iam.create_service_specific_credential(UserName="svc", ServiceName="codecommit.amazonaws.com")[
        "ServiceSpecificCredential"]
    assert c["UserName"] == "svc" and c["ServiceName"] == "codecommit.amazonaws.com" and c["Status"] == "Active", c
    assert c["ServiceUserName"] == f"svc-at-{ACCOUNT}", c
    assert len(c["ServicePassword"]) == 60 and c["ServicePassword"].endswith("="), c
    assert c["ServiceSpecificCredentialId"].startswith("ACCA") and len(c["ServiceSpecificCredentialId"]) == 21, c
    assert "CreateDate" in c


@check("CreateServiceSpecificCredential: a second one (<user>+1-at-...), LimitExceeded at the third, per service")
def _():
    c = iam.create_service_specific_credential(UserName="svc", ServiceName="codecommit.amazonaws.com")[
        "ServiceSpecificCredential"]
    assert c["ServiceUserName"] == f"svc+1-at-{ACCOUNT}", c
    assert error_of(iam.create_service_specific_credential, UserName="svc", ServiceName="codecommit.amazonaws.com") == \
        ("LimitExceeded", "Cannot exceed quota for ServiceSpecificCredentialsPerUser: 2", 409)
    k = iam.create_service_specific_credential(UserName="svc", ServiceName="cassandra.amazonaws.com")[
        "ServiceSpecificCredential"]
    assert k["ServiceUserName"] == f"svc-at-{ACCOUNT}", k


@check("CreateServiceSpecificCredential: NoSuchEntity for an unsupported service and for a missing user")
def _():
    assert error_of(iam.create_service_specific_credential, UserName="svc", ServiceName="s3.amazonaws.com") == \
        ("NoSuchEntity", "No such service s3.amazonaws.com is supported for Service Specific Credentials", 404)
    assert error_of(iam.create_service_specific_credential, UserName="ghost", ServiceName="codecommit.amazonaws.com") \
        == ("NoSuchEntity", "The user with name ghost cannot be found.", 404)
    assert error_of(iam.list_service_specific_credentials, UserName="ghost")[0] == "NoSuchEntity"


@check("ListServiceSpecificCredentials: metadata without password, ServiceName filter")
def _():
    creds = iam.list_service_specific_credentials(UserName="svc")["ServiceSpecificCredentials"]
    assert sorted(c["ServiceName"] for c in creds) == ["cassandra.amazonaws.com"] + ["codecommit.amazonaws.com"] * 2
    assert all("ServicePassword" not in c and c["UserName"] == "svc" and c["Status"] == "Active" for c in creds), creds
    cc = iam.list_service_specific_credentials(UserName="svc", ServiceName="cassandra.amazonaws.com")
    assert [c["ServiceName"] for c in cc["ServiceSpecificCredentials"]] == ["cassandra.amazonaws.com"], cc
    assert iam.list_service_specific_credentials(UserName="svc2")["ServiceSpecificCredentials"] == []


@check("Reset/Update/DeleteServiceSpecificCredential; NoSuchEntity for unknown and other users' ids")
def _():
    cid = iam.list_service_specific_credentials(UserName="svc", ServiceName="cassandra.amazonaws.com")[
        "ServiceSpecificCredentials"][0]["ServiceSpecificCredentialId"]
    first = iam.reset_service_specific_credential(UserName="svc", ServiceSpecificCredentialId=cid)[
        "ServiceSpecificCredential"]
    second = iam.reset_service_specific_credential(UserName="svc", ServiceSpecificCredentialId=cid)[
        "ServiceSpecificCredential"]
    assert first["ServiceSpecificCredentialId"] == cid and len(second["ServicePassword"]) == 60, second
    assert first["ServicePassword"] != second["ServicePassword"]
    iam.update_service_specific_credential(UserName="svc", ServiceSpecificCredentialId=cid, Status="Inactive")
    cc = iam.list_service_specific_credentials(UserName="svc", ServiceName="cassandra.amazonaws.com")
    assert cc["ServiceSpecificCredentials"][0]["Status"] == "Inactive", cc
    missing = "ACCAAAAAAAAAAAAAAAAAA"
    for op, extra in ((iam.reset_service_specific_credential, {}), (iam.delete_service_specific_credential, {}),
                      (iam.update_service_specific_credential, {"Status": "Active"})):
        assert error_of(op, UserName="svc", ServiceSpecificCredentialId=missing, **extra) == \
            ("NoSuchEntity", f"No such credential {missing} exists", 404), op
        assert error_of(op, UserName="svc2", ServiceSpecificCredentialId=cid, **extra) == \
            ("NoSuchEntity", f"No such credential {cid} exists", 404), op
    code, _, status = error_of(iam.delete_user, UserName="svc")
    assert (code, status) == ("DeleteConflict", 409), code
    iam.delete_service_specific_credential(UserName="svc", ServiceSpecificCredentialId=cid)
    assert len(iam.list_service_specific_credentials(UserName="svc")["ServiceSpecificCredentials"]) == 2


@check("Service-specific credentials: the caller's own without UserName; AccessDenied elsewhere; service condition")
def _():
    key, secret = user_with_key("git-user", inline=json.loads(doc(
        {"Effect": "Allow", "Action": "iam:*ServiceSpecificCredential*",
         "Resource": f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}",
         "Condition": {"StringEqualsIfExists": {
             "iam:ServiceSpecificCredentialServiceName": "codecommit.amazonaws.com"}}})))
    me = client("iam", key, secret)
    c = me.create_service_specific_credential(UserName="git-user", ServiceName="codecommit.amazonaws.com")[
        "ServiceSpecificCredential"]
    assert [x["ServiceSpecificCredentialId"] for x in me.list_service_specific_credentials()[
        "ServiceSpecificCredentials"]] == [c["ServiceSpecificCredentialId"]]
    me.update_service_specific_credential(ServiceSpecificCredentialId=c["ServiceSpecificCredentialId"],
                                          Status="Inactive")
    me.reset_service_specific_credential(ServiceSpecificCredentialId=c["ServiceSpecificCredentialId"])
    assert error_of(me.create_service_specific_credential, UserName="git-user",
                    ServiceName="cassandra.amazonaws.com")[0] == "AccessDenied"
    code, message, status = error_of(me.list_service_specific_credentials, UserName="svc")
    assert (code, status) == ("AccessDenied", 403), code
    assert message == (f"User: {user_arn('git-user')} is not authorized to perform: "
                       f"iam:ListServiceSpecificCredentials on resource: {user_arn('svc')} because no "
                       "identity-based policy allows the iam:ListServiceSpecificCredentials action"), message
    me.delete_service_specific_credential(ServiceSpecificCredentialId=c["ServiceSpecificCredentialId"])

# ---------------------------------------------------------------- at rest, CLI, restart


@check("Secrets are sealed at rest: no private key or service password in the data folder")
def _():
    password = iam.create_service_specific_credential(UserName="svc2", ServiceName="bedrock.amazonaws.com")[
        "ServiceSpecificCredential"]["ServicePassword"]
    blobs = b""
    for root, _, files in os.walk(server.data):
        for f in files:
            with open(os.path.join(root, f), "rb") as fh:
                blobs += fh.read()
    for secret in (KEY1, LEAF_KEY, EC_KEY):
        for line in secret.splitlines()[1:-1]:
            assert line.encode() not in blobs, "private key in plaintext"
    assert password.encode() not in blobs, "password in plaintext"
    assert CERT1.splitlines()[1].encode() in blobs  # the certificates themselves are not secret


@check("aws CLI: upload-server-certificate, list-signing-certificates, create-service-specific-credential")
def _():
    def aws(*args):
        return aws_cli(*args, cwd=pki)

    m = aws("upload-server-certificate", "--server-certificate-name", "cli-cert", "--path", "/cli/",
            "--certificate-body", "file://two.pem", "--private-key", "file://two.key")["ServerCertificateMetadata"]
    assert m["Arn"] == cert_arn("cli-cert", "/cli/"), m
    listed = aws("list-server-certificates", "--path-prefix", "/cli/")["ServerCertificateMetadataList"]
    assert [x["ServerCertificateName"] for x in listed] == ["cli-cert"], listed
    aws("upload-signing-certificate", "--user-name", "svc2", "--certificate-body", "file://three.pem")
    certs = aws("list-signing-certificates", "--user-name", "svc2")["Certificates"]
    assert len(certs) == 1 and certs[0]["Status"] == "Active", certs
    c = aws("create-service-specific-credential", "--user-name", "svc2", "--service-name",
            "codecommit.amazonaws.com")["ServiceSpecificCredential"]
    assert c["ServiceUserName"] == f"svc2-at-{ACCOUNT}", c


@check("certificates and credentials survive a restart (sealed secrets still open)")
def _():
    assert server.stop(signal.SIGTERM) == 0
    server.start()
    c = client("iam")
    assert c.get_server_certificate(ServerCertificateName="leaf")["ServerCertificate"]["CertificateChain"] == \
        CA_CERT.rstrip()
    assert len(c.list_signing_certificates(UserName="svc2")["Certificates"]) == 1
    creds = c.list_service_specific_credentials(UserName="svc2")["ServiceSpecificCredentials"]
    assert len(creds) == 2, creds
    r = c.reset_service_specific_credential(UserName="svc2",
                                            ServiceSpecificCredentialId=creds[0]["ServiceSpecificCredentialId"])
    assert len(r["ServiceSpecificCredential"]["ServicePassword"]) == 60


finish(tmp)

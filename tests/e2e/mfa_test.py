#!/usr/bin/python3
"""End-to-end tests of virtual MFA devices and SSH public keys against `iamd serve`, with boto3
and the aws CLI.

Covers CreateVirtualMFADevice (serial number, base32 seed, a real PNG QR code, tags),
Enable/Resync/DeactivateMFADevice with real RFC 6238 codes computed here from the seed,
ListMFADevices, ListVirtualMFADevices (assignment filter, pagination), DeleteVirtualMFADevice,
MFA device tags, GetAccountSummary's MFA counts, the seed sealed at rest, the root user's own
device (assigned in the console, then GetSessionToken with its serial number and a code), and
Upload/Get/List/Update/DeleteSSHPublicKey (ssh-rsa and PEM, conversions, fingerprints, key
validation, duplicates, quotas); AWS's error codes, messages and HTTP statuses, and
authorization. Prints one line per check and a closing "N passed, N failed". Run by ctest as
e2e_mfa:
    tests/e2e/mfa_test.py PATH/TO/iamd
"""
import base64
import hashlib
import hmac
import http.cookiejar
import os
import random
import struct
import sys
import urllib.error
import urllib.request
import zlib

sys.path.insert(0, os.path.dirname(__file__))
from harness import *  # noqa: E402,F401,F403 (the shared scaffolding)


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", **extra):
    return dict({"Effect": "Allow", "Action": action, "Resource": resource}, **extra)


def mfa_arn(name, path="/"):
    return f"arn:aws:iam::{ACCOUNT}:mfa{path}{name}"


def user_arn(name, path="/"):
    return f"arn:aws:iam::{ACCOUNT}:user{path}{name}"


def totp(seed, step):
    """RFC 6238 with HMAC-SHA1, 6 digits, for the 30 s time step `step`."""
    mac = hmac.new(seed, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[19] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1000000:06d}"


def now_step():
    return int(time.time()) // 30


def seed_of(device):
    """The raw seed of CreateVirtualMFADevice's answer (Base32StringSeed is base32 text)."""
    text = device["Base32StringSeed"].decode("ascii")
    assert len(text) == 32 and all(c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" for c in text), text
    return base64.b32decode(text)


def codes(seed, first_step=None):
    """Two consecutive codes, as a person types them: the previous step's, then the current one."""
    step = now_step() - 1 if first_step is None else first_step
    return {"AuthenticationCode1": totp(seed, step), "AuthenticationCode2": totp(seed, step + 1)}


def png_size(data):
    """Width and height of a PNG after checking its signature, chunk CRCs and image data."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", data[:8]
    pos, chunks = 8, {}
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]
        assert zlib.crc32(kind + body) == crc, kind
        chunks.setdefault(kind, b"")
        chunks[kind] += body
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, colour) == (8, 0), (depth, colour)
    pixels = zlib.decompress(chunks[b"IDAT"])
    assert len(pixels) == height * (width + 1), len(pixels)
    assert set(pixels[1:width + 1]) == {255}  # the quiet zone's first row is white
    assert 0 in pixels  # and there are dark modules
    assert b"IEND" in chunks
    return width, height


# A 2048-bit RSA key in both encodings (openssl genrsa, ssh-keygen -i -m PKCS8) and its MD5
# fingerprint as ssh-keygen -l -E md5 prints it.
SSH_2048 = ("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDnzFkMXX1RpAwe03tpGyDQ3Dstg/NXkfTuY1cNBaHG8Mu1opcgGmjtW0mdebx"
            "soE6yIDcfQoi7thtctvVWFSLgNjJIV+YWFVqLVAJyuINEHhn3jiFWMb6MUisMYB2ksbG6enKHpi+DwYVnjCz8JgklH36O3HsakF50P"
            "qKi63xFNHTITaT6f+83koGA32EnOTboiUe2WECbaWm3q1xznE35Pb0nw5gTpUqCWRxpVjCUbUhGJYeBQqU91JUWiMydvSam3meIobC"
            "u6saCQEF+u2XVIIEC1NwrPZI7a1KweaMmkh6KKpPkZRj9OVtl0AB7YWA5g4FHQM8wa3Knst/o1Ymf")
PEM_2048 = """-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA58xZDF19UaQMHtN7aRsg
0Nw7LYPzV5H07mNXDQWhxvDLtaKXIBpo7VtJnXm8bKBOsiA3H0KIu7YbXLb1VhUi
4DYySFfmFhVai1QCcriDRB4Z944hVjG+jFIrDGAdpLGxunpyh6Yvg8GFZ4ws/CYJ
JR9+jtx7GpBedD6iout8RTR0yE2k+n/vN5KBgN9hJzk26IlHtlhAm2lpt6tcc5xN
+T29J8OYE6VKglkcaVYwlG1IRiWHgUKlPdSVFojMnb0mpt5niKGwrurGgkBBfrtl
1SCBAtTcKz2SO2tSsHmjJpIeiiqT5GUY/TlbZdAAe2FgOYOBR0DPMGtyp7Lf6NWJ
nwIDAQAB
-----END PUBLIC KEY-----
"""
FINGERPRINT_2048 = "a7:bd:5c:5d:dc:04:d3:43:12:fd:c4:dd:d1:55:1e:e8"
SSH_1024 = ("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQCb3BpRKpMkX1QU0JBoDrbaBVPNWUXzWcefRH1zDXDAz8LFYvrVD6e5TZEW5ue2O6r"
            "/4d7MIOjxc2cHbVDIxJfoPaY7oOLr95wSDEG27oeYyyAfae6XWfLdKwzZtaM7xeElCPOuCe3ayn1Kx0ep1POEsikc6WQT8KJCpaNJV"
            "hvp6w==")


def ssh_string(b):
    return struct.pack(">I", len(b)) + b


def random_ssh_key(rng, bits=2048):
    """An ssh-rsa line with a random odd modulus of `bits` bits (a public key needs no primes)."""
    n = rng.getrandbits(bits) | (1 << (bits - 1)) | 1
    n_bytes = b"\x00" + n.to_bytes(bits // 8, "big")
    blob = ssh_string(b"ssh-rsa") + ssh_string(b"\x01\x00\x01") + ssh_string(n_bytes)
    return "ssh-rsa " + base64.b64encode(blob).decode(), hashlib.md5(blob).hexdigest()


server, tmp = start_server("mfa")


def raw_client():
    """An IAM client without boto3's own parameter checks, so the server's are seen."""
    import botocore.config
    return boto3.session.Session().client(
        "iam", endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id=ROOT_KEY,
        aws_secret_access_key=ROOT_SECRET, config=botocore.config.Config(parameter_validation=False))

devices = {}  # name -> CreateVirtualMFADevice's VirtualMFADevice


@check("CreateVirtualMFADevice: serial number, base32 seed, PNG QR code, tags")
def _():
    iam = client("iam")
    d = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice-phone",
                                      Tags=[{"Key": "Owner", "Value": "alice"}])["VirtualMFADevice"]
    assert d["SerialNumber"] == mfa_arn("alice-phone"), d
    assert len(seed_of(d)) == 20
    width, height = png_size(d["QRCodePNG"])
    assert width == height and width >= 21 * 4, (width, height)
    assert d["Tags"] == [{"Key": "Owner", "Value": "alice"}], d
    assert "User" not in d and "EnableDate" not in d, d
    devices["alice-phone"] = d
    p = iam.create_virtual_mfa_device(VirtualMFADeviceName="token", Path="/team/a/")["VirtualMFADevice"]
    assert p["SerialNumber"] == mfa_arn("token", "/team/a/"), p
    assert p["Base32StringSeed"] != d["Base32StringSeed"]
    devices["token"] = p


@check("CreateVirtualMFADevice: same path and name is EntityAlreadyExists; invalid path/name is ValidationError")
def _():
    iam = client("iam")
    code, message, status = error_of(iam.create_virtual_mfa_device, VirtualMFADeviceName="alice-phone")
    assert (code, message, status) == ("EntityAlreadyExists", "MFA device already exists.", 409)
    # The same name under another path is another device.
    assert iam.create_virtual_mfa_device(VirtualMFADeviceName="token")["VirtualMFADevice"]["SerialNumber"] == \
        mfa_arn("token")
    assert error_of(iam.create_virtual_mfa_device, VirtualMFADeviceName="x", Path="team")[:3:2] == \
        ("ValidationError", 400)
    assert error_of(iam.create_virtual_mfa_device, VirtualMFADeviceName="bad name")[0] == "ValidationError"
    code, message, _ = error_of(iam.create_virtual_mfa_device, VirtualMFADeviceName="dup",
                                Tags=[{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}])
    assert (code, message) == ("InvalidInput", "Duplicate tag keys found."), message


@check("the seed is sealed at rest: neither its bytes nor its base32 text are in the data folder")
def _():
    d = devices["alice-phone"]
    seed, text = seed_of(d), d["Base32StringSeed"]
    for root, _dirs, files in os.walk(os.path.join(tmp, "data")):
        for f in files:
            with open(os.path.join(root, f), "rb") as fh:
                data = fh.read()
            assert seed not in data and text not in data and base64.b64encode(seed) not in data, f


@check("EnableMFADevice: wrong or non-consecutive codes are InvalidAuthenticationCode (403)")
def _():
    iam = client("iam")
    iam.create_user(UserName="alice")
    seed = seed_of(devices["alice-phone"])
    step = now_step()
    for c1, c2 in (("123456", "654321"), (totp(seed, step), totp(seed, step - 1)),
                   (totp(seed, step - 1), totp(seed, step + 1)), (totp(seed, step + 500), totp(seed, step + 501))):
        code, message, status = error_of(iam.enable_mfa_device, UserName="alice",
                                         SerialNumber=mfa_arn("alice-phone"),
                                         AuthenticationCode1=c1, AuthenticationCode2=c2)
        assert (code, message, status) == ("InvalidAuthenticationCode",
                                           "Authentication code for device is not valid.", 403), (c1, c2, message)
    assert error_of(raw_client().enable_mfa_device, UserName="alice", SerialNumber=mfa_arn("alice-phone"),
                    AuthenticationCode1="12345", AuthenticationCode2="123456")[0] == "ValidationError"


@check("EnableMFADevice: two consecutive codes enable the device; ListMFADevices shows it")
def _():
    iam = client("iam")
    iam.enable_mfa_device(UserName="alice", SerialNumber=mfa_arn("alice-phone"),
                          **codes(seed_of(devices["alice-phone"])))
    got = iam.list_mfa_devices(UserName="alice")
    assert [m["SerialNumber"] for m in got["MFADevices"]] == [mfa_arn("alice-phone")], got
    m = got["MFADevices"][0]
    assert m["UserName"] == "alice" and abs(m["EnableDate"].timestamp() - time.time()) < 120, m
    assert got["IsTruncated"] is False


@check("EnableMFADevice: NoSuchEntity for a missing user or device; EntityAlreadyExists when enabled already")
def _():
    iam = client("iam")
    seed = seed_of(devices["alice-phone"])
    code, message, status = error_of(iam.enable_mfa_device, UserName="nobody", SerialNumber=mfa_arn("alice-phone"),
                                     **codes(seed))
    assert (code, message, status) == ("NoSuchEntity", "The user with name nobody cannot be found.", 404), message
    code, message, status = error_of(iam.enable_mfa_device, UserName="alice", SerialNumber=mfa_arn("missing"),
                                     **codes(seed))
    assert (code, status) == ("NoSuchEntity", 404) and mfa_arn("missing") in message, message
    iam.create_user(UserName="bob")
    code, _, status = error_of(iam.enable_mfa_device, UserName="bob", SerialNumber=mfa_arn("alice-phone"),
                               **codes(seed))
    assert (code, status) == ("EntityAlreadyExists", 409), code


@check("ListVirtualMFADevices: Any/Assigned/Unassigned, User and EnableDate when assigned, no seed or tags")
def _():
    iam = client("iam")
    every = iam.list_virtual_mfa_devices()["VirtualMFADevices"]
    assert sorted(d["SerialNumber"] for d in every) == sorted(
        [mfa_arn("alice-phone"), mfa_arn("token", "/team/a/"), mfa_arn("token")]), every
    assigned = iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
    assert [d["SerialNumber"] for d in assigned] == [mfa_arn("alice-phone")], assigned
    u = assigned[0]["User"]
    assert u["UserName"] == "alice" and u["Arn"] == user_arn("alice") and u["UserId"].startswith("AIDA"), u
    assert "EnableDate" in assigned[0]
    unassigned = iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")["VirtualMFADevices"]
    assert mfa_arn("alice-phone") not in [d["SerialNumber"] for d in unassigned] and len(unassigned) == 2
    for d in every:
        for absent in ("Base32StringSeed", "QRCodePNG", "Tags"):
            assert absent not in d, (absent, d)
    assert iam.list_virtual_mfa_devices(AssignmentStatus="Any")["VirtualMFADevices"] == every
    assert error_of(iam.list_virtual_mfa_devices, AssignmentStatus="Some")[0] == "ValidationError"


@check("ListVirtualMFADevices: pagination with MaxItems and Marker, also through the Assigned filter")
def _():
    iam = client("iam")
    for i in range(5):
        iam.create_virtual_mfa_device(VirtualMFADeviceName=f"page-{i}", Path="/pages/")
    seen, marker = [], None
    while True:
        kwargs = {"MaxItems": 2}
        if marker:
            kwargs["Marker"] = marker
        page = iam.list_virtual_mfa_devices(**kwargs)
        assert len(page["VirtualMFADevices"]) <= 2
        seen += [d["SerialNumber"] for d in page["VirtualMFADevices"]]
        if not page["IsTruncated"]:
            assert "Marker" not in page
            break
        marker = page["Marker"]
    assert len(seen) == 8 and len(set(seen)) == 8, seen
    paged = iam.get_paginator("list_virtual_mfa_devices").paginate(
        AssignmentStatus="Assigned", PaginationConfig={"PageSize": 1})
    assert [d["SerialNumber"] for p in paged for d in p["VirtualMFADevices"]] == [mfa_arn("alice-phone")]
    assert error_of(iam.list_virtual_mfa_devices, Marker="not-a-marker")[0] in ("InvalidInput", "ValidationError")


@check("ResyncMFADevice: consecutive codes resync; used or wrong codes are InvalidAuthenticationCode")
def _():
    iam = client("iam")
    seed = seed_of(devices["alice-phone"])
    serial = mfa_arn("alice-phone")
    # The device runs a minute ahead: codes of the next two steps.
    iam.resync_mfa_device(UserName="alice", SerialNumber=serial, **codes(seed, now_step() + 2))
    code, message, status = error_of(iam.resync_mfa_device, UserName="alice", SerialNumber=serial,
                                     **codes(seed, now_step() + 2))  # replayed
    assert (code, message, status) == ("InvalidAuthenticationCode",
                                       "Authentication code for device is not valid.", 403), message
    assert error_of(iam.resync_mfa_device, UserName="alice", SerialNumber=serial,
                    AuthenticationCode1="000000", AuthenticationCode2="111111")[0] == "InvalidAuthenticationCode"
    assert error_of(iam.resync_mfa_device, UserName="bob", SerialNumber=serial, **codes(seed, now_step() + 4))[:3:2] \
        == ("NoSuchEntity", 404)


@check("MFA device tags: Tag/Untag/ListMFADeviceTags, case-sensitive keys, pagination, 50 at most")
def _():
    iam = client("iam")
    serial = mfa_arn("alice-phone")
    iam.tag_mfa_device(SerialNumber=serial, Tags=[{"Key": "owner", "Value": "a2"}, {"Key": "Env", "Value": "prod"}])
    tags = iam.list_mfa_device_tags(SerialNumber=serial)
    # Sorted by key (byte order), AWS's order (protocol_test.py).
    assert tags["Tags"] == [{"Key": "Env", "Value": "prod"}, {"Key": "Owner", "Value": "alice"},
                            {"Key": "owner", "Value": "a2"}], tags
    assert tags["IsTruncated"] is False
    iam.tag_mfa_device(SerialNumber=serial, Tags=[{"Key": "Env", "Value": "dev"}])
    first = iam.list_mfa_device_tags(SerialNumber=serial, MaxItems=2)
    assert first["IsTruncated"] is True and len(first["Tags"]) == 2, first
    rest = iam.list_mfa_device_tags(SerialNumber=serial, Marker=first["Marker"])
    assert rest["Tags"] == [{"Key": "owner", "Value": "a2"}], rest
    iam.untag_mfa_device(SerialNumber=serial, TagKeys=["owner", "absent"])
    assert [t["Key"] for t in iam.list_mfa_device_tags(SerialNumber=serial)["Tags"]] == ["Env", "Owner"]
    code, message, status = error_of(iam.tag_mfa_device, SerialNumber=serial,
                                     Tags=[{"Key": f"k{i}", "Value": ""} for i in range(49)])
    assert (code, message, status) == ("LimitExceeded", "The number of tags has reached the maximum limit.", 409)
    code, _, status = error_of(iam.list_mfa_device_tags, SerialNumber=mfa_arn("missing"))
    assert (code, status) == ("NoSuchEntity", 404)
    assert error_of(iam.tag_mfa_device, SerialNumber=mfa_arn("missing"), Tags=[{"Key": "a", "Value": "b"}])[0] == \
        "NoSuchEntity"
    assert error_of(iam.untag_mfa_device, SerialNumber=mfa_arn("missing"), TagKeys=["a"])[0] == "NoSuchEntity"


@check("DeleteVirtualMFADevice: DeleteConflict while enabled; DeleteUser refuses a user with an MFA device")
def _():
    iam = client("iam")
    code, message, status = error_of(iam.delete_virtual_mfa_device, SerialNumber=mfa_arn("alice-phone"))
    assert (code, status) == ("DeleteConflict", 409), (code, message)
    code, message, status = error_of(iam.delete_user, UserName="alice")
    assert (code, message, status) == ("DeleteConflict", "Cannot delete entity, must delete MFA device first.", 409)


@check("GetAccountSummary: MFADevices counts every device, MFADevicesInUse the enabled ones")
def _():
    summary = client("iam").get_account_summary()["SummaryMap"]
    assert (summary["MFADevices"], summary["MFADevicesInUse"]) == (8, 1), summary


@check("a user may have 8 MFA devices: the ninth is LimitExceeded")
def _():
    iam = client("iam")
    iam.create_user(UserName="many")
    for i in range(9):
        d = iam.create_virtual_mfa_device(VirtualMFADeviceName=f"many-{i}")["VirtualMFADevice"]
        call = lambda: iam.enable_mfa_device(UserName="many", SerialNumber=d["SerialNumber"], **codes(seed_of(d)))
        if i < 8:
            call()
        else:
            code, _, status = error_of(call)
            assert (code, status) == ("LimitExceeded", 409), code
    got = iam.list_mfa_devices(UserName="many", MaxItems=5)
    assert len(got["MFADevices"]) == 5 and got["IsTruncated"] is True, got
    rest = iam.list_mfa_devices(UserName="many", Marker=got["Marker"])
    assert len(rest["MFADevices"]) == 3 and rest["IsTruncated"] is False, rest


@check("DeactivateMFADevice: NoSuchEntity for another user's device; then the device is unassigned and deletable")
def _():
    iam = client("iam")
    serial = mfa_arn("alice-phone")
    code, _, status = error_of(iam.deactivate_mfa_device, UserName="bob", SerialNumber=serial)
    assert (code, status) == ("NoSuchEntity", 404)
    assert error_of(iam.deactivate_mfa_device, UserName="nobody", SerialNumber=serial)[0] == "NoSuchEntity"
    iam.deactivate_mfa_device(UserName="alice", SerialNumber=serial)
    assert iam.list_mfa_devices(UserName="alice")["MFADevices"] == []
    unassigned = iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")["VirtualMFADevices"]
    assert serial in [d["SerialNumber"] for d in unassigned]
    assert error_of(iam.deactivate_mfa_device, UserName="alice", SerialNumber=serial)[0] == "NoSuchEntity"
    iam.delete_virtual_mfa_device(SerialNumber=serial)
    code, message, status = error_of(iam.delete_virtual_mfa_device, SerialNumber=serial)
    assert (code, status) == ("NoSuchEntity", 404) and serial in message, message


@check("ListMFADevices: without UserName a user gets its own devices, the root user its (none)")
def _():
    iam = client("iam")
    key, secret = user_with_key("self-mfa", inline=json.loads(doc(
        allow(["iam:CreateVirtualMFADevice"], f"arn:aws:iam::{ACCOUNT}:mfa/self-mfa-*"),
        allow(["iam:EnableMFADevice", "iam:ListMFADevices", "iam:ResyncMFADevice", "iam:DeactivateMFADevice"],
              f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}"))))
    me = client("iam", key, secret)
    d = me.create_virtual_mfa_device(VirtualMFADeviceName="self-mfa-phone")["VirtualMFADevice"]
    me.enable_mfa_device(UserName="self-mfa", SerialNumber=d["SerialNumber"], **codes(seed_of(d)))
    mine = me.list_mfa_devices()["MFADevices"]
    assert [(m["UserName"], m["SerialNumber"]) for m in mine] == [("self-mfa", mfa_arn("self-mfa-phone"))], mine
    assert iam.list_mfa_devices()["MFADevices"] == []


@check("authorization: virtual devices on mfa/<path><name>, user operations on the user, lists on *")
def _():
    me = client("iam", *user_with_key("mfa-limited", inline=json.loads(doc(
        allow("iam:CreateVirtualMFADevice", f"arn:aws:iam::{ACCOUNT}:mfa/mine/*"),
        allow("iam:EnableMFADevice", f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}")))))
    me.create_virtual_mfa_device(VirtualMFADeviceName="ok", Path="/mine/")
    code, message, status = error_of(me.create_virtual_mfa_device, VirtualMFADeviceName="other")
    assert (code, status) == ("AccessDenied", 403)
    assert message == (f"User: {user_arn('mfa-limited')} is not authorized to perform: iam:CreateVirtualMFADevice "
                       f"on resource: {mfa_arn('other')} because no identity-based policy allows the "
                       "iam:CreateVirtualMFADevice action"), message
    code, message, _ = error_of(me.enable_mfa_device, UserName="alice", SerialNumber=mfa_arn("ok", "/mine/"),
                                AuthenticationCode1="123456", AuthenticationCode2="123456")
    assert code == "AccessDenied" and f"iam:EnableMFADevice on resource: {user_arn('alice')} " in message, message
    code, message, _ = error_of(me.list_virtual_mfa_devices)
    assert message == (f"User: {user_arn('mfa-limited')} is not authorized to perform: iam:ListVirtualMFADevices "
                       "because no identity-based policy allows the iam:ListVirtualMFADevices action"), message
    code, message, _ = error_of(me.tag_mfa_device, SerialNumber=mfa_arn("ok", "/mine/"),
                                Tags=[{"Key": "a", "Value": "b"}])
    assert code == "AccessDenied" and f"iam:TagMFADevice on resource: {mfa_arn('ok', '/mine/')} " in message
    code, _, _ = error_of(me.delete_virtual_mfa_device, SerialNumber=mfa_arn("ok", "/mine/"))
    assert code == "AccessDenied"


@check("the aws CLI: create-virtual-mfa-device --bootstrap-method QRCodePNG, list-virtual-mfa-devices")
def _():
    png = os.path.join(tmp, "cli-qr.png")
    d = aws_cli("create-virtual-mfa-device", "--virtual-mfa-device-name", "cli-phone",
                "--outfile", png, "--bootstrap-method", "QRCodePNG")["VirtualMFADevice"]
    assert d["SerialNumber"] == mfa_arn("cli-phone"), d
    with open(png, "rb") as fh:
        png_size(fh.read())
    seeds = aws_cli("list-virtual-mfa-devices", "--assignment-status", "Unassigned")["VirtualMFADevices"]
    assert mfa_arn("cli-phone") in [x["SerialNumber"] for x in seeds], seeds


# ---- SSH public keys ----

ssh_ids = {}


@check("UploadSSHPublicKey: an ssh-rsa line; APKA id, MD5 fingerprint, Active, body as uploaded")
def _():
    iam = client("iam")
    iam.create_user(UserName="dev")
    body = SSH_2048 + " dev@laptop"
    k = iam.upload_ssh_public_key(UserName="dev", SSHPublicKeyBody=body)["SSHPublicKey"]
    assert k["UserName"] == "dev" and k["Status"] == "Active" and k["SSHPublicKeyBody"] == body, k
    assert k["SSHPublicKeyId"].startswith("APKA") and len(k["SSHPublicKeyId"]) == 21, k
    assert all(c.isupper() or c.isdigit() for c in k["SSHPublicKeyId"]), k
    assert k["Fingerprint"] == FINGERPRINT_2048, k
    assert abs(k["UploadDate"].timestamp() - time.time()) < 120, k
    ssh_ids["dev"] = k["SSHPublicKeyId"]


@check("GetSSHPublicKey: Encoding SSH as uploaded, PEM converted; a PEM upload converts to ssh-rsa")
def _():
    iam = client("iam")
    kid = ssh_ids["dev"]
    ssh = iam.get_ssh_public_key(UserName="dev", SSHPublicKeyId=kid, Encoding="SSH")["SSHPublicKey"]
    assert ssh["SSHPublicKeyBody"] == SSH_2048 + " dev@laptop", ssh
    pem = iam.get_ssh_public_key(UserName="dev", SSHPublicKeyId=kid, Encoding="PEM")["SSHPublicKey"]
    assert pem["SSHPublicKeyBody"] == PEM_2048 and pem["Fingerprint"] == FINGERPRINT_2048, pem
    iam.create_user(UserName="ops")
    k = iam.upload_ssh_public_key(UserName="ops", SSHPublicKeyBody=PEM_2048)["SSHPublicKey"]
    assert k["Fingerprint"] == FINGERPRINT_2048 and k["SSHPublicKeyBody"] == PEM_2048, k
    back = iam.get_ssh_public_key(UserName="ops", SSHPublicKeyId=k["SSHPublicKeyId"], Encoding="SSH")
    assert back["SSHPublicKey"]["SSHPublicKeyBody"] == SSH_2048, back
    assert error_of(iam.get_ssh_public_key, UserName="dev", SSHPublicKeyId=kid, Encoding="DER")[0] == \
        "ValidationError"


@check("UploadSSHPublicKey: DuplicateSSHPublicKey, InvalidPublicKey, UnrecognizedPublicKeyEncoding")
def _():
    iam = client("iam")
    code, message, status = error_of(iam.upload_ssh_public_key, UserName="dev", SSHPublicKeyBody=PEM_2048)
    assert (code, message, status) == ("DuplicateSSHPublicKey",
                                       "The SSH public key you tried to upload is a duplicate.", 400), message
    for body in (SSH_1024, "ssh-rsa AAAA!!!!", SSH_2048[:-10], PEM_2048.replace("MIIB", "MIIC", 1)):
        code, message, status = error_of(iam.upload_ssh_public_key, UserName="dev", SSHPublicKeyBody=body)
        assert (code, message, status) == ("InvalidPublicKey", "Invalid public key", 400), (body[:30], code, message)
    for body in ("hello", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl x@y"):
        code, _, status = error_of(iam.upload_ssh_public_key, UserName="dev", SSHPublicKeyBody=body)
        assert (code, status) == ("UnrecognizedPublicKeyEncoding", 400), (body, code)
    code, message, status = error_of(iam.upload_ssh_public_key, UserName="nobody", SSHPublicKeyBody=SSH_2048)
    assert (code, message, status) == ("NoSuchEntity", "The user with name nobody cannot be found.", 404)


@check("SSH public keys: 5 per user (LimitExceeded), ListSSHPublicKeys with pagination")
def _():
    iam = client("iam")
    rng = random.Random(20261129)
    for i in range(4):
        line, fingerprint = random_ssh_key(rng)
        k = iam.upload_ssh_public_key(UserName="dev", SSHPublicKeyBody=line)["SSHPublicKey"]
        assert k["Fingerprint"] == ":".join(fingerprint[j:j + 2] for j in range(0, 32, 2)), k
    code, _, status = error_of(iam.upload_ssh_public_key, UserName="dev", SSHPublicKeyBody=random_ssh_key(rng)[0])
    assert (code, status) == ("LimitExceeded", 409), code
    everything = iam.list_ssh_public_keys(UserName="dev")
    keys = everything["SSHPublicKeys"]
    assert len(keys) == 5 and everything["IsTruncated"] is False, everything
    assert all(k["UserName"] == "dev" and k["Status"] == "Active" and "UploadDate" in k for k in keys), keys
    assert all("SSHPublicKeyBody" not in k and "Fingerprint" not in k for k in keys), keys
    first = iam.list_ssh_public_keys(UserName="dev", MaxItems=2)
    assert len(first["SSHPublicKeys"]) == 2 and first["IsTruncated"] is True
    second = iam.list_ssh_public_keys(UserName="dev", MaxItems=2, Marker=first["Marker"])
    third = iam.list_ssh_public_keys(UserName="dev", MaxItems=2, Marker=second["Marker"])
    ids = [k["SSHPublicKeyId"] for p in (first, second, third) for k in p["SSHPublicKeys"]]
    assert ids == [k["SSHPublicKeyId"] for k in keys] and third["IsTruncated"] is False, ids
    assert iam.list_ssh_public_keys(UserName="ops")["SSHPublicKeys"][0]["UserName"] == "ops"
    assert iam.list_ssh_public_keys()["SSHPublicKeys"] == []  # the root user has none
    assert error_of(iam.list_ssh_public_keys, UserName="nobody")[:3:2] == ("NoSuchEntity", 404)


@check("UpdateSSHPublicKey / DeleteSSHPublicKey: status, NoSuchEntity, DeleteUser refused while keys exist")
def _():
    iam = client("iam")
    kid = ssh_ids["dev"]
    iam.update_ssh_public_key(UserName="dev", SSHPublicKeyId=kid, Status="Inactive")
    got = iam.get_ssh_public_key(UserName="dev", SSHPublicKeyId=kid, Encoding="SSH")["SSHPublicKey"]
    assert got["Status"] == "Inactive", got
    got = error_of(iam.update_ssh_public_key, UserName="dev", SSHPublicKeyId=kid, Status="Expired")
    assert got[:3:2] == ("ValidationError", 400), got
    code, message, status = error_of(iam.get_ssh_public_key, UserName="ops", SSHPublicKeyId=kid, Encoding="SSH")
    assert (code, status) == ("NoSuchEntity", 404) and kid in message, message
    got = error_of(iam.update_ssh_public_key, UserName="dev", SSHPublicKeyId="APKA" + "X" * 17, Status="Active")
    assert got[0] == "NoSuchEntity", got
    code, message, status = error_of(iam.delete_user, UserName="ops")
    assert (code, message, status) == ("DeleteConflict", "Cannot delete entity, must remove referenced objects first.",
                                       409), message
    iam.delete_ssh_public_key(UserName="dev", SSHPublicKeyId=kid)
    assert error_of(iam.delete_ssh_public_key, UserName="dev", SSHPublicKeyId=kid)[:3:2] == ("NoSuchEntity", 404)
    assert kid not in [k["SSHPublicKeyId"] for k in iam.list_ssh_public_keys(UserName="dev")["SSHPublicKeys"]]


@check("authorization: SSH key operations on the target user's ARN; a user manages its own keys")
def _():
    me = client("iam", *user_with_key("coder", inline=json.loads(doc(
        allow(["iam:UploadSSHPublicKey", "iam:GetSSHPublicKey", "iam:ListSSHPublicKeys"],
              f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}")))))
    k = me.upload_ssh_public_key(UserName="coder", SSHPublicKeyBody=SSH_2048)["SSHPublicKey"]
    assert [x["SSHPublicKeyId"] for x in me.list_ssh_public_keys()["SSHPublicKeys"]] == [k["SSHPublicKeyId"]]
    code, message, status = error_of(me.upload_ssh_public_key, UserName="dev", SSHPublicKeyBody=SSH_2048)
    assert (code, status) == ("AccessDenied", 403)
    assert message == (f"User: {user_arn('coder')} is not authorized to perform: iam:UploadSSHPublicKey on resource: "
                       f"{user_arn('dev')} because no identity-based policy allows the iam:UploadSSHPublicKey action")
    code, message, _ = error_of(me.delete_ssh_public_key, UserName="coder", SSHPublicKeyId=k["SSHPublicKeyId"])
    assert code == "AccessDenied" and "iam:DeleteSSHPublicKey" in message, message


@check("the aws CLI: upload-ssh-public-key and get-ssh-public-key --encoding PEM")
def _():
    aws_cli("create-user", "--user-name", "cli-dev")
    k = aws_cli("upload-ssh-public-key", "--user-name", "cli-dev", "--ssh-public-key-body", SSH_2048)["SSHPublicKey"]
    got = aws_cli("get-ssh-public-key", "--user-name", "cli-dev", "--ssh-public-key-id", k["SSHPublicKeyId"],
                  "--encoding", "PEM")["SSHPublicKey"]
    assert got["SSHPublicKeyBody"] == PEM_2048, got


@check("MFA devices and SSH keys survive a restart; the sealed seed still verifies codes")
def _():
    assert server.stop(signal.SIGTERM) == 0
    server.start()
    iam = client("iam")
    d = devices["token"]
    iam.enable_mfa_device(UserName="bob", SerialNumber=d["SerialNumber"], **codes(seed_of(d)))
    assert [m["SerialNumber"] for m in iam.list_mfa_devices(UserName="bob")["MFADevices"]] == [d["SerialNumber"]]
    assert len(iam.list_ssh_public_keys(UserName="dev")["SSHPublicKeys"]) == 4


def console_root(data):
    """The root user signed in to the console (the server's own account: its email and password
    from <data>/root-console-login): (POST json -> (status, answer), the session)."""
    login = dict(line.split("=", 1) for line in open(os.path.join(data, "root-console-login")).read().split())
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    token = {}

    def post(endpoint, body):
        headers = {"Content-Type": "application/json"}
        if "csrf" in token:
            headers["X-CSRF-Token"] = token["csrf"]
        req = urllib.request.Request(f"{server.endpoint}/console/api/{endpoint}", data=json.dumps(body).encode(),
                                     headers=headers, method="POST")
        try:
            with opener.open(req) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    status, session = post("signin", {"type": "root", "email": login["email"], "password": login["password"]})
    assert status == 200, session
    token["csrf"] = session["csrfToken"]
    return post, session


@check("the root user's MFA: assigned in the console; GetSessionToken with its serial number and a code")
def _():
    iam = client("iam")
    d = iam.create_virtual_mfa_device(VirtualMFADeviceName="root-account-mfa-device")["VirtualMFADevice"]
    serial, seed = d["SerialNumber"], seed_of(d)
    # Not through IAM's API: EnableMFADevice needs a UserName (the root's is not one).
    assert error_of(iam.enable_mfa_device, UserName="root", SerialNumber=serial, **codes(seed))[0] == "NoSuchEntity"
    post, session = console_root(server.data)
    assert session["principal"]["type"] == "root" and session["mfa"] is False, session
    step = now_step() - 2  # leaves the current step's code for GetSessionToken
    status, answer = post("root-mfa/enable", {"serialNumber": serial, "code1": totp(seed, step + 1),
                                              "code2": totp(seed, step)})
    assert (status, answer["code"]) == (403, "InvalidAuthenticationCode"), answer
    status, answer = post("root-mfa/enable", {"serialNumber": serial, "code1": totp(seed, step),
                                              "code2": totp(seed, step + 1)})
    assert status == 200, answer
    mine = iam.list_mfa_devices()["MFADevices"]
    assert [m["SerialNumber"] for m in mine] == [serial], mine
    assigned = iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
    root = [v for v in assigned if v["SerialNumber"] == serial]
    assert len(root) == 1 and root[0]["User"]["Arn"] == f"arn:aws:iam::{ACCOUNT}:root", root
    assert root[0]["User"]["UserId"] == ACCOUNT and "EnableDate" in root[0], root
    assert iam.get_account_summary()["SummaryMap"]["AccountMFAEnabled"] == 1
    code, message, status = error_of(iam.delete_virtual_mfa_device, SerialNumber=serial)
    assert (code, status) == ("DeleteConflict", 409), (code, message)
    sts = client("sts")
    # Another device's code, or none of this device's, is refused as AWS refuses it.
    code, message, status = error_of(sts.get_session_token, SerialNumber=serial, TokenCode="000000"
                                     if totp(seed, now_step()) != "000000" else "111111")
    assert (code, status) == ("AccessDenied", 403), (code, message)
    assert message == "MultiFactorAuthentication failed with invalid MFA one time pass code.", message
    creds = sts.get_session_token(SerialNumber=serial, TokenCode=totp(seed, now_step()))["Credentials"]
    temp = boto3.session.Session().client("sts", endpoint_url=server.endpoint, region_name="us-east-1",
                                          aws_access_key_id=creds["AccessKeyId"],
                                          aws_secret_access_key=creds["SecretAccessKey"],
                                          aws_session_token=creds["SessionToken"])
    assert temp.get_caller_identity()["Arn"] == f"arn:aws:iam::{ACCOUNT}:root"
    # A user cannot use the root's device.
    user = client("sts", *user_with_key("not-root"))
    code, message, _ = error_of(user.get_session_token, SerialNumber=serial, TokenCode=totp(seed, now_step() + 1))
    assert code == "AccessDenied" and "associated with this user" in message, message
    # Removed in the console: unassigned again, and deletable.
    status, answer = post("root-mfa/deactivate", {"serialNumber": serial})
    assert status == 200, answer
    assert iam.list_mfa_devices()["MFADevices"] == []
    assert iam.get_account_summary()["SummaryMap"]["AccountMFAEnabled"] == 0
    iam.delete_virtual_mfa_device(SerialNumber=serial)


finish(tmp)

#!/usr/bin/python3
"""End-to-end test of master keys by configuration and their rotation (docs/operations.md
"Keys and their rotation") against `iamd serve`, with boto3.

Key 1 is the data folder's master.key (what a server made on its first start). With it: IAM
users with access keys, an enabled virtual MFA device, an STS session (GetSessionToken).
Then the documented procedure: (1) key 2 accepted, (2) key 2 current and key 1 accepted,
(3) `iamd keys reseal`, (4) key 1 dropped. At every step the old access keys, the MFA device
and the STS session token made before keep working and new ones work; after step 4 the stored
secrets still open (re-sealed) while the session token sealed with key 1 is refused. Also:
bad key files are clear errors, and a reseal that cannot open a secret changes nothing.
Prints one line per check and a closing "N passed, N failed". Run by ctest as e2e_keys:
    tests/e2e/keys_test.py PATH/TO/iamd
"""
import base64
import hashlib
import hmac
import os
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import ACCOUNT, IAMD, Server, check, client, error_of  # noqa: E402

INVALID_TOKEN = ("InvalidClientTokenId", "The security token included in the request is invalid.", 403)


def totp(seed, step):
    mac = hmac.new(seed, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[19] & 0x0F
    return f"{(struct.unpack('>I', mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000:06d}"


def now_step():
    return int(time.time()) // 30


def iamd(*args, env=None):
    run_env = dict(os.environ)
    run_env.pop("IAMD_MASTER_KEY_FILE", None)
    run_env.update(env or {})
    return subprocess.run([IAMD, *args], capture_output=True, text=True, env=run_env)


tmp = tempfile.mkdtemp(prefix="iamd-e2e-keys-")
data = os.path.join(tmp, "data")
key1 = os.path.join(data, "master.key")
key2 = os.path.join(tmp, "key2")
running = None


def start(*args, env=None):
    """Restarts the server on the same data folder with these key flags."""
    global running
    if running is not None and running.proc.poll() is None:
        running.stop()
    running = Server(data, env=env, args=args)
    running.start()
    harness.server = running
    return running


state = {}
# The MFA steps used so far: every check uses two newer ones (a used step is refused: no replay).
next_step = [now_step() + 1]


def mfa_works():
    """ResyncMFADevice opens the sealed seed and checks two consecutive codes."""
    s = next_step[0]
    next_step[0] += 2
    client("iam").resync_mfa_device(UserName="alice", SerialNumber=state["serial"],
                                    AuthenticationCode1=totp(state["seed"], s),
                                    AuthenticationCode2=totp(state["seed"], s + 1))


def caller(creds):
    sts = client("sts", creds["AccessKeyId"], creds["SecretAccessKey"])
    if "SessionToken" in creds:
        sts = harness.boto3.session.Session().client(
            "sts", endpoint_url=harness.server.endpoint, region_name="us-east-1",
            aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"])
    return sts.get_caller_identity()["Arn"]


def everything_made_before_works(label):
    assert caller(state["alice"]) == f"arn:aws:iam::{ACCOUNT}:user/alice", label
    assert caller(state["session1"]) == f"arn:aws:iam::{ACCOUNT}:user/alice", label
    assert client("iam").get_user()["User"]["Arn"].endswith(":root"), label  # the root key
    mfa_works()


def new_ones_work(name):
    iam = client("iam")
    iam.create_user(UserName=name)
    k = iam.create_access_key(UserName=name)["AccessKey"]
    key = {"AccessKeyId": k["AccessKeyId"], "SecretAccessKey": k["SecretAccessKey"]}
    assert caller(key) == f"arn:aws:iam::{ACCOUNT}:user/{name}"
    session = client("sts", key["AccessKeyId"], key["SecretAccessKey"]).get_session_token()["Credentials"]
    assert caller(session) == f"arn:aws:iam::{ACCOUNT}:user/{name}"
    return key, session


@check("key 1 (the data folder's master.key): users, keys, an MFA device and an STS session")
def _():
    srv = start()
    assert "master key " in srv.output(), srv.output()
    iam = client("iam")
    iam.create_user(UserName="alice")
    k = iam.create_access_key(UserName="alice")["AccessKey"]
    state["alice"] = {"AccessKeyId": k["AccessKeyId"], "SecretAccessKey": k["SecretAccessKey"]}
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice-phone")["VirtualMFADevice"]
    state["serial"] = device["SerialNumber"]
    state["seed"] = base64.b32decode(device["Base32StringSeed"])
    s = now_step() - 1
    iam.enable_mfa_device(UserName="alice", SerialNumber=state["serial"], AuthenticationCode1=totp(state["seed"], s),
                          AuthenticationCode2=totp(state["seed"], s + 1))
    state["session1"] = client("sts", k["AccessKeyId"], k["SecretAccessKey"]).get_session_token()["Credentials"]
    everything_made_before_works("key 1")


@check("iamd keys generate writes a private 32-byte key, never over an existing file")
def _():
    r = iamd("keys", "generate", key2)
    assert r.returncode == 0, r.stderr
    assert os.stat(key2).st_mode & 0o777 == 0o600
    assert os.path.getsize(key2) == 32
    assert "new master key " in r.stdout, r.stdout
    state["key2_bytes"] = open(key2, "rb").read()
    again = iamd("keys", "generate", key2)
    assert again.returncode != 0 and "exists already" in again.stderr, again.stderr
    assert open(key2, "rb").read() == state["key2_bytes"]


@check("bad key files are clear errors and the server does not start")
def _():
    running.stop()
    bad = os.path.join(tmp, "bad")
    os.makedirs(bad)
    short = os.path.join(bad, "short")
    with open(short, "wb") as f:
        f.write(b"x" * 31)
    os.chmod(short, 0o600)
    shared = os.path.join(bad, "shared")
    with open(shared, "wb") as f:
        f.write(os.urandom(32))
    os.chmod(shared, 0o644)
    link = os.path.join(bad, "link")
    os.symlink(key2, link)
    cases = [
        (["--master-key-file", os.path.join(bad, "missing")], "does not exist"),
        (["--master-key-file", short], "is not a 32-byte key"),
        (["--master-key-file", shared], "readable by other users"),
        (["--master-key-file", link], "symbolic link"),
        (["--master-key-file", key1, "--accept-master-key-file", short], "is not a 32-byte key"),
    ]
    for args, words in cases:
        r = subprocess.run([IAMD, "serve", "--listen", "127.0.0.1:0", "--data", data, *args], capture_output=True,
                           text=True, timeout=30)
        assert r.returncode == 1, (args, r.returncode, r.stdout, r.stderr)
        assert words in r.stderr, (args, r.stderr)
    r = iamd("keys", "reseal", "--data", data, env={"IAMD_MASTER_KEY_FILE": short})
    assert r.returncode == 1 and "is not a 32-byte key" in r.stderr, r.stderr


@check("step 1: key 2 accepted on every node; everything made before works, new ones too")
def _():
    srv = start("--master-key-file", key1, "--accept-master-key-file", key2)
    assert "(also opens " in srv.output(), srv.output()
    everything_made_before_works("step 1")
    new_ones_work("made-at-step1")


@check("step 2: key 2 current, key 1 accepted; everything made before works, new ones sealed with key 2 too")
def _():
    start("--master-key-file", key2, "--accept-master-key-file", key1)
    everything_made_before_works("step 2")
    state["bob"], state["session2"] = new_ones_work("bob")
    s = now_step()
    client("iam").create_virtual_mfa_device(VirtualMFADeviceName="bob-phone")
    assert s > 0


@check("a reseal without key 1 in the ring fails and changes nothing")
def _():
    running.stop()
    r = iamd("keys", "reseal", "--data", data, "--master-key-file", key2)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "nothing re-sealed" in r.stderr and "does not open" in r.stderr, r.stderr
    # Nothing changed: key 1 alone still opens alice's secret and the MFA seed.
    start("--master-key-file", key1, "--accept-master-key-file", key2)
    everything_made_before_works("after the failed reseal")


@check("step 3: iamd keys reseal re-seals every stored secret under key 2 (server stopped: SQLite)")
def _():
    running.stop()
    r = iamd("keys", "reseal", "--data", data, "--master-key-file", key2, "--accept-master-key-file", key1)
    assert r.returncode == 0, r.stderr
    assert "re-sealed under master key" in r.stdout, r.stdout
    # The root key, alice's, made-at-step1's: 3 keys sealed with key 1; bob's was sealed with key 2.
    assert " 3 access keys, 1 MFA devices" in r.stdout, r.stdout
    again = iamd("keys", "reseal", "--data", data, "--master-key-file", key2, "--accept-master-key-file", key1)
    assert again.returncode == 0 and " 0 access keys, 0 MFA devices" in again.stdout, again.stdout
    start("--master-key-file", key2, "--accept-master-key-file", key1)
    everything_made_before_works("step 3")
    assert caller(state["bob"]).endswith(":user/bob")


@check("step 4: key 1 dropped (IAMD_MASTER_KEY_FILE): stored secrets open, key 1's session token is refused")
def _():
    start(env={"IAMD_MASTER_KEY_FILE": key2})
    assert "(also opens " not in running.output(), running.output()
    assert caller(state["alice"]).endswith(":user/alice")
    assert client("iam").get_user()["User"]["Arn"].endswith(":root")
    mfa_works()
    assert caller(state["bob"]).endswith(":user/bob")
    assert caller(state["session2"]).endswith(":user/bob"), "a token sealed with key 2 still works"
    assert error_of(caller, state["session1"]) == INVALID_TOKEN
    new_ones_work("made-at-step4")


@check("key 2 alone, without the rotation's reseal, would not open key 1's secrets (the reseal did it)")
def _():
    # A secret sealed with key 1 and never re-sealed: the account tool's new root key is sealed
    # with key 1 here, then the server runs with key 2 alone.
    running.stop()
    r = iamd("account", "create", "--data", data, "--master-key-file", key1, "--account-id", "210987654321")
    assert r.returncode == 0, r.stderr
    pairs = [line.split(" = ", 1) for line in r.stdout.splitlines() if " = " in line]
    values = {k.strip(): v.strip() for k, v in pairs}
    root_key, root_secret = values["aws_access_key_id"], values["aws_secret_access_key"]
    start("--master-key-file", key2)
    code, _, status = error_of(caller, {"AccessKeyId": root_key, "SecretAccessKey": root_secret})
    assert status in (403, 500), (code, status)
    start("--master-key-file", key2, "--accept-master-key-file", key1)
    assert caller({"AccessKeyId": root_key, "SecretAccessKey": root_secret}).endswith(":root")


try:
    if running is not None and running.proc.poll() is None:
        running.stop()
finally:
    harness.server = None
    harness.finish(tmp)

#!/usr/bin/python3
"""End-to-end tests of `iamd serve`'s start-up: the root credential (rotation through the
environment, a root key deleted through the API, recovery), the data folder's privacy
(modes under umask 000, a folder open to others, planted symbolic links) and the aws CLI
credentials file written at first start (docs/operations.md).

Each check starts its own servers on fresh data folders under one temporary folder:
    tests/e2e/bootstrap_test.py PATH/TO/iamd
"""
import os
import re
import stat
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402 (the server the helpers talk to is harness.server)
from harness import *  # noqa: E402,F401,F403 (the shared scaffolding)

tmp = tempfile.mkdtemp(prefix="iamd-e2e-bootstrap-")
KEY_ENV, SECRET_ENV, ACCOUNT_ENV = "IAMD_ROOT_ACCESS_KEY_ID", "IAMD_ROOT_SECRET_ACCESS_KEY", "IAMD_ACCOUNT_ID"
NO_ROOT_ENV = {KEY_ENV: None, SECRET_ENV: None, ACCOUNT_ENV: None}


def new_server(name, env=None, umask=None):
    os.makedirs(os.path.join(tmp, name), exist_ok=True)
    harness.server = Server(os.path.join(tmp, name, "data"), env=env, umask=umask)
    return harness.server


def restart(s, env=None):
    if s.proc is not None and s.proc.poll() is None:
        assert s.stop() == 0
    if env is not None:
        s.env = env
    harness.server = s
    s.start()


def arn_of(key, secret):
    return client("sts", key, secret).get_caller_identity()["Arn"]


def refused(key, secret):
    return error_of(client("sts", key, secret).get_caller_identity)[0]


def mode(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


def read(path):
    with open(path) as f:
        return f.read()


def cli_env(s):
    """A clean environment for the aws CLI: no keys, no config, only the server's file."""
    home = os.path.join(tmp, "cli-home")
    os.makedirs(home, exist_ok=True)
    return {"PATH": os.path.dirname(AWS) + ":/usr/bin:/bin", "HOME": home,
            "AWS_CONFIG_FILE": os.path.join(home, "no-config"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(s.data, "aws-credentials")}


def cli_identity(s):
    out = subprocess.run([AWS, "--profile", "iamd", "--endpoint-url", s.endpoint, "sts", "get-caller-identity",
                          "--output", "json"], env=cli_env(s), check=True, capture_output=True, text=True).stdout
    return json.loads(out)


ROOT_ARN = f"arn:aws:iam::{ACCOUNT}:root"
KEY2, SECRET2 = "AKIAROOTEXAMPLE00002", "secondsecretsecondsecretsecondsecret0002"
SECRET1B = "rotatedsecretrotatedsecretrotatedsecret1"
KEY4, SECRET4 = "AKIAROOTEXAMPLE00004", "fourthsecretfourthsecretfourthsecret0004"

# ---------------------------------------------------------------- rotation

rot = new_server("rotation")
rot.start()


@check("changing IAMD_ROOT_SECRET_ACCESS_KEY and restarting replaces the secret")
def _():
    assert arn_of(ROOT_KEY, ROOT_SECRET) == ROOT_ARN
    restart(rot, {SECRET_ENV: SECRET1B})
    assert refused(ROOT_KEY, ROOT_SECRET) == "SignatureDoesNotMatch"
    assert arn_of(ROOT_KEY, SECRET1B) == ROOT_ARN


@check("changing IAMD_ROOT_ACCESS_KEY_ID and restarting replaces the key: the old one is InvalidClientTokenId")
def _():
    restart(rot, {KEY_ENV: KEY2, SECRET_ENV: SECRET2})
    assert refused(ROOT_KEY, SECRET1B) == "InvalidClientTokenId"
    assert arn_of(KEY2, SECRET2) == ROOT_ARN
    keys = [k["AccessKeyId"] for k in client("iam", KEY2, SECRET2).list_access_keys()["AccessKeyMetadata"]]
    assert keys == [KEY2], keys
    assert "replaces " + ROOT_KEY in rot.output(), rot.output()


@check("root-credentials and aws-credentials follow the rotation; the aws CLI uses the new key")
def _():
    text = read(os.path.join(rot.data, "root-credentials"))
    assert f"access_key_id={KEY2}\n" in text and f"secret_access_key={SECRET2}\n" in text, text
    aws = read(os.path.join(rot.data, "aws-credentials"))
    assert f"aws_access_key_id = {KEY2}\n" in aws and f"aws_secret_access_key = {SECRET2}\n" in aws, aws
    assert cli_identity(rot)["Arn"] == ROOT_ARN


@check("a secret given in the environment is not rewritten at every start")
def _():
    files = [os.path.join(rot.data, n) for n in ("root-credentials", "aws-credentials", "master.key")]
    before = [(os.stat(f).st_ino, os.stat(f).st_mtime_ns) for f in files]
    restart(rot)
    after = [(os.stat(f).st_ino, os.stat(f).st_mtime_ns) for f in files]
    assert before == after, (before, after)
    assert arn_of(KEY2, SECRET2) == ROOT_ARN


@check("a root key deleted through the API (DeleteAccessKey by root) stays deleted across restarts")
def _():
    k3 = client("iam", KEY2, SECRET2).create_access_key()["AccessKey"]
    key3, secret3 = k3["AccessKeyId"], k3["SecretAccessKey"]
    client("iam", key3, secret3).delete_access_key(AccessKeyId=KEY2)
    assert refused(KEY2, SECRET2) == "InvalidClientTokenId"
    restart(rot)
    assert refused(KEY2, SECRET2) == "InvalidClientTokenId"
    assert "was deleted through the API and stays deleted" in rot.output(), rot.output()
    assert arn_of(key3, secret3) == ROOT_ARN
    keys = [k["AccessKeyId"] for k in client("iam", key3, secret3).list_access_keys()["AccessKeyMetadata"]]
    assert keys == [key3], keys
    # Every root key gone: still nothing re-created by a plain restart.
    client("iam", key3, secret3).delete_access_key(AccessKeyId=key3)
    restart(rot)
    assert refused(KEY2, SECRET2) == "InvalidClientTokenId"
    assert refused(key3, secret3) == "InvalidClientTokenId"


@check("recovery after every root key was deleted: a new key in the environment")
def _():
    restart(rot, {KEY_ENV: KEY4, SECRET_ENV: SECRET4})
    assert arn_of(KEY4, SECRET4) == ROOT_ARN
    assert refused(KEY2, SECRET2) == "InvalidClientTokenId"


@check("recovery without the environment: remove the key lines of root-credentials, restart, a new key is shown")
def _():
    assert rot.stop() == 0
    path = os.path.join(rot.data, "root-credentials")
    kept = [line for line in read(path).splitlines(True)
            if not line.startswith(("access_key_id=", "secret_access_key="))]
    with open(path, "w") as f:
        f.write("".join(kept))
    restart(rot, {KEY_ENV: None, SECRET_ENV: None, ACCOUNT_ENV: None})
    out = rot.output()
    assert f"new root access key for account {ACCOUNT}" in out, out
    key = re.search(r"aws configure set aws_access_key_id (\S+) --profile iamd", out).group(1)
    secret = re.search(r"aws configure set aws_secret_access_key (\S+) --profile iamd", out).group(1)
    assert arn_of(key, secret) == ROOT_ARN
    assert refused(KEY4, SECRET4) == "InvalidClientTokenId"  # the one it replaces
    restart(rot)
    assert "aws_secret_access_key" not in rot.output(), rot.output()  # shown once
    assert arn_of(key, secret) == ROOT_ARN
    assert cli_identity(rot)["Arn"] == ROOT_ARN


assert rot.stop() == 0


@check("changing IAMD_ACCOUNT_ID alone moves the root key to the new account")
def _():
    moved = new_server("account")
    moved.start()
    assert arn_of(ROOT_KEY, ROOT_SECRET) == ROOT_ARN
    restart(moved, {ACCOUNT_ENV: "210987654321"})
    assert arn_of(ROOT_KEY, ROOT_SECRET) == "arn:aws:iam::210987654321:root"
    assert moved.stop() == 0

# ---------------------------------------------------------------- first start, aws CLI

first = new_server("first", env=NO_ROOT_ENV)
first.start()


@check("first start: the root key, the aws configure lines and the endpoint are printed")
def _():
    out = first.output()
    port = first.endpoint.rsplit(":", 1)[1]
    key = re.search(r"aws configure set aws_access_key_id (AKIA[A-Z0-9]{16}) --profile iamd\n", out).group(1)
    secret = re.search(r"aws configure set aws_secret_access_key (\S{40}) --profile iamd\n", out).group(1)
    assert "aws configure set region us-east-1 --profile iamd\n" in out, out
    assert f"--endpoint-url http://127.0.0.1:{port} " in out, out
    account = re.search(r"created account (\d{12}) with root access key", out).group(1)
    assert arn_of(key, secret) == f"arn:aws:iam::{account}:root"


@check("first start: <data>/aws-credentials (0600, profile iamd, region) works with the aws CLI as printed")
def _():
    path = os.path.join(first.data, "aws-credentials")
    assert mode(path) == 0o600, oct(mode(path))
    text = read(path)
    assert "[iamd]\n" in text and "region = us-east-1\n" in text, text
    account = re.search(r"created account (\d{12})", first.output()).group(1)
    assert cli_identity(first)["Arn"] == f"arn:aws:iam::{account}:root"
    # The command line the server printed, run as printed.
    line = re.search(r"aws CLI: (.*)\n", first.output()).group(1)
    out = subprocess.run(["bash", "-c", line + " --output json"], env=cli_env(first), check=True,
                         capture_output=True, text=True).stdout
    assert json.loads(out)["Arn"] == f"arn:aws:iam::{account}:root", out


assert first.stop() == 0

# ---------------------------------------------------------------- privacy of the data folder


def all_entries(root):
    for d, dirs, files in os.walk(root):
        for name in dirs:
            yield os.path.join(d, name), True
        for name in files:
            yield os.path.join(d, name), False


def assert_private(root):
    assert mode(root) == 0o700, oct(mode(root))
    for path, is_dir in all_entries(root):
        assert not os.path.basename(path).startswith("."), f"temporary file left: {path}"
        assert mode(path) == (0o700 if is_dir else 0o600), (path, oct(mode(path)))


loose = new_server("umask", umask=0)


@check("under umask 000 the folder is 0700 and every file (store, -wal, -shm, lock, keys) 0600")
def _():
    loose.start()
    client("iam").create_user(UserName="writes-to-the-wal")
    assert_private(loose.data)
    names = {os.path.relpath(p, loose.data) for p, _ in all_entries(loose.data)}
    for expected in ("master.key", "root-credentials", "aws-credentials", "store", "store/iamd.db",
                     "store/iamd.db-wal", "store/iamd.db-shm", "store/iamd.lock"):
        assert expected in names, (expected, names)
    assert_private(loose.data)
    restart(loose, {SECRET_ENV: SECRET1B})  # rotation rewrites the credential files under umask 000
    assert arn_of(ROOT_KEY, SECRET1B) == ROOT_ARN
    assert_private(loose.data)


@check("a data folder open to others is tightened with a warning (folder, store files, credentials)")
def _():
    assert loose.stop() == 0
    loose.umask = None
    os.chmod(loose.data, 0o777)
    os.chmod(os.path.join(loose.data, "store"), 0o755)
    os.chmod(os.path.join(loose.data, "store", "iamd.db"), 0o644)
    os.chmod(os.path.join(loose.data, "root-credentials"), 0o644)
    restart(loose)
    out = loose.output()
    for name in ("data was open", "store was open", "iamd.db was open", "root-credentials was open"):
        assert name in out, (name, out)
    assert_private(loose.data)
    user = client("iam", ROOT_KEY, SECRET1B).get_user(UserName="writes-to-the-wal")["User"]
    assert user["UserName"] == "writes-to-the-wal"


@check("a new data folder made beforehand with mode 0777 is tightened to 0700")
def _():
    made = new_server("premade")
    os.makedirs(made.data)
    os.chmod(made.data, 0o777)
    made.start()
    assert mode(made.data) == 0o700
    assert "was open to other users (mode 0777); set to 0700" in made.output(), made.output()
    assert made.stop() == 0
    harness.server = loose


@check("a master.key readable by others is refused, not used")
def _():
    assert loose.stop() == 0
    key = os.path.join(loose.data, "master.key")
    os.chmod(key, 0o644)
    try:
        loose.start()
        raise AssertionError("iamd started with a master.key readable by others")
    except RuntimeError as e:
        assert "chmod 600" in str(e), e
    assert loose.proc.returncode == 1
    os.chmod(key, 0o600)
    loose.start()


@check("a symbolic link planted where a temporary file would go is not followed")
def _():
    assert loose.stop() == 0
    victim = os.path.join(tmp, "victim")
    with open(victim, "w") as f:
        f.write("untouched")
    planted = [os.path.join(loose.data, n) for n in ("root-credentials.tmp", "aws-credentials.tmp",
                                                     "master.key.tmp", ".root-credentials.tmp")]
    for p in planted:
        os.symlink(victim, p)
    restart(loose, {SECRET_ENV: ROOT_SECRET})  # a rotation: both credential files are written
    assert read(victim) == "untouched"
    assert all(os.path.islink(p) for p in planted)
    assert f"secret_access_key={ROOT_SECRET}\n" in read(os.path.join(loose.data, "root-credentials"))
    assert arn_of(ROOT_KEY, ROOT_SECRET) == ROOT_ARN
    for p in planted:
        os.unlink(p)


@check("a symbolic link in place of a credential file is refused, its target untouched")
def _():
    assert loose.stop() == 0
    victim = os.path.join(tmp, "victim")
    aws = os.path.join(loose.data, "aws-credentials")
    os.unlink(aws)
    os.symlink(victim, aws)
    try:
        restart(loose, {SECRET_ENV: SECRET1B})
        raise AssertionError("iamd started with a link in its data folder")
    except RuntimeError as e:
        assert "symbolic link" in str(e), e
    assert read(victim) == "untouched"
    os.unlink(aws)
    restart(loose)
    assert arn_of(ROOT_KEY, SECRET1B) == ROOT_ARN
    assert mode(aws) == 0o600 and "aws_secret_access_key = " + SECRET1B in read(aws)


# ---------------------------------------------------------------- README's first command


@check("scripts/run installs the server's packages only and builds only the iamd target (Release, no tests), then serves")
def _():
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sandbox = os.path.join(tmp, "run-sandbox")
    bin_dir = os.path.join(sandbox, "bin")
    os.makedirs(os.path.join(sandbox, "scripts"))
    os.makedirs(os.path.join(sandbox, "build-server", "src", "cli"))
    os.makedirs(bin_dir)
    log = os.path.join(sandbox, "log")
    shutil.copy(os.path.join(repo, "scripts", "run"), os.path.join(sandbox, "scripts", "run"))

    def stub(path, name):
        with open(path, "w") as f:
            f.write(f'#!/bin/sh\necho "{name} $*" >> "{log}"\n')
        os.chmod(path, 0o755)

    # Stand-ins that record how they are called: the package installer, the build tools, iamd.
    stub(os.path.join(sandbox, "scripts", "setup"), "setup")
    stub(os.path.join(sandbox, "scripts", "build"), "build")
    for tool in ("cmake", "ninja", "make"):
        stub(os.path.join(bin_dir, tool), tool)
    stub(os.path.join(sandbox, "build-server", "src", "cli", "iamd"), "iamd")
    subprocess.run([os.path.join(sandbox, "scripts", "run")], check=True, cwd=sandbox,
                   env={"PATH": bin_dir + ":/usr/bin:/bin"})
    calls = read(log).splitlines()
    builds = [c.split() for c in calls if c.split()[0] in ("ninja", "make", "build")]
    assert builds, calls
    for b in builds:
        assert b[0] == "ninja" and b[-1] == "iamd" and "build-server" in b, calls  # one target, nothing else
    configure = [c for c in calls if c.startswith("cmake ")]
    assert configure and all("CMAKE_BUILD_TYPE=Release" in c and "IAMD_TESTS=OFF" in c and "IAMD_BENCH=OFF" in c
                             for c in configure), calls
    assert "setup server" in calls, calls  # no test, benchmark or fuzzing packages
    assert calls[-1] == "iamd serve --listen 127.0.0.1:8080 --data iamd-data", calls


finish(tmp)

"""Shared scaffolding of the end-to-end tests (tests/e2e/*_test.py): start the real
`iamd serve` on a free loopback port with a fresh data folder, make boto3 clients, run
named checks that report and go on, and close with "N passed, N failed".
Not a test itself (ctest runs only *_test.py).
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.credentials
import botocore.exceptions

IAMD = sys.argv[1] if len(sys.argv) > 1 else "build-release/src/cli/iamd"
ACCOUNT = "123456789012"
ROOT_KEY = "AKIAROOTEXAMPLE00001"
ROOT_SECRET = "rootsecretrootsecretrootsecretrootsecret"
# Debian's aws CLI (awscli 2.9, what scripts/setup installs) even where PATH names another one
# first (a pyenv shim, a newer CLI): the tests must pass with the CLI a fresh machine has.
AWS = "/usr/bin/aws" if os.access("/usr/bin/aws", os.X_OK) else (shutil.which("aws") or "/usr/bin/aws")

results = []


def check(name):
    def wrap(fn):
        try:
            fn()
            results.append((name, True, ""))
            print(f"ok   {name}", flush=True)
        except Exception as e:  # a failed check is reported, the run goes on
            results.append((name, False, repr(e)))
            print(f"FAIL {name}: {e!r}", flush=True)
            traceback.print_exc()
        return fn
    return wrap


class Server:
    """One `iamd serve` on a free port. `env`: variables to set over the defaults (the root
    key above), a value None removes one; `umask`: the umask the server runs under; `args`:
    more `iamd serve` options; `ca`: the CA bundle that clients verify an https:// endpoint
    with (--tls-cert). `lines` holds what it printed (stdout and stderr) up to the
    "listening on" line."""

    def __init__(self, data, env=None, umask=None, args=(), ca=None):
        self.data = data
        self.ca = ca
        self.args = list(args)
        self.env = dict(env or {})
        self.umask = umask
        self.proc = None
        self.endpoint = None
        self.lines = []

    def start(self):
        env = dict(os.environ, IAMD_ACCOUNT_ID=ACCOUNT, IAMD_ROOT_ACCESS_KEY_ID=ROOT_KEY,
                   IAMD_ROOT_SECRET_ACCESS_KEY=ROOT_SECRET)
        for name, value in self.env.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        extra = {} if self.umask is None else {"umask": self.umask}
        self.lines = []
        self.proc = subprocess.Popen([IAMD, "serve", "--listen", "127.0.0.1:0", "--data", self.data, *self.args],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, **extra)
        deadline = time.time() + 20
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.lines.append(line)
            if "listening on http://" in line or "listening on https://" in line:
                self.endpoint = line.strip().split("listening on ")[1]
                return
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=20)
        raise RuntimeError("iamd did not start: " + "".join(self.lines))

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        self.proc.wait(timeout=20)
        return self.proc.returncode

    def output(self):
        return "".join(self.lines)


def client(service, key=ROOT_KEY, secret=ROOT_SECRET):
    return boto3.session.Session().client(service, endpoint_url=server.endpoint, region_name="us-east-1",
                        aws_access_key_id=key, aws_secret_access_key=secret, verify=server.ca)


def error_of(fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    raise AssertionError("the call succeeded")


def user_with_key(name, managed=(), inline=None, boundary=None):
    iam = client("iam")
    kwargs = {"UserName": name}
    if boundary:
        kwargs["PermissionsBoundary"] = boundary
    iam.create_user(**kwargs)
    for arn in managed:
        iam.attach_user_policy(UserName=name, PolicyArn=arn)
    if inline:
        iam.put_user_policy(UserName=name, PolicyName="inline", PolicyDocument=json.dumps(inline))
    k = iam.create_access_key(UserName=name)["AccessKey"]
    return k["AccessKeyId"], k["SecretAccessKey"]


def aws_cli(*args, key=ROOT_KEY, secret=ROOT_SECRET, cwd=None):
    """Runs `aws iam ARGS` (the real aws CLI) against the server with a private HOME and no
    config files, in `cwd` (for file:// arguments); returns the parsed JSON output, or None
    when it printed nothing."""
    home = os.path.join(os.path.dirname(server.data), "cli-home")  # removed by finish()
    os.makedirs(home, exist_ok=True)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home,
           "AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": secret, "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_CONFIG_FILE": os.path.join(home, "config"),
           "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "credentials")}
    ca = ["--ca-bundle", server.ca] if server.ca else []
    out = subprocess.run([AWS, "iam", *args, "--endpoint-url", server.endpoint, "--output", "json", *ca],
                         env=env, check=True, capture_output=True, text=True, cwd=cwd).stdout
    return json.loads(out) if out.strip() else None


server = None


def start_server(name):
    """Starts iamd on a fresh data folder; returns (server, temporary folder)."""
    global server
    tmp = tempfile.mkdtemp(prefix=f"iamd-e2e-{name}-")
    server = Server(os.path.join(tmp, "data"))
    server.start()
    return server, tmp


def finish(tmp):
    """Stops the server (when running), removes the folder, prints the summary and exits."""
    try:
        if server is not None and server.proc is not None and server.proc.poll() is None:
            server.stop(signal.SIGINT)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    passed = sum(1 for r in results if r[1])
    failed = len(results) - passed
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)

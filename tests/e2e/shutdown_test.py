#!/usr/bin/python3
"""End-to-end test of the graceful stop (`iamd serve --shutdown-grace`): at SIGTERM a request
whose body is still being sent and a write waiting for the store both get their complete 200
answers with `Connection: close`, new connections are refused at once, the process exits 0
within the grace, and both writes are there after a restart.
    tests/e2e/shutdown_test.py PATH/TO/iamd
"""
import socket
import sqlite3
import sys
import urllib.parse

sys.path.insert(0, __import__("os").path.dirname(__file__))
import harness  # noqa: E402
from harness import *  # noqa: E402,F401,F403 (the shared scaffolding)

GRACE = 4
FORM = "application/x-www-form-urlencoded; charset=utf-8"

tmp = tempfile.mkdtemp(prefix="iamd-e2e-shutdown-")
data = os.path.join(tmp, "data")
harness.server = Server(data, args=["--shutdown-grace", str(GRACE)])
harness.server.start()
srv = harness.server


def port():
    return urllib.parse.urlparse(srv.endpoint).port


def signed_create_user(name):
    """The head and body of a signed CreateUser request, as bytes."""
    body = f"Action=CreateUser&UserName={name}&Version=2010-05-08"
    req = botocore.awsrequest.AWSRequest(method="POST", url=srv.endpoint + "/", data=body,
                                         headers={"Content-Type": FORM})
    botocore.auth.SigV4Auth(botocore.credentials.Credentials(ROOT_KEY, ROOT_SECRET), "iam", "us-east-1").add_auth(req)
    head = f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port()}\r\nContent-Length: {len(body)}\r\n"
    for k, v in req.headers.items():
        head += f"{k}: {v.decode() if isinstance(v, bytes) else v}\r\n"
    return (head + "\r\n").encode(), body.encode()


def read_response(sock):
    """Everything the server sends until it closes: (status, {lowercase header: value}, body)."""
    sock.settimeout(15)
    raw = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    assert int(headers.get("content-length", "-1")) == len(body), (headers, body)
    return int(lines[0].split()[1]), headers, body.decode()


@check("SIGTERM: a body still being sent and a write waiting for the store finish with 200 and "
       "Connection: close; new connections are refused; exit 0 within the grace")
def _():
    # An outside writer holds the SQLite write lock: iamd's next write waits for it (busy timeout).
    db = sqlite3.connect(os.path.join(data, "store", "iamd.db"), isolation_level=None, timeout=0)
    db.execute("BEGIN IMMEDIATE")
    waiting = socket.create_connection(("127.0.0.1", port()))
    head, body = signed_create_user("long-write")
    waiting.sendall(head + body)
    time.sleep(0.5)  # the write is on the blocking pool, waiting for the lock
    partial = socket.create_connection(("127.0.0.1", port()))
    head, slow_body = signed_create_user("slow-body")
    partial.sendall(head)
    time.sleep(0.3)
    began = time.monotonic()
    srv.proc.send_signal(signal.SIGTERM)
    refused = False
    while time.monotonic() - began < 2 and not refused:
        with socket.socket() as probe:
            refused = probe.connect_ex(("127.0.0.1", port())) != 0
        time.sleep(0.02)
    assert refused, "a new connection was accepted after SIGTERM"
    time.sleep(0.3)
    partial.sendall(slow_body)
    assert srv.proc.poll() is None, "exited with requests in flight"
    time.sleep(0.5)
    db.execute("ROLLBACK")
    db.close()
    for sock, name in ((waiting, "long-write"), (partial, "slow-body")):
        status, headers, text = read_response(sock)
        sock.close()
        assert status == 200, (name, status, text)
        assert headers.get("connection") == "close", (name, headers)
        assert f"<UserName>{name}</UserName>" in text and text.rstrip().endswith("</CreateUserResponse>"), text
    rc = srv.proc.wait(timeout=GRACE + 5)
    took = time.monotonic() - began
    rest = srv.proc.stdout.read()
    assert rc == 0, (rc, rest)
    assert took < GRACE + 1, took
    assert "stopping (SIGTERM)" in rest, rest


@check("both writes are in the store after a restart")
def _():
    srv.start()
    names = [u["UserName"] for u in client("iam").list_users()["Users"]]
    assert "long-write" in names and "slow-body" in names, names


@check("a request still unfinished when the grace ends is cut off, and the process still exits 0")
def _():
    stalled = socket.create_connection(("127.0.0.1", port()))
    head, _ = signed_create_user("never-finished")
    stalled.sendall(head)
    time.sleep(0.3)
    began = time.monotonic()
    srv.proc.send_signal(signal.SIGTERM)
    rc = srv.proc.wait(timeout=GRACE + 5)
    took = time.monotonic() - began
    assert rc == 0, rc
    assert GRACE - 0.5 <= took < GRACE + 2, took
    stalled.settimeout(5)
    assert stalled.recv(4096) == b"", "answered a request whose body never came"
    stalled.close()


finish(tmp)

#!/usr/bin/python3
"""End-to-end test of the graceful stop (`iamd serve --shutdown-grace`): at SIGTERM a request
whose body is still being sent and a write waiting for the store both get their complete 200
answers with `Connection: close`, new connections are refused at once, the process exits 0
within the grace, and both writes are there after a restart.
    tests/e2e/shutdown_test.py PATH/TO/iamd
"""
import socket
import sqlite3
import ssl
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


def port(s=None):
    return urllib.parse.urlparse((s or srv).endpoint).port


def signed_create_user(name, s=None):
    """The head and body of a signed CreateUser request, as bytes."""
    s = s or srv
    body = f"Action=CreateUser&UserName={name}&Version=2010-05-08"
    req = botocore.awsrequest.AWSRequest(method="POST", url=s.endpoint + "/", data=body,
                                         headers={"Content-Type": FORM})
    botocore.auth.SigV4Auth(botocore.credentials.Credentials(ROOT_KEY, ROOT_SECRET), "iam", "us-east-1").add_auth(req)
    head = f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port(s)}\r\nContent-Length: {len(body)}\r\n"
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


def graceful_stop(s, data_dir, prefix, connect):
    """SIGTERM to `s` with a write waiting for the store and a body still coming, over
    connections made by connect(port)."""
    # An outside writer holds the SQLite write lock: iamd's next write waits for it (busy timeout).
    db = sqlite3.connect(os.path.join(data_dir, "store", "iamd.db"), isolation_level=None, timeout=0)
    db.execute("BEGIN IMMEDIATE")
    waiting = connect(port(s))
    head, body = signed_create_user(prefix + "long-write", s)
    waiting.sendall(head + body)
    time.sleep(0.5)  # the write is on the blocking pool, waiting for the lock
    partial = connect(port(s))
    head, slow_body = signed_create_user(prefix + "slow-body", s)
    partial.sendall(head)
    time.sleep(0.3)
    began = time.monotonic()
    s.proc.send_signal(signal.SIGTERM)
    refused = False
    while time.monotonic() - began < 2 and not refused:
        with socket.socket() as probe:
            refused = probe.connect_ex(("127.0.0.1", port(s))) != 0
        time.sleep(0.02)
    assert refused, "a new connection was accepted after SIGTERM"
    time.sleep(0.3)
    partial.sendall(slow_body)
    assert s.proc.poll() is None, "exited with requests in flight"
    time.sleep(0.5)
    db.execute("ROLLBACK")
    db.close()
    for sock, name in ((waiting, prefix + "long-write"), (partial, prefix + "slow-body")):
        status, headers, text = read_response(sock)
        sock.close()
        assert status == 200, (name, status, text)
        assert headers.get("connection") == "close", (name, headers)
        assert f"<UserName>{name}</UserName>" in text and text.rstrip().endswith("</CreateUserResponse>"), text
    rc = s.proc.wait(timeout=GRACE + 5)
    took = time.monotonic() - began
    rest = s.proc.stdout.read()
    assert rc == 0, (rc, rest)
    assert took < GRACE + 1, took
    assert "stopping (SIGTERM)" in rest, rest


@check("SIGTERM: a body still being sent and a write waiting for the store finish with 200 and "
       "Connection: close; new connections are refused; exit 0 within the grace")
def _():
    graceful_stop(srv, data, "", lambda p: socket.create_connection(("127.0.0.1", p)))


@check("the same over TLS")
def _():
    pki = os.path.join(tmp, "pki")
    os.makedirs(pki)
    cert, key = os.path.join(pki, "cert.pem"), os.path.join(pki, "key.pem")
    subprocess.run(["/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    os.chmod(key, 0o600)
    tls_data = os.path.join(tmp, "data-tls")
    s = Server(tls_data, args=["--shutdown-grace", str(GRACE), "--tls-cert", cert, "--tls-key", key], ca=cert)
    s.start()
    assert s.endpoint.startswith("https://"), s.endpoint
    ctx = ssl.create_default_context(cafile=cert)
    graceful_stop(s, tls_data, "tls-",
                  lambda p: ctx.wrap_socket(socket.create_connection(("127.0.0.1", p)), server_hostname="127.0.0.1"))


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

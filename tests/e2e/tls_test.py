#!/usr/bin/python3
"""End-to-end tests of `iamd serve --tls-cert --tls-key`: a root CA, an intermediate CA and a
server certificate made with /usr/bin/openssl in a temporary folder (the certificate file
holds the chain); boto3 (verify=) and the aws CLI (--ca-bundle) calling IAM and STS over
https; aws:SecureTransport over TLS and over plain HTTP; the console cookie's Secure
attribute; a plain-HTTP client on the TLS port; refused starts; SIGHUP reading the files again.
    tests/e2e/tls_test.py PATH/TO/iamd
"""
import http.client
import socket
import ssl
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
import harness  # noqa: E402
from harness import *  # noqa: E402,F401,F403 (the shared scaffolding)

OPENSSL = "/usr/bin/openssl"
tmp = tempfile.mkdtemp(prefix="iamd-e2e-tls-")
pki = os.path.join(tmp, "pki")
os.makedirs(pki)


def openssl(*args):
    subprocess.run([OPENSSL, *args], cwd=pki, check=True, capture_output=True, text=True)


def write(name, text):
    with open(os.path.join(pki, name), "w") as f:
        f.write(text)
    return os.path.join(pki, name)


def read(name):
    with open(os.path.join(pki, name)) as f:
        return f.read()


def make_server_cert(prefix, cn):
    """A P-256 key and a certificate for 127.0.0.1/localhost signed by the intermediate CA;
    returns (chain file: server then intermediate, key file)."""
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", prefix + ".key",
            "-out", prefix + ".csr", "-subj", "/CN=" + cn)
    openssl("x509", "-req", "-in", prefix + ".csr", "-CA", "inter.pem", "-CAkey", "inter.key", "-CAcreateserial",
            "-days", "2", "-sha256", "-extfile", "server.ext", "-out", prefix + ".pem")
    os.chmod(os.path.join(pki, prefix + ".key"), 0o600)
    chain = write(prefix + "-chain.pem", read(prefix + ".pem") + read("inter.pem"))
    return chain, os.path.join(pki, prefix + ".key")


write("ca.ext", "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
      "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n")
write("server.ext", "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
      "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n"
      "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid,issuer\n")
openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=iamd test root CA", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")
openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "inter.key", "-out", "inter.csr",
        "-subj", "/CN=iamd test intermediate CA")
openssl("x509", "-req", "-in", "inter.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
        "-sha256", "-extfile", "ca.ext", "-out", "inter.pem")
CA = os.path.join(pki, "ca.pem")  # the clients trust the root only: the server sends the intermediate
CHAIN, KEY = make_server_cert("server", "iamd first")

tls_server = Server(os.path.join(tmp, "data-tls"), args=["--tls-cert", CHAIN, "--tls-key", KEY], ca=CA)
tls_server.start()
plain_server = Server(os.path.join(tmp, "data-plain"))
plain_server.start()
harness.server = tls_server
HOSTPORT = tls_server.endpoint.split("://")[1]


def use(s):
    harness.server = s


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def served_cert():
    ctx = ssl.create_default_context(cafile=CA)
    with socket.create_connection(("127.0.0.1", int(HOSTPORT.split(":")[1])), timeout=5) as raw:
        with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as s:
            return s.getpeercert()


@check("the endpoint lines say https://, and the server's certificate chain verifies against the root CA")
def _():
    assert tls_server.endpoint.startswith("https://127.0.0.1:"), tls_server.endpoint
    out = tls_server.output()
    for marker in ("--endpoint-url https://127.0.0.1:", "console: https://127.0.0.1:", "listening on https://"):
        assert marker in out, (marker, out)
    assert "http://" not in out, out
    subject = dict(x[0] for x in served_cert()["subject"])
    assert subject["commonName"] == "iamd first", subject


@check("boto3 over https (verify=the CA file): IAM and STS")
def _():
    use(tls_server)
    who = client("sts").get_caller_identity()
    assert who["Arn"] == f"arn:aws:iam::{ACCOUNT}:root", who
    client("iam").create_user(UserName="over-tls")
    names = [u["UserName"] for u in client("iam").list_users()["Users"]]
    assert "over-tls" in names, names
    creds = client("sts").get_session_token()["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA"), creds


@check("boto3 without the CA refuses the server's certificate")
def _():
    s = boto3.session.Session().client("sts", endpoint_url=tls_server.endpoint, region_name="us-east-1",
                                       aws_access_key_id=ROOT_KEY, aws_secret_access_key=ROOT_SECRET)
    try:
        s.get_caller_identity()
    except botocore.exceptions.SSLError:
        return
    raise AssertionError("an unknown CA was accepted")


@check("aws CLI with --ca-bundle: IAM and STS")
def _():
    use(tls_server)
    user = aws_cli("get-user", "--user-name", "over-tls")["User"]
    assert user["UserName"] == "over-tls", user
    home = os.path.join(tmp, "cli-home")
    os.makedirs(home, exist_ok=True)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "AWS_ACCESS_KEY_ID": ROOT_KEY,
           "AWS_SECRET_ACCESS_KEY": ROOT_SECRET, "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_CONFIG_FILE": os.path.join(home, "config"),
           "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "credentials")}
    out = subprocess.run([AWS, "sts", "get-caller-identity", "--endpoint-url", tls_server.endpoint,
                          "--ca-bundle", CA, "--output", "json"], env=env, check=True, capture_output=True,
                         text=True).stdout
    assert json.loads(out)["Account"] == ACCOUNT, out
    refused = subprocess.run([AWS, "sts", "get-caller-identity", "--endpoint-url", tls_server.endpoint],
                             env=env, capture_output=True, text=True)
    assert refused.returncode != 0 and "SSL" in refused.stderr, refused.stderr


SECURE_ONLY = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": ["iam:ListUsers", "iam:GetUser"], "Resource": "*",
    "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}


@check("a policy with aws:SecureTransport true allows over TLS only")
def _():
    use(tls_server)
    key, secret = user_with_key("secure-only", inline=SECURE_ONLY)
    assert any(u["UserName"] == "secure-only" for u in client("iam", key, secret).list_users()["Users"])
    use(plain_server)
    key, secret = user_with_key("secure-only", inline=SECURE_ONLY)
    code, message, status = error_of(client("iam", key, secret).list_users)
    assert (code, status) == ("AccessDenied", 403), (code, message, status)
    use(tls_server)


def console_sign_in(s, user, password, context=None):
    body = json.dumps({"type": "user", "account": ACCOUNT, "userName": user, "password": password}).encode()
    req = urllib.request.Request(s.endpoint + "/console/api/signin", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10, context=context) as r:
        return r.status, r.headers.get_all("Set-Cookie")


@check("the console's sign-in cookie is Secure over TLS (and not over plain HTTP)")
def _():
    for s in (tls_server, plain_server):
        use(s)
        client("iam").create_user(UserName="console-user")
        client("iam").create_login_profile(UserName="console-user", Password="Console-Pass-1234!")
    status, cookies = console_sign_in(tls_server, "console-user", "Console-Pass-1234!",
                                      ssl.create_default_context(cafile=CA))
    assert status == 200 and len(cookies) == 1, (status, cookies)
    attrs = [a.strip() for a in cookies[0].split(";")]
    assert "Secure" in attrs and "HttpOnly" in attrs, cookies
    status, cookies = console_sign_in(plain_server, "console-user", "Console-Pass-1234!")
    assert status == 200 and "Secure" not in [a.strip() for a in cookies[0].split(";")], cookies
    use(tls_server)


@check("keep-alive over TLS: several requests on one connection")
def _():
    conn = http.client.HTTPSConnection("127.0.0.1", int(HOSTPORT.split(":")[1]), timeout=10,
                                       context=ssl.create_default_context(cafile=CA))
    conn.request("GET", "/healthz")
    r = conn.getresponse()
    assert r.status == 200 and r.read() == b"ok\n"
    first = conn.sock
    for _ in range(3):
        conn.request("GET", "/readyz")
        r = conn.getresponse()
        assert r.status == 200 and r.read() == b"ready\n"
    assert conn.sock is first, "the connection was not kept"
    assert first.version() in ("TLSv1.3", "TLSv1.2"), first.version()
    conn.close()


@check("a plain-HTTP client on the TLS port is closed; the server goes on")
def _():
    try:
        with urllib.request.urlopen("http://" + HOSTPORT + "/healthz", timeout=5) as r:
            raise AssertionError(f"answered over plain HTTP: {r.status}")
    except (http.client.RemoteDisconnected, ConnectionResetError, http.client.BadStatusLine) as e:
        print("  (plain client got: " + type(e).__name__ + ")")
    except urllib.error.URLError as e:
        assert isinstance(e.reason, (ConnectionResetError, http.client.RemoteDisconnected)), e
    with socket.create_connection(("127.0.0.1", int(HOSTPORT.split(":")[1])), timeout=5) as s:
        s.sendall(b"\x16\x03\x01\x00\x05junk!")  # a handshake record that holds no client hello
        while s.recv(4096):  # a TLS alert, then the close (a timeout here fails the check)
            pass
    assert client("sts").get_caller_identity()["Account"] == ACCOUNT


@check("SIGHUP reads the certificate and key again; a bad pair keeps the one in use")
def _():
    chain, key = make_server_cert("renewed", "iamd renewed")
    os.replace(chain, CHAIN)
    os.replace(key, KEY)
    tls_server.proc.send_signal(signal.SIGHUP)
    deadline = time.time() + 10
    while time.time() < deadline:
        if dict(x[0] for x in served_cert()["subject"])["commonName"] == "iamd renewed":
            break
        time.sleep(0.1)
    assert dict(x[0] for x in served_cert()["subject"])["commonName"] == "iamd renewed"
    os.chmod(KEY, 0o644)
    tls_server.proc.send_signal(signal.SIGHUP)
    time.sleep(0.5)
    assert tls_server.proc.poll() is None
    assert dict(x[0] for x in served_cert()["subject"])["commonName"] == "iamd renewed"
    os.chmod(KEY, 0o600)
    assert client("sts").get_caller_identity()["Account"] == ACCOUNT


@check("the stop is clean and the log has one line per failed handshake and the reload lines")
def _():
    rc = tls_server.stop()
    rest = tls_server.proc.stdout.read()
    assert rc == 0, (rc, rest)
    failures = [line for line in rest.splitlines() if "TLS handshake failed" in line]
    # The clients without the CA (botocore retries), the plain-HTTP client, the junk record.
    assert len([f for f in failures if f.endswith("alert unknown ca")]) >= 2, rest
    assert len([f for f in failures if f.endswith(": http request")]) == 1, rest
    assert len([f for f in failures if "unknown ca" not in f and "http request" not in f]) == 1, rest
    assert "read again (SIGHUP)" in rest and "not reloaded, the one in use stays" in rest, rest


def refused_start(args, says):
    port = free_port()
    data = tempfile.mkdtemp(dir=tmp)
    env = dict(os.environ, IAMD_ACCOUNT_ID=ACCOUNT, IAMD_ROOT_ACCESS_KEY_ID=ROOT_KEY,
               IAMD_ROOT_SECRET_ACCESS_KEY=ROOT_SECRET)
    p = subprocess.Popen([IAMD, "serve", "--listen", f"127.0.0.1:{port}", "--data", data, *args],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    saw_listener = False
    while p.poll() is None:
        saw_listener = saw_listener or listening(port)
        time.sleep(0.02)
    out = p.stdout.read()
    assert p.returncode == 1, (p.returncode, out)
    assert says in out, (says, out)
    assert "listening on" not in out and not saw_listener and not listening(port), out


@check("refused starts (exit 1, nothing listening): one file without the other, missing or mismatched key, "
       "a key open to others")
def _():
    other_chain, other_key = make_server_cert("other", "iamd other")
    open_key = write("open.key", read("other.key"))
    os.chmod(open_key, 0o644)
    refused_start(["--tls-cert", CHAIN], "--tls-cert needs --tls-key")
    refused_start(["--tls-key", KEY], "--tls-key needs --tls-cert")
    refused_start(["--tls-cert", CHAIN, "--tls-key", os.path.join(pki, "missing.key")], "cannot read the TLS key file")
    refused_start(["--tls-cert", CHAIN, "--tls-key", other_key], "does not match the certificate")
    refused_start(["--tls-cert", other_chain, "--tls-key", open_key], "open to group or others (mode 0644)")


try:
    plain_server.stop()
finally:
    harness.server = None
    finish(tmp)

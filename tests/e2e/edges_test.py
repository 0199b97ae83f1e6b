#!/usr/bin/python3
"""End-to-end tests of the server's edges: the SigV4 credential scope (service and Region),
requests altered after signing, the HTTP limits (header fields, connections) and the
x-amzn-RequestId header of every error. Raw requests are signed with botocore's SigV4Auth
and sent with http.client, so that Host, path and body can be altered after signing.
    tests/e2e/edges_test.py PATH/TO/iamd
"""
import http.client
import re
import socket
import sys
import urllib.parse

sys.path.insert(0, __import__("os").path.dirname(__file__))
from harness import *  # noqa: E402,F401,F403 (the shared scaffolding)

IAM_LIST = "Action=ListUsers&Version=2010-05-08"
STS_WHO = "Action=GetCallerIdentity&Version=2011-06-15"
FORM = "application/x-www-form-urlencoded; charset=utf-8"


def signed(body=IAM_LIST, service="iam", region="us-east-1", path="/", query="", method="POST", endpoint=None):
    """A request signed by botocore: (method, target, headers, body)."""
    url = (endpoint or server.endpoint) + path + ("?" + query if query else "")
    req = botocore.awsrequest.AWSRequest(method=method, url=url, data=body if method == "POST" else None,
                                         headers={"Content-Type": FORM} if method == "POST" else {})
    botocore.auth.SigV4Auth(botocore.credentials.Credentials(ROOT_KEY, ROOT_SECRET), service, region).add_auth(req)
    headers = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in req.headers.items()}
    return method, path + ("?" + query if query else ""), headers, body if method == "POST" else ""


def send(method, target, headers, body="", host=None, endpoint=None):
    """Sends one request; returns (status, {lowercase header: value}, body text)."""
    parsed = urllib.parse.urlparse(endpoint or server.endpoint)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
    try:
        conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host or parsed.netloc)
        for k, v in headers.items():
            conn.putheader(k, v)
        data = body.encode() if isinstance(body, str) else body
        if data or method == "POST":
            conn.putheader("Content-Length", str(len(data)))
        conn.endheaders(data or None)
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read().decode()
    finally:
        conn.close()


def error_code(body):
    m = re.search(r"<Code>([^<]*)</Code>", body)
    return m.group(1) if m else None


def error_message(body):
    m = re.search(r"<Message>([^<]*)</Message>", body)
    return m.group(1) if m else None


def body_request_id(body):
    ids = re.findall(r"<RequestId>([^<]*)</RequestId>", body)
    assert len(ids) == 1, body
    return ids[0]


def assert_error(answer, status, code, message=None):
    got_status, headers, body = answer
    assert (got_status, error_code(body)) == (status, code), answer
    if message is not None:
        assert error_message(body) == message, (error_message(body), message)
    # Every error carries x-amzn-RequestId, the same id as the body's RequestId.
    assert headers.get("x-amzn-requestid") == body_request_id(body), answer
    assert headers.get("content-type") == "text/xml", answer


server, tmp = start_server("edges")


# --- the credential scope ---------------------------------------------------------------

@check("scope: a request signed for s3 is refused with SignatureDoesNotMatch naming iam")
def _():
    assert_error(send(*signed(service="s3")), 403, "SignatureDoesNotMatch",
                 "Credential should be scoped to correct service: 'iam'. ")


@check("scope: the service must be the one the Version is for (sts scope on IAM, iam scope on STS)")
def _():
    assert_error(send(*signed(service="sts")), 403, "SignatureDoesNotMatch",
                 "Credential should be scoped to correct service: 'iam'. ")
    answer = send(*signed(body=STS_WHO, service="iam"))
    assert_error(answer, 403, "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'sts'. ")
    assert 'xmlns="https://sts.amazonaws.com/doc/2011-06-15/"' in answer[2], answer


@check("scope: an invented Region is refused with AWS's message")
def _():
    assert_error(send(*signed(region="xx-fake-1")), 403, "SignatureDoesNotMatch",
                 "Credential should be scoped to a valid region, not 'xx-fake-1'. ")
    assert_error(send(*signed(body=STS_WHO, service="sts", region="xx-fake-1")), 403, "SignatureDoesNotMatch",
                 "Credential should be scoped to a valid region, not 'xx-fake-1'. ")
    sts = boto3.session.Session().client("sts", endpoint_url=server.endpoint, region_name="xx-fake-1",
                                         aws_access_key_id=ROOT_KEY, aws_secret_access_key=ROOT_SECRET)
    code, message, status = error_of(sts.get_caller_identity)
    assert (code, status) == ("SignatureDoesNotMatch", 403), (code, message, status)


@check("scope: real Regions work for STS and IAM (SDKs sign with their configured Region)")
def _():
    for service, call in (("sts", lambda c: c.get_caller_identity()), ("iam", lambda c: c.list_users())):
        for region in ("us-east-1", "eu-west-1", "ap-southeast-7"):
            c = boto3.session.Session().client(service, endpoint_url=server.endpoint, region_name=region,
                                               aws_access_key_id=ROOT_KEY, aws_secret_access_key=ROOT_SECRET)
            call(c)


@check("scope: the key's last use records only an accepted service and Region")
def _():
    key, secret = user_with_key("scoped", managed=["arn:aws:iam::aws:policy/IAMReadOnlyAccess"])
    c = boto3.session.Session().client("iam", endpoint_url=server.endpoint, region_name="eu-west-1",
                                       aws_access_key_id=key, aws_secret_access_key=secret)
    c.list_users()
    used = client("iam").get_access_key_last_used(AccessKeyId=key)["AccessKeyLastUsed"]
    assert (used["ServiceName"], used["Region"]) == ("iam", "eu-west-1"), used


# --- tampering after signing -------------------------------------------------------------

@check("tampered: body, path, Host, query and malformed additions all get 403 SignatureDoesNotMatch")
def _():
    mismatch = ("The request signature we calculated does not match the signature you provided. Check your AWS "
                "Secret Access Key and signing method. Consult the service documentation for details.")
    method, target, headers, body = signed()
    assert send(method, target, headers, body)[0] == 200
    cases = {
        "parameter added": (method, target, headers, body + "&PathPrefix=%2Fx"),
        "parameter repeated": (method, target, headers, body + "&Action=DeleteUser"),
        "bad percent-encoding added": (method, target, headers, body + "&PathPrefix=%zz"),
        "path changed": (method, "/admin", headers, body),
        "query added": (method, "/?Action=DeleteUser&Version=2010-05-08", headers, body),
        "malformed query added": (method, "/?Marker=%G1", headers, body),
        "method changed": ("GET", "/?" + body, headers, ""),
    }
    for name, request in cases.items():
        answer = send(*request)
        assert answer[0] != 404, (name, answer)
        assert_error(answer, 403, "SignatureDoesNotMatch", mismatch)
    assert_error(send(method, target, headers, body, host="iam.amazonaws.com"), 403, "SignatureDoesNotMatch",
                 mismatch)


@check("paths: a signed request to another path is served as / (the Query API has one path)")
def _():
    status, headers, body = send(*signed(path="/some/where"))
    assert status == 200 and "<ListUsersResult>" in body, body
    assert headers["x-amzn-requestid"] == body_request_id(body)


@check("paths: an unsigned request to an unknown path is 403 MissingAuthenticationToken, never 404")
def _():
    for target in ("/nowhere", "/nowhere?Action=ListUsers&Version=2010-05-08", "/?Version=2011-06-15&Marker=%zz"):
        assert_error(send("GET", target, {}), 403, "MissingAuthenticationToken",
                     "Request is missing Authentication Token")


@check("a signed but malformed form is MalformedQueryString, with the scope's namespace")
def _():
    answer = send(*signed(body=STS_WHO + "&Action=GetCallerIdentity", service="sts"))
    assert_error(answer, 404, "MalformedQueryString")


# --- x-amzn-RequestId on every answer ----------------------------------------------------

@check("x-amzn-RequestId equals the body's RequestId: IAM, STS, and errors before the service is known")
def _():
    # IAM error (NoSuchEntity) and success.
    assert_error(send(*signed(body="Action=GetUser&UserName=nobody&Version=2010-05-08")), 404, "NoSuchEntity")
    status, headers, body = send(*signed())
    assert status == 200 and headers["x-amzn-requestid"] == body_request_id(body), body
    # STS error (an unknown action) and success.
    answer = send(*signed(body="Action=NoSuchThing&Version=2011-06-15", service="sts"))
    assert_error(answer, 400, "InvalidAction")
    assert "sts.amazonaws.com" in answer[2]
    status, headers, body = send(*signed(body=STS_WHO, service="sts"))
    assert status == 200 and headers["x-amzn-requestid"] == body_request_id(body), body
    # Before the service is known: no signature, a broken Authorization header, an unknown key.
    assert_error(send("POST", "/", {"Content-Type": FORM}, IAM_LIST), 403, "MissingAuthenticationToken")
    assert_error(send("POST", "/", {"Content-Type": FORM, "Authorization": "AWS4-HMAC-SHA256 nonsense"}, IAM_LIST),
                 400, "IncompleteSignature")
    method, target, headers, body = signed()
    headers["Authorization"] = headers["Authorization"].replace(ROOT_KEY, "AKIAUNKNOWNKEY000000")
    assert_error(send(method, target, headers, body), 403, "InvalidClientTokenId")
    # boto3 reads the same id from both.
    try:
        client("iam").get_user(UserName="nobody")
        raise AssertionError("GetUser of nobody succeeded")
    except botocore.exceptions.ClientError as e:
        meta = e.response["ResponseMetadata"]
        assert meta["RequestId"] == meta["HTTPHeaders"]["x-amzn-requestid"], meta


# --- HTTP limits -------------------------------------------------------------------------

@check("headers: a request with too many header fields is refused with 431")
def _():
    method, target, headers, body = signed()
    few = dict(headers, **{f"X-Extra-{i}": "v" for i in range(80)})
    assert send(method, target, few, body)[0] == 200
    many = dict(headers, **{f"X-Extra-{i}": "v" for i in range(120)})
    assert_error(send(method, target, many, body), 431, "RequestHeaderSectionTooLarge")


def raw_exchange(data, endpoint=None):
    """Sends raw bytes on a new connection; returns (status, {header: value}, body) of the answer."""
    parsed = urllib.parse.urlparse(endpoint or server.endpoint)
    with socket.create_connection((parsed.hostname, parsed.port), timeout=5) as s:
        if data:
            s.sendall(data)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = s.recv(65536)
            if not chunk:
                break
            received += chunk
        head, _, rest = received.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
        length = int(headers.get("content-length", "0"))
        while len(rest) < length:
            chunk = s.recv(65536)
            if not chunk:
                break
            rest += chunk
        return int(lines[0].split()[1]), headers, rest[:length].decode()


@check("x-amzn-RequestId equals the body's RequestId on the HTTP server's own errors (400, 405, 413, 431)")
def _():
    assert_error(raw_exchange(b"G(T / HTTP/1.1\r\nHost: x\r\n\r\n"), 400, "InvalidRequest")
    assert_error(raw_exchange(b"PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"), 405, "MethodNotAllowed")
    assert_error(raw_exchange(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\nExpect: 100-continue\r\n\r\n"),
                 413, "RequestEntityTooLarge")
    assert_error(raw_exchange(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"h" * 70000 + b"\r\n\r\n"), 431,
                 "RequestHeaderSectionTooLarge")


def start_capped(cap):
    """A second server with --max-connections CAP on its own data folder."""
    data = os.path.join(tmp, "capped")
    env = dict(os.environ, IAMD_ACCOUNT_ID=ACCOUNT, IAMD_ROOT_ACCESS_KEY_ID=ROOT_KEY,
               IAMD_ROOT_SECRET_ACCESS_KEY=ROOT_SECRET)
    proc = subprocess.Popen([IAMD, "serve", "--listen", "127.0.0.1:0", "--data", data, "--max-connections",
                             str(cap)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    deadline = time.time() + 20
    while time.time() < deadline:
        line = proc.stdout.readline()
        if "listening on http://" in line:
            return proc, line.strip().split("listening on ")[1]
        if not line:
            break
    proc.kill()
    raise RuntimeError("the capped iamd did not start")


@check("connections: over --max-connections a new connection is refused at once; freed slots serve again")
def _():
    proc, endpoint = start_capped(3)
    try:
        parsed = urllib.parse.urlparse(endpoint)
        held = []
        for _ in range(3):
            s = socket.create_connection((parsed.hostname, parsed.port), timeout=5)
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")  # answered 403: the connection is now open
            assert s.recv(65536).startswith(b"HTTP/1.1 403"), "a held connection was not served"
            held.append(s)
        started = time.time()
        # Sending nothing: the refusal is not lost to a reset caused by unread bytes.
        assert_error(raw_exchange(b"", endpoint=endpoint), 503, "ServiceUnavailable",
                     "The request has failed due to a temporary failure of the server.")
        assert time.time() - started < 2, "the refusal was not prompt"
        s = socket.create_connection((parsed.hostname, parsed.port), timeout=5)
        try:
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        except (ConnectionResetError, BrokenPipeError):
            data = b"reset"
        finally:
            s.close()
        assert data.startswith(b"HTTP/1.1 503") or data == b"reset", data
        assert time.time() - started < 3, "the refusal was not prompt"
        # The held connections are still served.
        held[0].sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert held[0].recv(65536).startswith(b"HTTP/1.1 403")
        # A freed slot serves a new client.
        held.pop().close()
        deadline = time.time() + 5
        while True:
            method, target, headers, body = signed(endpoint=endpoint)
            try:
                status = send(method, target, headers, body, endpoint=endpoint)[0]
            except (ConnectionError, http.client.HTTPException):
                status = None
            if status == 200 or time.time() > deadline:
                break
            time.sleep(0.05)
        assert status == 200, status
        for s in held:
            s.close()
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)


finish(tmp)

#!/usr/bin/python3
"""End-to-end tests of what `iamd serve` tells its operators: GET /metrics (Prometheus text
format: exact counter deltas for allowed and denied calls, a denial counted under the policy
type that blocked it, cache hits growing on repeated calls, store latency) and the JSON log
(`--log-format json`: every stderr line one JSON object, an access log line per request with
the request id boto3 saw, never a secret, a header other than User-Agent or a query string).

Prints one line per check and a closing "N passed, N failed". Run by ctest:
    tests/e2e/metrics_test.py PATH/TO/iamd
"""
import re
import sys
import threading

sys.path.insert(0, __import__("os").path.dirname(__file__))
import harness  # noqa: E402
from harness import *  # noqa: E402,F401,F403 (the shared scaffolding)


class LoggedServer(Server):
    """A Server whose stdout and stderr are read apart, each by a thread of its own, for as
    long as it runs (the access log would fill a pipe nobody reads)."""

    def start(self):
        env = dict(os.environ, IAMD_ACCOUNT_ID=ACCOUNT, IAMD_ROOT_ACCESS_KEY_ID=ROOT_KEY,
                   IAMD_ROOT_SECRET_ACCESS_KEY=ROOT_SECRET)
        self.out_lines, self.err_lines = [], []
        self.proc = subprocess.Popen([IAMD, "serve", "--listen", "127.0.0.1:0", "--data", self.data, *self.args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        started = threading.Event()

        def read_out():
            for line in self.proc.stdout:
                self.out_lines.append(line)
                if "listening on http://" in line:
                    self.endpoint = line.strip().split("listening on ")[1]
                    started.set()
            started.set()

        def read_err():
            for line in self.proc.stderr:
                self.err_lines.append(line)

        self.readers = [threading.Thread(target=read_out, daemon=True), threading.Thread(target=read_err, daemon=True)]
        for t in self.readers:
            t.start()
        if not started.wait(20) or self.endpoint is None:
            self.proc.kill()
            raise RuntimeError("iamd did not start: " + "".join(self.out_lines + self.err_lines))

    def stop(self, sig=signal.SIGTERM):
        code = super().stop(sig)
        for t in self.readers:
            t.join(timeout=10)
        return code


tmp = tempfile.mkdtemp(prefix="iamd-e2e-metrics-")
server = LoggedServer(os.path.join(tmp, "data"), args=["--log-format", "json"])
harness.server = server
server.start()
iam = client("iam")


def http(method, path, body=None, headers=None):
    req = urllib.request.Request(server.endpoint + path, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def scrape():
    """The exposition as {(name, frozenset of labels): value}; checks its form on the way."""
    status, headers, text = http("GET", "/metrics")
    assert status == 200, (status, text)
    assert headers["Content-Type"].startswith("text/plain; version=0.0.4"), headers
    samples = {}
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        assert m, line
        labels = frozenset(LABEL.findall(m.group(3) or ""))
        samples[(m.group(1), labels)] = float(m.group(4))
    return samples, text


def value(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())), 0.0)


def delta(before, after, name, **labels):
    return value(after, name, **labels) - value(before, name, **labels)


def allow(*actions):
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}]}


reader_key, reader_secret = user_with_key("reader", inline={
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"},
                  {"Effect": "Deny", "Action": "iam:ListGroups", "Resource": "*"}]})
reader = client("iam", reader_key, reader_secret)
boundary_arn = iam.create_policy(PolicyName="OnlyGetUser", PolicyDocument=json.dumps(allow("iam:GetUser")))[
    "Policy"]["Arn"]
bounded_key, bounded_secret = user_with_key("bounded", inline=allow("iam:*"), boundary=boundary_arn)
bounded = client("iam", bounded_key, bounded_secret)
seen_request_ids = {}


@check("GET /metrics answers the text format with HELP and TYPE once per family; HEAD no body; POST 405")
def _():
    samples, text = scrape()
    families = re.findall(r"^# TYPE (\S+) ", text, re.M)
    assert len(families) == len(set(families)), families
    for family in ["iamd_requests_total", "iamd_request_duration_seconds", "iamd_decisions_total",
                   "iamd_cache_lookups_total", "iamd_store_seconds", "iamd_store_errors_total",
                   "iamd_http_connections_open", "iamd_build_info", "process_start_time_seconds"]:
        assert family in families, (family, families)
        assert len(re.findall(rf"^# HELP {family} ", text, re.M)) == 1, family
    assert value(samples, "iamd_build_info", version="0.1.0") == 1
    assert abs(value(samples, "process_start_time_seconds") - time.time()) < 600
    assert value(samples, "iamd_http_connections_open") >= 1
    status, headers, body = http("HEAD", "/metrics")
    assert (status, body) == (200, ""), (status, body)
    status, headers, body = http("POST", "/metrics", body=b"")
    assert status == 405 and headers.get("Allow") == "GET, HEAD", (status, headers)


@check("allowed calls: exact deltas of requests, decisions and the latency histogram")
def _():
    before, _ = scrape()
    for _ in range(3):
        r = reader.get_user()
        seen_request_ids["GetUser"] = r["ResponseMetadata"]["RequestId"]
    after, _ = scrape()
    assert delta(before, after, "iamd_requests_total", service="iam", operation="GetUser", outcome="ok") == 3
    assert delta(before, after, "iamd_decisions_total", decision="allowed", policy_type="") == 3
    for t in ["identity-based", "permissions boundary"]:
        assert delta(before, after, "iamd_decisions_total", decision="implicitDeny", policy_type=t) == 0
    assert delta(before, after, "iamd_request_duration_seconds_count", service="iam", operation="GetUser") == 3
    assert delta(before, after, "iamd_request_duration_seconds_bucket", service="iam", operation="GetUser",
                 le="+Inf") == 3
    assert delta(before, after, "iamd_request_duration_seconds_sum", service="iam", operation="GetUser") > 0


@check("denied calls: counted under their error code and the policy type that blocked them")
def _():
    cases = [
        (lambda: reader.list_users(), "ListUsers", "implicitDeny", "identity-based"),
        (lambda: reader.list_groups(), "ListGroups", "explicitDeny", "identity-based"),
        (lambda: bounded.list_roles(), "ListRoles", "implicitDeny", "permissions boundary"),
    ]
    for call, operation, decision, policy_type in cases:
        before, _ = scrape()
        code, _, status = error_of(call)
        assert (code, status) == ("AccessDenied", 403), (operation, code, status)
        after, _ = scrape()
        got = delta(before, after, "iamd_requests_total", service="iam", operation=operation, outcome="AccessDenied")
        assert got == 1, (operation, got)
        assert delta(before, after, "iamd_decisions_total", decision=decision, policy_type=policy_type) == 1, operation
        assert delta(before, after, "iamd_decisions_total", decision="allowed", policy_type="") == 0, operation
        assert delta(before, after, "iamd_requests_total", service="iam", operation=operation, outcome="ok") == 0


def signed_post(service, body):
    """A POST of the Query form `body` signed by the root key for `service` in us-east-1."""
    creds = botocore.credentials.Credentials(ROOT_KEY, ROOT_SECRET)
    req = botocore.awsrequest.AWSRequest(method="POST", url=server.endpoint + "/", data=body,
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    botocore.auth.SigV4Auth(creds, service, "us-east-1").add_auth(req)
    return http("POST", "/", body=body.encode(), headers=dict(req.headers.items()))


@check("an action iamd does not serve and an unsigned request are counted with their error codes")
def _():
    before, _ = scrape()
    status, _, _ = http("GET", "/?Action=NoSuchAction&Version=2010-05-08&Secret=querysecret123")
    assert status == 403, status  # unsigned: MissingAuthenticationToken before anything else
    after, _ = scrape()
    assert delta(before, after, "iamd_requests_total", service="iam", operation="",
                 outcome="MissingAuthenticationToken") == 1
    status, _, body = signed_post("sts", "Action=NoSuchAction&Version=2011-06-15")
    assert status == 400 and "<Code>InvalidAction</Code>" in body, (status, body)
    after2, _ = scrape()
    assert delta(after, after2, "iamd_requests_total", service="sts", operation="", outcome="InvalidAction") == 1


@check("cache hits grow on repeated calls: access keys, signing keys, policy sets")
def _():
    reader.get_user()  # warm
    before, _ = scrape()
    for _ in range(5):
        reader.get_user()
    after, _ = scrape()
    for cache in ["access_keys", "sigv4_signing_keys", "policy_sets"]:
        hits = delta(before, after, "iamd_cache_lookups_total", cache=cache, result="hit")
        misses = delta(before, after, "iamd_cache_lookups_total", cache=cache, result="miss")
        assert hits >= 5 and misses == 0, (cache, hits, misses)
    # A write to the user's policy makes the next lookup of its policy set a miss.
    iam.put_user_policy(UserName="reader", PolicyName="more", PolicyDocument=json.dumps(allow("iam:GetRole")))
    before, _ = scrape()
    reader.get_user()
    after, _ = scrape()
    assert delta(before, after, "iamd_cache_lookups_total", cache="policy_sets", result="miss") == 1


@check("store latency: reads and committed writes are measured")
def _():
    before, _ = scrape()
    iam.create_group(GroupName="measured")
    after, _ = scrape()
    assert delta(before, after, "iamd_store_seconds_count", op="commit") >= 1
    assert delta(before, after, "iamd_store_seconds_count", op="begin_write") >= 1
    assert value(after, "iamd_store_seconds_count", op="begin_read") > 0
    assert value(after, "iamd_store_errors_total") == 0


created_secret = None


@check("CreateAccessKey's secret is answered once")
def _():
    global created_secret
    created_secret = iam.create_access_key(UserName="reader")["AccessKey"]["SecretAccessKey"]
    assert len(created_secret) == 40


server.stop(signal.SIGTERM)
err_text = "".join(server.err_lines)
out_text = "".join(server.out_lines)
records = []


@check("every stderr line of --log-format json is one JSON object with time, level and msg")
def _():
    assert server.err_lines, "no log"
    for line in server.err_lines:
        obj = json.loads(line)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", obj["time"]), obj
        assert obj["level"] in ("info", "warn", "error"), obj
        assert isinstance(obj["msg"], str), obj
        records.append(obj)
    msgs = [r["msg"] for r in records]
    assert "started" in msgs and "stopping" in msgs, msgs
    started = next(r for r in records if r["msg"] == "started")
    assert started["account"] == ACCOUNT and started["address"] == server.endpoint, started


@check("the access log has a line per request with the request id boto3 saw")
def _():
    lines = [r for r in records if r["msg"] == "request"]
    assert lines, records
    mine = [r for r in lines if r["request_id"] == seen_request_ids["GetUser"]]
    assert len(mine) == 1, mine
    r = mine[0]
    assert (r["method"], r["path"], r["status"], r["service"], r["operation"], r["outcome"]) == (
        "POST", "/", 200, "iam", "GetUser", "ok"), r
    assert r["principal"] == f"arn:aws:iam::{ACCOUNT}:user/reader", r
    assert r["access_key_id"] == reader_key, r
    assert r["source_ip"] == "127.0.0.1", r
    assert "Boto3" in r["user_agent"] or "botocore" in r["user_agent"], r
    assert isinstance(r["duration_ms"], (int, float)) and r["duration_ms"] >= 0, r
    denied = [x for x in lines if x["operation"] == "ListGroups"]
    assert denied and denied[0]["outcome"] == "AccessDenied" and denied[0]["status"] == 403, denied
    scrapes = [x for x in lines if x["path"] == "/metrics"]
    assert scrapes and all(x["service"] == "" for x in scrapes), scrapes[:1]
    for x in lines:
        assert set(x) == {"time", "level", "msg", "request_id", "method", "path", "status", "service", "operation",
                          "outcome", "principal", "access_key_id", "source_ip", "user_agent", "duration_ms"}, x


@check("no secret, query string or signature anywhere in the log or on stdout")
def _():
    assert created_secret and created_secret not in err_text and created_secret not in out_text
    assert reader_secret not in err_text and bounded_secret not in err_text
    assert ROOT_SECRET not in err_text
    assert "querysecret123" not in err_text and "NoSuchAction" not in err_text
    assert "Signature=" not in err_text and "Credential=" not in err_text


def http_quiet(method, path):
    req = urllib.request.Request(quiet.endpoint + path, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


# --metrics off and the default text log: no /metrics, no access log.
quiet = LoggedServer(os.path.join(tmp, "data"), args=["--metrics", "off"])
quiet.start()
harness.server = quiet


@check("--metrics off: /metrics is not served; the text log has no access log by default")
def _():
    status, _, body = http_quiet("GET", "/metrics")
    assert status != 200 and "iamd_requests_total" not in body, (status, body)
    client("iam").get_user()
    quiet.stop(signal.SIGTERM)
    assert not any('"msg"' in line or "request_id" in line for line in quiet.err_lines), quiet.err_lines


harness.server = None
finish(tmp)

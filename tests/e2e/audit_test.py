#!/usr/bin/python3
"""End-to-end tests of the audit trail (docs/operations.md "Audit trail") against `iamd serve
--audit-log FILE` with boto3: CreateUser's record, secrets absent from the store and the file,
a denied call and a refused signature recorded, a role session's userIdentity, `iamd audit`
filters while the server runs, and the JSON-lines file holding exactly the store's records.

Prints one line per check and a closing "N passed, N failed". Run by ctest:
    tests/e2e/audit_test.py PATH/TO/iamd
"""
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
import harness  # noqa: E402
from harness import *  # noqa: E402,F401,F403 (the shared scaffolding)

tmp = tempfile.mkdtemp(prefix="iamd-e2e-audit-")
data = os.path.join(tmp, "data")
log_file = os.path.join(tmp, "audit.jsonl")
harness.server = server = Server(data, args=["--audit-log", log_file])
server.start()
iam = client("iam")
ROOT_ARN = f"arn:aws:iam::{ACCOUNT}:root"


def audit(*args, status=0):
    """`iamd audit --data DATA ARGS`: the records (JSON lines), newest first."""
    p = subprocess.run([IAMD, "audit", "--data", data, *args], capture_output=True, text=True, timeout=30)
    assert p.returncode == status, (p.returncode, p.stdout, p.stderr)
    if status != 0:
        return p.stderr
    return [json.loads(line) for line in p.stdout.splitlines() if line.strip()]


def wait_for(fn, timeout=10):
    """Reads are written once a second: retries `fn` until it returns something true."""
    deadline = time.time() + timeout
    while True:
        got = fn()
        if got or time.time() > deadline:
            return got
        time.sleep(0.2)


def by_request(request_id):
    found = [r for r in audit("--max-items", "100000") if r["requestID"] == request_id]
    return found[0] if found else None


created = iam.create_user(UserName="alice", Tags=[{"Key": "team", "Value": "blue"}])
created_id = created["ResponseMetadata"]["RequestId"]
alice_arn = created["User"]["Arn"]


@check("CreateUser's record: CloudTrail's fields, requestParameters and responseElements in camelCase")
def _():
    r = by_request(created_id)  # a write's record is committed with it: there at once
    assert r is not None
    assert r["eventVersion"] == "1.08" and r["eventType"] == "AwsApiCall" and r["eventCategory"] == "Management"
    assert r["eventSource"] == "iam.amazonaws.com" and r["eventName"] == "CreateUser", r
    assert r["managementEvent"] is True and r["readOnly"] is False
    assert r["awsRegion"] == "us-east-1" and r["sourceIPAddress"] == "127.0.0.1"
    assert r["userAgent"].startswith("Boto3/"), r["userAgent"]
    assert r["recipientAccountId"] == ACCOUNT
    assert r["eventTime"].endswith("Z") and len(r["eventTime"]) == 20, r["eventTime"]
    assert len(r["eventID"]) == 36 and r["eventID"] != r["requestID"]
    assert r["userIdentity"] == {"type": "Root", "principalId": ACCOUNT, "arn": ROOT_ARN, "accountId": ACCOUNT,
                                 "accessKeyId": ROOT_KEY}, r["userIdentity"]
    assert r["requestParameters"] == {"userName": "alice", "tags": [{"key": "team", "value": "blue"}]}, \
        r["requestParameters"]
    user = r["responseElements"]["user"]
    assert user["userName"] == "alice" and user["arn"] == alice_arn and user["userId"] == created["User"]["UserId"]
    assert "errorCode" not in r and r["iamd"]["outcome"] == "allowed"
    assert r["iamd"]["decision"]["decision"] == "allowed"


key = iam.create_access_key(UserName="alice")
alice_key, alice_secret = key["AccessKey"]["AccessKeyId"], key["AccessKey"]["SecretAccessKey"]
iam.create_login_profile(UserName="alice", Password="Correct-Horse-7-Battery")


@check("CreateAccessKey's secret and a password appear nowhere: not in the store, not in the file")
def _():
    r = by_request(key["ResponseMetadata"]["RequestId"])
    assert r is not None
    assert r["responseElements"]["accessKey"]["accessKeyId"] == alice_key
    assert r["responseElements"]["accessKey"]["secretAccessKey"] == "HIDDEN_DUE_TO_SECURITY_REASONS", r
    time.sleep(1.5)  # every queued read written too
    everything = subprocess.run([IAMD, "audit", "--data", data, "--max-items", "100000"], capture_output=True,
                                text=True, check=True).stdout
    with open(log_file) as f:
        lines = f.read()
    for text in (everything, lines):
        assert alice_secret not in text
        assert "Correct-Horse-7-Battery" not in text
    assert "HIDDEN_DUE_TO_SECURITY_REASONS" in lines
    with open(os.path.join(data, "store", "iamd.db"), "rb") as f:
        assert alice_secret.encode() not in f.read()


alice = client("iam", alice_key, alice_secret)
iam.put_user_policy(UserName="alice", PolicyName="rules", PolicyDocument=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Sid": "NoGroups", "Effect": "Deny", "Action": "iam:ListGroups", "Resource": "*"},
                  {"Sid": "Reads", "Effect": "Allow", "Action": ["iam:GetUser", "iam:ListGroups",
                                                                  "sts:AssumeRole"], "Resource": "*"}]}))


@check("a denied call is recorded with errorCode AccessDenied and iamd's decision")
def _():
    try:
        alice.list_users()
        raise AssertionError("ListUsers succeeded")
    except botocore.exceptions.ClientError as e:
        rid = e.response["ResponseMetadata"]["RequestId"]
    r = wait_for(lambda: by_request(rid))  # a read's record: within a second
    assert r is not None
    assert r["errorCode"] == "AccessDenied" and "not authorized to perform: iam:ListUsers" in r["errorMessage"]
    assert r["userIdentity"]["type"] == "IAMUser" and r["userIdentity"]["userName"] == "alice"
    assert r["userIdentity"]["arn"] == alice_arn and r["userIdentity"]["accessKeyId"] == alice_key
    assert r["iamd"]["outcome"] == "denied" and r["iamd"]["decision"]["decision"] == "implicitDeny", r["iamd"]
    assert r["responseElements"] is None
    try:
        alice.list_groups()
        raise AssertionError("ListGroups succeeded")
    except botocore.exceptions.ClientError as e:
        rid = e.response["ResponseMetadata"]["RequestId"]
    d = wait_for(lambda: by_request(rid))["iamd"]["decision"]
    assert d["decision"] == "explicitDeny"
    try:  # a denied write: its own transaction, at once, while its pipeline's had been open
        alice.create_user(UserName="intruder")
        raise AssertionError("CreateUser succeeded")
    except botocore.exceptions.ClientError as e:
        w = by_request(e.response["ResponseMetadata"]["RequestId"])
    assert w["errorCode"] == "AccessDenied" and w["readOnly"] is False and w["requestParameters"] == {
        "userName": "intruder"}, w
    assert w["resources"] == [{"ARN": f"arn:aws:iam::{ACCOUNT}:user/intruder", "accountId": ACCOUNT}], w
    assert d["decision"] == "explicitDeny" and d["policyType"] == "identity-based", d
    assert d["statement"]["statementId"] == "NoGroups" and d["statement"]["effect"] == "DENY", d
    assert d["statement"]["policy"].endswith("/rules"), d


@check("an allowed read is recorded (within a second) with its deciding statement and no responseElements")
def _():
    rid = alice.get_user()["ResponseMetadata"]["RequestId"]
    r = wait_for(lambda: by_request(rid))
    assert r is not None and r["readOnly"] is True and r["responseElements"] is None
    assert r["iamd"]["decision"]["statement"]["statementId"] == "Reads", r["iamd"]


@check("a request with a bad signature is recorded: errorCode, the key it named, no principal")
def _():
    bad = client("iam", alice_key, "x" * 40)
    try:
        bad.get_user()
        raise AssertionError("the call succeeded")
    except botocore.exceptions.ClientError as e:
        rid = e.response["ResponseMetadata"]["RequestId"]
        assert e.response["Error"]["Code"] == "SignatureDoesNotMatch"
    r = wait_for(lambda: by_request(rid))
    assert r is not None
    assert r["errorCode"] == "SignatureDoesNotMatch" and r["eventName"] == "GetUser", r
    assert r["userIdentity"] == {"type": "Unknown", "accessKeyId": alice_key}, r["userIdentity"]
    assert r["iamd"] == {"outcome": "error", "decision": None}
    assert "recipientAccountId" not in r


role_arn = iam.create_role(RoleName="auditor", AssumeRolePolicyDocument=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                   "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]


@check("AssumeRole's record hides the session's secrets; the role session's calls carry its userIdentity")
def _():
    out = client("sts", alice_key, alice_secret).assume_role(RoleArn=role_arn, RoleSessionName="night-shift")
    creds = out["Credentials"]
    r = wait_for(lambda: by_request(out["ResponseMetadata"]["RequestId"]))
    assert r is not None and r["eventSource"] == "sts.amazonaws.com" and r["eventName"] == "AssumeRole"
    assert r["requestParameters"]["roleArn"] == role_arn and r["requestParameters"]["roleSessionName"] == "night-shift"
    got = r["responseElements"]["credentials"]
    assert got["accessKeyId"] == creds["AccessKeyId"]
    assert got["secretAccessKey"] == "HIDDEN_DUE_TO_SECURITY_REASONS"
    assert got["sessionToken"] == "HIDDEN_DUE_TO_SECURITY_REASONS"
    sts = boto3.session.Session().client("sts", endpoint_url=server.endpoint, region_name="us-east-1",
                                         aws_access_key_id=creds["AccessKeyId"],
                                         aws_secret_access_key=creds["SecretAccessKey"],
                                         aws_session_token=creds["SessionToken"])
    rid = sts.get_caller_identity()["ResponseMetadata"]["RequestId"]
    r = wait_for(lambda: by_request(rid))
    assert r is not None
    u = r["userIdentity"]
    assert u["type"] == "AssumedRole" and u["arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/auditor/night-shift", u
    assert u["principalId"].endswith(":night-shift") and u["accessKeyId"] == creds["AccessKeyId"]
    issuer = u["sessionContext"]["sessionIssuer"]
    assert issuer["type"] == "Role" and issuer["arn"] == role_arn and issuer["userName"] == "auditor", issuer
    assert u["sessionContext"]["attributes"]["mfaAuthenticated"] == "false"
    assert creds["SecretAccessKey"] not in json.dumps(audit("--max-items", "100000"))


@check("iamd audit filters by principal, action, resource, time and outcome while the server runs")
def _():
    assert server.proc.poll() is None
    time.sleep(1.5)
    mine = audit("--principal", alice_arn)
    assert mine and all(r["userIdentity"].get("arn") == alice_arn for r in mine)
    times = [r["eventTime"] for r in mine]
    assert times == sorted(times, reverse=True), times  # newest first
    creates = audit("--action", "iam:CreateUser", "--outcome", "allowed")
    assert [r["requestID"] for r in creates] == [created_id], creates
    assert len(audit("--action", "CreateUser")) == 2  # and the denied one, any service
    assert audit("--action", "sts:CreateUser") == []
    denied = audit("--outcome", "denied")
    assert {r["eventName"] for r in denied} == {"ListUsers", "ListGroups", "CreateUser"}, denied
    assert all(r["iamd"]["outcome"] == "denied" for r in denied)
    errors = audit("--outcome", "error")
    assert any(r["errorCode"] == "SignatureDoesNotMatch" for r in errors)
    on_alice = audit("--resource", alice_arn, "--action", "iam:CreateAccessKey")
    assert len(on_alice) == 1 and on_alice[0]["responseElements"]["accessKey"]["accessKeyId"] == alice_key
    assert audit("--since", "2000-01-01T00:00:00Z", "--until", "2000-01-02T00:00:00Z") == []
    first = audit("--max-items", "100000")[-1]["eventTime"]
    assert audit("--until", first) == []
    assert len(audit("--since", first, "--max-items", "2")) == 2
    text = subprocess.run([IAMD, "audit", "--data", data, "--action", "iam:CreateUser", "--output", "text",
                           "--outcome", "allowed"],
                          capture_output=True, text=True, check=True).stdout
    assert "allowed iam:CreateUser " + ROOT_ARN + " " + alice_arn in text, text


@check("iamd audit refuses bad options with exit status 2 and a clear line")
def _():
    assert "--since" in audit("--since", "yesterday", status=2)
    assert "--outcome" in audit("--outcome", "maybe", status=2)
    assert "--action" in audit("--action", "ec2:RunInstances", status=2)
    assert "--until" in audit("--since", "2026-01-02", "--until", "2026-01-01", status=2)
    assert "--max-items" in audit("--max-items", "0", status=2)
    p = subprocess.run([IAMD, "audit", "--data", os.path.join(tmp, "nowhere")], capture_output=True, text=True)
    assert p.returncode == 1 and "no iamd database" in p.stderr, p.stderr
    assert not os.path.exists(os.path.join(tmp, "nowhere", "store", "iamd.db"))


@check("a failed write is recorded with its error; the JSON-lines file is 0600 and equals the store's records")
def _():
    try:
        iam.create_user(UserName="ALICE")
        raise AssertionError("the call succeeded")
    except botocore.exceptions.ClientError as e:
        rid = e.response["ResponseMetadata"]["RequestId"]
    r = by_request(rid)
    assert r is not None and r["errorCode"] == "EntityAlreadyExists" and r["iamd"]["outcome"] == "error"
    assert r["responseElements"] is None
    assert oct(os.stat(log_file).st_mode & 0o777) == "0o600"
    assert server.stop(signal.SIGTERM) == 0  # writes the reads still queued
    with open(log_file) as f:
        lines = [json.loads(line) for line in f.read().splitlines()]
    stored = audit("--max-items", "100000")
    assert len(stored) == 13, len(stored)  # every call above
    key_of = lambda r: r["eventID"]  # noqa: E731
    assert sorted(lines, key=key_of) == sorted(stored, key=key_of)
    assert len({r["eventID"] for r in lines}) == len(lines)


@check("records older than --audit-retention-days are pruned at start; 0 keeps them")
def _():
    again = Server(data, args=["--audit-retention-days", "0"])
    again.start()
    again.stop(signal.SIGTERM)
    before = len(audit("--max-items", "100000"))
    assert before == 13
    # A record dated far back, written into the store directly, goes at the next start.
    import sqlite3
    db = sqlite3.connect(os.path.join(data, "store", "iamd.db"))
    db.execute("INSERT INTO audit_events VALUES ('old', 1000000000000000000, ?, '', 'iam.amazonaws.com', "
               "'GetUser', '', 0, '', '{}')", (ACCOUNT,))
    db.commit()
    db.close()
    assert len(audit("--max-items", "100000")) == before + 1
    again = Server(data, args=["--audit-retention-days", "30"])
    again.start()
    again.stop(signal.SIGTERM)
    ids = [r["eventID"] for r in audit("--max-items", "100000") if "eventID" in r]
    assert len(audit("--max-items", "100000")) == before, "the old record was not pruned"
    assert "old" not in ids


finish(tmp)

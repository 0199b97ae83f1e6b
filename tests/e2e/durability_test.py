"""kill -9 of a node under a write load, on SQLite and on PostgreSQL (started by the test):
every write acknowledged before the kill is there after the restart, and none is half-applied.

Writers create users with three tags each (the user's record and its tag rows: one
transaction) and customer managed policies (the policy and its version v1), and note what
was acknowledged. After SIGKILL and a restart on the same store, every acknowledged user and
policy exists, and every user or policy that exists, acknowledged or not (a write can commit
with its answer lost in the kill), is whole: three tags, a readable default version.

usage: durability_test.py path/to/iamd
"""
import json
import os
import signal
import tempfile
import threading
import time

import boto3
import botocore.config

import harness
from harness import check
from pg import Postgres

tmp = tempfile.mkdtemp(prefix="iamd-e2e-durability-")
DOC = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                          "Resource": "*"}]})


def iam_of(server):
    return boto3.session.Session().client(
        "iam", endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id=harness.ROOT_KEY,
        aws_secret_access_key=harness.ROOT_SECRET,
        config=botocore.config.Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=5))


def load_then_kill(server, seconds=2.5, writers=4):
    acked_users, acked_policies = [], []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(n):
        iam = iam_of(server)
        i = 0
        while not stop.is_set():
            i += 1
            name = f"w{n}-{i}"
            try:
                if i % 2:
                    iam.create_user(UserName=name, Tags=[{"Key": f"k{j}", "Value": name} for j in range(3)])
                    with lock:
                        acked_users.append(name)
                else:
                    iam.create_policy(PolicyName=name, PolicyDocument=DOC)
                    with lock:
                        acked_policies.append(name)
            except Exception:  # noqa: BLE001 (the kill cuts calls short: not acknowledged)
                return

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    time.sleep(seconds)
    server.proc.send_signal(signal.SIGKILL)
    server.proc.wait(timeout=20)
    stop.set()
    for t in threads:
        t.join()
    return acked_users, acked_policies


def verify(server, acked_users, acked_policies):
    iam = iam_of(server)
    users = {}
    for page in iam.get_paginator("list_users").paginate():
        for u in page["Users"]:
            users[u["UserName"]] = u
    missing = [n for n in acked_users if n not in users]
    assert not missing, f"{len(missing)} acknowledged users lost: {missing[:5]}"
    for name in users:
        if name.startswith("w"):
            tags = iam.list_user_tags(UserName=name)["Tags"]
            assert sorted(t["Key"] for t in tags) == ["k0", "k1", "k2"], (name, tags)
    policies = {}
    for page in iam.get_paginator("list_policies").paginate(Scope="Local"):
        for p in page["Policies"]:
            policies[p["PolicyName"]] = p
    missing = [n for n in acked_policies if n not in policies]
    assert not missing, f"{len(missing)} acknowledged policies lost: {missing[:5]}"
    for p in policies.values():
        v = iam.get_policy_version(PolicyArn=p["Arn"], VersionId=p["DefaultVersionId"])["PolicyVersion"]
        assert v["IsDefaultVersion"], p
    return len(acked_users) + len(acked_policies)


def scenario(label, args):
    data = os.path.join(tmp, label)
    server = harness.Server(data, args=args)
    server.start()
    users, policies = load_then_kill(server)
    assert len(users) + len(policies) > 20, f"too few writes acknowledged before the kill: {len(users)}"
    server = harness.Server(data, args=args)
    server.start()
    try:
        n = verify(server, users, policies)
        print(f"     {label}: {n} acknowledged writes, all there after kill -9", flush=True)
    finally:
        server.stop()


try:
    @check("SQLite: kill -9 under writes loses no acknowledged write and half-applies none")
    def _():
        scenario("sqlite", [])

    with Postgres() as url:
        @check("PostgreSQL: kill -9 of a node under writes loses no acknowledged write and half-applies none")
        def _():
            scenario("postgres", ["--store", url])
except Exception as e:  # noqa: BLE001 (set-up failed: reported as a failed check)
    harness.results.append(("set-up", False, repr(e)))
    print(f"FAIL set-up: {e!r}", flush=True)
finally:
    harness.finish(tmp)

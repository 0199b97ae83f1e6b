"""Two `iamd serve` nodes on one PostgreSQL (started by the test, scripts/pg-temp) answer as one
system: what one node changes, the other enforces on the very next request; concurrent writes
through both never break a quota or a uniqueness rule; STS session tokens open on either node.

usage: nodes_test.py path/to/iamd
"""
import json
import os
import shutil
import tempfile
import threading

import boto3
import botocore.config

import harness
from harness import check, error_of
from pg import Postgres

tmp = tempfile.mkdtemp(prefix="iamd-e2e-nodes-")
nodes = []


def session_client(node, service, key=harness.ROOT_KEY, secret=harness.ROOT_SECRET, token=None):
    return boto3.session.Session().client(
        service, endpoint_url=node.endpoint, region_name="us-east-1", aws_access_key_id=key,
        aws_secret_access_key=secret, aws_session_token=token,
        config=botocore.config.Config(retries={"max_attempts": 1}))


READ_USERS = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}]}

try:
    with Postgres(tmp) as url:
        one = harness.Server(os.path.join(tmp, "one"), args=["--store", url])
        one.start()
        nodes.append(one)
        # The second node shares the first one's master key (what seals secrets and session
        # tokens) and the root credentials (the same environment); its data folder is its own.
        os.makedirs(os.path.join(tmp, "two"), mode=0o700)
        shutil.copy2(os.path.join(tmp, "one", "master.key"), os.path.join(tmp, "two", "master.key"))
        two = harness.Server(os.path.join(tmp, "two"), args=["--store", url])
        two.start()
        nodes.append(two)
        iam1, iam2 = session_client(one, "iam"), session_client(two, "iam")

        @check("both nodes serve one deployment: one account, the same root")
        def _():
            for node in nodes:
                ident = session_client(node, "sts").get_caller_identity()
                assert ident["Account"] == harness.ACCOUNT, ident
            assert "store on PostgreSQL" in one.output(), one.output()

        state = {}

        @check("a user created and given a policy on node 1 signs a request node 2 accepts at once")
        def _():
            iam1.create_user(UserName="alice")
            iam1.put_user_policy(UserName="alice", PolicyName="read", PolicyDocument=json.dumps(READ_USERS))
            key = iam1.create_access_key(UserName="alice")["AccessKey"]
            state["key"] = (key["AccessKeyId"], key["SecretAccessKey"])
            names = [u["UserName"] for u in session_client(two, "iam", *state["key"]).list_users()["Users"]]
            assert "alice" in names, names

        @check("a key deactivated on node 2 is refused by node 1 on the next request")
        def _():
            alice1 = session_client(one, "iam", *state["key"])
            alice1.list_users()  # node 1 has the key cached now
            iam2.update_access_key(UserName="alice", AccessKeyId=state["key"][0], Status="Inactive")
            code, _, status = error_of(alice1.list_users)
            assert (code, status) == ("InvalidClientTokenId", 403), (code, status)
            iam2.update_access_key(UserName="alice", AccessKeyId=state["key"][0], Status="Active")
            alice1.list_users()

        @check("a policy removed on node 1 is enforced by node 2 on the next request")
        def _():
            alice2 = session_client(two, "iam", *state["key"])
            alice2.list_users()  # node 2 has alice's policies cached now
            iam1.delete_user_policy(UserName="alice", PolicyName="read")
            code, message, status = error_of(alice2.list_users)
            assert (code, status) == ("AccessDenied", 403), (code, message)
            iam2.put_user_policy(UserName="alice", PolicyName="read", PolicyDocument=json.dumps(READ_USERS))
            session_client(one, "iam", *state["key"]).list_users()

        @check("an STS session token made on node 1 works on node 2")
        def _():
            iam1.create_user(UserName="carol")
            iam1.attach_user_policy(UserName="carol", PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
            k = iam1.create_access_key(UserName="carol")["AccessKey"]
            sts1 = session_client(one, "sts", k["AccessKeyId"], k["SecretAccessKey"])
            c = sts1.get_session_token()["Credentials"]
            ident = session_client(two, "sts", c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]) \
                .get_caller_identity()
            assert ident["Arn"].endswith(":user/carol"), ident

        def race(clients, work):
            errors, done = [], []
            lock = threading.Lock()

            def run(c, i):
                try:
                    r = work(c, i)
                    with lock:
                        done.append(r)
                except Exception as e:  # noqa: BLE001 (collected, asserted below)
                    with lock:
                        errors.append(e)
            threads = [threading.Thread(target=run, args=(clients[i % len(clients)], i)) for i in range(12)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            return done, errors

        @check("concurrent CreateAccessKey through both nodes never passes the two-keys quota")
        def _():
            iam1.create_user(UserName="dave")
            done, errors = race([session_client(one, "iam"), session_client(two, "iam")],
                                lambda c, i: c.create_access_key(UserName="dave")["AccessKey"]["AccessKeyId"])
            codes = sorted(e.response["Error"]["Code"] for e in errors)
            assert len(done) == 2, (done, codes)
            assert codes == ["LimitExceeded"] * 10, codes
            keys = iam2.list_access_keys(UserName="dave")["AccessKeyMetadata"]
            assert sorted(k["AccessKeyId"] for k in keys) == sorted(done), (keys, done)

        @check("concurrent CreateUser of one name through both nodes creates it once")
        def _():
            done, errors = race([session_client(one, "iam"), session_client(two, "iam")],
                                lambda c, i: c.create_user(UserName="Erin" if i % 2 else "erin")["User"]["UserId"])
            codes = sorted(e.response["Error"]["Code"] for e in errors)
            assert len(done) == 1, (done, codes)
            assert codes == ["EntityAlreadyExists"] * 11, codes

        @check("concurrent group creation through both nodes keeps the account summary exact")
        def _():
            before = iam1.get_account_summary()["SummaryMap"]["Groups"]
            done, errors = race([session_client(one, "iam"), session_client(two, "iam")],
                                lambda c, i: c.create_group(GroupName=f"g{i}")["Group"]["GroupName"])
            assert not errors, errors
            for node_iam in (iam1, iam2):
                assert node_iam.get_account_summary()["SummaryMap"]["Groups"] == before + 12
except Exception as e:  # noqa: BLE001 (set-up failed: reported as a failed check)
    harness.results.append(("set-up", False, repr(e)))
    print(f"FAIL set-up: {e!r}", flush=True)
finally:
    for node in nodes:
        if node.proc is not None and node.proc.poll() is None:
            node.stop()
    harness.finish(tmp)

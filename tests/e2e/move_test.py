"""`iamd export` / `iamd import` move a deployment from SQLite to PostgreSQL (started by the
test) and back: the user, its policy and its access key work on the new store, and exporting
again gives the same records.

usage: move_test.py path/to/iamd
"""
import json
import os
import shutil
import subprocess
import tempfile

import harness
from harness import check
from pg import Postgres

tmp = tempfile.mkdtemp(prefix="iamd-e2e-move-")
IAMD = harness.IAMD
READ = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}]}


def records(path):
    """The export's records without the header (its time) and the trailer."""
    with open(path) as f:
        lines = [json.loads(line) for line in f if line.strip()]
    return [r for r in lines if r.get("type") not in (None, "end") and "format" not in r]


def run(*args):
    out = subprocess.run([IAMD, *args], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, (args, out.stdout, out.stderr)
    return out


try:
    with Postgres() as url:
        state = {}

        @check("a SQLite deployment exported and imported into PostgreSQL works there")
        def _():
            a = harness.Server(os.path.join(tmp, "a"))
            a.start()
            harness.server = a
            iam = harness.client("iam")
            iam.create_user(UserName="moved", Tags=[{"Key": "team", "Value": "blue"}])
            iam.put_user_policy(UserName="moved", PolicyName="read", PolicyDocument=json.dumps(READ))
            k = iam.create_access_key(UserName="moved")["AccessKey"]
            state["key"] = (k["AccessKeyId"], k["SecretAccessKey"])
            a.stop()
            run("export", "--data", os.path.join(tmp, "a"), "--output", os.path.join(tmp, "sqlite.jsonl"))
            b_data = os.path.join(tmp, "b")
            os.makedirs(b_data, mode=0o700)
            for name in ("master.key", "root-credentials"):
                shutil.copy2(os.path.join(tmp, "a", name), os.path.join(b_data, name))
            run("import", "--data", b_data, "--store", url, "--input", os.path.join(tmp, "sqlite.jsonl"))
            b = harness.Server(b_data, args=["--store", url])
            b.start()
            harness.server = b
            try:
                user = harness.client("iam", *state["key"]).get_user(UserName="moved")["User"]
                assert user["Tags"] == [{"Key": "team", "Value": "blue"}], user
            finally:
                b.stop()

        @check("the PostgreSQL store exports the same records back")
        def _():
            run("export", "--data", os.path.join(tmp, "b"), "--store", url, "--output",
                os.path.join(tmp, "postgres.jsonl"))
            before = {json.dumps(r, sort_keys=True) for r in records(os.path.join(tmp, "sqlite.jsonl"))}
            after = {json.dumps(r, sort_keys=True) for r in records(os.path.join(tmp, "postgres.jsonl"))}
            # Using the key on PostgreSQL added its last use and a last accessed record.
            missing = [r for r in before if r not in after and '"access_key"' not in r]
            assert not missing, missing[:3]
except Exception as e:  # noqa: BLE001 (set-up failed: reported as a failed check)
    harness.results.append(("set-up", False, repr(e)))
    print(f"FAIL set-up: {e!r}", flush=True)
finally:
    harness.finish(tmp)

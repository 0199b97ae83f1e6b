"""`iamd backup` copies a running server's SQLite store consistently (SQLite's online backup
API), and the copy with the folder's master.key restores the deployment: users, policies and
access keys that still sign.

usage: backup_test.py path/to/iamd
"""
import json
import os
import shutil
import subprocess
import threading

import harness
from harness import check, client

server, tmp = harness.start_server("backup")
copy = os.path.join(tmp, "backup.db")
state = {}
try:
    @check("iamd backup copies the store while the server takes writes")
    def _():
        iam = client("iam")
        iam.create_user(UserName="kept")
        iam.put_user_policy(UserName="kept", PolicyName="p", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}]}))
        k = iam.create_access_key(UserName="kept")["AccessKey"]
        state["key"] = (k["AccessKeyId"], k["SecretAccessKey"])
        stop = threading.Event()

        def writes():
            c = client("iam")
            i = 0
            while not stop.is_set():
                i += 1
                c.create_user(UserName=f"during-{i}")
        t = threading.Thread(target=writes)
        t.start()
        try:
            out = subprocess.run([harness.IAMD, "backup", "--data", server.data, "--output", copy],
                                 capture_output=True, text=True, timeout=60)
        finally:
            stop.set()
            t.join()
        assert out.returncode == 0, out.stderr
        assert "written to" in out.stdout, out.stdout
        assert oct(os.stat(copy).st_mode & 0o777) == "0o600", oct(os.stat(copy).st_mode)

    @check("a backup never overwrites a file")
    def _():
        before = os.path.getsize(copy)
        out = subprocess.run([harness.IAMD, "backup", "--data", server.data, "--output", copy],
                             capture_output=True, text=True)
        assert out.returncode == 1 and "cannot create" in out.stderr, (out.returncode, out.stderr)
        assert os.path.getsize(copy) == before

    @check("a data folder without a store is a clear error")
    def _():
        out = subprocess.run([harness.IAMD, "backup", "--data", os.path.join(tmp, "none"), "--output",
                              os.path.join(tmp, "x.db")], capture_output=True, text=True)
        assert out.returncode == 1 and "no iamd database" in out.stderr, out.stderr

    @check("the copy and master.key restore the deployment: the user, its policy and its key")
    def _():
        server.stop()
        restored = os.path.join(tmp, "restored")
        os.makedirs(os.path.join(restored, "store"), mode=0o700)
        shutil.copy2(os.path.join(server.data, "master.key"), os.path.join(restored, "master.key"))
        shutil.copy2(copy, os.path.join(restored, "store", "iamd.db"))
        again = harness.Server(restored)
        again.start()
        harness.server = again
        try:
            got = client("iam", *state["key"]).get_user(UserName="kept")["User"]
            assert got["UserName"] == "kept", got
            names = {u["UserName"] for u in client("iam").list_users()["Users"]}
            assert "kept" in names, names
        finally:
            again.stop()
finally:
    harness.finish(tmp)

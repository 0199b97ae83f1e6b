#!/usr/bin/python3
"""The generator's checks of models/empty_lists.txt (issue 10): the committed file generates,
and a rule that names no response list, repeats the default, is misspelt or given twice stops
the build with a message naming the line. Run by ctest as protocol_empty_lists_rules:
    tests/protocol/empty_lists_rules_test.py
"""
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
GEN = os.path.join(ROOT, "tools", "gen_protocol.py")
MODELS = os.path.join(ROOT, "models")

BAD = [
    ("iam User.Tags omit", "'omit' is already the default"),
    ("iam ListUsersResponse.Users send", "'send' is already the default"),
    ("iam User.UserName send", "not a list or map"),
    ("iam Nothing.Here send", "no such structure member"),
    ("iam ContextEntry.ContextKeyValues send", "no response contains this structure"),
    ("iam Policy.Tags send", "has a second rule"),
    ("iam User.Tags sometimes", "expected 'SERVICE SHAPE.Member"),
    ("ec2 User.Tags send", "unknown service ec2"),
]


def generate(model_dir, out_dir):
    return subprocess.run([sys.executable, GEN, out_dir, model_dir], capture_output=True, text=True)


def main():
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        models = os.path.join(tmp, "models")
        shutil.copytree(MODELS, models)
        r = generate(models, os.path.join(tmp, "ok"))
        if r.returncode != 0:
            print("FAIL the committed rules do not generate: %s" % r.stderr.strip())
            failures += 1
        else:
            with open(os.path.join(tmp, "ok", "protocol", "iam.h"), encoding="utf-8") as f:
                header = f.read()
            # `handler` members can say "present but empty".
            if header.count("std::optional<std::vector<Tag>> tags;") != 2:
                print("FAIL Policy.Tags and InstanceProfile.Tags are not std::optional<std::vector<Tag>>")
                failures += 1
        with open(os.path.join(MODELS, "empty_lists.txt"), encoding="utf-8") as f:
            committed = f.read()
        for line, expected in BAD:
            with open(os.path.join(models, "empty_lists.txt"), "w", encoding="utf-8") as f:
                f.write(committed + line + "\n")
            r = generate(models, os.path.join(tmp, "bad"))
            if r.returncode == 0 or expected not in r.stderr:
                print("FAIL %r: rc %d, %r" % (line, r.returncode, r.stderr.strip()))
                failures += 1
            else:
                print("ok   %r: %s" % (line, r.stderr.strip()))
    print("%d failed" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

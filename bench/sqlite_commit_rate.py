#!/usr/bin/python3
"""The rate at which SQLite itself commits single-row transactions with iamd's settings (WAL,
synchronous=FULL), from THREADS writers on their own connections for SECONDS: the ceiling a
write path without group commit can reach on this machine's disk.
usage: bench/sqlite_commit_rate.py [THREADS=1] [SECONDS=5] [FOLDER=/tmp]
One thread is the ceiling of one writer committing back to back; more threads add SQLite's own
lock waits (busy handler sleeps), not syncs."""
import os, sqlite3, sys, tempfile, threading, time

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 5
folder = tempfile.mkdtemp(dir=sys.argv[3] if len(sys.argv) > 3 else None)
path = os.path.join(folder, "raw.db")
setup = sqlite3.connect(path, isolation_level=None)
setup.execute("PRAGMA journal_mode=WAL")
setup.execute("CREATE TABLE users (id TEXT PRIMARY KEY, name TEXT NOT NULL, path TEXT NOT NULL, created INTEGER) WITHOUT ROWID")
# Warm-up, not counted: commit until SQLite has checkpointed and reuses the log from its start
# (a log that still grows makes every sync also commit the file system's journal), as it does
# in a server that has been running for a while.
warm = sqlite3.connect(path, isolation_level=None)
warm.execute("PRAGMA synchronous=FULL")
wal = path + "-wal"
n, after = 0, None
deadline = time.monotonic() + 10
while time.monotonic() < deadline and (after is None or n < after):
    warm.execute("BEGIN IMMEDIATE")
    warm.execute("INSERT INTO users VALUES (?, ?, '/', 0)", (f"AIDAWARM{n:012d}", f"warm-{n}"))
    warm.execute("COMMIT")
    n += 1
    if after is None and os.path.getsize(wal) > 1000 * 4096:  # past the auto-checkpoint size
        after = n + 50
warm.close()
counts = [0] * threads
stop = time.monotonic() + seconds


def writer(i):
    c = sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)
    c.execute("PRAGMA synchronous=FULL")
    n = 0
    while time.monotonic() < stop:
        c.execute("BEGIN IMMEDIATE")
        c.execute("INSERT INTO users VALUES (?, ?, '/', ?)", (f"AIDA{i:04d}{n:012d}", f"u{i}-{n}", n))
        c.execute("COMMIT")
        n += 1
    counts[i] = n


ts = [threading.Thread(target=writer, args=(i,)) for i in range(threads)]
start = time.monotonic()
for t in ts:
    t.start()
for t in ts:
    t.join()
elapsed = time.monotonic() - start
print(f"sqlite raw commits: {sum(counts) / elapsed:.0f}/s ({threads} threads, {elapsed:.1f} s, WAL, synchronous=FULL)")

#!/usr/bin/python3
"""End-to-end test of iamd under systemd's notification protocol (dist/iamd.service,
Type=notify): with NOTIFY_SOCKET naming a unix datagram socket, `iamd serve` sends READY=1
once its port answers and STOPPING=1 at SIGTERM; and `systemd-analyze verify` accepts the
unit (that check alone is skipped, saying why, where systemd-analyze is absent).
    tests/e2e/systemd_test.py PATH/TO/iamd
"""
import socket
import sys
import threading
import urllib.parse

sys.path.insert(0, __import__("os").path.dirname(__file__))
import harness  # noqa: E402
from harness import *  # noqa: E402,F401,F403 (the shared scaffolding)

tmp = tempfile.mkdtemp(prefix="iamd-e2e-systemd-")
UNIT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "dist", "iamd.service")


def notifications(sock, until, timeout=10):
    """The datagrams received until one holds the line `until` (each a dict NAME -> VALUE)."""
    got = []
    sock.settimeout(timeout)
    while True:
        text = sock.recv(4096).decode()
        fields = dict(line.split("=", 1) for line in text.split("\n") if "=" in line)
        got.append(fields)
        if until in text.split("\n"):
            return got


def run_notified(address, bind_to):
    """Starts iamd with NOTIFY_SOCKET=address (the socket bound to bind_to), checks READY=1 and
    STOPPING=1."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(bind_to)
    seen = {}

    def on_ready():
        # The moment READY=1 arrives, the port its STATUS names answers (it was sent after
        # listen(), and after the lines the harness waits for).
        try:
            seen["ready"] = notifications(sock, "READY=1")[-1]
            endpoint = seen["ready"]["STATUS"].split("listening on ")[1]
            with urllib.request.urlopen(endpoint + "/healthz", timeout=5) as r:
                seen["answered"] = r.status
        except Exception as e:  # reported by the asserts below
            seen["error"] = repr(e)

    watcher = threading.Thread(target=on_ready)
    watcher.start()
    try:
        srv = Server(os.path.join(tmp, "data-" + str(len(os.listdir(tmp)))), env={"NOTIFY_SOCKET": address})
        harness.server = srv
        srv.start()
        watcher.join(timeout=15)
        assert seen.get("answered") == 200, seen
        ready = seen["ready"]
        assert ready.get("STATUS", "").startswith("listening on http://127.0.0.1:"), ready
        assert urllib.parse.urlparse(ready["STATUS"].split("listening on ")[1]).port == \
            urllib.parse.urlparse(srv.endpoint).port, ready
        assert client("sts").get_caller_identity()["Account"] == ACCOUNT
        srv.proc.send_signal(signal.SIGTERM)
        stopping = notifications(sock, "STOPPING=1")
        assert all("READY" not in n for n in stopping), stopping
        rc = srv.proc.wait(timeout=20)
        assert rc == 0, rc
    finally:
        sock.close()


@check("NOTIFY_SOCKET (a path): READY=1 once the port answers, STOPPING=1 at SIGTERM, exit 0")
def _():
    path = os.path.join(tmp, "notify.sock")
    run_notified(path, path)


@check("NOTIFY_SOCKET (an abstract socket, '@name'): the same")
def _():
    name = f"iamd-e2e-notify-{os.getpid()}"
    run_notified("@" + name, "\0" + name)


@check("without NOTIFY_SOCKET iamd starts and stops as before")
def _():
    srv = Server(os.path.join(tmp, "data-plain"), env={"NOTIFY_SOCKET": None})
    harness.server = srv
    srv.start()
    assert client("sts").get_caller_identity()["Account"] == ACCOUNT
    assert srv.stop() == 0


@check("systemd-analyze verify accepts dist/iamd.service without a warning")
def _():
    analyze = shutil.which("systemd-analyze") or ("/usr/bin/systemd-analyze"
                                                 if os.access("/usr/bin/systemd-analyze", os.X_OK) else None)
    with open(UNIT) as f:
        unit = f.read()
    for needed in ("Type=notify", "StateDirectory=iamd", "DynamicUser=yes", "NoNewPrivileges=yes",
                   "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes", "PrivateDevices=yes",
                   "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX", "CapabilityBoundingSet=\n",
                   "SystemCallFilter=@system-service", "UMask=0077", "LimitNOFILE=", "Restart=on-failure",
                   "ExecStart=/usr/local/bin/iamd serve --listen ", "--data /var/lib/iamd"):
        assert needed in unit, needed
    grace = int(unit.split("--shutdown-grace ")[1].split()[0])
    assert int(unit.split("TimeoutStopSec=")[1].split()[0]) > grace
    if analyze is None:
        print("  (skipped systemd-analyze verify: systemd-analyze is not installed on this machine)")
        return
    # The unit as installed names /usr/local/bin/iamd; verify checks that ExecStart exists, so
    # the copy verified names the binary under test.
    copy = os.path.join(tmp, "iamd.service")
    with open(copy, "w") as f:
        f.write(unit.replace("/usr/local/bin/iamd", os.path.abspath(IAMD)))
    out = subprocess.run([analyze, "verify", copy], capture_output=True, text=True, timeout=60)
    complaints = [line for line in (out.stdout + out.stderr).splitlines() if "iamd.service" in line]
    assert out.returncode == 0 and not complaints, out.stdout + out.stderr


harness.server = None
finish(tmp)

"""A throwaway PostgreSQL for the end-to-end tests (scripts/pg-temp): `with Postgres(tmp) as url:`
starts one in a temporary folder and stops it (removing the folder) at the end. Not a test itself."""
import os
import subprocess
import tempfile

PG_TEMP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "pg-temp")


class Postgres:
    def __init__(self, tmp=None, fast=True):
        # A folder of its own under the system's temporary folder, not inside the test's
        # private one: when the tests run as root the server runs as the `postgres` user.
        self.folder = tempfile.mkdtemp(prefix="iamd-pg-")
        self.fast = fast
        self.url = None

    def __enter__(self):
        args = [PG_TEMP, "start", self.folder] + (["--fast"] if self.fast else [])
        self.url = subprocess.run(args, check=True, capture_output=True, text=True).stdout.strip()
        return self.url

    def __exit__(self, *exc):
        subprocess.run([PG_TEMP, "stop", self.folder], check=False, capture_output=True)
        return False

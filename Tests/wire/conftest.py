"""Starts `labbook serve` on a free loopback port for the wire tests.

The server is the real command (LABBOOK, default .build/debug/labbook): its first stdout
line is the URL, and SIGTERM must stop it cleanly.
"""
import os
import shutil
import signal
import subprocess
import tempfile

import boto3
import pytest
from botocore.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REGION = "ap-northeast-2"


def labbook_binary():
    path = os.environ.get("LABBOOK", os.path.join(ROOT, ".build", "debug", "labbook"))
    if not os.access(path, os.X_OK):
        pytest.exit(f"no labbook binary at {path}: run `swift build` first, or set LABBOOK", returncode=2)
    return path


class Server:
    def __init__(self, *args):
        if "--state-dir" in args:
            self.state = args[args.index("--state-dir") + 1]
        else:
            self.state = tempfile.mkdtemp(prefix="labbook-wire-")
            args = ("--state-dir", self.state, *args)
        self.process = subprocess.Popen(
            [labbook_binary(), "serve", "--port", "0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            self.process.kill()
            raise RuntimeError(f"labbook serve printed {self.url!r}; stderr: {self.process.stderr.read()}")

    def client(self, service, key="test", secret="test", **config):
        return boto3.client(service, endpoint_url=self.url, region_name=REGION, aws_access_key_id=key,
                            aws_secret_access_key=secret, config=Config(retries={"max_attempts": 1}, **config))

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=20)
        shutil.rmtree(self.state, ignore_errors=True)
        return code


@pytest.fixture(scope="session")
def server():
    # Endpoints take their simulated minutes; 600x makes a 4-minute deployment 0.4 s.
    s = Server("--time-scale", "600")
    yield s
    assert s.stop() == 0, "labbook serve should exit 0 on SIGTERM"

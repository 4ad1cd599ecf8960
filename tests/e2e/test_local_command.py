"""The README's first command itself: `python -m local_stack` (what `make local` runs)."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

from components.build_spec import PROJECT_ROOT
from local_stack.processes import free_port

pytestmark = pytest.mark.e2e


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_reaches_ready_serves_the_printed_curl_and_ctrl_c_leaves_nothing(artifacts):
    artifacts.get("blog-api"), artifacts.get("echo")  # images built once per run, shared
    port, dynamodb_port = free_port(), free_port()
    command = subprocess.Popen([sys.executable, "-m", "local_stack", "--port", str(port), "--dynamodb-port",
                                str(dynamodb_port)], cwd=PROJECT_ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    try:
        printed = []
        deadline = time.monotonic() + 600
        for line in command.stdout:
            printed.append(line)
            if line.startswith("logs in"):
                break
            assert time.monotonic() < deadline, "no 'ready' in time"
        output = "".join(printed)
        assert "ready: graviton-blog is running locally" in output
        curl = re.search(r"curl -s '(http://127\.0\.0\.1:\d+/lambda-url/blog-api/authors)'", output)
        assert curl, output
        authors = requests.get(curl[1], timeout=30).json()["authors"]
        assert [a["name"] for a in authors] == ["Ada Lovelace", "Grace Hopper", "Linus Torvalds"]
        command.send_signal(signal.SIGINT)
        assert command.wait(timeout=30) == 0
    finally:
        if command.poll() is None:
            command.kill()
    assert not listening(port) and not listening(dynamodb_port)
    # moto, the emulator, and the bootstraps the command unpacked under build/local/run.
    leftovers = subprocess.run(["pgrep", "-af", f"-p {dynamodb_port}|-P {port}|build/local/run/"],
                               capture_output=True, text=True)
    assert leftovers.stdout == "", leftovers.stdout


def test_a_taken_port_is_a_clear_error_at_once():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "local_stack", "--port", str(port)], cwd=PROJECT_ROOT,
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert f"port {port} for the function URL emulator is taken" in done.stderr
    assert time.monotonic() - started < 30

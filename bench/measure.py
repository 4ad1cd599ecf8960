"""Runtime measurements on the local stack: init, warm latency, serial vs parallel, memory."""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import requests

from local_stack.processes import Process
from local_stack.stack import LocalStack

from .forwarding_proxy import runtime_api_adapter

PEER_DIR = Path(__file__).resolve().parent / "python_peer"
FUNCTION = "blog-api"  # the emulator routes only names of the workspace's binaries


@dataclass
class Subject:
    """One implementation of the API, and how to start it as a Lambda runtime.

    `start(stack, env)` starts it with `env` on top of the stack's runtime environment."""

    name: str
    emulated: bool
    start: Callable[[LocalStack, dict], Process]
    routes: tuple[str, ...] = ("/", "/posts", "/authors")
    cleanup: list = field(default_factory=list)


def runtime_subject(name: str, argv: list[str], emulated: bool) -> Subject:
    """A Rust bootstrap started with `argv` (natively, or through qemu)."""
    return Subject(name, emulated, start=lambda stack, env: stack.start_runtime(FUNCTION, argv, env=env))


def python_subject() -> Subject:
    """The boto3 peer under awslambdaric, through the Runtime API adapter it needs."""
    subject = Subject("python-peer", emulated=False, start=None, routes=("/", "/posts"))  # type: ignore[arg-type]

    def start(stack: LocalStack, env: dict) -> Process:
        adapter = runtime_api_adapter(stack.port, FUNCTION).start()
        subject.cleanup.append(adapter.stop)
        argv = [sys.executable, "-m", "awslambdaric", "handler.handler"]
        return stack.start_runtime(FUNCTION, argv, env={**env, "AWS_LAMBDA_RUNTIME_API": adapter.address}, cwd=PEER_DIR)

    subject.start = start
    return subject


def start_fresh(stack: LocalStack, subject: Subject, env: Optional[dict] = None) -> Process:
    """Starts `subject` behind a new emulator, so no runtime stopped earlier can take its requests."""
    stack.restart_emulator()
    return subject.start(stack, env or {})


def stop(subject: Subject, process: Process) -> None:
    process.stop()
    while subject.cleanup:
        subject.cleanup.pop()()


def summary(values: list[float]) -> dict:
    ordered = sorted(values)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {"n": len(values), "min": ordered[0], "median": statistics.median(ordered), "p50": pick(0.50),
            "p99": pick(0.99), "max": ordered[-1]}


def timing_ms(response: requests.Response) -> float:
    return float(response.headers["server-timing"].split("dur=")[1])


def measure_init(stack: LocalStack, subject: Subject, repeats: int) -> dict:
    """Process start to the first response of `GET /posts?limit=10`, in ms."""
    url = stack.url(FUNCTION) + "posts?limit=10"
    times = []
    for _ in range(repeats):
        stack.restart_emulator()
        started = time.perf_counter()
        process = subject.start(stack, {})
        try:
            try:
                response = requests.get(url, timeout=60)
            except requests.RequestException as error:
                raise RuntimeError(f"{subject.name} did not answer ({error}):\n{process.log_tail()}") from error
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.text
        finally:
            stop(subject, process)
    return summary(times)


def measure_warm(stack: LocalStack, subject: Subject, repeats: int, limit: int = 10, env: Optional[dict] = None,
                 warmup: int = 20) -> dict:
    """Per route at `?limit=`: client-observed latency, the part outside DynamoDB (total -
    Server-Timing), and the function process's own CPU time per request."""
    process = start_fresh(stack, subject, env)
    session = requests.Session()
    try:
        base = stack.url(FUNCTION)
        for _ in range(warmup):
            session.get(base + f"posts?limit={limit}", timeout=60)
        routes = {}
        for route in subject.routes:
            totals, outside = [], []
            cpu_before = process.cpu_seconds()
            for _ in range(repeats):
                started = time.perf_counter()
                response = session.get(base + route.lstrip("/") + f"?limit={limit}", timeout=60)
                total = (time.perf_counter() - started) * 1000
                assert response.status_code == 200, response.text
                totals.append(total)
                outside.append(total - timing_ms(response))
            routes[route] = {"total": summary(totals), "outside_dynamodb": summary(outside),
                             "cpu_ms": (process.cpu_seconds() - cpu_before) * 1000 / repeats}
        return {"routes": routes, "peak_rss_kib": process.peak_rss_kib(), "rss_kib": process.rss_kib()}
    finally:
        stop(subject, process)


def measure_modes(stack: LocalStack, subject: Subject, limit: int, repeats: int, env: dict) -> dict:
    """`GET /` in both modes: Server-Timing DynamoDB time, and serial / parallel."""
    process = start_fresh(stack, subject, env)
    session = requests.Session()
    try:
        base = stack.url(FUNCTION)
        session.get(base + f"?limit={limit}", timeout=120)
        runs: dict[str, list[float]] = {"serial": [], "parallel": []}
        for _ in range(repeats):
            for mode in runs:  # interleaved, so drift hits both alike
                response = session.get(base + f"?limit={limit}&mode={mode}", timeout=120)
                assert response.status_code == 200, response.text
                runs[mode].append(timing_ms(response))
        serial, parallel = (statistics.median(runs[m]) for m in ("serial", "parallel"))
        return {"limit": limit, "serial": summary(runs["serial"]), "parallel": summary(runs["parallel"]),
                "ratio": serial / parallel}
    finally:
        stop(subject, process)

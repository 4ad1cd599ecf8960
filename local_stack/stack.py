"""LocalStack: moto, the function URL emulator and the functions, started and stopped together."""

from __future__ import annotations

import platform
import shutil
import sys
import time
from pathlib import Path
from typing import Callable, Optional

import requests

from components import blog_schema
from components.build_spec import RUST_DIR

from . import seed
from .artifacts import unpack_bootstrap
from .processes import Process, claim_port, wait_for_port

HOST_MACHINE = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}[platform.machine().lower()]


def tool(name: str) -> str:
    """A console script of this venv (moto_server, cargo-lambda), else one on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} is not installed: run `make setup`")
    return found


ARM64_SYSROOT = Path("/usr/aarch64-linux-gnu")


def runner(architecture: str) -> list[str]:
    """How to start a bootstrap of `architecture` here: natively, or under qemu user emulation."""
    if architecture == HOST_MACHINE:
        return []
    if architecture == "arm64":
        qemu = shutil.which("qemu-aarch64-static") or shutil.which("qemu-aarch64")
        # The loader, libc and libgcc_s (Rust's unwinder) that a bootstrap links against.
        libraries = [ARM64_SYSROOT / "lib" / name for name in ("ld-linux-aarch64.so.1", "libc.so.6", "libgcc_s.so.1")]
        missing = [str(path) for path in libraries if not path.exists()]
        if not qemu or missing:
            raise RuntimeError("running arm64 bootstraps needs qemu-user-static, libc6-arm64-cross and "
                               f"libgcc-s1-arm64-cross (missing: {', '.join(missing) or 'qemu'}): run `make setup`")
        return [qemu, "-L", str(ARM64_SYSROOT)]
    raise RuntimeError(f"cannot run {architecture} bootstraps on {HOST_MACHINE}")


class LocalStack:
    """The system on 127.0.0.1. `functions` maps a binary name to its zip."""

    def __init__(
        self,
        functions: dict[str, Path],
        architecture: str,
        work_dir: Path,
        port: Optional[int] = None,
        dynamodb_port: Optional[int] = None,
        table: str = "blog",
        extra_posts: int = 0,
        page_size: Optional[int] = None,
        log: Callable[[str], None] = lambda _msg: None,
    ):
        self.functions = functions
        self.architecture = architecture
        self.work_dir = work_dir
        self.table = table
        self.extra_posts = extra_posts
        self.page_size = page_size
        self.log = log
        self.port = claim_port(port, "the function URL emulator")
        self.dynamodb_port = claim_port(dynamodb_port, "the local DynamoDB")
        self.processes: dict[str, Process] = {}

    @property
    def dynamodb_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.dynamodb_port}"

    def url(self, function: str) -> str:
        return f"http://127.0.0.1:{self.port}/lambda-url/{function}/"

    def start(self) -> "LocalStack":
        try:
            self.start_dynamodb()
            self.log(f"local DynamoDB on {self.dynamodb_endpoint}, table {self.table!r} seeded")
            self.start_emulator()
            for name, zip_path in self.functions.items():
                self.start_function(name, zip_path)
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def start_emulator(self) -> None:
        """cargo-lambda's Runtime API and function URL emulator, serving the workspace's binaries."""
        emulator = self._spawn("emulator", [tool("cargo-lambda"), "lambda", "watch", "--only-lambda-apis",
                                            "-A", "127.0.0.1", "-P", str(self.port)], cwd=RUST_DIR)
        wait_for_port(self.port, emulator)

    def restart_emulator(self) -> None:
        """A fresh emulator: no queued invocation can reach a runtime that was stopped."""
        self.processes.pop("emulator").stop()
        self.start_emulator()

    def start_dynamodb(self, seeded: bool = True) -> None:
        moto = self._spawn("dynamodb", [tool("moto_server"), "-H", "127.0.0.1", "-p", str(self.dynamodb_port)])
        wait_for_port(self.dynamodb_port, moto)
        if seeded:
            client = seed.dynamodb_client(self.dynamodb_endpoint)
            seed.create_table(client, self.table)
            seed.put_items(client, self.table, seed.sample_items(self.extra_posts))

    def stop_dynamodb(self) -> None:
        self.processes.pop("dynamodb").stop()

    def start_function(self, name: str, zip_path: Path) -> Process:
        """Runs the zip's bootstrap as `name` (natively, or under qemu for arm64 here)."""
        bootstrap = unpack_bootstrap(zip_path, self.work_dir / name)
        return self.start_runtime(name, runner(self.architecture) + [str(bootstrap)])

    def runtime_env(self, name: str) -> dict[str, str]:
        """What Lambda would set for function `name`, pointed at the local DynamoDB."""
        env = {
            "AWS_LAMBDA_RUNTIME_API": f"http://127.0.0.1:{self.port}/.rt/{name}",
            "AWS_LAMBDA_FUNCTION_NAME": name,
            "AWS_LAMBDA_FUNCTION_VERSION": "1",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_ENDPOINT_URL_DYNAMODB": self.dynamodb_endpoint,
            "TABLE_NAME": self.table,
            "INDEX_NAME": blog_schema.INDEX_NAME,
        }
        if self.page_size:
            env["DDB_PAGE_SIZE"] = str(self.page_size)
        return env

    def start_runtime(self, name: str, argv: list[str], env: Optional[dict] = None, cwd: Optional[Path] = None) -> Process:
        """Starts any Lambda runtime process as function `name` (its env on top of runtime_env)."""
        return self._spawn(name, argv, env={**self.runtime_env(name), **(env or {})}, cwd=cwd)

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Until every function has answered one request through its URL."""
        deadline = time.monotonic() + timeout
        for name in self.functions:
            while True:
                process = self.processes[name]
                if not process.running():
                    raise RuntimeError(f"{name} exited:\n{process.log_tail()}")
                try:
                    if requests.get(self.url(name) + "authors?limit=1", timeout=10).status_code < 500:
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{name} did not answer through {self.url(name)}:\n{process.log_tail()}")
                time.sleep(0.2)

    def _spawn(self, name: str, argv: list[str], env: Optional[dict] = None, cwd: Optional[Path] = None) -> Process:
        process = Process(name, argv, self.work_dir / "logs" / f"{name}.log", env=env, cwd=cwd)
        self.processes[name] = process
        return process

    def stop(self) -> None:
        """Stops everything this stack started, functions first."""
        for name in reversed(list(self.processes)):
            self.processes.pop(name).stop()

    def __enter__(self) -> "LocalStack":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

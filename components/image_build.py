"""`docker build` of a BuildSpec from the command line, for tests and the local stack.

`RustBootstrap` builds through pulumi-docker, which speaks to the engine's
BuildKit itself. Outside Pulumi we need a CLI that runs BuildKit: `docker buildx
build` where buildx is installed, else a Docker CLI older than 23 with
DOCKER_BUILDKIT=1 (newer CLIs refuse BuildKit without buildx). Set `DOCKER` to
choose the CLI.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Optional, TextIO

from .build_spec import BuildSpec


class BuildError(Exception):
    pass


@dataclass(frozen=True)
class BuildResult:
    image_id: str
    log: str
    seconds: float


def dependency_layer_cached(log: str) -> bool:
    """Whether BuildKit reused the dependency layer (`cargo chef cook`) in this build's log."""
    step = re.search(r"^#(\d+) \[builder \d+/\d+\] RUN cargo-for-target.sh chef cook", log, re.M)
    if step is None:
        raise BuildError("the build log does not name the dependency (cook) step")
    return re.search(rf"^#{step[1]} CACHED$", log, re.M) is not None


def step_seconds(log: str) -> list[tuple[str, str, float]]:
    """(stage, command, seconds) of each step this build ran, from BuildKit's plain
    progress; steps taken from the cache are left out."""
    steps = {n: (stage, command) for n, stage, command in re.findall(r"^#(\d+) \[([\w-]+) \d+/\d+\] (.+)$", log, re.M)}
    done = re.findall(r"^#(\d+) DONE (\d+(?:\.\d+)?)s$", log, re.M)
    return [(*steps[n], float(seconds)) for n, seconds in done if n in steps]


def _runs(cmd: list[str], env: Optional[dict] = None) -> Optional[str]:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def build_command() -> list[str]:
    """The argv prefix of a BuildKit build that loads its result into the engine."""
    candidates = [os.environ.get("DOCKER"), shutil.which("docker"), "/usr/bin/docker"]
    clis = [c for c in dict.fromkeys(candidates) if c and shutil.which(c)]
    for cli in clis:
        if _runs([cli, "buildx", "version"]) is not None:
            return [cli, "buildx", "build", "--load"]
    for cli in clis:
        version = _runs([cli, "version", "--format", "{{.Client.Version}}"])
        if version and version.split(".")[0].isdigit() and int(version.split(".")[0]) < 23:
            return [cli, "build"]
    raise BuildError(
        "no Docker CLI here can run a BuildKit build: install docker buildx, "
        f"or point DOCKER at a Docker CLI older than 23 (tried: {', '.join(clis) or 'none'})"
    )


def build_image(spec: BuildSpec, echo: Optional[TextIO] = None, no_cache: bool = False) -> BuildResult:
    """Builds `spec`; streams BuildKit's plain progress to `echo` (if given) and returns it."""
    cmd = build_command() + ["--progress=plain", "--platform", spec.platform, "-f", str(spec.dockerfile), "-t", spec.image_name]
    for key, value in spec.build_args.items():
        cmd += ["--build-arg", f"{key}={value}"]
    if no_cache:
        cmd.append("--no-cache")
    cmd.append(str(spec.context))
    env = {**os.environ, "DOCKER_BUILDKIT": "1"}
    started = time.monotonic()
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    lines = []
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line)
        if echo is not None:
            echo.write(line)
            echo.flush()
    code = process.wait()
    log = "".join(lines)
    if code != 0:
        raise BuildError(f"docker build of {spec.image_name} failed (exit {code}):\n" + "".join(lines[-40:]))
    image_id = _runs([cmd[0], "image", "inspect", "--format", "{{.Id}}", spec.image_name])
    if not image_id:
        raise BuildError(f"built {spec.image_name} but cannot inspect it")
    return BuildResult(image_id=image_id, log=log, seconds=time.monotonic() - started)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="build one bootstrap image")
    parser.add_argument("binary")
    parser.add_argument("--architecture", default="arm64")
    args = parser.parse_args()
    result = build_image(BuildSpec(args.binary, args.architecture), echo=sys.stderr)
    print(result.image_id)

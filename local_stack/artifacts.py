"""Builds the bootstraps exactly as RustBootstrap does: same BuildSpec, same extraction."""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path
from typing import Callable

from components.artifact import Artifact, extract
from components.build_spec import PROJECT_ROOT, BuildSpec
from components.image_build import BuildResult, build_image

BINARIES = ("blog-api", "echo")
BUILD_DIR = PROJECT_ROOT / "build" / "local"
_STEP = re.compile(r"^#\d+ (\[.*\]|DONE|CACHED)")


class StepPrinter:
    """Shows BuildKit's step lines only: progress without the compiler's chatter."""

    def __init__(self, prefix: str, out=sys.stderr):
        self.prefix, self.out = prefix, out

    def write(self, line: str) -> None:
        if _STEP.match(line) and " sha256:" not in line:
            self.out.write(f"  {self.prefix} {line}")

    def flush(self) -> None:
        self.out.flush()


def build_artifact(spec: BuildSpec, out_dir: Path = BUILD_DIR, progress: bool = True,
                   no_cache: bool = False) -> tuple[Artifact, BuildResult]:
    """Builds `spec` and writes its checked zip to `out_dir/<binary>-<architecture>.zip`."""
    label = f"{spec.binary}/{spec.architecture}"
    result = build_image(spec, echo=StepPrinter(label) if progress else None, no_cache=no_cache)
    artifact = extract(result.image_id, spec.architecture, out_dir / f"{spec.binary}-{spec.architecture}.zip")
    return artifact, result


def unpack_bootstrap(zip_path: Path, into: Path) -> Path:
    """The zip's `bootstrap`, with the mode bits the zip carries, as Lambda would see it."""
    into.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_path) as archive:
        info = archive.getinfo("bootstrap")
        target = into / "bootstrap"
        target.write_bytes(archive.read(info))
        target.chmod((info.external_attr >> 16) & 0o777)
    return target


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build_all(architecture: str, out_dir: Path = BUILD_DIR, log: Callable[[str], None] = say) -> dict[str, Artifact]:
    built = {}
    for binary in BINARIES:
        log(f"building {binary} for {architecture} (the first build takes several minutes)...")
        artifact, result = build_artifact(BuildSpec(binary, architecture), out_dir)
        log(f"  {binary}: {artifact.size} byte zip, glibc {artifact.glibc}, built in {result.seconds:.0f} s")
        built[binary] = artifact
    return built

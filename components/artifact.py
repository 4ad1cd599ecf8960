"""The Lambda artifact: copy `/bootstrap` out of a built image, check it, zip it.

Plain Python that `RustBootstrap` runs (through pulumi-command), and that the
tests and the local stack call directly:

    python -m components.artifact IMAGE --architecture arm64 --out build/blog-api.zip

prints one JSON line: {"zip", "sha256", "size", "bootstrap_sha256", "glibc"}.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import sys
import tarfile
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Optional

import docker
from elftools.elf.elffile import ELFFile
from elftools.elf.gnuversions import GNUVerNeedSection

from .build_spec import ARCHITECTURES, BuildSpec
from .image_build import build_image

# Amazon Linux 2023, what provided.al2023 runs on, ships glibc 2.34.
MAX_GLIBC = (2, 34)
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can hold
ZIP_MODE = 0o100755  # a regular file, rwxr-xr-x


class ArtifactError(Exception):
    """The binary cannot run on Lambda; the message says why and what to do."""


@dataclass(frozen=True)
class Artifact:
    zip: str
    sha256: str
    size: int
    bootstrap_sha256: str
    glibc: Optional[str]


def glibc_requirement(elf: ELFFile) -> Optional[tuple[int, int]]:
    """The highest GLIBC_x.y symbol version the binary needs (None if none)."""
    highest = None
    for section in elf.iter_sections():
        if not isinstance(section, GNUVerNeedSection):
            continue
        for _needed, aux_entries in section.iter_versions():
            for aux in aux_entries:
                match = re.fullmatch(r"GLIBC_(\d+)\.(\d+)(?:\.\d+)?", aux.name)
                if match:
                    version = (int(match[1]), int(match[2]))
                    highest = max(highest or version, version)
    return highest


def check_bootstrap(data: bytes, architecture: str) -> Optional[tuple[int, int]]:
    """Checks the ELF machine and the glibc it needs; returns that glibc version."""
    if architecture not in ARCHITECTURES:
        raise ArtifactError(f"unknown architecture {architecture!r}: use arm64 or x86_64")
    expected = ARCHITECTURES[architecture][1]
    if not data.startswith(b"\x7fELF"):
        raise ArtifactError("bootstrap is not an ELF binary: check the Dockerfile's final stage copies the built binary")
    elf = ELFFile(io.BytesIO(data))
    machine = elf["e_machine"]
    if machine != expected:
        raise ArtifactError(
            f"bootstrap is built for {machine}, but the function's architecture is {architecture} "
            f"(needs {expected}): build with --platform {ARCHITECTURES[architecture][0]}"
        )
    needed = glibc_requirement(elf)
    if needed is not None and needed > MAX_GLIBC:
        have = "%d.%d" % MAX_GLIBC
        raise ArtifactError(
            f"bootstrap needs GLIBC_{needed[0]}.{needed[1]}, but provided.al2023 has glibc {have}: "
            f"it would fail at cold start. Link against glibc <= {have} (build on an older "
            f"base, or use cargo zigbuild --target <triple>.{have}) or drop the symbol that needs it"
        )
    return needed


def zip_bootstrap(data: bytes) -> bytes:
    """One entry `bootstrap`, mode 0755, fixed time and compression: same input, same bytes."""
    info = zipfile.ZipInfo("bootstrap", date_time=ZIP_TIMESTAMP)
    info.create_system = 3  # unix, so the mode bits are honoured
    info.external_attr = ZIP_MODE << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return buffer.getvalue()


def read_bootstrap(image: str) -> bytes:
    """`/bootstrap` from a local image, through a created (never started) container."""
    client = docker.from_env()
    container = client.containers.create(image, command=["/bootstrap"])
    try:
        stream, _stat = container.get_archive("/bootstrap")
        with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
            member = tar.extractfile("bootstrap")
            if member is None:
                raise ArtifactError(f"/bootstrap in {image} is not a regular file")
            return member.read()
    finally:
        container.remove(force=True)


def package(data: bytes, architecture: str, out: Path) -> Artifact:
    """Checks `data` and writes the zip to `out` (only if its bytes changed)."""
    glibc = check_bootstrap(data, architecture)
    archive = zip_bootstrap(data)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not out.exists() or out.read_bytes() != archive:
        out.write_bytes(archive)
    return Artifact(
        zip=str(out),
        sha256=hashlib.sha256(archive).hexdigest(),
        size=len(archive),
        bootstrap_sha256=hashlib.sha256(data).hexdigest(),
        glibc=None if glibc is None else "%d.%d" % glibc,
    )


def image_present(image: str) -> bool:
    try:
        docker.from_env().images.get(image)
    except docker.errors.ImageNotFound:
        return False
    return True


def extract(image: str, architecture: str, out: Path, binary: Optional[str] = None) -> Artifact:
    """Checks and zips `/bootstrap` from `image`. If the image is not in this engine
    (a fresh checkout deploying an existing stack) and `binary` is named, it is built
    again from the same BuildSpec first; reproducible builds give the same zip."""
    if binary is not None and not image_present(image):
        print(f"{image} is not in this Docker engine: building {binary} for {architecture} again", file=sys.stderr)
        image = build_image(BuildSpec(binary, architecture), echo=sys.stderr).image_id
    return package(read_bootstrap(image), architecture, out)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("image", help="image id or tag holding /bootstrap")
    parser.add_argument("--architecture", required=True, choices=sorted(ARCHITECTURES))
    parser.add_argument("--out", required=True, type=Path, help="where to write the zip")
    parser.add_argument("--binary", help="rebuild this Cargo binary if the image is not in this engine")
    args = parser.parse_args(argv)
    try:
        artifact = extract(args.image, args.architecture, args.out, args.binary)
    except ArtifactError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(json.dumps(asdict(artifact)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What to build for one Rust binary: the Docker build parameters, defined once.

`RustBootstrap` hands them to `pulumi_docker.Image`; the tests and the local
stack hand them to `docker build` (`components.image_build`). Same Dockerfile,
same platform, same build args.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RUST_DIR = PROJECT_ROOT / "rust"

# Lambda's architecture name -> (Docker platform, ELF machine as pyelftools names it).
ARCHITECTURES: dict[str, tuple[str, str]] = {
    "arm64": ("linux/arm64", "EM_AARCH64"),
    "x86_64": ("linux/amd64", "EM_X86_64"),
}


@dataclass(frozen=True)
class BuildSpec:
    """One `bootstrap` build: which binary, for which Lambda architecture."""

    binary: str
    architecture: str = "arm64"
    context: Path = RUST_DIR
    tag: Optional[str] = None
    """The local image tag; default graviton-blog/<binary>:<architecture>."""

    def __post_init__(self) -> None:
        if self.architecture not in ARCHITECTURES:
            allowed = " or ".join(ARCHITECTURES)
            raise ValueError(f"architecture must be {allowed}, got {self.architecture!r}")

    @property
    def platform(self) -> str:
        return ARCHITECTURES[self.architecture][0]

    @property
    def elf_machine(self) -> str:
        return ARCHITECTURES[self.architecture][1]

    @property
    def dockerfile(self) -> Path:
        return self.context / "Dockerfile"

    @property
    def build_args(self) -> dict[str, str]:
        return {"BIN": self.binary}

    @property
    def image_name(self) -> str:
        """A local tag only: the image is never pushed."""
        return self.tag or f"graviton-blog/{self.binary}:{self.architecture}"

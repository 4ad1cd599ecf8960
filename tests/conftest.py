"""Shared by the docker and e2e tiers: each image is built once per test run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from components.artifact import Artifact
from components.build_spec import BuildSpec
from components.image_build import BuildResult
from local_stack.artifacts import build_artifact


@dataclass(frozen=True)
class Built:
    artifact: Artifact
    build: BuildResult

    @property
    def zip(self) -> Path:
        return Path(self.artifact.zip)


class ArtifactCache:
    """Builds (binary, architecture) on first use, exactly as RustBootstrap would."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.built: dict[tuple[str, str], Built] = {}

    def get(self, binary: str, architecture: str = "arm64") -> Built:
        key = (binary, architecture)
        if key not in self.built:
            artifact, result = build_artifact(BuildSpec(binary, architecture), self.out_dir, progress=False)
            self.built[key] = Built(artifact, result)
        return self.built[key]


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory) -> ArtifactCache:
    return ArtifactCache(tmp_path_factory.mktemp("artifacts"))

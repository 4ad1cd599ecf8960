"""RustBootstrap: build a Rust binary in Docker and package it as a Lambda zip.

The image is built by pulumi-docker (never pushed); the checked, deterministic
`bootstrap.zip` is extracted by `components.artifact` through pulumi-command,
only when the image changed. Same sources give the same zip bytes and sha256,
so an unchanged stack deploys no Lambda change.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pulumi
import pulumi_command as command
import pulumi_docker as docker

from .build_spec import PROJECT_ROOT, RUST_DIR, BuildSpec


@dataclass
class RustBootstrapArgs:
    binary: str
    """The Cargo binary target to build (the Dockerfile's BIN build arg)."""
    architecture: str = "arm64"
    """Lambda architecture: arm64 (default, Graviton) or x86_64."""
    context: Path = RUST_DIR
    """The Cargo workspace holding the Dockerfile."""
    out_dir: Optional[Path] = None
    """Where the zip is written; default build/<stack>/ under the project."""


def _python() -> str:
    """This interpreter, relative to the project when it is the project's venv,
    so the recorded command is the same on every machine."""
    exe = Path(sys.executable)
    try:
        return str(exe.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(exe)


def zip_presence(zip_path: Path) -> str:
    """A trigger that changes only when this machine lacks the zip (a fresh checkout
    deploying an existing stack): extraction runs again and writes the same bytes,
    so Lambda's archive always exists when the engine diffs it."""
    return "zip present" if zip_path.exists() else f"zip missing at {time.time_ns()}"


class RustBootstrap(pulumi.ComponentResource):
    archive: pulumi.Output[pulumi.Archive]
    sha256: pulumi.Output[str]
    image_id: pulumi.Output[str]

    def __init__(self, name: str, args: RustBootstrapArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("graviton-blog:index:RustBootstrap", name, None, opts)
        spec = BuildSpec(args.binary, args.architecture, args.context)
        out_dir = args.out_dir or PROJECT_ROOT / "build" / pulumi.get_stack()
        zip_path = out_dir / f"{args.binary}-{args.architecture}.zip"

        image = docker.Image(
            f"{name}-image",
            image_name=spec.image_name,
            skip_push=True,
            # Paths relative to the project (Pulumi runs the program there), so the
            # same checkout elsewhere shows no diff.
            build=docker.DockerBuildArgs(
                context=os.path.relpath(spec.context, PROJECT_ROOT),
                dockerfile=os.path.relpath(spec.dockerfile, PROJECT_ROOT),
                platform=spec.platform,
                args=spec.build_args,
                builder_version=docker.BuilderVersion.BUILDER_BUILD_KIT,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        # For an image that is not pushed, repo_digest is the local image id.
        image_id = image.repo_digest
        relative_zip = os.path.relpath(zip_path, PROJECT_ROOT)
        extract = command.local.Command(
            f"{name}-zip",
            create=image_id.apply(
                lambda ref: f"{_python()} -m components.artifact {ref} --binary {spec.binary} "
                f"--architecture {spec.architecture} --out {relative_zip}"
            ),
            # Absolute, so the command finds the project wherever the provider runs;
            # a moved checkout re-runs the extraction, which writes the same bytes.
            dir=str(PROJECT_ROOT),
            triggers=[image_id, zip_presence(zip_path)],
            opts=pulumi.ResourceOptions(parent=self),
        )
        result = extract.stdout.apply(json.loads)
        self.image_id = image_id
        self.sha256 = result.apply(lambda r: r["sha256"])
        # The zip file itself, so Lambda receives exactly its bytes and mode bits;
        # created only once the extraction has written it.
        self.archive = result.apply(lambda r: pulumi.FileArchive(str(PROJECT_ROOT / r["zip"])))
        self.register_outputs({"archive": self.archive, "sha256": self.sha256, "image_id": self.image_id})

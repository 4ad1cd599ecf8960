"""Build measurements: release-profile variants (section 5) and Docker build times (section 6)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from components.artifact import Artifact, zip_bootstrap
from components.build_spec import PROJECT_ROOT, RUST_DIR, BuildSpec
from components.image_build import build_image, dependency_layer_cached
from local_stack.artifacts import build_artifact

VARIANT_DIR = PROJECT_ROOT / "build" / "bench"
# (opt-level, lto); the first is what rust/Cargo.toml ships.
VARIANTS = [("3", "fat"), ("3", "thin"), ("s", "fat"), ("z", "fat")]


def build_variant(opt_level: str, lto: str) -> dict:
    """blog-api for this machine (x86_64) with one release profile; target dirs persist between runs."""
    target = VARIANT_DIR / f"target-opt{opt_level}-{lto}"
    binary = target / "release" / "blog-api"
    cached = binary.exists()
    env = {**os.environ, "CARGO_PROFILE_RELEASE_OPT_LEVEL": opt_level, "CARGO_PROFILE_RELEASE_LTO": lto}
    started = time.monotonic()
    subprocess.run(["cargo", "build", "--quiet", "--release", "--locked", "-p", "blog-api", "--target-dir", str(target)],
                   cwd=RUST_DIR, env=env, check=True)
    data = binary.read_bytes()
    return {"opt_level": opt_level, "lto": lto, "binary": str(binary), "bootstrap_bytes": len(data),
            "zip_bytes": len(zip_bootstrap(data)), "build_seconds": time.monotonic() - started, "cached": cached}


def docker_build_times(work_dir: Path, artifact_dir: Path) -> tuple[dict, Artifact]:
    """blog-api for linux/arm64: a cold (no cache) build, which is also the artifact the
    other sections run, then a no-change build and a build after a one-line `.rs` change."""
    spec = BuildSpec("blog-api", "arm64")
    artifact, cold = build_artifact(spec, artifact_dir, progress=False, no_cache=True)
    unchanged = build_image(spec)
    sources = Path(shutil.copytree(RUST_DIR, work_dir / "rust", ignore=shutil.ignore_patterns("target")))
    http = sources / "blog-api" / "src" / "http.rs"
    # A change no earlier run made, so BuildKit cannot reuse an old layer for it.
    http.write_text(http.read_text().replace("try again shortly", f"try again shortly ({time.time_ns()})"))
    changed = build_image(BuildSpec("blog-api", "arm64", context=sources, tag="graviton-blog/bench-changed:arm64"))
    times = {
        "cold_seconds": cold.seconds,
        "no_change_seconds": unchanged.seconds,
        "rs_change_seconds": changed.seconds,
        "rs_change_reused_dependencies": dependency_layer_cached(changed.log),
        "cold_reused_dependencies": dependency_layer_cached(cold.log),
        "no_change_same_image": unchanged.image_id == cold.image_id,
    }
    return times, artifact


def emulation_support() -> dict:
    """Whether this engine could run the 2021 demo's build (every step under --platform linux/arm64)."""
    handler = Path("/proc/sys/fs/binfmt_misc/qemu-aarch64")
    probe = subprocess.run(["docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}", "--filter",
                            "reference=debian:bookworm-slim"], capture_output=True, text=True)
    return {"binfmt_aarch64_registered": handler.exists(), "base_images": probe.stdout.split()}

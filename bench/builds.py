"""Build measurements: release-profile variants (section 5) and Docker build times (section 6)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from components.artifact import Artifact, zip_bootstrap
from components.build_spec import PROJECT_ROOT, RUST_DIR, BuildSpec
from components.image_build import build_image, dependency_layer_cached, step_seconds
from local_stack.artifacts import build_artifact

VARIANT_DIR = PROJECT_ROOT / "build" / "bench"
# (opt-level, lto); the first is what rust/Cargo.toml ships.
VARIANTS = [("3", "fat"), ("3", "thin"), ("s", "fat"), ("z", "fat")]


def build_variant(opt_level: str, lto: str) -> dict:
    """blog-api for this machine (x86_64) with one release profile, copied to build/bench/variants.

    Each opt-level has its own target dir, which cargo keeps for the next run.
    Cargo gives thin and fat LTO different cache keys, yet compiles the
    dependencies identically for both (bitcode at the profile's opt-level): so a
    thin variant is the fat profile's build with `-C lto=thin` for the final link,
    which saves a whole dependency build. It matched a plain cargo thin build
    within 0.03% in size.
    """
    target = VARIANT_DIR / f"target-opt{opt_level}"
    binary = VARIANT_DIR / "variants" / f"blog-api-opt{opt_level}-{lto}"
    env = {**os.environ, "CARGO_PROFILE_RELEASE_OPT_LEVEL": opt_level, "CARGO_PROFILE_RELEASE_LTO": "fat"}
    command = ["cargo", "rustc", "--quiet", "--release", "--locked", "-p", "blog-api", "--bin", "blog-api",
               "--target-dir", str(target)]
    if lto != "fat":
        command += ["--", "-C", f"lto={lto}"]
    subprocess.run(command, cwd=RUST_DIR, env=env, check=True)
    binary.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(target / "release" / "blog-api", binary)
    binary.chmod(0o755)
    data = binary.read_bytes()
    return {"opt_level": opt_level, "lto": lto, "binary": str(binary), "bootstrap_bytes": len(data),
            "zip_bytes": len(zip_bootstrap(data))}


def build_variants() -> list[dict]:
    """All VARIANTS, in their order. The opt-levels build side by side: a single
    build keeps about 1.4 of 2 cores busy (one long crate, then one long link),
    and nothing is timed while they run. Variants of one opt-level share a
    target dir, so they build one after the other."""
    chains: dict[str, list[str]] = {}
    for opt_level, lto in VARIANTS:
        chains.setdefault(opt_level, []).append(lto)
    with ThreadPoolExecutor(len(chains)) as pool:
        built = pool.map(lambda item: [build_variant(item[0], lto) for lto in item[1]], chains.items())
        by_key = {(v["opt_level"], v["lto"]): v for chain in built for v in chain}
    return [by_key[key] for key in VARIANTS]


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
        "cold_stages": cold_stages(cold.log),
        "no_change_seconds": unchanged.seconds,
        "rs_change_seconds": changed.seconds,
        "rs_change_reused_dependencies": dependency_layer_cached(changed.log),
        "cold_reused_dependencies": dependency_layer_cached(cold.log),
        "no_change_same_image": unchanged.image_id == cold.image_id,
    }
    return times, artifact


def cold_stages(log: str) -> dict:
    """Where a cold build's time goes: the toolchain layers (once per machine; the
    compiler and cargo-chef part once for all targets), the dependency layer (once
    per Cargo.lock) and the crate (every source change)."""
    steps = step_seconds(log)
    return {
        "toolchain": sum(t for stage, _, t in steps if stage in ("rust", "toolchain")),
        "dependencies": sum(t for stage, command, t in steps if stage == "builder" and " chef cook " in command),
        "crate": sum(t for stage, command, t in steps if stage == "builder" and " build " in command),
    }


def emulation_support() -> dict:
    """Whether this engine could run the 2021 demo's build (every step under --platform linux/arm64)."""
    handler = Path("/proc/sys/fs/binfmt_misc/qemu-aarch64")
    probe = subprocess.run(["docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}", "--filter",
                            "reference=debian:bookworm-slim"], capture_output=True, text=True)
    return {"binfmt_aarch64_registered": handler.exists(), "base_images": probe.stdout.split()}

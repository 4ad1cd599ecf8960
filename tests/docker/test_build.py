"""The real Docker build: arm64 and amd64 artifacts, checked, run, and reproducible."""

from __future__ import annotations

import hashlib
import io
import shutil
import zipfile
from pathlib import Path

import pytest
import requests
from elftools.elf.elffile import ELFFile

from components.artifact import glibc_requirement, main
from components.build_spec import RUST_DIR, BuildSpec
from components.image_build import dependency_layer_cached
from local_stack.artifacts import build_artifact
from local_stack.stack import LocalStack, runner

pytestmark = pytest.mark.docker


def bootstrap_of(zip_path: Path) -> tuple[zipfile.ZipInfo, bytes]:
    with zipfile.ZipFile(zip_path) as archive:
        (info,) = archive.infolist()
        return info, archive.read(info)


@pytest.mark.parametrize("binary", ["blog-api", "echo"])
def test_arm64_bootstrap_is_aarch64_needs_glibc_2_34_at_most_and_zips_alone(artifacts, binary):
    built = artifacts.get(binary, "arm64")
    info, data = bootstrap_of(built.zip)
    assert info.filename == "bootstrap"
    assert info.external_attr >> 16 == 0o100755
    elf = ELFFile(io.BytesIO(data))
    assert elf["e_machine"] == "EM_AARCH64"
    assert glibc_requirement(elf) <= (2, 34)
    assert built.artifact.glibc is not None
    print(f"{binary} arm64: bootstrap {len(data)} B, zip {built.artifact.size} B, glibc {built.artifact.glibc}, "
          f"build {built.build.seconds:.0f} s")


def test_amd64_blog_api_is_x86_64(artifacts):
    built = artifacts.get("blog-api", "x86_64")
    _, data = bootstrap_of(built.zip)
    elf = ELFFile(io.BytesIO(data))
    assert elf["e_machine"] == "EM_X86_64"
    assert glibc_requirement(elf) <= (2, 34)
    print(f"blog-api x86_64: bootstrap {len(data)} B, zip {built.artifact.size} B, glibc {built.artifact.glibc}")


def test_arm64_blog_api_answers_authors_under_qemu_through_the_function_url(artifacts, tmp_path):
    built = artifacts.get("blog-api", "arm64")
    assert runner("arm64"), "on this x86_64 machine the arm64 artifact runs under qemu"
    with LocalStack({"blog-api": built.zip}, "arm64", tmp_path) as stack:
        assert "qemu-aarch64" in " ".join(stack.processes["blog-api"].popen.args)
        response = requests.get(stack.url("blog-api") + "authors", timeout=30)
        assert response.status_code == 200
        names = [a["name"] for a in response.json()["authors"]]
        assert names == ["Ada Lovelace", "Grace Hopper", "Linus Torvalds"]


def test_rebuild_without_changes_gives_the_same_zip(artifacts, tmp_path):
    first = artifacts.get("echo", "arm64")
    again, result = build_artifact(BuildSpec("echo", "arm64"), tmp_path, progress=False)
    assert again.sha256 == first.artifact.sha256
    print(f"no-change rebuild: {result.seconds:.1f} s")


def copy_sources(into: Path) -> Path:
    return Path(shutil.copytree(RUST_DIR, into, ignore=shutil.ignore_patterns("target")))


def test_changing_one_rs_file_changes_the_zip_and_reuses_the_dependency_layer(artifacts, tmp_path):
    original = artifacts.get("echo", "arm64")
    sources = copy_sources(tmp_path / "rust")
    main = sources / "echo" / "src" / "main.rs"
    main.write_text(main.read_text().replace('"application/json"', '"application/json; charset=utf-8"'))
    spec = BuildSpec("echo", "arm64", context=sources, tag="graviton-blog/echo-changed:arm64")
    changed, result = build_artifact(spec, tmp_path / "out", progress=False)
    assert changed.sha256 != original.artifact.sha256
    assert dependency_layer_cached(result.log), "a .rs change must not rebuild the dependencies"
    print(f"rebuild after a .rs change: {result.seconds:.1f} s")


def test_two_clean_builds_from_different_checkouts_give_the_same_bootstrap(artifacts, tmp_path):
    original = artifacts.get("echo", "arm64")
    # Another path, and no cache at all: every stage runs again.
    sources = copy_sources(tmp_path / "elsewhere" / "rust")
    spec = BuildSpec("echo", "arm64", context=sources, tag="graviton-blog/echo-clean:arm64")
    clean, result = build_artifact(spec, tmp_path / "clean", progress=False, no_cache=True)
    assert not dependency_layer_cached(result.log)
    assert clean.bootstrap_sha256 == original.artifact.bootstrap_sha256
    assert clean.sha256 == original.artifact.sha256
    print(f"clean build: {result.seconds:.0f} s, bootstrap sha256 {clean.bootstrap_sha256}")


def test_extraction_rebuilds_an_image_missing_from_this_engine(artifacts, tmp_path):
    """A fresh checkout deploying an existing stack: the recorded image id is unknown here."""
    original = artifacts.get("echo", "arm64")
    out = tmp_path / "echo.zip"
    unknown = "sha256:" + "0" * 64
    assert main([unknown, "--binary", "echo", "--architecture", "arm64", "--out", str(out)]) == 0
    assert hashlib.sha256(out.read_bytes()).hexdigest() == original.artifact.sha256

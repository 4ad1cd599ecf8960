"""The artifact checks and the deterministic zip, on small binaries built here."""

import hashlib
import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from components.artifact import ArtifactError, check_bootstrap, package, zip_bootstrap

NEEDS_GLIBC_2_36 = "#include <stdlib.h>\nint main(void) { return (int)(arc4random() & 1); }\n"
HELLO = '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n'


def compile_c(tmp_path: Path, source: str, compiler: str = "gcc") -> bytes:
    if not shutil.which(compiler):
        pytest.fail(f"{compiler} is missing: run `make setup`")
    src = tmp_path / "fixture.c"
    src.write_text(source)
    out = tmp_path / "fixture"
    subprocess.run([compiler, "-O1", "-o", str(out), str(src)], check=True)
    return out.read_bytes()


def test_binary_needing_a_newer_glibc_is_rejected_with_the_fix(tmp_path):
    # arc4random is GLIBC_2.36 (Debian bookworm's glibc); Amazon Linux 2023 has 2.34.
    binary = compile_c(tmp_path, NEEDS_GLIBC_2_36)
    with pytest.raises(ArtifactError) as caught:
        check_bootstrap(binary, "x86_64")
    message = str(caught.value)
    assert "needs GLIBC_2.36" in message
    assert "provided.al2023 has glibc 2.34" in message
    assert "fail at cold start" in message


def test_binary_within_glibc_2_34_passes_and_reports_its_need(tmp_path):
    assert check_bootstrap(compile_c(tmp_path, HELLO), "x86_64") <= (2, 34)


def test_wrong_architecture_is_rejected_with_the_platform_to_use(tmp_path):
    with pytest.raises(ArtifactError, match=r"built for EM_X86_64.*architecture is arm64.*--platform linux/arm64"):
        check_bootstrap(compile_c(tmp_path, HELLO), "arm64")


def test_non_elf_is_rejected():
    with pytest.raises(ArtifactError, match="not an ELF binary"):
        check_bootstrap(b"#!/bin/sh\necho hi\n", "arm64")


def test_zip_has_one_executable_entry_with_fixed_time_and_same_bytes_for_same_input():
    data = b"\x7fELF pretend binary" * 100
    first, second = zip_bootstrap(data), zip_bootstrap(data)
    assert first == second
    assert zip_bootstrap(data + b"!") != first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        (info,) = archive.infolist()
        assert info.filename == "bootstrap"
        assert info.external_attr >> 16 == 0o100755
        assert info.create_system == 3
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
        assert info.compress_type == zipfile.ZIP_DEFLATED
        assert archive.read("bootstrap") == data


def test_package_writes_the_checked_zip_and_its_sha256(tmp_path):
    binary = compile_c(tmp_path, HELLO)
    out = tmp_path / "out" / "bootstrap.zip"
    artifact = package(binary, "x86_64", out)
    assert artifact.sha256 == hashlib.sha256(out.read_bytes()).hexdigest()
    assert artifact.bootstrap_sha256 == hashlib.sha256(binary).hexdigest()
    assert artifact.size == out.stat().st_size
    mtime = out.stat().st_mtime_ns
    assert package(binary, "x86_64", out) == artifact
    assert out.stat().st_mtime_ns == mtime, "an unchanged zip is not rewritten"

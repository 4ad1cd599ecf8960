"""How the local stack runs an arm64 bootstrap on this machine, and what it says when it cannot."""

import pytest

from local_stack import stack


def test_arm64_runner_names_each_missing_library(tmp_path, monkeypatch):
    monkeypatch.setattr(stack, "HOST_MACHINE", "x86_64")
    (tmp_path / "lib").mkdir()
    for present in ("ld-linux-aarch64.so.1", "libc.so.6"):
        (tmp_path / "lib" / present).touch()
    monkeypatch.setattr(stack, "ARM64_SYSROOT", tmp_path)
    monkeypatch.setattr(stack.shutil, "which", lambda name: f"/usr/bin/{name}")
    with pytest.raises(RuntimeError, match=r"libgcc-s1-arm64-cross \(missing: .*lib/libgcc_s\.so\.1\)"):
        stack.runner("arm64")
    (tmp_path / "lib" / "libgcc_s.so.1").touch()
    assert stack.runner("arm64") == ["/usr/bin/qemu-aarch64-static", "-L", str(tmp_path)]

#!/bin/sh
# Runs cargo for the image's TARGETARCH with the flags every build here shares.
# `cargo chef cook` and `cargo build` both go through it, so their flags are
# identical and the cooked dependency layer is reused.
set -eu
case "${TARGETARCH:?TARGETARCH is set by BuildKit}" in
  arm64)
    triple=aarch64-unknown-linux-gnu
    cc=aarch64-linux-gnu-gcc
    # Graviton2 and later; never `native`, which would tune for the build machine.
    cpu="-C target-cpu=neoverse-n1"
    ;;
  amd64)
    triple=x86_64-unknown-linux-gnu
    cc=x86_64-linux-gnu-gcc
    cpu=""
    ;;
  *)
    echo "unsupported TARGETARCH=$TARGETARCH (use linux/arm64 or linux/amd64)" >&2
    exit 1
    ;;
esac
upper=$(echo "$triple" | tr 'a-z-' 'A-Z_')
export "CARGO_TARGET_${upper}_LINKER=$cc"
export "CC_$(echo "$triple" | tr '-' '_')=$cc"
# Reproducible binaries: no build paths and no build id in the output. RUSTFLAGS
# reach only target code because --target is always given.
export RUSTFLAGS="$cpu --remap-path-prefix=/src=/build --remap-path-prefix=${CARGO_HOME}=/cargo -C link-arg=-Wl,--build-id=none"
export SOURCE_DATE_EPOCH=0
exec cargo "$@" --release --target "$triple"

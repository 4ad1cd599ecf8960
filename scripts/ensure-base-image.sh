#!/usr/bin/env bash
# Make sure the Dockerfile's base image exists locally.
#
# A user who can pull gets the official image from their registry and this script
# does nothing more. Machines without a registry (our CI) build the same image the
# way Debian's official one is made: debootstrap, the machine's own apt sources,
# then `docker import`.
set -euo pipefail

IMAGE="${BASE_IMAGE:-debian:bookworm-slim}"
SUITE="${BASE_SUITE:-bookworm}"

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "base image $IMAGE: present"
  exit 0
fi
if timeout 60 docker pull -q "$IMAGE" >/dev/null 2>&1; then
  echo "base image $IMAGE: pulled"
  exit 0
fi

echo "base image $IMAGE: not pullable here, building it with debootstrap (about a minute)..."
if ! command -v debootstrap >/dev/null 2>&1; then
  apt-get install -y -q debootstrap >/dev/null
fi
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
debootstrap --variant=minbase "$SUITE" "$root" >"$root.log" 2>&1 || {
  tail -20 "$root.log" >&2
  echo "debootstrap failed; full log: $root.log" >&2
  exit 1
}
# The machine's own apt sources, so apt inside builds reaches the same archive (and
# bookworm-security, which carries rustc-web 1.96).
rm -f "$root/etc/apt/sources.list"
mkdir -p "$root/etc/apt/sources.list.d"
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list; do
  [ -f "$f" ] || continue
  # Keep only Debian's own archive entries; third-party repos need keys the image lacks.
  if grep -q 'debian' "$f" && ! grep -qiE 'nodesource|cloud\.google' "$f"; then
    cp "$f" "$root/etc/apt/sources.list.d/"
  fi
done
# The machine's own extra CA certificates (a TLS-intercepting egress proxy, say):
# installing ca-certificates in a build adds them to the bundle cargo trusts.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
fi
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin
tar -C "$root" -c . | docker import - "$IMAGE" >/dev/null
rm -f "$root.log"
echo "base image $IMAGE: built offline"

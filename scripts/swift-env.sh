#!/usr/bin/env bash
# Swift toolchain for Linux hosts that have none: a Debian trixie root (debootstrap) with
# Debian's `swiftlang`, cached OUTSIDE the repo so it is built once per machine.
#
#   scripts/swift-env.sh setup            create/refresh the cached root (idempotent)
#   scripts/swift-env.sh run DIR CMD...   run CMD inside the root, in DIR (a path under the repo)
#
# `run` works in a private mount namespace (unshare): /proc, /dev and the repo are mounted
# only for that process tree, so nothing stays mounted afterwards, even if it is killed.
# The repo is bind-mounted at the SAME absolute path, so paths in build output match the host.
set -euo pipefail

ROOT="${WAYMARK_SWIFT_ROOT:-/var/cache/waymark/trixie-swift}"
STAMP_VERSION="1 swiftlang libc6-dev"   # bump when the package set changes
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { echo "swift-env: $*" >&2; }

debian_mirror() {
  # The mirror this machine's apt already uses (deb822 or one-line format).
  local uri
  uri=$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null \
        | awk '{print $2}' | grep -v security | head -n1 || true)
  if [ -z "$uri" ]; then
    uri=$(grep -hsE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
          | awk '{print $2}' | grep -v security | head -n1 || true)
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

need_root() {
  if [ "$(id -u)" != 0 ]; then
    log "needs root (debootstrap, chroot and mounts)"; exit 1
  fi
}

setup() {
  need_root
  if [ -f "$ROOT/.waymark-ready" ] && [ "$(cat "$ROOT/.waymark-ready")" = "$STAMP_VERSION" ]; then
    return 0
  fi
  # Two test runs at once (e.g. two checkouts) must not build the same root together.
  mkdir -p "$(dirname "$ROOT")"
  exec 9>"$ROOT.lock"
  flock 9
  if [ -f "$ROOT/.waymark-ready" ] && [ "$(cat "$ROOT/.waymark-ready")" = "$STAMP_VERSION" ]; then
    exec 9>&-
    return 0
  fi
  if ! command -v debootstrap >/dev/null; then
    log "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  fi
  local mirror tmp
  mirror=$(debian_mirror)
  tmp="$ROOT.partial"
  # A half-made root from an interrupted run is thrown away, never trusted.
  if [ -d "$tmp" ]; then
    umount -R "$tmp/proc" 2>/dev/null || true
    rm -rf --one-file-system "$tmp"
  fi
  mkdir -p "$(dirname "$ROOT")"
  log "debootstrap trixie from $mirror into $tmp (a few minutes, once per machine)"
  debootstrap --variant=minbase trixie "$tmp" "$mirror" >"$(dirname "$ROOT")/debootstrap.log" 2>&1 \
    || { tail -n 30 "$(dirname "$ROOT")/debootstrap.log" >&2; exit 1; }
  log "installing swiftlang in the trixie root"
  unshare --mount --propagation private bash -euo pipefail -c '
    tmp=$1
    mount -t proc proc "$tmp/proc"
    mount --rbind /dev "$tmp/dev"
    cp /etc/resolv.conf "$tmp/etc/resolv.conf" 2>/dev/null || true
    chroot "$tmp" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
      sh -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends swiftlang libc6-dev ca-certificates >/dev/null && apt-get clean"
  ' _ "$tmp"
  # Recreate the final root atomically (an old one with a stale stamp is replaced).
  if [ -d "$ROOT" ]; then rm -rf --one-file-system "$ROOT"; fi
  echo "$STAMP_VERSION" >"$tmp/.waymark-ready"
  mv "$tmp" "$ROOT"
  exec 9>&-
  log "ready: $ROOT"
}

run() {
  need_root
  local dir=$1; shift
  setup
  unshare --mount --propagation private bash -euo pipefail -c '
    root=$1 repo=$2 dir=$3 target=$4; shift 4
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    mount -t tmpfs tmpfs "$root/tmp"
    mkdir -p "$root$repo"
    mount --bind "$repo" "$root$repo"
    # A shared CARGO_TARGET_DIR outside the repo holds the library the tests link against.
    if [ -n "$target" ] && [ -d "$target" ] && [ "${target#"$repo"/}" = "$target" ]; then
      mkdir -p "$root$target"
      mount --bind "$target" "$root$target"
    fi
    exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
      ${WAYMARK_SWIFT_ENV:-} sh -c "cd \"\$0\" && exec \"\$@\"" "$dir" "$@"
  ' _ "$ROOT" "$REPO" "$dir" "${CARGO_TARGET_DIR:-}" "$@"
}

case "${1:-}" in
  setup) setup ;;
  run) shift; [ $# -ge 2 ] || { log "usage: $0 run DIR CMD..."; exit 2; }; run "$@" ;;
  *) echo "usage: $0 setup | run DIR CMD..." >&2; exit 2 ;;
esac

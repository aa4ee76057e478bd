#!/usr/bin/env bash
# Swift bindings: generate them from a fresh build of the Rust library, then build the ios/
# Swift package and run its XCTest tests against target/<profile>/libwaymark_ffi.so.
# Uses a host `swift` when there is one (macOS, or Linux with a toolchain); otherwise Debian
# trixie's swiftlang in a cached debootstrap root (scripts/swift-env.sh; needs root).
#   scripts/test-swift.sh [--release]    extra args: SWIFT_TEST_ARGS="--filter VaultTests"
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
libdir=$("$REPO/scripts/gen-bindings.sh" "$@")
config=debug
[ "${1:-}" = "--release" ] && config=release
args=(test -c "$config" --package-path "$REPO/ios" --disable-swift-testing
      -Xlinker -L"$libdir" -Xlinker -rpath -Xlinker "$libdir")
# shellcheck disable=SC2206
args+=(${SWIFT_TEST_ARGS:-})
if command -v swift >/dev/null 2>&1; then
  swift "${args[@]}"
else
  "$REPO/scripts/swift-env.sh" run "$REPO/ios" swift "${args[@]}"
fi

#!/usr/bin/env bash
# Builds the Rust core for iOS into ios/Frameworks/WaymarkFFIC.xcframework (a static library for
# devices, arm64, and one for the simulator, arm64 + x86_64), with the C header and module map the
# generated Swift imports. The generated Swift itself comes from scripts/gen-bindings.sh, run
# first here, so the app and the Linux tests use bindings made the same way.
#
#   scripts/build-xcframework.sh [--debug]      (release by default)
#
# Needs macOS with Xcode (xcodebuild, lipo, the iOS SDKs) and rustup. It cannot run on Linux:
# there is no Apple SDK to link against. On Linux it says so and exits 3 without building anything;
# scripts/test-swift.sh skips it there with a message.
#
# Afterwards: `cd ios && xcodegen generate && open Waymark.xcodeproj` (XcodeGen: brew install xcodegen).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

say() { echo "build-xcframework: $*" >&2; }

if [ "$(uname -s)" != Darwin ] || ! command -v xcodebuild >/dev/null 2>&1; then
  say "needs macOS with Xcode (xcodebuild, lipo and the iOS SDKs); nothing was built on $(uname -s)"
  exit 3
fi

profile=release
cargo_flags=(--release)
gen_flags=(--release)
if [ "${1:-}" = "--debug" ]; then profile=debug; cargo_flags=(); gen_flags=(); fi

device=aarch64-apple-ios
simulators=(aarch64-apple-ios-sim x86_64-apple-ios)
# Keep in step with ios/project.yml (deploymentTarget) and ios/Package.swift (platforms).
export IPHONEOS_DEPLOYMENT_TARGET=16.0

if command -v rustup >/dev/null 2>&1; then
  installed=$(rustup target list --installed)
  for t in "$device" "${simulators[@]}"; do
    grep -qx "$t" <<<"$installed" || rustup target add "$t"
  done
fi

# 1. Swift bindings + C header, generated from the host build of the same sources.
"$REPO/scripts/gen-bindings.sh" "${gen_flags[@]}" >/dev/null

# 2. The static library per Apple target. `cargo rustc --crate-type staticlib` builds only the .a
#    (the crate also lists cdylib, which iOS apps cannot ship).
target_dir="${CARGO_TARGET_DIR:-$REPO/target}"
for t in "$device" "${simulators[@]}"; do
  say "building waymark-ffi for $t ($profile)"
  cargo rustc --quiet "${cargo_flags[@]}" -p waymark-ffi --lib --crate-type staticlib --target "$t"
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 3. One simulator library holding both architectures.
mkdir -p "$work/device" "$work/simulator"
cp "$target_dir/$device/$profile/libwaymark_ffi.a" "$work/device/libwaymark_ffi.a"
sim_libs=()
for t in "${simulators[@]}"; do sim_libs+=("$target_dir/$t/$profile/libwaymark_ffi.a"); done
lipo -create "${sim_libs[@]}" -output "$work/simulator/libwaymark_ffi.a"

# 4. Headers: every C header gen-bindings.sh wrote (one per crate with UniFFI scaffolding: the
#    FFI facade and the app model), in a folder named after the module so this module map cannot
#    collide with another XCFramework's in Xcode's shared include folder. No `link` line: the
#    XCFramework links the .a itself.
headers="$work/headers/WaymarkFFIC"
mkdir -p "$headers"
{
  echo "module WaymarkFFIC {"
  for h in "$REPO"/ios/Sources/WaymarkFFIC/*.h; do
    cp "$h" "$headers/"
    echo "    header \"$(basename "$h")\""
  done
  echo "    export *"
  echo "}"
} >"$headers/module.modulemap"

out="$REPO/ios/Frameworks/WaymarkFFIC.xcframework"
rm -rf "$out"
mkdir -p "$(dirname "$out")"
xcodebuild -create-xcframework \
  -library "$work/device/libwaymark_ffi.a" -headers "$work/headers" \
  -library "$work/simulator/libwaymark_ffi.a" -headers "$work/headers" \
  -output "$out" >&2
say "ready: $out"

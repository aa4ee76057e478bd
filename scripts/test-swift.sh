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
# SwiftPM's incremental build has been seen to keep test objects compiled against the previous
# generated bindings after an app-model enum gained cases (the tests then crash with signal 11
# in a derived ==). Start the Swift build afresh whenever the generated files changed.
stamp="$REPO/ios/.build/waymark-bindings.sha256"
bindings_sum=$(cat "$REPO"/ios/Sources/WaymarkFFI/*.swift "$REPO"/ios/Sources/WaymarkFFIC/* | sha256sum | cut -d' ' -f1)
if [ -d "$REPO/ios/.build" ] && [ "$(cat "$stamp" 2>/dev/null)" != "$bindings_sum" ]; then
  echo "test-swift: the generated bindings changed; rebuilding the Swift package from scratch" >&2
  rm -rf "$REPO/ios/.build"
fi
# Link the library just built, never an XCFramework left in ios/Frameworks by an earlier build.
export WAYMARK_FFI_LINK=system
export WAYMARK_SWIFT_ENV="WAYMARK_FFI_LINK=system ${WAYMARK_SWIFT_ENV:-}"
status=0
if command -v swift >/dev/null 2>&1; then
  swift "${args[@]}" || status=$?
else
  "$REPO/scripts/swift-env.sh" run "$REPO/ios" swift "${args[@]}" || status=$?
fi
[ -d "$REPO/ios/.build" ] && echo "$bindings_sum" >"$stamp"

# The Apple-only files cannot be type-checked here (no UIKit or SwiftUI), but they are parsed, so
# a syntax error is caught on Linux too.
# shellcheck disable=SC2086  # paths under ios/App have no spaces
app_sources=$(cd "$REPO" && find ios/App -name '*.swift' | sort)
if command -v swift >/dev/null 2>&1; then
  (cd "$REPO" && swiftc -parse $app_sources) || status=$?
else
  "$REPO/scripts/swift-env.sh" run "$REPO" swiftc -parse $app_sources || status=$?
fi
[ $status = 0 ] && echo "test-swift: the $(echo "$app_sources" | wc -l) Apple-only files in ios/App parse" >&2

# The iOS app itself (XCFramework + Xcode project) builds only on macOS with Xcode.
if [ "$(uname -s)" = Darwin ] && command -v xcodebuild >/dev/null 2>&1 && command -v xcodegen >/dev/null 2>&1; then
  "$REPO/scripts/build-xcframework.sh" --debug || status=$?
  (cd "$REPO/ios" && xcodegen generate --quiet \
    && xcodebuild -quiet -project Waymark.xcodeproj -scheme Waymark \
         -destination 'generic/platform=iOS Simulator' CODE_SIGNING_ALLOWED=NO build) || status=$?
else
  echo "test-swift: skipped building the iOS app (scripts/build-xcframework.sh, ios/project.yml):" \
       "it needs macOS with Xcode and XcodeGen; the Apple-only files in ios/App are not compiled here" >&2
fi
exit $status

#!/usr/bin/env bash
# Builds the Rust library and generates the Kotlin and Swift bindings from it.
#
#   scripts/gen-bindings.sh [--release]
#
# Generated code is NOT committed: it must match the compiled library exactly (uniffi checks
# checksums when the library loads), so every build generates it afresh, in well under a second.
#   Kotlin -> android/src/generated/kotlin/org/waymark/ffi/waymark_ffi.kt
#             android/src/generated/kotlin/org/waymark/app/model/waymark_app.kt (the app model)
#   Swift  -> ios/Sources/WaymarkFFI/{WaymarkFFI.swift,WaymarkApp.swift} (one Swift module)
#             ios/Sources/WaymarkFFIC/{WaymarkFFIC.h,WaymarkAppFFIC.h,module.modulemap}
# Prints the directory holding libwaymark_ffi.so (.dylib on macOS) on stdout (for the test scripts); honours
# CARGO_TARGET_DIR, so worktrees can share one build folder.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

profile=debug
cargo_flags=()
if [ "${1:-}" = "--release" ]; then profile=release; cargo_flags=(--release); fi

# Build the library and the generator together so they share one feature set (no rebuilds
# between this and `cargo test --workspace`).
cargo build --quiet "${cargo_flags[@]}" -p waymark-ffi -p uniffi-bindgen >&2
target="${CARGO_TARGET_DIR:-$REPO/target}"
# uniffi-bindgen reads the interface from the host's shared library (.dylib on macOS).
case "$(uname -s)" in Darwin) ext=dylib ;; *) ext=so ;; esac
lib="$target/$profile/libwaymark_ffi.$ext"
[ -f "$lib" ] || { echo "gen-bindings: $lib was not built" >&2; exit 1; }
bindgen="$target/$profile/uniffi-bindgen"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bindgen" generate --no-format --library "$lib" --language kotlin --language swift \
  --out-dir "$out" >&2

kt_dir="$REPO/android/src/generated/kotlin/org/waymark/ffi"
kt_app_dir="$REPO/android/src/generated/kotlin/org/waymark/app/model"
swift_dir="$REPO/ios/Sources/WaymarkFFI"
c_dir="$REPO/ios/Sources/WaymarkFFIC"
mkdir -p "$kt_dir" "$kt_app_dir" "$swift_dir" "$c_dir"

# Only touch files whose content changed, so Maven and SwiftPM do not recompile needlessly.
install_if_changed() {
  if ! cmp -s "$1" "$2"; then cp "$1" "$2"; fi
}
install_if_changed "$out/org/waymark/ffi/waymark_ffi.kt" "$kt_dir/waymark_ffi.kt"
install_if_changed "$out/org/waymark/app/model/waymark_app.kt" "$kt_app_dir/waymark_app.kt"
install_if_changed "$out/WaymarkFFI.swift" "$swift_dir/WaymarkFFI.swift"
install_if_changed "$out/WaymarkApp.swift" "$swift_dir/WaymarkApp.swift"
install_if_changed "$out/WaymarkFFIC.h" "$c_dir/WaymarkFFIC.h"
install_if_changed "$out/WaymarkAppFFIC.h" "$c_dir/WaymarkAppFFIC.h"
# One C module for both crates' declarations (the app model's scaffolding is linked into
# libwaymark_ffi too); the shared RustBuffer types are guarded in each header.
cat >"$out/module.modulemap" <<'MAP'
module WaymarkFFIC {
    header "WaymarkFFIC.h"
    header "WaymarkAppFFIC.h"
    link "waymark_ffi"
    export *
}
MAP
install_if_changed "$out/module.modulemap" "$c_dir/module.modulemap"

echo "$target/$profile"

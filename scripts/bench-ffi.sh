#!/usr/bin/env bash
# The cost of one FFI call from Kotlin and from Swift (a trivial call, and logging one
# incident), each against a baseline measured in the same run, on a release build of the
# Rust library; plus the same core calls from Rust directly (no FFI) for comparison.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
# All three put their vault on the same disk (the Swift root's /tmp is a tmpfs).
export WAYMARK_BENCH_DIR="$REPO/target/ffi-bench"
export WAYMARK_FFI_LINK=system
export WAYMARK_SWIFT_ENV="WAYMARK_BENCH_DIR=$WAYMARK_BENCH_DIR WAYMARK_FFI_LINK=system"
mkdir -p "$WAYMARK_BENCH_DIR"
echo "== Rust, no FFI (bindings/ffi/benches/direct.rs)"
cargo bench --quiet -p waymark-ffi --bench direct
echo "== Kotlin"
kt_log="$WAYMARK_BENCH_DIR/kotlin.log"
if ! MAVEN_ARGS="-Dbench.excluded=none -Dtest=FfiBench -Drust.profile=release" \
  scripts/test-kotlin.sh --release >"$kt_log" 2>&1; then
  tail -n 40 "$kt_log"; exit 1
fi
grep -E '^(FFI bench|  )' "$kt_log"
echo "== Swift"
libdir="$REPO/target/release"
args=(run -c release --package-path "$REPO/ios" -Xlinker -L"$libdir" -Xlinker -rpath -Xlinker "$libdir" WaymarkBench)
if command -v swift >/dev/null 2>&1; then swift "${args[@]}"
else scripts/swift-env.sh run "$REPO/ios" swift "${args[@]}"; fi

#!/usr/bin/env bash
# The Android app's tests on the JVM: Robolectric 4.17 runs the real Activities, receivers and
# provider against the real Rust core (JNA loads target/<profile>/libwaymark_ffi.so), and draws
# every screen to PNG (the folder is printed). Needs Debian's aapt (the pom runs it).
#   scripts/test-android.sh            extra Maven args: MAVEN_ARGS="-Dtest=EffectsTest"
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v aapt >/dev/null || { echo "test-android: aapt is missing (apt-get install aapt)" >&2; exit 1; }
libdir=$("$REPO/scripts/gen-bindings.sh")
cd "$REPO/android/app"
# shellcheck disable=SC2086
mvn -B --no-transfer-progress -Dstyle.color=never -Drust.libdir="$libdir" ${MAVEN_ARGS:-} test 2>&1 \
  | sed -u 's/\x1b\[[0-9;]*m//g'

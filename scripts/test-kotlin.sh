#!/usr/bin/env bash
# Kotlin bindings: generate them from a fresh build of the Rust library, then compile the
# android/ Maven module and run its JUnit 5 tests on the JVM (JNA loads target/<profile>).
#   scripts/test-kotlin.sh [--release]   extra Maven args: MAVEN_ARGS="-Dtest=VaultTest"
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
libdir=$("$REPO/scripts/gen-bindings.sh" "$@")
cd "$REPO/android"
# -B: no colours or prompts (CI has no stdin); downloads go to ~/.m2 once per machine.
# shellcheck disable=SC2086
# Maven 3.8 still writes colour resets at exit; strip them so logs stay plain text.
mvn -B --no-transfer-progress -Dstyle.color=never -Drust.libdir="$libdir" ${MAVEN_ARGS:-} test 2>&1 \
  | sed -u 's/\x1b\[[0-9;]*m//g'

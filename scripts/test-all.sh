#!/usr/bin/env bash
# The whole project's tests: Rust (every crate; the relay's PostgreSQL suite needs Debian's
# postgresql installed and fails, never skips, without it), the Kotlin and Swift bindings against the same
# Rust library, the Android APK (built, signed and checked) and the Android app's Robolectric
# tests. Runs all of them even if one fails, and fails if any failed. Ends with one line
# counting every test of every runner: "tests: N passed, N failed".
set -uo pipefail
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
failed=()
step() {
  local name=$1; shift
  local start=$SECONDS
  echo "=== $name: $*"
  if "$@" 2>&1 | tee "$logs/$name.log"; then
    echo "=== $name: ok ($((SECONDS - start)) s)"
  else
    echo "=== $name: FAILED ($((SECONDS - start)) s)"
    failed+=("$name")
  fi
}
step rust cargo test --workspace --locked --no-fail-fast
step kotlin scripts/test-kotlin.sh
step swift scripts/test-swift.sh
step apk scripts/build-apk.sh
step android scripts/test-android.sh

# Count what each runner reported (its own summary lines), so no suite can pass by running nothing.
counts=$(
  {
    # cargo: "test result: ok. 5 passed; 1 failed; ..." per test binary
    sed -nE 's/^test result: [a-zA-Z]+\. ([0-9]+) passed; ([0-9]+) failed.*/rust \1 \2/p' "$logs/rust.log"
    # surefire: the final "Tests run: N, Failures: F, Errors: E, Skipped: S" (no " -- in" suffix)
    sed -nE 's/^\[[A-Z]+\] Tests run: ([0-9]+), Failures: ([0-9]+), Errors: ([0-9]+), Skipped: ([0-9]+)$/kotlin \1 \2 \3 \4/p' \
      "$logs/kotlin.log" | tail -n 1
    # the APK's checks: "apk checks: N passed, N failed"
    sed -nE 's/^apk checks: ([0-9]+) passed, ([0-9]+) failed$/apk \1 \2/p' "$logs/apk.log" | tail -n 1
    # Robolectric (surefire, as for kotlin)
    sed -nE 's/^\[[A-Z]+\] Tests run: ([0-9]+), Failures: ([0-9]+), Errors: ([0-9]+), Skipped: ([0-9]+)$/android \1 \2 \3 \4/p' \
      "$logs/android.log" | tail -n 1
    # XCTest: the last "Executed N tests, with F failures" is the 'All tests' suite
    sed -nE 's/.*Executed ([0-9]+) tests?, with ([0-9]+) failures?.*/swift \1 \2/p' "$logs/swift.log" | tail -n 1
  }
)
echo "$counts" | awk '
  $1 == "rust"   { p += $2; f += $3; seen["rust"] = 1 }
  $1 == "kotlin" { p += $2 - $3 - $4 - $5; f += $3 + $4; seen["kotlin"] = 1 }
  $1 == "swift"  { p += $2 - $3; f += $3; seen["swift"] = 1 }
  $1 == "apk"    { p += $2; f += $3; seen["apk"] = 1 }
  $1 == "android" { p += $2 - $3 - $4 - $5; f += $3 + $4; seen["android"] = 1 }
  END {
    for (s in seen) n++
    printf "=== suites reporting: %d of 5 (%s%s%s%s%s)\n", n, seen["rust"] ? "rust " : "", seen["kotlin"] ? "kotlin " : "", seen["swift"] ? "swift " : "", seen["apk"] ? "apk " : "", seen["android"] ? "android" : ""
    printf "tests: %d passed, %d failed\n", p, f
  }'
for suite in rust kotlin swift apk android; do
  if ! echo "$counts" | grep -q "^$suite "; then
    echo "=== $suite reported no test results"
    failed+=("$suite(no results)")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "=== failed: ${failed[*]}"
  exit 1
fi

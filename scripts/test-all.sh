#!/usr/bin/env bash
# The whole project's tests: Rust (every crate), then the Kotlin and Swift bindings against the
# same Rust library. Runs all three even if one fails, and fails if any failed. Ends with one
# line counting every test of the three runners: "tests: N passed, N failed".
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
step rust cargo test --workspace --locked
step kotlin scripts/test-kotlin.sh
step swift scripts/test-swift.sh

# Count what each runner reported (its own summary lines), so no suite can pass by running nothing.
counts=$(
  {
    # cargo: "test result: ok. 5 passed; 1 failed; ..." per test binary
    sed -nE 's/^test result: [a-zA-Z]+\. ([0-9]+) passed; ([0-9]+) failed.*/rust \1 \2/p' "$logs/rust.log"
    # surefire: the final "Tests run: N, Failures: F, Errors: E, Skipped: S" (no " -- in" suffix)
    sed -nE 's/^\[[A-Z]+\] Tests run: ([0-9]+), Failures: ([0-9]+), Errors: ([0-9]+), Skipped: ([0-9]+)$/kotlin \1 \2 \3 \4/p' \
      "$logs/kotlin.log" | tail -n 1
    # XCTest: the last "Executed N tests, with F failures" is the 'All tests' suite
    sed -nE 's/.*Executed ([0-9]+) tests?, with ([0-9]+) failures?.*/swift \1 \2/p' "$logs/swift.log" | tail -n 1
  }
)
echo "$counts" | awk '
  $1 == "rust"   { p += $2; f += $3; seen["rust"] = 1 }
  $1 == "kotlin" { p += $2 - $3 - $4 - $5; f += $3 + $4; seen["kotlin"] = 1 }
  $1 == "swift"  { p += $2 - $3; f += $3; seen["swift"] = 1 }
  END {
    for (s in seen) n++
    printf "=== suites reporting: %d of 3 (%s%s%s)\n", n, seen["rust"] ? "rust " : "", seen["kotlin"] ? "kotlin " : "", seen["swift"] ? "swift" : ""
    printf "tests: %d passed, %d failed\n", p, f
  }'
for suite in rust kotlin swift; do
  if ! echo "$counts" | grep -q "^$suite "; then
    echo "=== $suite reported no test results"
    failed+=("$suite(no results)")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "=== failed: ${failed[*]}"
  exit 1
fi

#!/usr/bin/env bash
# The whole project's tests: Rust (every crate), then the Kotlin and Swift bindings against the
# same Rust library. Runs all three even if one fails, and fails if any failed.
set -uo pipefail
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
failed=()
step() {
  local name=$1; shift
  local start=$SECONDS
  echo "=== $name: $*"
  if "$@"; then
    echo "=== $name: ok ($((SECONDS - start)) s)"
  else
    echo "=== $name: FAILED ($((SECONDS - start)) s)"
    failed+=("$name")
  fi
}
step rust cargo test --workspace --locked
step kotlin scripts/test-kotlin.sh
step swift scripts/test-swift.sh
if [ ${#failed[@]} -gt 0 ]; then
  echo "=== failed: ${failed[*]}"
  exit 1
fi
echo "=== all test suites passed (rust, kotlin, swift)"

#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ with the STABLE toolchain and runs each for a bounded time.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     default: 60 s, every target
#
# How it builds without nightly: libfuzzer-sys compiles libFuzzer (C++) itself, and coverage
# comes from LLVM's SanitizerCoverage pass, which stable rustc runs through `-Cpasses` and
# `-Cllvm-args` (the flags cargo-fuzz passes, minus the nightly-only `-Zsanitizer`). So there is
# no AddressSanitizer: the targets find panics (which abort), overflows (overflow checks are on),
# hangs and runaway memory (libFuzzer's -timeout and -rss_limit_mb), not memory errors in C code.
#
# The seeds in fuzz/corpus/TARGET are read, never written: new inputs go to a working corpus in
# $FUZZ_TARGET_DIR/corpus/TARGET (kept between runs), crashes to fuzz/artifacts/TARGET. After
# fixing a crash, copy its input into fuzz/corpus/TARGET: `cargo test -p waymark-fuzz` then
# replays it for ever. Builds go to $FUZZ_TARGET_DIR (default: target-fuzz in the repo) so
# instrumented objects never mix with the normal ones.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
seconds="${1:-60}"
shift || true
all=(strip map_import bundle_zip bundle_dir receipt when key_file armed_file)
targets=("${@:-${all[@]}}")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")

host="$(rustc -vV | sed -n 's/^host: //p')"
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$REPO/target-fuzz}"
# With an explicit --target, RUSTFLAGS reach only the target's crates, not build scripts.
export RUSTFLAGS="-Cpasses=sancov-module \
 -Cllvm-args=-sanitizer-coverage-level=4 \
 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
 -Cllvm-args=-sanitizer-coverage-pc-table \
 -Cllvm-args=-sanitizer-coverage-trace-compares \
 --cfg fuzzing -Cdebug-assertions -Coverflow-checks -Cforce-frame-pointers"
cargo build ${FUZZ_LOCKED---locked} --release -p waymark-fuzz --features libfuzzer --bins --target "$host"
bin="$CARGO_TARGET_DIR/$host/release"

status=0
for t in "${targets[@]}"; do
  work="$CARGO_TARGET_DIR/corpus/$t"
  artifacts="fuzz/artifacts/$t"
  mkdir -p "$work" "$artifacts"
  echo "=== fuzz $t for ${seconds}s"
  # -rss_limit_mb: memory use must stay bounded whatever the input; -timeout: no input may
  # take long (a hang is a finding); -max_len: inputs up to 64 KiB (one armed file).
  if ! "$bin/$t" "$work" "fuzz/corpus/$t" -artifact_prefix="$artifacts/" -max_total_time="$seconds" \
      -rss_limit_mb=1024 -timeout=10 -max_len=65536 -print_final_stats=1; then
    echo "=== fuzz $t: FOUND A FAILURE (see $artifacts)"
    status=1
  fi
done
exit $status

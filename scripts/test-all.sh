#!/usr/bin/env bash
# Every test: Rust (unit, end-to-end CLI, crash, tamper, privacy).
# README's test command. Kotlin and Swift suites are added by the bindings work.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --locked

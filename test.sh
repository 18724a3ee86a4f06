#!/usr/bin/env bash
# Runs every test: the core (unit, property, Playground reference runs, CLI) and the game
# (headless App tests, and the real game under Xvfb). On a fresh Debian machine run
# `sudo .ci/install.sh` once first.
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/neural-sandbox/target}"

cargo test --all-targets

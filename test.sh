#!/usr/bin/env bash
# Runs every test: the core (unit, property, Playground reference runs, levels, CLI), the game
# (headless App tests, and the real game under Xvfb driven by xdotool), and the web build in
# headless Chromium (the game, then the class server's teacher's page). On a fresh Debian machine run `sudo .ci/install.sh` once first.
# NO_WEB=1 skips the web build and its browser test (the slow part: about 20 minutes cold).
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/neural-sandbox/target}"

# The dev tools (--dump-state, --screenshot) drive the game under Xvfb.
cargo test --all-targets --features dev

if [ "${NO_WEB:-0}" != "1" ]; then
    web/build.sh
    # The browser test compares a run in the page with the same run of the native build.
    export NEURAL_SANDBOX_BIN="$CARGO_TARGET_DIR/debug/neural-sandbox"
    (cd web/e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent && node test.mjs ../../dist && node class.mjs ../../dist)
fi

#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian machine (run as root).
# Idempotent: already-installed pieces are skipped.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# The game's visual test: a real X server (Xvfb) and Mesa's software Vulkan (lavapipe) so Bevy
# renders without a GPU; xdotool drives the mouse; ImageMagick is handy for looking at shots.
apt-get install -y -qq --no-install-recommends \
    xvfb xauth mesa-vulkan-drivers libvulkan1 libgl1-mesa-dri libegl-mesa0 \
    libxkbcommon-x11-0 libxcursor1 libxrandr2 libxi6 xdotool imagemagick \
    ca-certificates >/dev/null
# The web build's end-to-end test: Debian's Chromium (never a browser a tool downloads), and
# Node.js for playwright-core; brotli compresses the bundle.
apt-get install -y -qq --no-install-recommends chromium brotli >/dev/null
# "Show as code": the generated Python is run against the network (python3 with NumPy).
apt-get install -y -qq --no-install-recommends python3 python3-numpy >/dev/null
# The class server's tests start their own PostgreSQL cluster (Debian's).
apt-get install -y -qq --no-install-recommends postgresql >/dev/null
if ! command -v npm >/dev/null; then
    apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

rustup component add rustfmt clippy >/dev/null 2>&1 || true
rustup target add wasm32-unknown-unknown >/dev/null
echo "install: done"

#!/usr/bin/env bash
# Builds the web version into dist/ (or $OUT): the game as size-optimised WebAssembly, its
# JavaScript glue, index.html and the level files. Serve the folder from any static host, under
# any path. Installs what it needs (the wasm target, wasm-bindgen-cli at the version in
# Cargo.lock) and binaryen's wasm-opt (npm's; WASM_OPT=0 skips it: 15% smaller raw, 1% compressed).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/neural-sandbox/target}"
PROFILE="${PROFILE:-web-release}"
OUT="${OUT:-dist}"
fail() { echo "web/build.sh: $*" >&2; exit 1; }

command -v cargo >/dev/null || fail "cargo is missing: install Rust from https://rustup.rs"
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    echo "installing the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown || fail "could not install the wasm32-unknown-unknown target"
fi
WBG_VERSION=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)
[ -n "$WBG_VERSION" ] || fail "no wasm-bindgen in Cargo.lock"
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WBG_VERSION\$"; then
    echo "installing wasm-bindgen-cli $WBG_VERSION (a few minutes, once)"
    # Not --locked: its lock file pins a crate version the registry here lacks.
    cargo install wasm-bindgen-cli --version "$WBG_VERSION" || fail "could not install wasm-bindgen-cli $WBG_VERSION"
fi

started=$(date +%s)
echo "building the game for the web ($PROFILE)"
cargo build --profile "$PROFILE" --target wasm32-unknown-unknown --bin neural-sandbox
WASM="$CARGO_TARGET_DIR/wasm32-unknown-unknown/$PROFILE/neural-sandbox.wasm"
[ -f "$WASM" ] || fail "the build produced no $WASM"

rm -rf "$OUT"
mkdir -p "$OUT"
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
    --out-dir "$OUT" --out-name neural-sandbox "$WASM"

if [ "${WASM_OPT:-1}" = "1" ]; then
    # Debian's binaryen (108) breaks Bevy's output at load; npm's (132 when written) handles it.
    # The features the module uses are named, since binaryen assumes an older baseline.
    if ! [ -x web/tools/node_modules/.bin/wasm-opt ]; then
        (cd web/tools && npm install --no-audit --no-fund --no-save binaryen@132 >/dev/null) || fail "could not install binaryen"
    fi
    echo "running wasm-opt -Oz (a few minutes; WASM_OPT=0 skips it)"
    web/tools/node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
        --enable-sign-ext --enable-mutable-globals --enable-simd --enable-reference-types \
        --enable-multivalue \
        -o "$OUT/neural-sandbox_bg.opt.wasm" "$OUT/neural-sandbox_bg.wasm"
    mv "$OUT/neural-sandbox_bg.opt.wasm" "$OUT/neural-sandbox_bg.wasm"
fi

cp web/index.html web/manifest.webmanifest web/icon.svg "$OUT/"
mkdir -p "$OUT/levels"
cp levels/*.ron levels/README.md "$OUT/levels/"

# Compressed copies beside the originals: servers that serve precompressed files use them, and
# the page itself fetches the .gz and unpacks it where the server compresses nothing.
command -v brotli >/dev/null || fail "brotli is missing: apt-get install brotli (or run .ci/install.sh)"
for f in "$OUT/neural-sandbox_bg.wasm" "$OUT/neural-sandbox.js" "$OUT/index.html"; do
    gzip -9 -k -f "$f"
    brotli -q 11 -k -f "$f"
done

# The service worker keeps what the page needs offline: the page, the engine (the .gz that the page
# unpacks when the server compresses nothing; offline there is no server), the levels. Its version is
# a hash of those files, so a new build replaces the old cache.
precache=("./" "index.html" "manifest.webmanifest" "icon.svg" "neural-sandbox.js" "neural-sandbox_bg.wasm.gz")
for f in levels/*.ron; do precache+=("$f"); done
version=$(cd "$OUT" && cat index.html neural-sandbox.js neural-sandbox_bg.wasm levels/*.ron | sha256sum | cut -c1-16)
list=$(printf '"%s", ' "${precache[@]}")
sed -e "s|__VERSION__|$version|" -e "s|__PRECACHE__|[${list%, }]|" web/sw.js > "$OUT/sw.js"

raw=$(stat -c %s "$OUT/neural-sandbox_bg.wasm")
gz=$(stat -c %s "$OUT/neural-sandbox_bg.wasm.gz")
br=$(stat -c %s "$OUT/neural-sandbox_bg.wasm.br")
mb() { awk -v b="$1" 'BEGIN { printf "%.2f MB", b / 1e6 }'; }
echo
echo "dist: $OUT ($(du -sh "$OUT" | cut -f1)), built in $(( $(date +%s) - started )) s"
echo "wasm: $(mb "$raw") raw, $(mb "$gz") gzip, $(mb "$br") brotli (budget: 12 MB raw, 3 MB brotli)"
[ "$raw" -le 12000000 ] || echo "over the raw budget"
[ "$br" -le 3000000 ] || echo "over the brotli budget"

#!/usr/bin/env bash
# Builds the web version into dist/ (or $OUT): the game as size-optimised WebAssembly, its
# JavaScript glue, index.html and the level files. Serve the folder from any static host, under
# any path. Installs what it needs (the wasm target, wasm-bindgen-cli at the version in
# Cargo.lock, binaryen's wasm-opt from npm). Fails when the wasm is over its budget (12 MB raw,
# 3 MB brotli), except with WASM_OPT=0, a quicker build for trying things that skips wasm-opt
# (three minutes) and only reports the sizes.
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

# Features that Bevy's crates turn on by default and the game never uses, which Cargo has no way
# to turn off from here: the web build uses copies of those crates' manifests without them (the
# sources are the registry's, unchanged). See "Size" in web/README.md.
#   bevy_reflect: `auto_register_inventory` (every reflected type's registration and serde glue
#     kept alive, for an automatic registry the App does not use) and `debug` (type-info stacks
#     in reflection errors).
#   bevy_egui: `debug` names for every system and component (bevy_utils), and zstd for KTX2
#     textures (bevy_image), which egui never loads.
#   bevy_winit: input focus with gamepad navigation, which turns on all of bevy_input's gamepad
#     support (its systems, events and reflected types); the game has no gamepad controls.
#   naga_oil: `regex` with every Unicode table and search engine; its shader preprocessor's
#     patterns need only the Perl classes (\s \w \d) and short lines need no lazy DFA.
PATCHES="$CARGO_TARGET_DIR/web-patches"
patch_args=()
cargo fetch --locked >/dev/null
metadata=$(cargo metadata --format-version 1 --locked --filter-platform wasm32-unknown-unknown)
patched() { # crate, sed script for its Cargo.toml
    local crate=$1 script=$2 manifest
    manifest=$(grep -o "\"manifest_path\":\"[^\"]*/$crate-[0-9][^/\"]*/Cargo.toml\"" <<<"$metadata" | head -1 | cut -d'"' -f4)
    [ -n "$manifest" ] || fail "could not find $crate's sources (cargo fetch failed?)"
    local copy="$PATCHES/$crate" fresh="$PATCHES/.$crate.new"
    rm -rf "$fresh"
    mkdir -p "$PATCHES"
    cp -r --preserve=timestamps "$(dirname "$manifest")" "$fresh"
    chmod -R u+w "$fresh"
    sed -i "$script" "$fresh/Cargo.toml"
    cmp -s "$manifest" "$fresh/Cargo.toml" && fail "$crate's manifest changed upstream: update the patch in web/build.sh"
    # Replaced only when it differs, so that Cargo does not rebuild Bevy every time.
    if diff -rq "$fresh" "$copy" >/dev/null 2>&1; then
        rm -rf "$fresh"
    else
        rm -rf "$copy"
        mv "$fresh" "$copy"
    fi
    patch_args+=(--config "patch.crates-io.$crate.path='$copy'")
}
patched bevy_reflect '/^default = \[/,/^\]/{/"auto_register_inventory",/d;/"debug",/d}'
patched bevy_egui '/^\[dependencies.bevy_utils\]/,/^$/{/^features = \["debug"\]/d};/^\[dependencies.bevy_image\]/,/^$/{/^features = \["zstd_rust"\]/d}'
patched bevy_winit '/^\[dependencies.bevy_input_focus\]/,/^$/{s/^version = "\(.*\)"$/version = "\1"\ndefault-features = false\nfeatures = ["std", "bevy_reflect", "keyboard", "mouse"]/}'
patched naga_oil '/^\[dependencies.regex\]/,/^$/{s/^version = "\(.*\)"$/version = "\1"\ndefault-features = false\nfeatures = ["std", "unicode-perl", "perf-cache", "perf-onepass", "perf-backtrack", "perf-inline"]/}'
# A patch changes Cargo.lock's entries for those crates; the repository keeps the registry's.
cp Cargo.lock "$PATCHES/Cargo.lock.orig"
trap 'cp "$PATCHES/Cargo.lock.orig" Cargo.lock' EXIT

# One of the compiler's unstable options, which this stable compiler accepts with RUSTC_BOOTSTRAP=1
# (the issue allows nightly-only options for the web build): panics without file, line and column
# (-Zlocation-detail=none; the messages stay), 0.3 MB raw and 74 KB brotli less. See "Size" in
# web/README.md, also for -Zfmt-debug=shallow, measured and left out.
unstable=(-Zlocation-detail=none)
if RUSTC_BOOTSTRAP=1 rustc "${unstable[@]}" --print cfg --target wasm32-unknown-unknown >/dev/null 2>&1; then
    flags=$(printf "'%s', " "${unstable[@]}")
    patch_args+=(--config "target.wasm32-unknown-unknown.rustflags=[${flags%, }]")
    export RUSTC_BOOTSTRAP=1
else
    echo "warning: this rustc rejects ${unstable[*]}; building without it (a larger download)" >&2
fi

echo "building the game for the web ($PROFILE)"
cargo build --profile "$PROFILE" --target wasm32-unknown-unknown --bin neural-sandbox "${patch_args[@]}"
WASM="$CARGO_TARGET_DIR/wasm32-unknown-unknown/$PROFILE/neural-sandbox.wasm"
[ -f "$WASM" ] || fail "the build produced no $WASM"

rm -rf "$OUT"
mkdir -p "$OUT"
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
    --out-dir "$OUT" --out-name neural-sandbox "$WASM"

if [ "${WASM_OPT:-1}" = "1" ]; then
    # Debian's binaryen (108) breaks Bevy's output at load; npm's handles it. The features the
    # module uses are named, since binaryen assumes an older baseline. Without its inlining passes:
    # they grow the compressed file by 1.4 % (they copy small functions into their callers, which
    # makes the callers less alike), for 0.03 % less raw. See "Size" in web/README.md.
    if ! [ -x web/tools/node_modules/.bin/wasm-opt ]; then
        echo "installing binaryen 132 from npm"
        (cd web/tools && npm install --no-audit --no-fund --no-save binaryen@132 >/dev/null) || fail "could not install binaryen"
    fi
    echo "running wasm-opt -Oz (a few minutes)"
    web/tools/node_modules/.bin/wasm-opt -Oz --skip-pass=inlining-optimizing --skip-pass=inlining \
        --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
        --enable-mutable-globals --enable-simd --enable-reference-types --enable-multivalue \
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
over=""
[ "$raw" -le 12000000 ] || over="$over raw"
[ "$br" -le 3000000 ] || over="$over brotli"
if [ -n "$over" ]; then
    if [ "${WASM_OPT:-1}" = "1" ]; then
        fail "the wasm is over its budget (${over# }): see \"Size\" in web/README.md for what pays"
    fi
    echo "over the budget (${over# }), as expected without wasm-opt"
fi

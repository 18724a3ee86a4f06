#!/usr/bin/env bash
# The class server's load benchmark on this machine: 1,000 simulated students writing progress every
# 10 s, then 40 clients writing back to back, against SQLite and against a PostgreSQL cluster this
# script starts in a temporary folder (as `nobody` when run as root). Prints one table per database.
# Usage: deploy/class/bench.sh [SECONDS_PER_PHASE]   (needs the binary: cargo build --release)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-20}"
bin="${NEURAL_SANDBOX_BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/neural-sandbox/target}/release/neural-sandbox}"
work="$(mktemp -d /var/tmp/neural-sandbox-bench.XXXXXX)"
chmod 755 "$work"
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null || true
    if [ -d "$work/pg" ]; then as_pg "$pg_bin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null 2>&1 || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi; }

run() {
    local database="$1" port="$2"
    "$bin" serve --addr "127.0.0.1:$port" --dist /nonexistent --database "$database" >"$work/serve-$port.log" 2>&1 &
    server=$!
    for _ in $(seq 100); do grep -q listening "$work/serve-$port.log" && break; sleep 0.1; done
    echo "== $database"
    "$bin" class-bench --addr "127.0.0.1:$port" --students 1000 --every 10 --clients 40 --seconds "$seconds"
    kill "$server"; wait "$server" 2>/dev/null || true; server=""
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); avx512: $(grep -q avx512f /proc/cpuinfo && echo yes || echo no)"
run "sqlite://$work/class.sqlite" 18381

pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [ -x "$pg_bin/initdb" ]; then
    [ "$(id -u)" = 0 ] && chown nobody "$work"
    as_pg "$pg_bin/initdb" -D "$work/pg" -U postgres --auth=trust -E UTF8 >/dev/null
    as_pg "$pg_bin/pg_ctl" -D "$work/pg" -o "-p 18382 -k $work -c listen_addresses=127.0.0.1 -c max_connections=200" \
        -l "$work/pg.log" -w start >/dev/null
    run "postgres://postgres@127.0.0.1:18382/postgres" 18383
else
    echo "== postgres: not installed (.ci/install.sh installs it)"
fi

#!/usr/bin/env bash
# The release benchmarks recorded in BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== Roster import (release) =="
cargo bench -q -p mixwell-store --bench import

echo "== Team search core on MDGP (release) =="
scripts/bench-mdgp.sh

echo "== Team formation on realistic waves, with the annealing reference (release) =="
MIXWELL_BENCH_SEEDS=1,2,3 cargo bench -q -p mixwell-grouping --bench teams

echo "== Rota planning (release) =="
cargo bench -q -p mixwell-rota --bench plan

echo "== Volunteering hours (release) =="
cargo bench -q -p mixwell-store --bench hours

echo "== Volunteer-hour certificates: 2,500 issued, signed and laid out (release) =="
cargo bench -q -p mixwell-actions --bench certificates

echo "== Sync through a hub process on loopback (release; SQLite, then PostgreSQL) =="
cargo build -q --release -p mixwell-cli
cargo bench -q -p mixwell-hub --bench sync
scripts/with-postgres.sh bash -c 'MIXWELL_BENCH_HUB_DB=$MIXWELL_TEST_POSTGRES cargo bench -q -p mixwell-hub --bench sync'

echo "== App start and memory (release, Xvfb) =="
(cd src-tauri && ../ui/node_modules/.bin/tauri build --no-bundle >/dev/null)
cargo build -q --release -p mixwell-cli
export WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS=1 NO_AT_BRIDGE=1
xvfb-run -a -s "-screen 0 1366x768x24" scripts/with-keyring.sh node scripts/bench-startup.mjs 2>/dev/null

#!/usr/bin/env bash
# MDGP instances on the team search's core, against the best-known values (BENCHMARKS.md).
# MDGP_DIR points at the instances and best_known.csv (default ../shared/benchmarks/mdgp).
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${MDGP_DIR:-../shared/benchmarks/mdgp}"
if [ ! -f "$dir/best_known.csv" ]; then
  echo "no MDGP instances at $dir (set MDGP_DIR)" >&2
  exit 1
fi
cargo build -q --release -p mixwell-cli
printf "%-22s %6s %5s %14s %14s %7s\n" instance seconds seed objective best-known gap
for instance in RanReal_n240_ss_01 RanReal_n240_ds_01 RanReal_n480_ss_01 RanReal_n480_ds_01; do
  case "$instance" in *n240*) seconds=5 ;; *) seconds=10 ;; esac
  best=$(grep "^$instance," "$dir/best_known.csv" | cut -d, -f5)
  for seed in 1 2 3; do
    objective=$(target/release/mixwell bench mdgp "$dir/$instance.txt" --seconds "$seconds" --seed "$seed" | tail -1 | cut -d' ' -f2)
    gap=$(python3 -c "print(f'{100 * ($best - $objective) / $best:.2f}%')")
    printf "%-22s %6s %5s %14s %14s %7s\n" "$instance" "$seconds" "$seed" "$objective" "$best" "$gap"
  done
done

#!/usr/bin/env bash
# bench_uncertainty.sh — the default case (datasets/kerteminde) run as it is and with 1 000
# draws on every uncertain input (and three horizons), side by side in one session, runs
# alternating (base, draws, base, draws, ...) so that both see the same machine load:
# wall seconds, CPU seconds, peak RSS (/usr/bin/time -v), the uncertainty stage's own
# seconds (manifest.json timings_s) and the ratio of the draws' run to the base run (the
# issue's target: at most 10×). The draws' run is the full `nytte run`: inputs, hazard
# (with the level ladders), overlay, the draws, the report. docs/performance.md,
# "Uncertainty", has the numbers of one session.
#
#   scripts/bench_uncertainty.sh [--build DIR] [--threads N] [--draws N] [--rounds N]
#
# The projects are written under $WORK (default /tmp/nytte-bench-uncertainty) and refer
# to the dataset's files where they are; nothing is written into the repository.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build
THREADS=$(nproc 2>/dev/null || echo 2)
DRAWS=1000
ROUNDS=2
WORK=${WORK:-/tmp/nytte-bench-uncertainty}
while [ $# -gt 0 ]; do
    case "$1" in
    --build) BUILD=$2; shift ;;
    --threads) THREADS=$2; shift ;;
    --draws) DRAWS=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    *) echo "usage: $0 [--build DIR] [--threads N] [--draws N] [--rounds N]" >&2; exit 2 ;;
    esac
    shift
done
NYTTE=$BUILD/nytte
[ -x "$NYTTE" ] || { echo "bench_uncertainty: build first: cmake -S . -B $BUILD && cmake --build $BUILD" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench_uncertainty: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
mkdir -p "$WORK"
DATA=$ROOT/datasets/kerteminde

# the default project with absolute paths to its data, and the same with draws and horizons
sed -e "s#^  terrain: terrain.tif#  terrain: $DATA/terrain.tif#" -e "s#path: cadastre.gpkg#path: $DATA/cadastre.gpkg#" \
    -e "s#path: owners.csv#path: $DATA/owners.csv#" -e '/^outputs:/,$d' "$DATA/project.yaml" >"$WORK/base.yaml"
cp "$WORK/base.yaml" "$WORK/draws.yaml"
cat >>"$WORK/draws.yaml" <<EOF
# ILLUSTRATIVE distributions for the benchmark, not recommendations (docs/uncertainty.md)
uncertainty:
  draws: $DRAWS
  seed: 20240611
  damage_curve: {distribution: lognormal, median: 1.0, sigma: 0.2}
  building_value: {distribution: normal, mean: 1.0, sd: 0.15, correlation: independent}
  floor_height: {distribution: uniform, min: -0.1, max: 0.2, correlation: independent}
  level_shift: {distribution: triangular, min: -0.1, mode: 0.0, max: 0.15}
  sea_level_rise: {distribution: discrete, values: [0.0, 0.3, 0.6], weights: [1, 2, 1]}
horizons:
  - {year: 2025, sea_level_rise: 0.0}
  - {year: 2050, sea_level_rise: 0.2}
  - {year: 2100, sea_level_rise: 0.6}
EOF

# one run: wall s, cpu s, peak MB, uncertainty stage s
one() {
    local name=$1 out=$WORK/out-$1
    /usr/bin/time -v "$NYTTE" -q --threads "$THREADS" run --force --out "$out" "$WORK/$name.yaml" \
        2>"$WORK/$name.time" >/dev/null
    local wall cpu rss stage
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORK/$name.time" |
        awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
    cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$WORK/$name.time")
    rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$WORK/$name.time")
    stage=$(grep -o '"uncertainty": [0-9][0-9.]*' "$out/manifest.json" | tail -1 | awk '{ print $2 }')
    echo "$wall $cpu $rss ${stage:--}"
}

echo "threads $THREADS, draws $DRAWS, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-6s %-6s %8s %8s %8s %10s\n" round run wall_s cpu_s peak_MB stage_s
best_base=999999 best_draws=999999 cpu_base=999999 cpu_draws=999999
for r in $(seq 1 "$ROUNDS"); do
    for name in base draws; do
        read -r wall cpu rss stage <<<"$(one $name)"
        printf "%-6s %-6s %8s %8s %8s %10s\n" "$r" "$name" "$wall" "$cpu" "$rss" "$stage"
        if [ $name = base ]; then
            best_base=$(awk -v a="$best_base" -v b="$wall" 'BEGIN { print (b < a ? b : a) }')
            cpu_base=$(awk -v a="$cpu_base" -v b="$cpu" 'BEGIN { print (b < a ? b : a) }')
        else
            best_draws=$(awk -v a="$best_draws" -v b="$wall" 'BEGIN { print (b < a ? b : a) }')
            cpu_draws=$(awk -v a="$cpu_draws" -v b="$cpu" 'BEGIN { print (b < a ? b : a) }')
        fi
    done
done
awk -v a="$best_base" -v b="$best_draws" -v c="$cpu_base" -v d="$cpu_draws" 'BEGIN {
    printf "best of each: wall base %.2f s, with draws %.2f s: ratio %.2f (target <= 10)\n", a, b, b / a
    printf "               CPU  base %.2f s, with draws %.2f s: ratio %.2f\n", c, d, d / c }'
grep -o '"allocated": [0-9]*' "$WORK/out-draws/manifest.json" | head -1

#!/usr/bin/env bash
# bench_catchment.sh — benchmark of the catchment module on a generated terrain.
#
#   scripts/bench_catchment.sh [BUILD_DIR] [N] [WORK_DIR]
#
# Generates an N × N terrain (default 10000 × 10000 = 1e8 cells) in WORK_DIR (default a
# fresh folder under /tmp; never the repository), then times in one process: a plain read
# of the raster, flow directions, accumulation, the catchment of the biggest outlet and the bluespot network,
# and reports cells/s and each time as a ratio to the read. Peak memory of that process
# comes from GNU time (apt-get install time). Results go to docs/performance.md by hand.
set -euo pipefail

build=${1:-build}
n=${2:-10000}
work=${3:-$(mktemp -d /tmp/nytte_bench_catchment.XXXXXX)}
tool="$build/bench_catchment_gen"
[ -x "$tool" ] || { echo "bench_catchment.sh: $tool not built (cmake --build $build --target bench_catchment_gen)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench_catchment.sh: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
case "$work" in "$(git rev-parse --show-toplevel 2>/dev/null || echo /nonexistent)"*) echo "bench_catchment.sh: keep the data out of the repository" >&2; exit 2;; esac
mkdir -p "$work"
dem="$work/terrain_${n}.tif"

echo "# host: $(nproc) cpus, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "# gdal $(gdal-config --version 2>/dev/null || echo '?'), build $build"
if [ ! -s "$dem" ]; then
  echo "# generating $dem"
  /usr/bin/time -f "gen peak_rss_kb %M wall_s %e" "$tool" gen "$dem" "$n"
fi
ls -l "$dem" | awk '{printf "# file %.1f MB\n", $5 / 1e6}'
/usr/bin/time -v "$tool" run "$dem" 2> "$work/time.txt"
grep -E "Maximum resident set size|Elapsed \(wall clock\)" "$work/time.txt" | sed 's/^\s*/# /'
echo "# data left in $work (rm -rf it when done)"

#!/usr/bin/env bash
# bench_national.sh — scale-out benchmark (docs/performance.md, "Scale-out"): the tiled
# depression fill of a synthetic terrain generated tile by tile (scripts/gen_national.c),
# and the partition of synthetic parcels, at 1, 2 and 4 MPI ranks. Prints each run's
# per-rank lines and a summary: wall time, speed-up, efficiency, peak memory per rank, and
# the checksum of the filled terrain (must be the same for every rank count).
#
#   bash scripts/bench_national.sh BUILD_DIR [NX NY TILE NPARCELS]
#   bash scripts/bench_national.sh BUILD_DIR bathtub [NX NY TILE]
# The second form measures the coastal bathtub: the terrain written once as a GeoTIFF,
# then the whole-raster bathtub in one process and the tiled one at 1 and 2 ranks
# (GDAL_CACHEMAX=64), with peak memory per rank and the checksums of the outputs.
# BUILD_DIR must be a build with -DNYTTE_MPI=ON. Default: 10000 x 10000 cells (10^8),
# tiles of 1024, 10^6 parcels. The size is 31623 31623 1024 1000000 (10^9 cells;
# nothing is written to disk: the terrain is a formula of the cell position).
set -euo pipefail
build=$(realpath "$1")
if [[ ${2:-} == bathtub ]]; then
    nx=${3:-10000} ny=${4:-10000} tile=${5:-1024}
    gen=$build/gen_national
    [[ -x $gen ]] || { echo "no $gen (build the tools)"; exit 1; }
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1 GDAL_CACHEMAX=64
    dir=$(mktemp -d "${TMPDIR:-/tmp}/nytte-bathtub-XXXXXX")
    trap 'rm -rf "$dir"' EXIT
    echo "# $(nproc) cores; $nx x $ny cells, tiles $tile; $(date -u +%F)"
    "$gen" bathtub "$nx" "$ny" "$tile" "$dir" whole
    for n in 1 2; do
        mpirun --oversubscribe -n "$n" "$gen" bathtub "$nx" "$ny" "$tile" "$dir" tiled
        for k in 0 1 2; do
            a=$(gdalinfo -checksum "$dir/depth_whole_$k.tif" | grep -m1 Checksum=)
            b=$(gdalinfo -checksum "$dir/depth_tiled_$k.tif" | grep -m1 Checksum=)
            [[ $a == "$b" ]] && echo "# level $k: $a, equal" || { echo "# level $k: $a vs $b DIFFER"; exit 1; }
        done
    done
    exit 0
fi
nx=${2:-10000} ny=${3:-10000} tile=${4:-1024} np=${5:-1000000}
gen=$build/gen_national
[[ -x $gen ]] || { echo "no $gen (build the tools)"; exit 1; }
cores=$(nproc)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
echo "# $cores cores; $nx x $ny cells, tiles $tile, $np parcels; $(date -u +%F)"
declare -A wall
for n in 1 2 4; do
    out=$(mktemp)
    mpirun --oversubscribe -n "$n" "$gen" "$nx" "$ny" "$tile" "$np" | tee "$out"
    wall[$n]=$(grep TOTAL "$out" | sed 's/.*fill_s=\([0-9.]*\).*/\1/')
    grep TOTAL "$out" | sed 's/.*checksum=\([0-9a-f]*\).*/\1/' > "$out.sum"
    sums[$n]=$(cat "$out.sum")
    rm -f "$out" "$out.sum"
done
echo "# ranks  fill_s  speedup  efficiency  checksum"
for n in 1 2 4; do
    awk -v n="$n" -v t="${wall[$n]}" -v t1="${wall[1]}" -v c="${sums[$n]}" \
        'BEGIN { printf "  %d  %8.2f  %6.2f  %6.0f%%  %s\n", n, t, t1 / t, 100 * t1 / t / n, c }'
done
[[ ${sums[1]} == "${sums[2]}" && ${sums[1]} == "${sums[4]}" ]] && echo "# checksums equal" || { echo "# CHECKSUMS DIFFER"; exit 1; }

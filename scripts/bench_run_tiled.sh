#!/usr/bin/env bash
# bench_run_tiled.sh — `nytte run` with the coastal hazard on the whole terrain against the
# same run over tiles (docs/performance.md, "Scale-out: nytte run over tiles"): the default
# case regenerated larger (scripts/gen_kerteminde.c --scale S: S times the area, the same
# 1 m cells, the same project file), run
#   whole   one process, the terrain in memory (what `nytte run` does without --tile)
#   tiled   one process, --tile TILE (the terrain read by windows)
#   mpi2    mpirun -n 2 (tiles of TILE, shared by the two ranks)
# each at one thread, GDAL_CACHEMAX=64 (MiB). Prints wall seconds and peak resident memory
# per process, and checks that the tiled runs wrote every table and depth raster byte for
# byte as the whole run. Memory of the whole run grows with the area; a tiled run's should
# not (the parcels every rank holds excepted).
#
#   bash scripts/bench_run_tiled.sh MPI_BUILD_DIR [TILE [SCALE...]]
# Default: tiles of 1024, scales 1 4 16 (5, 20 and 80 million cells). MPI_BUILD_DIR: a
# build with -DNYTTE_MPI=ON (it holds nytte and gen_kerteminde).
set -euo pipefail
build=$(realpath "$1")
tile=${2:-1024}
shift $(( $# >= 2 ? 2 : 1 ))
scales=("$@")
(( ${#scales[@]} )) || scales=(1 4 16)
root=$(cd "$(dirname "$0")/.." && pwd)
nytte=$build/nytte gen=$build/gen_kerteminde
[[ -x $nytte && -x $gen ]] || { echo "no $nytte or $gen (build the MPI build)"; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1 GDAL_CACHEMAX=64
export OGR_CURRENT_DATE=2017-02-03T00:00:00.000Z
dir=$(mktemp -d "${TMPDIR:-/tmp}/nytte-bench-tiled-XXXXXX")
trap 'rm -rf "$dir"' EXIT
echo "# $(getconf _NPROCESSORS_ONLN) cores; tiles $tile; GDAL_CACHEMAX=$GDAL_CACHEMAX; $(date -u +%F)"
echo "# scale  cells  parcels  run  wall_s  peak_MiB_per_process  outputs"
for s in "${scales[@]}"; do
    d=$dir/s$s
    mkdir -p "$d"
    "$gen" --out "$d" --scale "$s" --no-summary >/dev/null
    cp "$root/datasets/kerteminde/project.yaml" "$d/"
    cells=$(gdalinfo "$d/terrain.tif" | sed -n 's/^Size is \([0-9]*\), \([0-9]*\)/\1 \2/p' | awk '{printf "%.1e", $1 * $2}')
    nparcels=$(ogrinfo -so "$d/cadastre.gpkg" parcels | sed -n 's/^Feature Count: //p')
    for run in whole tiled mpi2; do
        out=$d/out-$run
        rm -f "$d"/rss.*
        t0=$(date +%s.%N)
        case $run in
        whole) /usr/bin/time -f %M -o "$d/rss.0" "$nytte" -q --threads 1 run --out "$out" "$d/project.yaml" ;;
        tiled) /usr/bin/time -f %M -o "$d/rss.0" "$nytte" -q --threads 1 run --tile "$tile" --out "$out" "$d/project.yaml" ;;
        mpi2) mpirun --oversubscribe -n 2 sh -c "/usr/bin/time -f %M -o '$d/rss.'\$OMPI_COMM_WORLD_RANK \
                  '$nytte' -q --threads 1 run --tile '$tile' --out '$out' '$d/project.yaml'" ;;
        esac 2>/dev/null
        t1=$(date +%s.%N)
        rss=$(for f in "$d"/rss.*; do awk '{printf "%.0f ", $1 / 1024}' "$f"; done)
        same=whole
        if [[ $run != whole ]]; then
            same=identical
            for f in "$d"/out-whole/*.csv "$d"/out-whole/depth_*.tif; do
                cmp -s "$f" "$out/$(basename "$f")" || { same="DIFFERS: $(basename "$f")"; break; }
            done
        fi
        awk -v s="$s" -v c="$cells" -v p="$nparcels" -v r="$run" -v a="$t0" -v b="$t1" -v m="$rss" -v o="$same" \
            'BEGIN { printf "  %s  %s  %s  %s  %.1f  %s %s\n", s, c, p, r, b - a, m, o }'
        [[ $same == DIFFERS* ]] && exit 1
    done
    rm -rf "$d"
done

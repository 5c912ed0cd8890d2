#!/usr/bin/env bash
# bench_overlay.sh — timings of the overlay stage (exact zonal statistics) against a
# plain GDAL read of the same rasters, and GRASS when it is installed.
#
#   scripts/bench_overlay.sh [--quick] [--build DIR] [--data DIR] [--gen-only] [--no-grass]
#
# Data (generated once, kept under /tmp/nytte-bench, never in the repository): an
# 8000 m × 8000 m square in EPSG:25832, Float32 rasters of 5000², 10000², 20000² cells
# tiled 512, uncompressed and DEFLATE (floating-point predictor), three "return
# periods" each; 5000 and 50000 irregular parcels of ~300-2000 m² tiling a block of the
# square (generated in memory by bench_overlay_gen; 50000 parcels cover ~7 km × 7 km).
#
# The floor is `bench_overlay_gen read`: every block of band 1 read with GDALReadBlock
# in one thread — the exact I/O and decoding nytte does, without the overlay. Each
# configuration is run after that read, so both see a warm page cache.
# Reported per run: wall seconds, CPU seconds, ratio to the floor, peak RSS
# (/usr/bin/time -v), parcels/s, and a hash of the output bytes (1 and 2 threads must
# print the same hash).
# GRASS (Debian's grass-core, if `grass` is on PATH; --no-grass skips it): a temporary
# location in $DATA/grassdb, the parcels imported once with v.in.ogr (timed apart), the
# uncompressed raster linked with r.external; timed: v.to.rast (cell centres) +
# r.univar zones= (one thread, as GRASS 8.2 has it), right after nytte on the same
# raster, for the largest parcel count (50000; --quick: 5000).
# --quick: 5000² only, 5000 parcels (under a minute on an idle 2-core machine once the
# data exist; generating the 5000² rasters takes ~30 s more the first time).
set -euo pipefail

QUICK=0
GEN_ONLY=0
GRASS=1
BUILD=${BUILD:-$(cd "$(dirname "$0")/.." && pwd)/build-overlay}
DATA=${DATA:-/tmp/nytte-bench}
while [ $# -gt 0 ]; do
    case "$1" in
    --quick) QUICK=1 ;;
    --gen-only) GEN_ONLY=1 ;;
    --no-grass) GRASS=0 ;;
    --build) BUILD=$2; shift ;;
    --data) DATA=$2; shift ;;
    *) echo "usage: $0 [--quick] [--build DIR] [--data DIR] [--gen-only] [--no-grass]" >&2; exit 2 ;;
    esac
    shift
done
GEN=$BUILD/bench_overlay_gen
if [ ! -x "$GEN" ]; then
    echo "bench_overlay: build first: cmake -S . -B $BUILD && cmake --build $BUILD" >&2
    exit 2
fi
[ -x /usr/bin/time ] || { echo "bench_overlay: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
mkdir -p "$DATA"

if [ $QUICK = 1 ]; then SIZES="5000"; PARCELS="5000"; else SIZES="5000 10000 20000"; PARCELS="5000 50000"; fi

# ---- data ---------------------------------------------------------------------------
for n in $SIZES; do
    for comp in none deflate; do
        for ph in 0 1 2; do
            f=$DATA/r${n}_${comp}_${ph}.tif
            [ -s "$f" ] || { echo "generating $f" >&2; "$GEN" raster "$f.part" "$n" "$comp" "$ph" && mv "$f.part" "$f"; }
        done
    done
done
[ $GEN_ONLY = 1 ] && exit 0

# ---- runs ----------------------------------------------------------------------------
# run LABEL CMD...: prints "wall cpu maxrss_mib rest-of-line"
run() {
    local out err
    err=$(mktemp)
    out=$(/usr/bin/time -v "$@" 2>"$err")
    local rss
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$err")
    rm -f "$err"
    echo "$out rss_mib $rss"
}
field() { echo "$1" | awk -v k="$2" '{for (i = 1; i < NF; i++) if ($i == k) print $(i + 1)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

echo "machine: $(nproc) cores, $(uname -sr); load: $(cut -d' ' -f1-3 /proc/loadavg)"
# ---- GRASS -----------------------------------------------------------------------------
command -v grass >/dev/null 2>&1 || GRASS=0
GNP=${PARCELS##* } # the largest parcel count
if [ $GRASS = 1 ]; then
    GDB=$DATA/grassdb/loc/PERMANENT
    [ -d "$GDB" ] || { mkdir -p "$DATA/grassdb" && grass -c EPSG:25832 "$DATA/grassdb/loc" -e >/dev/null 2>&1; }
    cat >"$DATA/grass_zonal.sh" <<'EOF'
#!/bin/bash
# inside GRASS: $1 raster map, $2 parcels vector; prints the seconds of each step
set -e
g.region raster=$1 --q
t0=$(date +%s.%N)
v.to.rast input=$2 output=z_$1 use=cat type=area --o --q
t1=$(date +%s.%N)
r.univar map=$1 zones=z_$1 -t --q >/dev/null
t2=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN {printf "vtorast_s %.3f univar_s %.3f\n", b - a, c - b}'
g.remove -f type=raster name=z_$1 --q
EOF
    chmod +x "$DATA/grass_zonal.sh"
    if [ ! -s "$DATA/p$GNP.gpkg" ]; then
        "$GEN" parcels "$DATA/p$GNP.gpkg.part" "$GNP" && mv "$DATA/p$GNP.gpkg.part" "$DATA/p$GNP.gpkg"
        t0=$(date +%s.%N)
        grass "$GDB" --exec v.in.ogr input="$DATA/p$GNP.gpkg" layer=parcels output=p$GNP -o --o --q >/dev/null 2>&1
        echo "GRASS v.in.ogr of $GNP parcels (once, not in the ratios): $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}') s"
    fi
    for n in $SIZES; do
        grass "$GDB" --exec r.external input="$DATA/r${n}_none_0.tif" output=r$n -o --o --q >/dev/null 2>&1
    done
    echo "GRASS $(grass --version 2>&1 | head -1 | awk '{print $NF}'): v.to.rast + r.univar zones=, 1 raster, $GNP parcels"
else
    echo "GRASS: not installed or --no-grass (apt-get install grass-core); comparison skipped"
fi
printf "%-7s %-7s %-6s %-3s %-3s %8s %8s %8s %7s %9s %10s %s\n" size comp parcels nr thr wall_s cpu_s floor_s ratio rss_mib parcels/s hash
for n in $SIZES; do
    for comp in none deflate; do
        f0=$DATA/r${n}_${comp}_0.tif
        r3="$DATA/r${n}_${comp}_0.tif $DATA/r${n}_${comp}_1.tif $DATA/r${n}_${comp}_2.tif"
        "$GEN" read $r3 >/dev/null # warm the page cache
        fl1=$(run "$GEN" read "$f0")
        fl3=$(run "$GEN" read $r3)
        f1=$(field "$fl1" read_s)
        f3=$(field "$fl3" read_s)
        printf "%-7s %-7s %-6s %-3s %-3s %8s %8s %8s %7s %9s\n" "$n" "$comp" floor 1 1 "$f1" "$(field "$fl1" cpu_s)" "$f1" 1.00 "$(field "$fl1" rss_mib)"
        printf "%-7s %-7s %-6s %-3s %-3s %8s %8s %8s %7s %9s\n" "$n" "$comp" floor 3 1 "$f3" "$(field "$fl3" cpu_s)" "$f3" 1.00 "$(field "$fl3" rss_mib)"
        for np in $PARCELS; do
            for nr in 1 3; do
                for thr in 1 2; do
                    if [ $nr = 1 ]; then files=$f0; fl=$f1; else files=$r3; fl=$f3; fi
                    z=$(run "$GEN" zonal "$np" "$thr" exact $files)
                    w=$(field "$z" zonal_s)
                    printf "%-7s %-7s %-6s %-3s %-3s %8s %8s %8s %7s %9s %10s %s\n" "$n" "$comp" "$np" "$nr" "$thr" "$w" \
                        "$(field "$z" cpu_s)" "$fl" "$(ratio "$w" "$fl")" "$(field "$z" rss_mib)" \
                        "$(field "$z" parcels_per_s)" "$(field "$z" hash)"
                done
            done
        done
        if [ $GRASS = 1 ] && [ $comp = none ]; then
            "$GEN" read "$f0" >/dev/null
            gz=$(grass "$GDB" --exec "$DATA/grass_zonal.sh" r$n p$GNP 2>/dev/null | grep vtorast_s)
            nz=$(run "$GEN" zonal "$GNP" 1 exact "$f0")
            gt=$(awk -v a="$(field "$gz" vtorast_s)" -v b="$(field "$gz" univar_s)" 'BEGIN {printf "%.3f", a + b}')
            printf "%-7s %-7s %-6s %-3s %-3s %8s %8s %8s %7s   GRASS v.to.rast %s s + r.univar %s s; nytte 1 thread %s s: GRASS/nytte %s\n" \
                "$n" grass "$GNP" 1 1 "$gt" - "$f1" "$(ratio "$gt" "$f1")" "$(field "$gz" vtorast_s)" \
                "$(field "$gz" univar_s)" "$(field "$nz" zonal_s)" "$(ratio "$gt" "$(field "$nz" zonal_s)")"
        fi
    done
done

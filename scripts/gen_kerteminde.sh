#!/bin/sh
# gen_kerteminde.sh — build scripts/gen_kerteminde.c and (re)generate the bundled
# synthetic Kerteminde case study into datasets/kerteminde/ (or --out DIR).
# Usage: scripts/gen_kerteminde.sh [--out DIR] [--scale S] [--res M] [--seed N] [--no-summary]
# Environment: BUILD_DIR (default: build-gen in the repository root).
# The default arguments reproduce the committed files byte for byte (same GDAL/GEOS).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-gen}
out=$root/datasets/kerteminde
args=""
while [ $# -gt 0 ]; do
    case $1 in
    --out) out=$2; shift 2 ;;
    *) args="$args $1"; shift ;;
    esac
done
exe=$build/gen_kerteminde
if ! { cmake -S "$root" -B "$build" >/dev/null && cmake --build "$build" -j2 --target gen_kerteminde >/dev/null; }; then
    # the generator needs only GDAL: build it alone when the rest of the tree does not build
    echo "gen_kerteminde.sh: CMake build failed; compiling the generator alone" >&2
    mkdir -p "$build"
    exe=$build/gen_kerteminde.standalone
    # shellcheck disable=SC2046
    cc -std=c17 -O2 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror \
        $(pkg-config --cflags gdal | sed 's/-I/-isystem /g') \
        "$root/scripts/gen_kerteminde.c" -o "$exe" $(pkg-config --libs gdal) -lm
fi
mkdir -p "$out"
# GeoPackage writes a timestamp into gpkg_contents: fix it so the bytes are reproducible
# (the generator sets the same value itself; this also covers GDAL tools run afterwards).
OGR_CURRENT_DATE=2017-02-03T00:00:00.000Z
export OGR_CURRENT_DATE
# shellcheck disable=SC2086
"$exe" --out "$out" $args

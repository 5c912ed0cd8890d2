#!/bin/sh
# gen_catchment_case.sh — build scripts/gen_catchment_case.c and (re)generate the bundled
# catchment case "Åbyen" into datasets/aabyen/ (or --out DIR). --report also prints the
# allocation under benefit, contributor and benefit_and_contributor (docs/dataset-aabyen.md).
# Usage: scripts/gen_catchment_case.sh [--out DIR] [--report]
# Environment: BUILD_DIR (default: build-gen in the repository root).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-gen}
out=$root/datasets/aabyen
args=""
while [ $# -gt 0 ]; do
    case $1 in
    --out) out=$2; shift 2 ;;
    *) args="$args $1"; shift ;;
    esac
done
cmake -S "$root" -B "$build" >/dev/null
cmake --build "$build" -j2 --target gen_catchment_case >/dev/null
mkdir -p "$out"
# GeoPackage writes a timestamp into gpkg_contents: fix it so the bytes are reproducible.
OGR_CURRENT_DATE=2017-02-03T00:00:00.000Z
export OGR_CURRENT_DATE
# shellcheck disable=SC2086
"$build/gen_catchment_case" --out "$out" $args

#!/usr/bin/env bash
# determinism.sh — the default case (datasets/kerteminde) run at --threads 1, 2 and
# nproc (when more), twice at 2, and at 2 with the coastal hazard over tiles of 173 cells
# (`--tile 173`: 15 x 12 tiles whose edges the water crosses; docs/scale-out.md) must give
# the same owners.csv and parcels.csv byte for byte and the same depth-raster pixels
# (gdalinfo -checksum of every band, overviews included) and the same raster files byte
# for byte.
#
#   bash tests/determinism.sh NYTTE REPO_ROOT [BUILD_DIR]
set -uo pipefail
nytte=$(realpath "$1")
root=$(realpath "$2")
project=$root/datasets/kerteminde/project.yaml
work=$(mktemp -d "${TMPDIR:-/tmp}/nytte-determinism-XXXXXX")
trap 'rm -rf "$work"' EXIT
n=$(nproc)
runs=("1" "2" "2b" "2t173")
(( n > 2 )) && runs+=("$n")
for r in "${runs[@]}"; do
    t=${r%%[bt]*}
    tile=()
    [[ $r == *t* ]] && tile=(--tile "${r#*t}")
    if ! timeout 600 "$nytte" -q --threads "$t" run --force "${tile[@]}" --out "$work/t$r" "$project" 2>"$work/t$r.err"; then
        echo "FAIL: run at --threads $t failed: $(head -3 "$work/t$r.err")"
        exit 1
    fi
done
# pixels of every band and overview of a raster, one line per band/overview
pixels() { gdalinfo -checksum "$1" | grep -E 'Checksum=' | tr -s ' '; }
status=0
ref=$work/t1
nfiles=$(ls "$ref"/depth_*.tif | wc -l)
(( nfiles > 0 )) || { echo "FAIL: no depth rasters in $ref"; exit 1; }
for r in "${runs[@]:1}"; do
    other=$work/t$r
    for f in owners.csv parcels.csv; do
        cmp -s "$ref/$f" "$other/$f" || { echo "FAIL: $f differs between --threads 1 and run $r"; status=1; }
    done
    for tif in "$ref"/depth_*.tif; do
        b=$(basename "$tif")
        [[ -f $other/$b ]] || { echo "FAIL: $b missing in run $r"; status=1; continue; }
        [[ $(pixels "$tif") == "$(pixels "$other/$b")" ]] || { echo "FAIL: $b pixels differ in run $r"; status=1; }
        cmp -s "$tif" "$other/$b" || { echo "FAIL: $b bytes differ in run $r"; status=1; }
    done
    # the listing itself: same files
    diff <(cd "$ref" && ls) <(cd "$other" && ls) >/dev/null || { echo "FAIL: run $r wrote other files"; status=1; }
done
(( status == 0 )) && echo "determinism: runs ${runs[*]} agree (owners.csv, parcels.csv, $nfiles depth rasters)"
exit $status

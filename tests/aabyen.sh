#!/usr/bin/env bash
# tests/aabyen.sh — the catchment case end to end: given depth rasters with and without
# the basin, a catchment hazard, and the benefit_and_contributor model. The pool is
# 12 mio. kr less the municipality's 25 % = 9.000.000,00 kr, met to the øre; the farm
# parcels upstream (outside the flood) pay as contributors; the amounts of F01 and T001
# are the ones worked in docs/dataset-aabyen.md.
# Usage: tests/aabyen.sh NYTTE REPO_ROOT BUILD_DIR
set -u
nytte=$1 root=$2 build=$3
project=$root/datasets/aabyen/project.yaml
out=$build/test-aabyen
fail=0
check() { if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1: $3"; fail=1; fi; }

rm -rf "$out" "$out-tiled"
"$nytte" -q run --out "$out" "$project" 2>"$out.err"
check "run exits 0" $? "$(cat "$out.err")"
[ -s "$out/catchment_upland.tif" ]
check "writes the catchment mask" $? "missing"
total=$(awk -F, 'NR > 1 { split($5, a, "."); s += a[1] * 100 + a[2] } END { printf "%.0f\n", s }' "$out/owners.csv")
check "owners pay 9000000.00 kr" "$([ "$total" = 900000000 ]; echo $?)" "got $total øre"
amount() { awk -F, -v id="$1" '$1 == id { print $23 }' "$out/parcels.csv"; }
check "F01 (farmland upstream, no benefit) pays 240942.16" "$([ "$(amount F01)" = 240942.16 ]; echo $?)" "got $(amount F01)"
check "T001 (contributor only) pays 5600.87" "$([ "$(amount T001)" = 5600.87 ]; echo $?)" "got $(amount T001)"
check "R01 (the river: runoff 0) pays 0.00" "$([ "$(amount R01)" = 0.00 ]; echo $?)" "got $(amount R01)"
# over tiles of 64 cells: the given rasters need no terrain; the catchment reads it whole
# at its stage (docs/scale-out.md); every table and the catchment mask are the same
"$nytte" -q run --tile 64 --out "$out-tiled" "$project" 2>"$out-tiled.err"
check "run over tiles of 64 cells exits 0" $? "$(cat "$out-tiled.err")"
for f in "$out"/*.csv "$out/catchment_upland.tif"; do
    cmp -s "$f" "$out-tiled/$(basename "$f")"
    check "over tiles: $(basename "$f") identical" $? "differs from the whole-terrain run"
done
# the given depth rasters alone (the benefit model, no catchment) over tiles of 64 cells:
# the terrain is then never read whole (docs/scale-out.md), and every table is the same
ben=$build/test-aabyen-benefit
rm -rf "$ben" && cp -r "$root/datasets/aabyen" "$ben"
sed -i '/^  - id: upland$/,/^$/d; s/^  model: benefit_and_contributor$/  model: benefit/; /^  contributor_/d; /^  compare:/d' \
    "$ben/project.yaml"
"$nytte" -q run --out "$ben/whole" "$ben/project.yaml" 2>"$ben/whole.err"
check "benefit model runs" $? "$(cat "$ben/whole.err")"
"$nytte" -v run --tile 64 --out "$ben/tiled" "$ben/project.yaml" >/dev/null 2>"$ben/tiled.err"
check "benefit model runs over tiles of 64 cells" $? "$(tail -3 "$ben/tiled.err")"
grep -q "whole terrain is read" "$ben/tiled.err"
check "over tiles the terrain is not read whole" "$([ $? = 1 ]; echo $?)" "it was"
for f in "$ben"/whole/*.csv; do
    cmp -s "$f" "$ben/tiled/$(basename "$f")"
    check "over tiles: $(basename "$f") identical" $? "differs from the whole-terrain run"
done
total=$(awk -F, 'NR > 1 { split($5, a, "."); s += a[1] * 100 + a[2] } END { printf "%.0f\n", s }' "$ben/tiled/owners.csv")
check "benefit model: owners pay 9000000.00 kr" "$([ "$total" = 900000000 ]; echo $?)" "got $total øre"
rm -rf "$out" "$out".* "$out-tiled" "$out-tiled".* "$ben"
[ $fail = 0 ] && echo "all checks passed"
exit $fail

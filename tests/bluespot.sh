#!/usr/bin/env bash
# tests/bluespot.sh — the tiny cloudburst case (tests/data/bluespot) end to end: one
# bluespot, two houses in it, a channel burned into the rim (burn: lower). Screening
# (every bluespot full) and with a rain per event; every figure is worked by hand in
# docs/dataset-groundwater-bluespot.md. owners.csv must be the same at 1 and 2 threads,
# and the screening's tables and rasters the same over tiles (--tile 2).
# Usage: tests/bluespot.sh NYTTE REPO_ROOT BUILD_DIR
set -u
nytte=$1 root=$2 build=$3
work=$build/test-bluespot
fail=0
check() { if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1: $3"; fail=1; fi; }
want() { [ "$2" = "$3" ]; check "$1 = $3" $? "got $2"; }

rm -rf "$work" && mkdir -p "$work" && cp "$root"/tests/data/bluespot/* "$work"/
gdal_translate -q -of GTiff -a_srs EPSG:25832 "$work/terrain.asc" "$work/terrain.tif" || { echo "FAIL gdal_translate"; exit 1; }
for pj in project project-rain; do
    for t in 1 2; do
        "$nytte" -q --threads $t run --out "$work/$pj-t$t" "$work/$pj.yaml" 2>"$work/$pj-t$t.err"
        check "$pj runs at $t threads" $? "$(cat "$work/$pj-t$t.err")"
    done
    cmp -s "$work/$pj-t1/owners.csv" "$work/$pj-t2/owners.csv"
    check "$pj: owners.csv identical at 1 and 2 threads" $? "differs"
done
# screening over tiles of 2 x 2 cells (--tile 2: the bluespot and the channel cross tile
# edges): every table and depth raster byte for byte those of the whole-terrain run
"$nytte" -q --threads 2 run --tile 2 --out "$work/project-tile2" "$work/project.yaml" 2>"$work/project-tile2.err"
check "project runs over tiles of 2 cells" $? "$(cat "$work/project-tile2.err")"
for f in "$work"/project-t1/*.csv "$work"/project-t1/depth_*.tif; do
    cmp -s "$f" "$work/project-tile2/$(basename "$f")"
    check "project over tiles: $(basename "$f") identical" $? "differs from the whole-terrain run"
done
parcel() { awk -F, -v id="$2" -v c="$3" '{ sub(/\r$/, "") } NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i } $1 == id { print $k }' "$work/$1-t1/parcels.csv"; }
lastrows() { gdal_translate -q -of AAIGrid "$1" "$work/r.asc" && sed -n 8p "$work/r.asc" | tr -s ' ' | sed 's/^ //; s/ $//'; }

# screening: depths 3 1 2 4 m without, 2 0 0 2 m with the channel; damage = value x depth / 5
want "screening: row 1 of the depth without" "$(lastrows "$work/project-t1/depth_skybrud_without_T100.tif")" "0 3 1 2 4 0"
want "screening: row 1 of the depth with the channel" "$(lastrows "$work/project-t1/depth_skybrud_with_kanal_T100.tif")" "0 2 0 0 2 0"
want "screening: P1 EAD without" "$(parcel project P1 ead_without_kr)" 60000.00
want "screening: P1 EAD with" "$(parcel project P1 ead_with_kr)" 40000.00
want "screening: P2 EAD without" "$(parcel project P2 ead_without_kr)" 80000.00
want "screening: P2 EAD with" "$(parcel project P2 ead_with_kr)" 40000.00
want "screening: P1 pays 1/3 of 900000" "$(parcel project P1 amount_kr)" 300000.00
want "screening: P2 pays 2/3 of 900000" "$(parcel project P2 amount_kr)" 600000.00
# rain 40 and 70 mm: 0.16 / 0.28 m in the 1 m cell without; with the channel the bluespot splits
want "rain: P1 EAD without" "$(parcel project-rain P1 ead_without_kr)" 0.00
want "rain: P1 EAD with (its own rain now stays)" "$(parcel project-rain P1 ead_with_kr)" 1130.00
want "rain: P2 EAD without" "$(parcel project-rain P2 ead_without_kr)" 4520.00
want "rain: P2 EAD with" "$(parcel project-rain P2 ead_with_kr)" 3390.00
want "rain: P1 pays nothing (worse off)" "$(parcel project-rain P1 amount_kr)" 0.00
want "rain: P2 pays all" "$(parcel project-rain P2 amount_kr)" 900000.00
# P1 is harmed: its loss is kept, PV = −1 130 × A(3.5 %, 100) = −1 130 × 27.655445… (models.md, Harmed parcels)
want "rain: P1 harmed" "$(parcel project-rain P1 harmed)" 1
want "rain: P1's benefit is its loss" "$(parcel project-rain P1 benefit_pv_kr)" -31250.63
# paid back: P2 pays the pool and P1's loss, P1 gets it, to the øre
sed 's/^allocation:$/allocation:\n  compensate_harmed: true/' "$work/project-rain.yaml" >"$work/project-rain-paid.yaml"
"$nytte" -q run --out "$work/project-rain-paid-t1" "$work/project-rain-paid.yaml" 2>"$work/paid.err"
check "rain, compensate_harmed: runs" $? "$(cat "$work/paid.err")"
want "rain, compensate_harmed: P1 is paid its loss" "$(parcel project-rain-paid P1 amount_kr)" -31250.63
want "rain, compensate_harmed: P2 pays 900000 + 31250.63" "$(parcel project-rain-paid P2 amount_kr)" 931250.63
d=$(gdallocationinfo -valonly "$work/project-rain-t1/depth_skybrud_without_T10.tif" 4 1)
want "rain: 0.16 m at T10 in the 1 m cell" "$(printf '%.6f' "$d")" 0.160000
"$nytte" explain "$work/project.yaml" P2 >"$work/explain" 2>&1
check "explain P2 exits 0" $? "$(head -3 "$work/explain")"
grep -q "Total contribution (bidrag i alt): 600000.00 kr" "$work/explain"
check "explain P2 gives 600000.00 kr" $? "$(head -3 "$work/explain")"
[ $fail = 0 ] && rm -rf "$work" && echo "all checks passed"
exit $fail

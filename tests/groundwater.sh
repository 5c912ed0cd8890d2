#!/usr/bin/env bash
# tests/groundwater.sh — the tiny groundwater case (tests/data/groundwater) end to end: a
# line drain and a polygon drain against a water table given per return period. Every
# amount and EAD below is worked by hand in docs/dataset-groundwater-bluespot.md; the
# owners.csv must be the same at 1 and 2 threads, and every table and raster over tiles.
# Usage: tests/groundwater.sh NYTTE REPO_ROOT BUILD_DIR
set -u
nytte=$1 root=$2 build=$3
work=$build/test-groundwater
fail=0
check() { if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1: $3"; fail=1; fi; }

rm -rf "$work" && mkdir -p "$work" && cp "$root"/tests/data/groundwater/* "$work"/
for a in "$work"/*.asc; do
    gdal_translate -q -of GTiff -a_srs EPSG:25832 "$a" "${a%.asc}.tif" || { echo "FAIL gdal_translate $a"; exit 1; }
done
"$nytte" -q --threads 1 run --out "$work/out" "$work/project.yaml" 2>"$work/err"
check "run exits 0" $? "$(cat "$work/err")"
"$nytte" -q --threads 2 run --out "$work/out2" "$work/project.yaml" 2>"$work/err2"
check "run at 2 threads exits 0" $? "$(cat "$work/err2")"
cmp -s "$work/out/owners.csv" "$work/out2/owners.csv"
check "owners.csv identical at 1 and 2 threads" $? "differs"
cmp -s "$work/out/parcels.csv" "$work/out2/parcels.csv"
check "parcels.csv identical at 1 and 2 threads" $? "differs"
# over tiles of 2 x 2 cells (--tile 2: each raster read by windows, the drains' lowering
# computed per tile; docs/scale-out.md): every table and exposure raster byte for byte the same
"$nytte" -q --threads 2 run --tile 2 --out "$work/tile2" "$work/project.yaml" 2>"$work/tile2.err"
check "run over tiles of 2 cells exits 0" $? "$(cat "$work/tile2.err")"
for f in "$work"/out/*.csv "$work"/out/depth_*.tif; do
    cmp -s "$f" "$work/tile2/$(basename "$f")"
    check "over tiles: $(basename "$f") identical" $? "differs from the whole-raster run"
done

owner() { awk -F, -v id="$1" '$1 == id { print $5 }' "$work/out/owners.csv"; }
parcel() { awk -F, -v id="$1" -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i } $1 == id { print $k }' "$work/out/parcels.csv"; }
want() { # want WHAT GOT EXPECTED
    [ "$2" = "$3" ]
    check "$1 = $3" $? "got $2"
}
want "O1 (P1 + P3) pays" "$(owner O1)" 1540000.00
want "O2 (half of P2) pays" "$(owner O2)" 240000.00
want "O3 (half of P2) pays" "$(owner O3)" 240000.00
want "P1 pays (draen 47/71 of 1420000)" "$(parcel P1 amount_kr)" 940000.00
want "P2 pays (draen 24/71 of 1420000)" "$(parcel P2 amount_kr)" 480000.00
want "P3 pays (all of pumpe)" "$(parcel P3 amount_kr)" 600000.00
want "P1 EAD without" "$(parcel P1 ead_without_kr)" 88750.00
want "P1 EAD with both drains" "$(parcel P1 ead_with_kr)" 15312.50
want "P2 EAD with both drains" "$(parcel P2 ead_with_kr)" 51250.00
want "P3 EAD with both drains" "$(parcel P3 ead_with_kr)" 7500.00
# the exposure rasters: 0.75 m at T100 without; with the line drain 0.3125 0.4375 0.5625 0.6875 0.75 0.75
lastrow() { gdal_translate -q -of AAIGrid "$1" "$work/row.asc" && tail -1 "$work/row.asc" | tr -s ' ' | sed 's/^ //; s/ $//'; }
row=$(lastrow "$work/out/depth_grundvand_with_draen_T100.tif")
want "exposure with draen at T100 (one row)" "$row" "0.3125 0.4375 0.5625 0.6875 0.75 0.75"
row=$(lastrow "$work/out/depth_grundvand_without_T5.tif")
want "exposure without at T5 (one row)" "$row" "0.25 0.25 0.25 0.25 0.25 0.25"
for sc in without with_draen with_pumpe with_all; do
    for T in 5 20 100; do
        [ -s "$work/out/depth_grundvand_${sc}_T$T.tif" ]
        check "writes depth_grundvand_${sc}_T$T.tif" $? "missing"
    done
done
"$nytte" explain "$work/project.yaml" O2 >"$work/explain" 2>&1
check "explain O2 exits 0" $? "$(head -3 "$work/explain")"
grep -q "Total contribution (bidrag i alt): 240000.00 kr" "$work/explain"
check "explain O2 gives 240000.00 kr" $? "$(head -3 "$work/explain")"
[ $fail = 0 ] && rm -rf "$work" && echo "all checks passed"
exit $fail

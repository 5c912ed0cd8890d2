#!/usr/bin/env bash
# tests/kerteminde.sh — the default case end to end: it runs, writes its outputs, and
# the money adds up to the pools exactly (hand-derived from the project file), with
# every payer's amount within one øre of pool × weight / Σ weights.
# Usage: tests/kerteminde.sh NYTTE REPO_ROOT BUILD_DIR
set -u
nytte=$1 root=$2 build=$3
project=$root/datasets/kerteminde/project.yaml
out=$build/test-kerteminde
fail=0
check() { # check NAME CONDITION-RESULT(0/1) DETAIL
    if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1: $3"; fail=1; fi
}

rm -rf "$out" "$out".tmp-*
# the temporary folder of a killed run (its process is gone) is removed by the next run
sleep 0 & dead=$!
wait $dead
mkdir -p "$out.tmp-stale1" && echo $dead > "$out.tmp-stale1/.nytte-run-pid"
"$nytte" -q run --out "$out" "$project" 2>"$out.err"
check "run exits 0" $? "$(cat "$out.err")"
[ ! -e "$out.tmp-stale1" ]
check "removes the temporary folder of an interrupted run" $? "still there"
[ ! -e "$out/.nytte-run-pid" ]
check "leaves no run marker in the outputs" $? "marker present"
for f in owners.csv parcels.csv parcels.gpkg depth_surge_without_T100.tif depth_surge_with_sluice_T100.tif; do
    [ -s "$out/$f" ]
    check "writes $f" $? "missing"
done

# Every depth raster opens in GDAL/QGIS with the working CRS, nodata and overviews.
for sc in without with_sluice with_dike_nordstrand with_all; do
    for T in 20 50 100 1000; do
        f=$out/depth_surge_${sc}_T$T.tif
        info=$(gdalinfo "$f" 2>&1)
        echo "$info" | grep -q 'ID\["EPSG",25832\]' && echo "$info" | grep -q 'NoData Value=-9999' &&
            echo "$info" | grep -q 'Overviews:'
        check "depth raster $sc T$T has CRS, nodata and overviews" $? "$(echo "$info" | head -3)"
    done
done

# Pools from the project file: sluice 45.000.000 - Realdania 15.000.000, dike 5.000.000;
# O&M charged yearly: 300.000 + 25.000 kr.
col() { head -1 "$1" | tr ',' '\n' | grep -nx "$2" | cut -d: -f1; }
sum_ore() { # sum_ore FILE COLUMN: exact sum of a kr column with two decimals, in øre
    awk -F, -v c="$(col "$1" "$2")" 'NR > 1 { v = $c; neg = sub(/^-/, "", v); split(v, a, ".");
        s += (neg ? -1 : 1) * (a[1] * 100 + a[2]) } END { printf "%.0f\n", s }' "$1"
}
# owners.csv has quoted fields with commas at the end (explanation): the money columns come first
o_amount=$(sum_ore "$out/owners.csv" amount_kr)
check "owners' amounts sum to 35000000.00 kr" "$([ "$o_amount" = 3500000000 ]; echo $?)" "got $o_amount øre"
o_yearly=$(sum_ore "$out/owners.csv" yearly_om_kr)
check "owners' yearly O&M sums to 325000.00 kr" "$([ "$o_yearly" = 32500000 ]; echo $?)" "got $o_yearly øre"
rows=$(($(wc -l < "$out/owners.csv") - 1))
check "one row per owner (1252)" "$([ "$rows" = 1252 ]; echo $?)" "got $rows"

n=$(ogrinfo -ro -so "$out/parcels.gpkg" parcels 2>/dev/null | awk -F': ' '/Feature Count/ {print $2}')
check "parcels.gpkg holds 1209 parcels" "$([ "$n" = 1209 ]; echo $?)" "got '$n'"

# Independent check of the rounding on the sluice's payers (no parcel pays for both elements):
# amount_ore must be within 1 øre of 3.000.000.000 øre × weight / Σ weight.
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
    { if ($0 ~ /sluice: [a-z_]+ weight: / && $0 !~ /dike_nordstrand: [a-z_]+ weight: /) { n++; w[n] = $h["weight"]; a[n] = $h["amount_ore"]; W += w[n] } }
    END { bad = 0; for (i = 1; i <= n; i++) { e = 3000000000 * w[i] / W; d = a[i] - e; if (d < 0) d = -d; if (d >= 1) bad++ }
          printf "%d %d\n", n, bad }' "$out/parcels.csv" > "$out.chk"
read -r npay nbad < "$out.chk"
check "sluice payers ($npay) each within 1 øre of the exact share" "$([ "$npay" -gt 100 ] && [ "$nbad" = 0 ]; echo $?)" "$nbad off"

# An existing output folder is never replaced without --force: exit 2, untouched.
before=$(sha256sum "$out/owners.csv")
"$nytte" -q run --out "$out" "$project" 2>"$out.err"
check "existing output without --force exits 2" "$([ $? = 2 ]; echo $?)" "$(cat "$out.err")"
check "existing output left untouched" "$([ "$before" = "$(sha256sum "$out/owners.csv")" ]; echo $?)" "changed"

# explain: the owner's amount as in owners.csv
owner=$(awk -F, 'NR > 1 && $5 != "0.00" { print $1; exit }' "$out/owners.csv")
amount=$(awk -F, -v o="$owner" '$1 == o { print $5 }' "$out/owners.csv")
"$nytte" -q explain "$project" "$owner" > "$out.explain" 2>&1
check "explain $owner exits 0" $? "$(head -3 "$out.explain")"
grep -q "$amount" "$out.explain"
check "explain shows the amount $amount" $? "$(head -20 "$out.explain")"
"$nytte" -q explain "$project" NO-SUCH-OWNER > /dev/null 2>"$out.err"
check "explain of an unknown owner exits 2" "$([ $? = 2 ]; echo $?)" "$(cat "$out.err")"

# compare: at least four models, the chosen one first
"$nytte" -q compare "$project" > "$out.compare" 2>&1
check "compare exits 0" $? "$(cat "$out.compare")"
models=$(awk '/^(zones|equal|area|value_levy|benefit|parts|hybrid) / { n++ } END { print n + 0 }' "$out.compare")
check "compare lists at least 4 models" "$([ "$models" -ge 4 ]; echo $?)" "got $models"

rm -rf "$out" "$out".*
[ $fail = 0 ] && echo "all checks passed"
exit $fail

#!/usr/bin/env bash
# tests/compare.sh — `nytte compare` when some compared models cannot run on the project:
# it prints the models that can and lists each other one with the reason, exit 0 (before,
# the first model that could not run failed the whole command). The bad-input base project
# (area model) compared with equal, value_levy (no rates given: nobody has a weight) and
# zones (no bands given).
# Usage: tests/compare.sh NYTTE REPO_ROOT BUILD_DIR
set -u
nytte=$(realpath "$1") root=$(realpath "$2") build=$(realpath "$3")
work=$build/test-compare
fail=0
check() { if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1: $3"; fail=1; fi; }

rm -rf "$work" && mkdir -p "$work" && cp -r "$root"/tests/bad/_base/. "$work"/
gdal_translate -q -of GTiff -a_srs EPSG:25832 "$work/terrain.asc" "$work/terrain.tif" || { echo "FAIL gdal_translate"; exit 1; }
sed -i 's/^  area: {building: 2, plot: 1}$/&\n  compare: [equal, value_levy, zones]/' "$work/project.yaml"
grep -q '^  compare: \[equal, value_levy, zones\]$' "$work/project.yaml"
check "the project compares equal, value_levy and zones" $? "sed did not add the compare list"

(cd "$work" && "$nytte" -q compare project.yaml >"$work/out" 2>"$work/err")
check "compare exits 0 though two models cannot run" $? "$(cat "$work/err")"
out=$work/out
grep -q '^project.yaml: 4 models compared on the same flooding, pools and owners (amounts in kr); 2 cannot run on it$' "$out"
check "the header counts the models that cannot run" $? "$(head -1 "$out")"
for m in area equal; do
    grep -Eq "^$m +3 +411518\.73 +308639\.05 +617278\.09 " "$out"
    check "$m: its row (3 payers, mean 411518.73, median 308639.05, max 617278.09 kr)" $? "$(cat "$out")"
done
grep -qx 'value_levy   cannot run: element wall: nobody pays: no parcel in the benefit area has a positive weight, but the pool is 1234556.18 kr' "$out"
check "value_levy: marked with its reason" $? "$(cat "$out")"
grep -qx 'zones        cannot run: element wall: zones: need 1..16 bands' "$out"
check "zones: marked with its reason" $? "$(cat "$out")"
[ ! -s "$work/err" ]
check "nothing on stderr" $? "$(cat "$work/err")"

# the per-owner table: the amounts of the models that ran, and the difference to the first,
# against a run of each model (owners.csv) computed independently with awk
(cd "$work" && "$nytte" -q compare project.yaml --csv cmp.csv >/dev/null 2>"$work/err2")
check "compare --csv (after the project): exit 0" $? "$(cat "$work/err2")"
head -1 "$work/cmp.csv" | grep -qx $'owner_id,area_kr,equal_kr,equal_minus_area_kr\r'
check "the table's columns: the models that ran, the difference to the first" $? "$(head -1 "$work/cmp.csv")"
for m in area equal; do
    sed "s/^  model: area$/  model: $m/" "$work/project.yaml" >"$work/$m.yaml"
    (cd "$work" && "$nytte" -q run --force --out "out-$m" "$m.yaml" 2>>"$work/err2")
done
ore() { awk -F, -v c="$2" '{ sub(/\r$/, "") } NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
        { s = $k; neg = sub(/^-/, "", s); split(s, p, "."); v = p[1] * 100 + p[2]; print $1, (neg ? -v : v) }' "$1"; }
paste -d' ' <(ore "$work/out-area/owners.csv" amount_kr) <(ore "$work/out-equal/owners.csv" amount_kr) |
    awk '{ print $1, $2, $4, $4 - $2 }' >"$work/want"
paste -d' ' <(ore "$work/cmp.csv" area_kr) <(ore "$work/cmp.csv" equal_kr) <(ore "$work/cmp.csv" equal_minus_area_kr) |
    awk '{ print $1, $2, $4, $6 }' >"$work/got"
cmp -s "$work/want" "$work/got"
check "every owner's amounts and difference equal the runs of each model" $? "$(diff "$work/want" "$work/got" | head)"
(cd "$work" && "$nytte" -q compare project.yaml --csv cmp.xlsx >/dev/null 2>>"$work/err2") &&
    ogrinfo -ro -so "$work/cmp.xlsx" comparison | grep -q "^equal_minus_area_kr: "
check "--csv FILE.xlsx: a spreadsheet with the same columns" $? "$(cat "$work/err2")"
# one model only and no property values: nothing that is not a number prints as nan
sed -e '/^  compare:/d' "$work/project.yaml" | sed 's/^    value: property_value$//' >"$work/one.yaml"
(cd "$work" && "$nytte" -q compare one.yaml >"$work/one.out" 2>>"$work/err2")
check "one model, no values: exit 0" $? "$(cat "$work/err2")"
! grep -qi 'nan' "$work/one.out" && grep -Eq '^area +3 .* - +- +- +-$' "$work/one.out"
check "... no nan: a value without meaning is -" $? "$(cat "$work/one.out")"
grep -q '^one.yaml: 1 model compared' "$work/one.out"
check "... 1 model, singular" $? "$(head -1 "$work/one.out")"
[ $fail = 0 ] && rm -rf "$work" && echo "all checks passed"
exit $fail

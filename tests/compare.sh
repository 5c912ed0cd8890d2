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
[ $fail = 0 ] && rm -rf "$work" && echo "all checks passed"
exit $fail

#!/usr/bin/env bash
# tests/cli.sh — the command line as users type it (docs/nytte.1): options anywhere,
# before or after the command and its arguments, `--` ending them, and the errors.
# Usage: tests/cli.sh NYTTE REPO_ROOT BUILD_DIR
set -u
nytte=$(realpath "$1") root=$(realpath "$2")
work=$(mktemp -d "${TMPDIR:-/tmp}/nytte-cli-XXXXXX")
trap 'rm -rf "$work"' EXIT
fail=0
check() { if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1: $3"; fail=1; fi; }

cp -r "$root/tests/bad/_base" "$work/p"
gdal_translate -q -of GTiff -a_srs EPSG:25832 "$work/p/terrain.asc" "$work/p/terrain.tif"
cd "$work/p" || exit 1

# options after the project file: --force is an option, not a second project
"$nytte" run project.yaml -q >/dev/null 2>"$work/e1"
check "run PROJECT -q: exit 0" $? "$(cat "$work/e1")"
[ ! -s "$work/e1" ]
check "... -q after the project silences the warnings" $? "$(cat "$work/e1")"
"$nytte" run project.yaml --force --threads 2 -q 2>"$work/e2"
check "run PROJECT --force --threads 2 -q: exit 0 (replaces out/)" $? "$(cat "$work/e2")"
"$nytte" run project.yaml --out other -q 2>"$work/e3" && [ -s other/owners.csv ]
check "run PROJECT --out DIR: the value goes with its option" $? "$(cat "$work/e3")"
"$nytte" -q run --force project.yaml --out other 2>"$work/e4"
check "options on both sides of the project: exit 0" $? "$(cat "$work/e4")"
cmp -s out/owners.csv other/owners.csv
check "... the same outputs" $? "differ"

# -- ends the options: a project file whose name starts with '-'
cp project.yaml ./-odd.yaml
"$nytte" -q run --out odd -- -odd.yaml 2>"$work/e5"
check "run -- -odd.yaml: a name after -- is a project" $? "$(cat "$work/e5")"
"$nytte" -q validate -- -odd.yaml 2>"$work/e6"
check "validate -- -odd.yaml" $? "$(cat "$work/e6")"
"$nytte" -q run --out odd2 -odd.yaml 2>"$work/e7"
rc=$?
[ $rc -eq 2 ] && grep -q "nytte run: unknown option '-odd.yaml'" "$work/e7"
check "run -odd.yaml without --: an unknown option, exit 2" $? "exit $rc: $(cat "$work/e7")"

# errors: an unknown option after the command names the command; --help after the command is its help
"$nytte" validate project.yaml --bogus >/dev/null 2>"$work/e8"
rc=$?
[ $rc -eq 2 ] && grep -q "nytte validate: unknown option '--bogus'" "$work/e8"
check "validate PROJECT --bogus: exit 2, named" $? "exit $rc: $(cat "$work/e8")"
"$nytte" run project.yaml --help >"$work/o9" 2>&1
[ $? -eq 0 ] && grep -q "^usage: nytte run" "$work/o9"
check "run PROJECT --help: the command's help" $? "$(cat "$work/o9")"
"$nytte" validate project.yaml --threads 0 >/dev/null 2>"$work/e10"
[ $? -eq 2 ] && grep -q -- "--threads needs a whole number from 1 to 4096, got '0'" "$work/e10"
check "--threads 0 after the project: exit 2" $? "$(cat "$work/e10")"
"$nytte" --bogus run project.yaml >/dev/null 2>"$work/e11"
[ $? -eq 2 ] && grep -q "nytte: unknown option '--bogus'" "$work/e11"
check "an unknown global option before the command: exit 2" $? "$(cat "$work/e11")"
"$nytte" -q >/dev/null 2>"$work/e12"
[ $? -eq 2 ] && grep -q "nytte: no command given" "$work/e12"
check "options but no command: exit 2" $? "$(cat "$work/e12")"
"$nytte" explain project.yaml O1 -q >"$work/o13" 2>"$work/e13"
check "explain PROJECT OWNER -q: exit 0" $? "$(cat "$work/e13")"
# a GeoJSON in metres without a crs member, and the crs key that says what it is in
mkdir -p "$work/nocrs" && cp -r "$work/p/." "$work/nocrs/" && rm -rf "$work/nocrs/out" "$work/nocrs/other"
sed -i 's/"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::25832"}},//' "$work/nocrs/parcels.geojson"
! grep -q '"crs"' "$work/nocrs/parcels.geojson" && ogrinfo -ro -so "$work/nocrs/parcels.geojson" parcels >/dev/null 2>&1
check "the parcels without a crs member still read as GeoJSON" $? "$(head -5 "$work/nocrs/parcels.geojson")"
(cd "$work/nocrs" && "$nytte" -q run project.yaml 2>"$work/nocrs.err")
[ $? -eq 1 ] && grep -q "coordinates look like metres" "$work/nocrs.err"
check "metres read as degrees: exit 1, said so" $? "$(cat "$work/nocrs.err")"
sed -i 's|^    path: parcels.geojson$|    path: parcels.geojson\n    crs: EPSG:25832|' "$work/nocrs/project.yaml"
(cd "$work/nocrs" && "$nytte" -q run project.yaml 2>"$work/nocrs2.err")
check "with crs: EPSG:25832 on the parcels: exit 0" $? "$(cat "$work/nocrs2.err")"
cmp -s "$work/nocrs/out/owners.csv" "$work/p/out/owners.csv"
check "... the same owners.csv as with the crs member" $? "differs"

# explain from the finished run: the same text as from the project, by id in any case, by
# parcel, by part of a name; several owners named: listed, exit 2; and no warnings repeated
"$nytte" explain out O2 >"$work/x1" 2>"$work/x1.err"
check "explain OUT_DIR O2: exit 0" $? "$(cat "$work/x1.err")"
"$nytte" explain project.yaml O2 >"$work/x2" 2>"$work/x2.err"
check "explain PROJECT O2: exit 0" $? "$(cat "$work/x2.err")"
cmp -s "$work/x1" "$work/x2"
check "... the same text from the run's folder as from the project" $? "$(diff "$work/x1" "$work/x2" | head -5)"
[ ! -s "$work/x1.err" ] && [ ! -s "$work/x2.err" ]
check "... and no warning repeated (they belong to the run)" $? "$(cat "$work/x1.err" "$work/x2.err")"
grep -q "^Payment (betaling): annuity loan (lån) over 20 years at 3.00 % a year, 12 payments a year: 240 payments" "$work/x1"
check "... the payment plan is in it" $? "$(tail -2 "$work/x1")"
"$nytte" explain out o2 | cmp -s - "$work/x1"
check "explain OUT_DIR o2: the id in any letter case" $? "differs"
"$nytte" explain out Blixen | grep -q "^Owner (ejer) O1$"
check "explain OUT_DIR Blixen: part of a name" $? "not O1"
"$nytte" explain out P1 | grep -q "^Owner (ejer) O1$"
check "explain OUT_DIR P1: a parcel with one owner" $? "not O1"
"$nytte" explain out P2 >/dev/null 2>"$work/x3.err"
rc=$?
[ $rc -eq 2 ] && grep -q "^nytte explain: 'P2' names 2 owners; give one of their ids:" "$work/x3.err" && grep -q "^  O3 " "$work/x3.err"
check "explain OUT_DIR P2: a parcel of two owners lists them, exit 2" $? "exit $rc: $(cat "$work/x3.err")"
"$nytte" explain out nobody >/dev/null 2>"$work/x4.err"
rc=$?
[ $rc -eq 2 ] && grep -qx "nytte: owner nobody: not found (no owner id, parcel id or name matches it)" "$work/x4.err"
check "explain OUT_DIR nobody: not found, exit 2" $? "exit $rc: $(cat "$work/x4.err")"

# progress on a terminal only (script(1) gives the run one), and never with -q
if command -v script >/dev/null; then
    script -qc "'$nytte' run --force project.yaml" /dev/null >"$work/tty.out" 2>&1
    grep -q '\[2/10\] hazard depth rasters: 6 of 6  100.0 %' "$work/tty.out" && grep -q '\[10/10\] report' "$work/tty.out"
    check "on a terminal: the progress line shows the stage k of n, the rasters and the percent" $? "$(cat -v "$work/tty.out" | head -3)"
    script -qc "'$nytte' -q run --force project.yaml" /dev/null >"$work/ttyq.out" 2>&1
    [ ! -s "$work/ttyq.out" ]
    check "on a terminal with -q: nothing" $? "$(cat -v "$work/ttyq.out" | head -3)"
fi
"$nytte" run --force project.yaml >/dev/null 2>"$work/notty.err"
! grep -q '\[1/10\]' "$work/notty.err"
check "not a terminal: no progress line" $? "$(cat -v "$work/notty.err" | head -3)"
# -v: where the time went; -v -v: each stage and each raster written
"$nytte" run --force project.yaml -v 2>"$work/v.err" >/dev/null
grep -Eq '^nytte: info: time: inputs [0-9.]+ s, hazard [0-9.]+ s, overlay [0-9.]+ s, damage [0-9.]+ s, allocation [0-9.]+ s, report [0-9.]+ s; total [0-9.]+ s$' "$work/v.err"
check "-v: one line of stage times" $? "$(grep time: "$work/v.err")"
! grep -q "debug" "$work/v.err"
check "-v: no debug lines" $? "$(grep debug "$work/v.err" | head -2)"
"$nytte" run --force project.yaml -v -v 2>"$work/vv.err" >/dev/null
grep -q "^nytte: debug: stage overlay: " "$work/vv.err" && grep -q "^nytte: debug: hazard: wrote .*depth_surge_with_wall_T1000.tif (40 × 20 cells) in " "$work/vv.err" &&
    grep -q "^nytte: debug: allocation: element wall: model area, pool 1234556.18 kr, " "$work/vv.err"
check "-v -v: debug lines of stages, rasters and the allocation" $? "$(grep debug "$work/vv.err" | head -3)"
exit $fail

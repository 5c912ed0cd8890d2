#!/usr/bin/env bash
# tests/overlap.sh — overlapping parcels count their plot area once (docs/project-file.md,
# Overlapping parcels): the bad-input case parcels-overlap run under the area model
# (2 × footprint m² + plot m²), the weights worked by hand. P5 is a copy of P1's 2800 m²
# (no building); P6 overlaps P3 by 400 m² and P2 by 320 m². The footprints are 15 × 20 m.
# Usage: tests/overlap.sh NYTTE REPO_ROOT BUILD_DIR
set -u
nytte=$(realpath "$1") root=$(realpath "$2")
work=$(mktemp -d "${TMPDIR:-/tmp}/nytte-overlap-XXXXXX")
trap 'rm -rf "$work"' EXIT
fail=0
check() { if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1: $3"; fail=1; fi; }
want() { [ "$2" = "$3" ]; check "$1 = $3" $? "got '$2'"; }
cp -r "$root/tests/bad/_base/." "$work/" && cp -r "$root/tests/bad/parcels-overlap/." "$work/"
gdal_translate -q -of GTiff -a_srs EPSG:25832 "$work/terrain.asc" "$work/terrain.tif"
(cd "$work" && "$nytte" -q run project.yaml) 2>"$work/err"
check "runs" $? "$(cat "$work/err")"
col() { awk -F, -v id="$1" -v c="$2" '{ sub(/\r$/, "") } NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i }
        NR > 1 && $1 == id { print $k }' "$work/out/parcels.csv"; }
want "P1 weight: 2 × 300 + 2800 − 2800/2" "$(col P1 weight)" 2000.000000000
want "P2 weight: 2 × 300 + 2800 − 320/2" "$(col P2 weight)" 3240.000000000
want "P5 weight: 2800 − 2800/2 (the copy of P1)" "$(col P5 weight)" 1400.000000000
want "P1 area_m2 is still its polygon's" "$(col P1 area_m2)" 2800.00
# the pool, once: 1234556.18 kr over 6640 weight, to the øre
want "P5 pays 1400/6640 of the pool" "$(col P5 amount_kr)" 260297.99
sum=$(awk -F, '{ sub(/\r$/, "") } NR == 1 { for (i = 1; i <= NF; i++) if ($i == "amount_ore") k = i } NR > 1 { s += $k } END { print s }' "$work/out/parcels.csv")
want "the parcels pay the pool, once" "$sum" 123455618
exit $fail

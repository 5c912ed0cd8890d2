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

rm -rf "$out"
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
rm -rf "$out" "$out".*
[ $fail = 0 ] && echo "all checks passed"
exit $fail

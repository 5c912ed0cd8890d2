#!/usr/bin/env bash
# tests/uncertainty.sh — uncertainty and climate horizons end to end (docs/uncertainty.md),
# on the small coast of tests/bad/_base with the benefit model (the amounts move with the
# water):
#  1. one draw without spread: every owner's and parcel's P5 = P50 = P95 = its amount, to the øre;
#  2. brute force: a level shift of 0 or 0.2 m (discrete, 200 draws) against two real runs of
#     the whole pipeline with offset 0 and 0.2: P5, P50, P95 and the share paying 10 % more,
#     computed here from the two runs' amounts and the draws' own record (uncertainty_draws.csv);
#  3. a sea-level rise drawn as 0.3 m against a real run with sea_level_rise: 0.3;
#  4. the same seed at --threads 1 and 2 (and over tiles): the tables, the draws, the horizons and
#     report.html byte for byte, the manifest's results too; `nytte explain` gives the band;
#  5. horizons without uncertainty: a horizon's amounts are a real run's with that offset, the
#     EAD without the wall rises with the sea, no band columns; report.html's sections (and, with
#     Chromium installed, as rendered);
#  6. the band columns come last in owners.csv, parcels.csv and the parcels layer, and only then.
# Usage: tests/uncertainty.sh NYTTE REPO_ROOT BUILD_DIR
set -u
nytte=$(realpath "$1") root=$(realpath "$2") build=$3
work=$(realpath -m "$build/test-uncertainty")
fail=0
check() { if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1: $3"; fail=1; fi; }
want() { [ "$2" = "$3" ]; check "$1 = $3" $? "got '$2'"; }
command -v ogr2ogr >/dev/null || { echo "SKIP: ogr2ogr is not installed (gdal-bin)"; exit 0; }

rm -rf "$work" && mkdir -p "$work" && cp "$root"/tests/bad/_base/* "$work"/
gdal_translate -q -of GTiff -a_srs EPSG:25832 "$work/terrain.asc" "$work/terrain.tif" || { echo "FAIL gdal_translate"; exit 1; }
cd "$work" || exit 1
sed 's/^  model: area$/  model: benefit/' project.yaml >base.yaml
grep -q "model: benefit" base.yaml || { echo "FAIL could not make base.yaml"; exit 1; }
variant() { # variant NAME SED-EXPRESSION [TEXT TO APPEND]: NAME.yaml from base.yaml
    sed "$2" base.yaml >"$1.yaml"
    [ $# -gt 2 ] && printf '%s\n' "$3" >>"$1.yaml"
    return 0
}
run() { # run NAME [OPTIONS OF run]: out-NAME from NAME.yaml, at $THREADS threads when set
    local name=$1
    shift
    "$nytte" -q ${THREADS:+--threads $THREADS} run --force "$@" --out "out-$name" "$name.yaml" 2>"$name.err"
    check "$name: run exits 0" $? "$(head -3 "$name.err")"
}
# columns of a table, parsed by GDAL (quoted fields with commas and all), one row per line
cols() { ogr2ogr -f CSV /vsistdout/ "$1" -sql "SELECT $3 FROM $2" | tail -n +2 | tr -d '"\r'; }
# kr with two decimals -> øre, exactly, in columns 2 .. LAST (default all)
ore() { awk -F, -v OFS=, -v last="${1:-999}" '{ for (i = 2; i <= NF && i <= last; i++) { neg = sub(/^-/, "", $i); split($i, p, "."); $i = (neg ? -1 : 1) * (p[1] * 100 + p[2]) } print }'; }

# ---- 1. one draw without spread is the base case ------------------------------------------------
variant zero 's/^x//' 'uncertainty:
  draws: 1
  damage_curve: {distribution: normal, mean: 1, sd: 0}
  building_value: {distribution: uniform, min: 1, max: 1, correlation: independent}
  floor_height: {distribution: triangular, min: 0, mode: 0, max: 0, correlation: independent}
  level_shift: {distribution: discrete, values: [0]}'
run zero
n=$(cols out-zero/owners.csv owners "owner_id, amount_kr, amount_p5_kr, amount_p50_kr, amount_p95_kr" |
    awk -F, '$2 != $3 || $2 != $4 || $2 != $5' | wc -l)
want "zero: owners whose P5, P50 or P95 is not their amount" "$n" 0
n=$(cols out-zero/parcels.csv parcels "parcel_id, amount_kr, amount_p5_kr, amount_p50_kr, amount_p95_kr" |
    awk -F, '$2 != $3 || $2 != $4 || $2 != $5' | wc -l)
want "zero: parcels whose P5, P50 or P95 is not their amount" "$n" 0
want "zero: owners paying" "$(cols out-zero/owners.csv owners "amount_kr" | grep -vc '^0.00$')" 3

# ---- 2. brute force: a drawn level shift against the pipeline run at that offset ---------------
run base
variant off 's/^    levels: \[1.0, 1.5, 2.0\]$/&\n    offset: 0.2/'
run off
variant shift 's/^x//' 'uncertainty:
  draws: 200
  seed: 11
  level_shift: {distribution: discrete, values: [0, 0.2], weights: [1, 1]}'
run shift
n0=$(cols out-shift/uncertainty_draws.csv uncertainty_draws "level_shift" | grep -c '^0.000000$')
n2=$(cols out-shift/uncertainty_draws.csv uncertainty_draws "level_shift" | grep -c '^0.200000$')
want "shift: draws of 0 and 0.2 m" "$((n0 + n2))" 200
check "shift: both values drawn often enough to show in P5 and P95 ($n0, $n2)" $((n0 < 11 || n2 < 11)) ""
cols out-base/owners.csv owners "owner_id, amount_kr" | ore >a0.txt
cols out-off/owners.csv owners "owner_id, amount_kr" | ore >a2.txt
cols out-shift/owners.csv owners "owner_id, amount_p5_kr, amount_p50_kr, amount_p95_kr, p_more_10pct" | ore 4 >got.txt
want "shift: the offset changes some amount" "$(cmp -s a0.txt a2.txt; echo $?)" 1
# the n0 + n2 amounts of each owner sorted, and their nearest ranks 10, 100, 190 of 200
join -t, a0.txt a2.txt | awk -F, -v n0="$n0" -v n2="$n2" -v OFS=, '{
    lo = $2 < $3 ? $2 : $3; hi = $2 < $3 ? $3 : $2; nlo = $2 < $3 ? n0 : n2
    if ($2 == $3) nlo = 200
    split("10 100 190", r, " ")
    for (k = 1; k <= 3; k++) q[k] = r[k] <= nlo ? lo : hi
    more = 10 * ($3 - $2) > ($2 < 0 ? -$2 : $2) ? n2 : 0
    printf "%s,%s,%s,%s,%.4f\n", $1, q[1], q[2], q[3], more / 200 }' >expect.txt
diff expect.txt got.txt >diff.txt
check "shift: P5, P50, P95 and the share paying 10 % more = the brute force over two real runs" $? "$(head -5 diff.txt)"

# ---- 3. a drawn sea-level rise against the pipeline's own ---------------------------------------
variant slr 's/^    levels: \[1.0, 1.5, 2.0\]$/&\n    sea_level_rise: 0.3/'
run slr
variant dslr 's/^x//' 'uncertainty:
  draws: 3
  sea_level_rise: {distribution: discrete, values: [0.3]}'
run dslr
cols out-slr/owners.csv owners "owner_id, amount_kr" >s1.txt
cols out-dslr/owners.csv owners "owner_id, amount_p50_kr" >s2.txt
want "sea-level rise drawn 0.3 m = the run with sea_level_rise 0.3 (owners)" "$(cmp -s s1.txt s2.txt; echo $?)" 0
want "... and it changes the amounts" "$(cols out-base/owners.csv owners "owner_id, amount_kr" | cmp -s - s1.txt; echo $?)" 1

# ---- 4. the same seed at 1 and 2 threads, and over tiles ---------------------------------------
variant full 's/^x//' 'uncertainty:
  draws: 300
  seed: 5
  damage_curve: {distribution: lognormal, median: 1, sigma: 0.25}
  building_value: {distribution: normal, mean: 1, sd: 0.15, correlation: independent}
  floor_height: {distribution: uniform, min: -0.1, max: 0.2, correlation: independent}
  level_shift: {distribution: triangular, min: -0.1, mode: 0, max: 0.15}
  sea_level_rise: {distribution: discrete, values: [0, 0.3, 0.6], weights: [1, 2, 1]}
horizons:
  - {year: 2050, sea_level_rise: 0.2}
  - {year: 2100, sea_level_rise: 0.6}'
THREADS=1 run full
mv out-full out-full1
THREADS=2 run full
mv out-full out-full2
THREADS=2 run full --tile 7
mv out-full out-full2t
for f in owners.csv parcels.csv uncertainty_draws.csv horizons.csv horizons_measures.csv report.html; do
    cmp -s out-full1/$f out-full2/$f && cmp -s out-full1/$f out-full2t/$f
    check "threads 1, 2 and tiles: $f byte for byte" $? "differs"
done
results() { sed -n '/"totals"/,/"findings"/p' "$1/manifest.json"; }
want "threads 1 and 2: the manifest's results" "$(diff <(results out-full1) <(results out-full2) >/dev/null; echo $?)" 0
grep -q '"uncertainty": {"draws": 300, "seed": 5, "damage_curve": "lognormal(median 1, sigma 0.25)"' out-full1/manifest.json
check "manifest: the settings of the draws" $? "$(grep -o '"uncertainty": {[^}]*' out-full1/manifest.json | head -1)"
grep -q '"uncertainty": {"draws": 300, "allocated": 300, "first_not_allocated": -1' out-full1/manifest.json
check "manifest: every draw allocated" $? "$(grep -o '"allocated": [^,]*' out-full1/manifest.json)"
n=$(cols out-full1/owners.csv owners "amount_p5_kr, amount_p50_kr, amount_p95_kr" |
    awk -F, '!($1 + 0 <= $2 + 0 && $2 + 0 <= $3 + 0)' | wc -l)
want "full: owners with P5 <= P50 <= P95 broken" "$n" 0
n=$(cols out-full1/owners.csv owners "amount_p5_kr, amount_p95_kr" | awk -F, '$1 != $2' | wc -l)
check "full: the draws spread the amounts ($n owners)" $((n == 0)) ""

# nytte explain adds the owner's band to the explanation, the same as owners.csv's
p5=$(cols out-full1/owners.csv owners "owner_id, amount_p5_kr" | awk -F, '$1 == "O2" { print $2 }')
p95=$(cols out-full1/owners.csv owners "owner_id, amount_p95_kr" | awk -F, '$1 == "O2" { print $2 }')
"$nytte" -q explain full.yaml O2 >explain.txt 2>explain.err
grep -q "^  in 90 % of the draws the amount lay between $p5 kr (P5) and $p95 kr (P95)" explain.txt
check "explain O2: the band, as in owners.csv ($p5 – $p95 kr)" $? "$(grep -A3 'How sure' explain.txt)"
"$nytte" -q explain out-full1 O2 >explain-out.txt 2>&1
want "explain OUT_DIR O2 (explanations.txt): the same band" "$(grep -A3 'How sure' explain-out.txt)" \
    "$(grep -A3 'How sure' explain.txt)"

# ---- 5. horizons alone -----------------------------------------------------------------------------
variant hz 's/^x//' 'horizons:
  - {year: 2025, sea_level_rise: 0}
  - {year: 2050, sea_level_rise: 0.2}
  - {year: 2100, sea_level_rise: 0.5}'
run hz
cols out-hz/horizons.csv horizons "owner_id, amount_2050_kr" >h.txt
cols out-off/owners.csv owners "owner_id, amount_kr" >o.txt
want "horizon 2050 (+0.2 m) = the run with offset 0.2 (owners)" "$(cmp -s h.txt o.txt; echo $?)" 0
cols out-hz/horizons.csv horizons "owner_id, amount_2025_kr" >h.txt
cols out-base/owners.csv owners "owner_id, amount_kr" >o.txt
want "horizon 2025 (+0 m) = the base run (owners)" "$(cmp -s h.txt o.txt; echo $?)" 0
ead=$(cols out-hz/horizons_measures.csv horizons_measures "ead_without_kr" | tr '\n' ' ')
echo "$ead" | awk '{ exit !($1 < $2 && $2 < $3) }'
check "horizons: the EAD without the wall rises with the sea ($ead)" $? ""
want "horizons alone: no draws table" "$(test -e out-hz/uncertainty_draws.csv; echo $?)" 1
want "horizons alone: no band columns" "$(head -1 out-hz/owners.csv | grep -c amount_p5_kr)" 0
grep -q '<h2 id="horizons">Climate horizons</h2>' out-hz/report.html
check "report.html: the horizons' section" $? "missing"
grep -q '<h2 id="uncertainty">' out-hz/report.html
check "report.html: no draws, no bands' section" $((1 - $?)) "there"

# ---- 6. the band columns: last, and only with draws -------------------------------------------------
want "owners.csv: the band columns last" "$(head -1 out-full1/owners.csv | tr -d '\r' | grep -o 'explanation,.*')" \
    "explanation,amount_p5_kr,amount_p50_kr,amount_p95_kr,first_year_p5_kr,first_year_p50_kr,first_year_p95_kr,p_more_10pct,decile,rank_stable"
want "parcels.csv: the band columns last" "$(head -1 out-full1/parcels.csv | tr -d '\r' | grep -o 'harmed,.*')" \
    "harmed,amount_p5_kr,amount_p50_kr,amount_p95_kr"
want "owners.csv without uncertainty: no band columns" "$(head -1 out-base/owners.csv | grep -c amount_p5_kr)" 0
ogrinfo -ro -so out-full1/parcels.gpkg parcels | grep -q "amount_p95_kr: Real"
check "parcels.gpkg: the band columns" $? "$(ogrinfo -ro -so out-full1/parcels.gpkg parcels | tail -4)"
want "report.html: no more scripts than without uncertainty" "$(grep -c '<script' out-full1/report.html)" \
    "$(grep -c '<script' out-base/report.html)"
grep -q '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 940 320" width="940" role="img" aria-label="amounts over the draws' out-full1/report.html
check "report.html: the box per decile as SVG" $? "missing"
if command -v chromium >/dev/null; then
    chromium --headless --no-sandbox --disable-gpu --disable-background-networking --dump-dom \
        "file://$work/out-full1/report.html" 2>/dev/null >full.dom
    grep -q '<h2 id="uncertainty">How sure are the amounts</h2>' full.dom && grep -q '<h2 id="horizons">Climate horizons</h2>' full.dom
    check "report.html (rendered): both sections" $? "not in the DOM"
fi
exit $fail

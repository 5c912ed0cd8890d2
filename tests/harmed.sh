#!/usr/bin/env bash
# tests/harmed.sh — a channel that leads water onto a neighbour (tests/data/harmed): the
# harmed parcel P4 shows in every output, with and without allocation.compensate_harmed,
# and every sum stays exact (docs/models.md, Harmed parcels). P4's loss is checked against
# its own EAD columns: PV = (EAD with − EAD without) × A(3.5 %, 50 years).
# Usage: tests/harmed.sh NYTTE REPO_ROOT BUILD_DIR
set -u
nytte=$1 root=$2 build=$3
work=$(realpath -m "$build/test-harmed")
fail=0
check() { if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1: $3"; fail=1; fi; }
want() { [ "$2" = "$3" ]; check "$1 = $3" $? "got '$2'"; }

rm -rf "$work" && mkdir -p "$work" && cp "$root"/tests/data/harmed/* "$work"/
for a in "$work"/*.asc; do
    gdal_translate -q -of GTiff -a_srs EPSG:25832 "$a" "${a%.asc}.tif" || { echo "FAIL gdal_translate $a"; exit 1; }
done
sed 's/^  design_event: 100$/&\n  compensate_harmed: true/' "$work/project.yaml" >"$work/paid.yaml"
grep -q "compensate_harmed: true" "$work/paid.yaml" || { echo "FAIL could not make paid.yaml"; exit 1; }

col() { # col FILE ID COLUMN: the cell of row ID under the header COLUMN (quoted cells may hold commas: the explanations)
    awk -v id="$2" -v c="$3" '
        function cells(line, f,   n, i, ch, q, cur) {
            n = 0; q = 0; cur = ""
            for (i = 1; i <= length(line); i++) {
                ch = substr(line, i, 1)
                if (q && ch == "\"" && substr(line, i + 1, 1) == "\"") { cur = cur ch; i++ }
                else if (ch == "\"") q = !q
                else if (!q && ch == ",") { f[++n] = cur; cur = "" }
                else cur = cur ch
            }
            f[++n] = cur
            return n
        }
        { sub(/\r$/, ""); n = cells($0, f) }
        NR == 1 { for (i = 1; i <= n; i++) if (f[i] == c) k = i }
        NR > 1 && f[1] == id { print f[k] }' "$1"
}
# the owners' amounts in øre, summed exactly (no floating point): "123.45" -> 12345
ore_sum() { awk -F, 'NR > 1 { sub(/\r$/, ""); a = $5; neg = sub(/^-/, "", a); split(a, p, "."); v = p[1] * 100 + p[2]; s += neg ? -v : v } END { print s }' "$1"; }

for run in plain paid; do
    yaml=$work/project.yaml
    [ $run = paid ] && yaml=$work/paid.yaml
    out=$work/out-$run
    "$nytte" run --out "$out" "$yaml" >"$work/$run.stdout" 2>"$work/$run.err"
    check "$run: run exits 0" $? "$(cat "$work/$run.err")"
    P=$out/parcels.csv
    want "$run: P4 harmed" "$(col "$P" P4 harmed)" 1
    want "$run: P1 not harmed" "$(col "$P" P1 harmed)" 0
    # the negative benefit is kept: PV of the extra damage, A(0.035, 50) = 23.455618…
    pv=$(col "$P" P4 benefit_pv_kr) wo=$(col "$P" P4 ead_without_kr) wi=$(col "$P" P4 ead_with_kr)
    awk -v pv="$pv" -v wo="$wo" -v wi="$wi" 'BEGIN { a = (1 - 1.035 ^ -50) / 0.035; d = (wo - wi) * a - pv;
        exit !(pv < 0 && d < 0.01 && d > -0.01) }'
    check "$run: P4 benefit_pv_kr $pv = (EAD without − with) × A(3.5 %, 50)" $? "wo $wo wi $wi"
    grep -q "^nytte: warning: element channel: 1 parcel is harmed (e.g. P4): expected damage rises by $(awk -v a="$wi" -v b="$wo" 'BEGIN { printf "%.2f", a - b }') kr a year in all, PV ${pv#-} kr" "$work/$run.err"
    check "$run: the run warns of the harmed parcel with its extra damage" $? "$(cat "$work/$run.err")"
    # every sum exact: the owners pay the pool, 100000.00 kr, to the øre
    want "$run: owners sum to the pool (øre)" "$(ore_sum "$out/owners.csv")" 10000000
    # the GeoPackage layer carries the column
    ogrinfo -ro -q "$out/parcels.gpkg" -sql "SELECT parcel_id FROM parcels WHERE harmed = 1" | grep -q "parcel_id (String) = P4"
    check "$run: parcels.gpkg: harmed = 1 for P4" $? "$(ogrinfo -ro -q "$out/parcels.gpkg" -sql "SELECT parcel_id, harmed FROM parcels")"
    grep -q '"harmed": 1, "harmed_pv_ore": '"$(echo "${pv#-}" | tr -d .)" "$out/manifest.json"
    check "$run: manifest.json: 1 harmed, its PV loss in øre" $? "$(grep -o '"harmed": [^}]*' "$out/manifest.json")"
    # what a reader sees: the report's harmed table, rendered by a browser
    if command -v chromium >/dev/null; then
        chromium --headless --no-sandbox --disable-gpu --disable-background-networking --dump-dom \
            "file://$out/report.html" 2>/dev/null >"$work/$run.dom"
        grep -q '<h3 id="harmed">Harmed parcels</h3>' "$work/$run.dom" && grep -q '<tr><td>P4</td><td>channel</td>' "$work/$run.dom"
        check "$run: report.html (rendered) lists P4 as harmed" $? "not in the DOM"
    fi
done

# the map's legend with two payers: a class per amount, named exactly (not 1-kr ranges), and the channel
legend=$(grep -o 'class="legend">.*</div>' "$work/out-plain/report.html")
echo "$legend" | grep -q '</i>42&#160;424,24&#160;kr</span><span><i class="sw" style="background:#fecc5c"></i>57&#160;575,76&#160;kr</span>'
check "plain: the legend names the two amounts" $? "$legend"
! echo "$legend" | grep -q ' – '
check "plain: ... and no ranges" $? "$legend"
grep -q '<title>Afledningskanal</title></path>' "$work/out-plain/report.html" && echo "$legend" | grep -q '</i>Afledningskanal</span>'
check "plain: the map draws the channel and its legend names it" $? "missing"
# without compensation P4's owners pay nothing and get nothing
want "plain: P4 amount" "$(col "$work/out-plain/parcels.csv" P4 amount_ore)" 0
grep -q "allocation.compensate_harmed: true pays them back" "$work/plain.err"
check "plain: the warning names the rule that pays them back" $? "$(cat "$work/plain.err")"
# with it: P4 gets its loss back to the øre, split between its two owners (the odd øre to
# the lower owner id), paid at once; P1 and P2 pay the pool and the compensation
loss=$(col "$work/out-paid/parcels.csv" P4 benefit_pv_kr)
want "paid: P4 amount_kr is its loss" "$(col "$work/out-paid/parcels.csv" P4 amount_kr)" "$loss"
want "paid: E4a's part" "$(col "$work/out-paid/owners.csv" E4a amount_kr)" "$(awk -v l="${loss#-}" 'BEGIN { o = int(l * 100 + 0.5); printf "-%.2f", (o - int(o / 2)) / 100 }')"
want "paid: E4b's part" "$(col "$work/out-paid/owners.csv" E4b amount_kr)" "$(awk -v l="${loss#-}" 'BEGIN { o = int(l * 100 + 0.5); printf "-%.2f", int(o / 2) / 100 }')"
p1=$(col "$work/out-paid/parcels.csv" P1 amount_ore) p2=$(col "$work/out-paid/parcels.csv" P2 amount_ore)
want "paid: P1 + P2 pay the pool and the compensation" "$((p1 + p2))" "$((10000000 + $(echo "${loss#-}" | tr -d .)))"
grep -q "; $(echo "${loss#-}") kr of it is paid back to them out of the pool" "$work/paid.err"
check "paid: the warning says what is paid back" $? "$(cat "$work/paid.err")"
want "paid: E4a is paid back at once" "$(col "$work/out-paid/owners.csv" E4a loan),$(col "$work/out-paid/owners.csv" E4a payments)" "paid back,1"
grep -q '"compensate_harmed": true' "$work/out-paid/manifest.json"
check "paid: manifest.json records the rule" $? "missing"
exit $fail

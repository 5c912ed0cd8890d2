#!/usr/bin/env bash
# outputs.sh — every output of a run of the default case, read back through GDAL/OGR:
# schemas, CRS, row counts, amounts equal to the CSV, the XLSX equal to the CSV, the
# "=Jensen Holding ApS" owner neutralised, .qml/.qgs well-formed XML with relative
# paths, manifest hashes, report.html self-contained (and, when Chromium is installed,
# rendered headless, and measured at 1280 and 390 px: nothing wider than the window,
# wide tables scrolling in their box; screenshots kept in BUILD_DIR/test-outputs/); the
# Danish Excel dialect and the Shapefile; and the safety of the output folder when a run
# is killed midway.
#
# usage: bash tests/outputs.sh NYTTE REPO_ROOT BUILD_DIR
set -u
NYTTE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$2" && pwd)
DATA=$ROOT/datasets/kerteminde
W=$(mktemp -d "${TMPDIR:-/tmp}/nytte-outputs-XXXXXX")
trap 'rm -rf "$W"' EXIT
fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }
check() { # check "what" command...
    local what=$1
    shift
    if "$@"; then ok "$what"; else bad "$what"; fi
}
for tool in ogrinfo ogr2ogr gdalinfo sha256sum; do
    command -v $tool >/dev/null || { echo "SKIP: $tool is not installed (gdal-bin, coreutils)"; exit 0; }
done

# ---- run the default case ----------------------------------------------------------
A=$W/a
"$NYTTE" -q run --out "$A" "$DATA/project.yaml" >"$W/run.log" 2>&1
rc=$?
[ $rc -eq 0 ] || { cat "$W/run.log"; bad "default run exits 0 (got $rc)"; exit 1; }
ok "default run"

for f in owners.csv owners.xlsx parcels.csv parcels.gpkg project.qgs report.html manifest.json; do
    check "$f exists" test -s "$A/$f"
done
ntif=$(ls "$A"/depth_*.tif | wc -l)
nqml=$(ls "$A"/depth_*.qml | wc -l)
check "20 depth rasters" test "$ntif" -eq 20
check "a .qml beside every raster" test "$nqml" -eq "$ntif"
for t in "$A"/depth_*.tif; do [ -s "${t%.tif}.qml" ] || bad "no style for $t"; done

# ---- parcels.gpkg --------------------------------------------------------------------
G=$A/parcels.gpkg
layers=$(ogrinfo -ro -q "$G" | sed -n 's/^[0-9]*: \([a-z_]*\).*/\1/p' | sort | tr '\n' ' ')
check "gpkg layers (got: $layers)" test "$layers" = "buildings layer_styles measures parcels "
ncsv=$(ogr2ogr -f CSV /vsistdout/ "$A/parcels.csv" -sql "SELECT COUNT(*) AS n FROM parcels" | tail -1 | tr -d '"')
count() { ogrinfo -ro -so "$G" "$1" | sed -n 's/^Feature Count: //p'; }
check "parcels: 1209 rows, as parcels.csv ($ncsv)" test "$(count parcels)" -eq 1209 -a "$ncsv" -eq 1209
check "buildings: 1271 rows" test "$(count buildings)" -eq 1271
check "measures: 2 rows" test "$(count measures)" -eq 2
check "layer_styles: 3 default styles" test "$(count layer_styles)" -eq 3
for l in parcels buildings measures; do
    check "$l in EPSG:25832" grep -q 'ID\["EPSG",25832\]' <(ogrinfo -ro -so "$G" $l)
done
schema() { ogrinfo -ro -so "$G" "$1" | sed -n 's/^\([a-z_A-Z0-9]*\): \([A-Za-z0-9]*\) ([0-9.]*)$/\1:\2/p' | tr '\n' ' '; }
check "parcels schema" test "$(schema parcels)" = "parcel_id:String owners:String area_m2:Real outside_terrain_m2:Real ground_min_m:Real ground_mean_m:Real wet_design_m2:Real depth_design_m:Real risk_zone:Integer64 n_buildings:Integer64 floor_area_m2:Real building_flooded:Integer64 building_value_kr:Real ead_without_kr:Real ead_with_kr:Real avoided_ead_kr:Real benefit_pv_kr:Real property_value_kr:Real in_area:Integer64 exempt:String weight:Real share:Real amount_kr:Real amount_ore:Integer64 yearly_om_kr:Real explanation:String benefit_ratio:Real harmed:Integer64 "
check "buildings schema" test "$(schema buildings)" = "building_id:String parcel_id:String use:String floor_area_m2:Real floor_height_m:Real value_kr:Real depth_design_m:Real depth_design_mean_m:Real ead_without_kr:Real ead_with_kr:Real avoided_ead_kr:Real "
check "measures schema" test "$(schema measures)" = "measure_id:String name:String crest_m:Real capex_kr:Real om_per_year_kr:Real lifetime_years:Integer64 deductions_kr:Real pool_kr:Real yearly_pool_kr:Real payers:Integer64 length_m:Real residual_kr:Real residual_payer:String benefit_cost_ratio:Real "
check "layer_styles has QGIS's columns" grep -q "styleQML: String" <(ogrinfo -ro -so "$G" layer_styles)

# amounts per parcel: the GeoPackage's øre equal the CSV's kr, row by row
ogr2ogr -f CSV /vsistdout/ "$G" -sql "SELECT parcel_id, amount_ore FROM parcels ORDER BY parcel_id" |
    tail -n +2 | tr -d '"' >"$W/g.txt"
ogr2ogr -f CSV /vsistdout/ "$A/parcels.csv" -sql "SELECT parcel_id, amount_kr FROM parcels ORDER BY parcel_id" |
    tail -n +2 | tr -d '"' | awk -F, '{ s = $NF; gsub(/"/, "", s); split(s, p, "."); $NF = sprintf("%.0f", p[1] * 100 + p[2]); print }' OFS=, >"$W/c.txt"
check "parcel amounts: gpkg = csv (1209 rows)" cmp -s "$W/g.txt" "$W/c.txt"
check "parcel amounts compared are not all zero" grep -qv ',0$' "$W/g.txt"
gsum=$(ogrinfo -ro -q "$G" -sql "SELECT SUM(amount_ore) AS s FROM parcels" | sed -n 's/.*s (Integer64) = //p')
check "the parcels pay 35 000 000.00 kr ($gsum øre)" test "$gsum" = 3500000000

# ---- owners.xlsx = owners.csv ------------------------------------------------------------
ogr2ogr -f CSV /vsistdout/ "$A/owners.xlsx" -sql "SELECT owner_id, owner_name, amount_kr, first_payment_kr FROM owners" |
    tail -n +2 | tr -d '"' | awk -F, '{ printf "%s,%s,%.2f,%.2f\n", $1, $2, $3, $4 }' >"$W/x.txt"
ogr2ogr -f CSV /vsistdout/ "$A/owners.csv" -sql "SELECT owner_id, owner_name, amount_kr, first_payment_kr FROM owners" |
    tail -n +2 | tr -d '"' | awk -F, '{ printf "%s,%s,%.2f,%.2f\n", $1, $2, $3, $4 }' >"$W/o.txt"
check "owners.xlsx: 1252 rows" test "$(wc -l <"$W/x.txt")" -eq 1252
check "owners.xlsx = owners.csv (id, name, amount, first payment)" cmp -s "$W/x.txt" "$W/o.txt"
check "owners.csv: '=' owner neutralised" grep -q "^E00421,'=Jensen Holding ApS," "$A/owners.csv"
check "owners.xlsx: '=' owner neutralised" grep -q "^E00421,'=Jensen Holding ApS," "$W/x.txt"
check "owners.csv: no cell starts with =" test -z "$(grep -E '(^|,)=' "$A/owners.csv" | head -1)"
osum=$(awk -F, '{ split($3, p, "."); s += p[1] * 100 + p[2] } END { printf "%.0f", s }' "$W/o.txt")
check "owners pay the parcels' total ($osum)" test "$osum" = "$gsum"

# ---- rasters and styles -----------------------------------------------------------------
T=$A/depth_surge_without_design.tif
check "depth raster in EPSG:25832" grep -q 'ID\["EPSG",25832\]' <(gdalinfo "$T")
check "depth raster is tiled (COG-like)" grep -q "Block=512x512" <(gdalinfo "$T")
if command -v xmllint >/dev/null; then
    check "project.qgs and .qml are well-formed XML" xmllint --noout "$A/project.qgs" "$A"/*.qml
else
    echo "note: xmllint not installed (libxml2-utils); a minimal check instead"
    check "project.qgs ends its root" grep -q '^</qgis>$' "$A/project.qgs"
fi
check "qml: pseudocolor, 0 transparent" grep -q 'pixelListEntry min="0" max="0" percentTransparent="100"' "$A/depth_surge_without_design.qml"
nds=$(grep -c '<datasource>' "$A/project.qgs")
nrel=$(grep -c '<datasource>\./' "$A/project.qgs")
check "project.qgs: 23 layers, all relative ($nrel of $nds)" test "$nds" -eq 23 -a "$nrel" -eq 23
for src in $(sed -n 's|.*<datasource>\./\([^|<]*\).*|\1|p' "$A/project.qgs" | sort -u); do
    [ -f "$A/$src" ] || bad "project.qgs names $src, which is not there"
done
check "project.qgs: parcels above the rasters" test "$(grep -n 'layer-tree-layer id="parcels_layer"' "$A/project.qgs" | cut -d: -f1)" -lt "$(grep -n 'layer-tree-layer id="depth_layer_00"' "$A/project.qgs" | cut -d: -f1)"
# what QGIS 3.22 needs (tests/qgis.sh opens it in QGIS where QGIS is installed)
check "project.qgs: claims QGIS 3.22" grep -q '^<qgis projectname="[^"]*" version="3\.22\.0-' "$A/project.qgs"
check "project.qgs: the project CRS switched on (ProjectionsEnabled)" grep -q '<ProjectionsEnabled type="int">1</ProjectionsEnabled>' "$A/project.qgs"
check "project.qgs: layer ids over 10 characters (QGIS replaces shorter ones)" \
    test -z "$(sed -n 's|.*<id>\([^<]*\)</id>.*|\1|p' "$A/project.qgs" | awk 'length($0) <= 10')"
check "project.qgs: the map opens on the parcels" grep -q '<mapcanvas name="theMapCanvas"' "$A/project.qgs"

# ---- manifest.json ------------------------------------------------------------------------
M=$A/manifest.json
for f in owners.csv parcels.gpkg report.html project.qgs depth_surge_without_design.tif; do
    h=$(sha256sum "$A/$f" | cut -d' ' -f1)
    check "manifest: sha256 of $f" grep -q "\"path\": \"$f\", \"bytes\": [0-9]*, \"sha256\": \"$h\"" "$M"
done
for f in terrain.tif cadastre.gpkg owners.csv; do
    h=$(sha256sum "$DATA/$f" | cut -d' ' -f1)
    check "manifest: sha256 of input $f" grep -q "$f\", \"bytes\": [0-9]*, \"sha256\": \"$h\"" "$M"
done
h=$(sha256sum "$DATA/project.yaml" | cut -d' ' -f1)
check "manifest: project file hash" grep -q "\"sha256\": \"$h\", \"text\": " "$M"
check "manifest: totals" grep -q '"pool_ore": 3500000000, "yearly_pool_ore": 32500000, "charged_ore": 3500000000' "$M"
check "manifest: timings" grep -q '"timings_s": {"inputs": [0-9.]*, "hazard"' "$M"
check "manifest: no owner names" test -z "$(grep -E 'Jensen|Kommune|Havn' "$M" | grep -v '"text"' | head -1)"
check "manifest: no owner name in the embedded project" test -z "$(grep -o 'Jensen' "$M" | head -1)"

# ---- report.html ----------------------------------------------------------------------------
R=$A/report.html
check "report: no external URL" test -z "$(grep -oE '(https?:)?//[a-zA-Z0-9.-]+' "$R" | grep -v '^http://www.w3.org' | head -1)"
check "report: no src= or url(" test -z "$(grep -oE ' src=|url\(' "$R" | head -1)"
check "report: owner names in the lookup" grep -q '"name":"=Jensen Holding ApS"' "$R"
check "report: map of parcels" test "$(grep -c '<path d="M' "$R")" -ge 1209
check "report: model comparison" grep -q '<td>value_levy</td>' "$R"
CHROME=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$CHROME" ]; then
    echo "SKIP: headless render of report.html: chromium is not installed (apt-get install chromium)"
else
    timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --enable-logging=stderr --v=0 --dump-dom "file://$R" >"$W/dom.html" 2>"$W/chrome.log"
    check "chromium: the lookup script ran" grep -q 'Type at least 2 characters' "$W/dom.html"
    if grep -q 'CONSOLE' "$W/chrome.log"; then
        grep 'CONSOLE' "$W/chrome.log" | head -5
        bad "chromium: console messages (errors, blocked requests) while rendering report.html"
    else
        ok "chromium: no console messages, no blocked requests"
    fi
    # Readable at 1280 px and on a phone (390 px): nothing may widen the page; a wide table
    # scrolls inside its own box. A copy of the page gets a script (the page's CSP allows
    # inline scripts) that opens every fold (closed again for the screenshots), looks an
    # owner up, and measures every element outside the tables and pictures against the
    # viewport. Chromium's windows are at least 500 px wide, so the copy is shown in an
    # iframe of the width (srcdoc: same origin, the script writes its verdict into the outer
    # page, which --dump-dom prints).
    cat >"$W/layout.js" <<'JS'
<script>
(function(){
var d=document.documentElement,out=[],bad=0,scroll=0,n=0;
var folds=document.querySelectorAll('details:not([open])');folds.forEach(function(x){x.open=true;});
var q=document.getElementById('q');if(q){q.value='Jensen';q.dispatchEvent(new Event('input'));}
var vw=d.clientWidth;
document.querySelectorAll('body *').forEach(function(e){
 if(e.parentElement&&e.parentElement.closest('table,svg'))return;
 var r=e.getBoundingClientRect();if(!r.width&&!r.height)return;
 if(r.right>vw+0.5||r.left<-0.5){bad++;out.push('overflows: '+e.tagName.toLowerCase()+(e.id?'#'+e.id:'')+' '+Math.round(r.left)+' to '+Math.round(r.right));}
});
document.querySelectorAll('table').forEach(function(t){n++;if(t.scrollWidth>t.clientWidth+1)scroll++;});
out.unshift('layout: viewport '+vw+' page '+d.scrollWidth+' tables '+n+' scrolling '+scroll+' overflowing '+bad+' hits '+document.querySelectorAll('#hits tr').length);
folds.forEach(function(x){x.open=false;});
var host=window.parent!==window?parent.document:document,p=host.createElement('pre');
p.id='layout-check';p.textContent=out.join('\n');host.body.appendChild(p);
})();
</script>
JS
    awk -v js="$W/layout.js" '$0 == "</body>" { while ((getline l < js) > 0) print l } { print }' "$R" >"$W/layout.html"
    shots=$(realpath -m "$3/test-outputs")
    mkdir -p "$shots"
    for w in 1280 390; do
        { printf '<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{margin:0}iframe{border:0;display:block}'
          printf '</style></head><body><iframe width="%s" height="9000" srcdoc="' $w
          sed -e 's/&/\&amp;/g' -e 's/"/\&quot;/g' "$W/layout.html"
          printf '"></iframe></body></html>\n'; } >"$W/at-$w.html"
        timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=$((w + 20)),900 \
            --dump-dom "file://$W/at-$w.html" 2>/dev/null | sed -n '/<pre id="layout-check">/,/<\/pre>/p' |
            sed 's/<[^>]*>//g' >"$W/layout-$w.txt"
        sed 's/^/  /' "$W/layout-$w.txt"
        check "report.html at $w px: the page is as wide as the window, nothing sticks out" \
            grep -q "^layout: viewport $w page $w tables [0-9]* scrolling [0-9]* overflowing 0 hits [1-9]" "$W/layout-$w.txt"
        # a screenshot to look at (scrollbars shown: where a table scrolls)
        timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --window-size=$((w + 20)),9000 \
            --screenshot="$shots/report-$w.png" "file://$W/at-$w.html" >/dev/null 2>&1
    done
    check "report.html at 390 px: the wide tables scroll in their own box" \
        grep -q "scrolling [1-9]" "$W/layout-390.txt"
    echo "note screenshots of report.html: $shots/report-1280.png, report-390.png"
fi

# ---- Danish Excel dialect and the Shapefile -----------------------------------------------------
P=$W/proj
mkdir -p "$P"
for f in terrain.tif cadastre.gpkg owners.csv; do ln -s "$DATA/$f" "$P/$f"; done
sed 's/^  folder: out$/  folder: out\n  csv_dialect: excel_da\n  shapefile: true/' "$DATA/project.yaml" >"$P/project.yaml"
check "variant project has the new keys" grep -q 'csv_dialect: excel_da' "$P/project.yaml"
B=$W/b
"$NYTTE" -q run --out "$B" "$P/project.yaml" >"$W/run2.log" 2>&1 || { cat "$W/run2.log"; bad "excel_da run"; }
check "excel_da: UTF-8 byte-order mark, then the header" test "$(head -c 28 "$B/owners.csv" | od -An -tx1 | tr -d ' \n')" = "efbbbf$(printf 'owner_id;owner_name;n_par' | od -An -tx1 | tr -d ' \n')"
check "excel_da: ; separator" grep -q '^owner_id;owner_name;n_parcels;' <(sed '1s/^\xEF\xBB\xBF//' "$B/owners.csv")
check "excel_da: decimal comma" grep -q '^E00001;Kerteminde Kommune;13;"[^"]*";2399939,36;' "$B/owners.csv"
check "excel_da: '=' owner neutralised" grep -q "^E00421;'=Jensen Holding ApS;" "$B/owners.csv"
check "excel_da: the explanations' numbers have decimal commas" grep -q ' × 0,8 × ' "$B/owners.csv"
check "excel_da: ... and no decimal point is left in a number" test -z "$(grep -oE '(^|[ (×/=])[0-9]+\.[0-9]' "$B/owners.csv" "$B/parcels.csv" | head -3)"
check "shapefile written" test -s "$B/parcels.shp" -a -s "$B/parcels.dbf" -a -s "$B/parcels.prj"
check "shapefile: 1209 rows" grep -q "Feature Count: 1209" <(ogrinfo -ro -so "$B/parcels.shp" parcels)
check "parcels_fields.csv: 28 fields" test "$(tail -n +2 "$B/parcels_fields.csv" | wc -l)" -eq 28
for f in $(tail -n +2 "$B/parcels_fields.csv" | cut -d, -f2); do
    [ ${#f} -le 10 ] || bad "shapefile field $f is longer than 10"
    grep -q "^$f: " <(ogrinfo -ro -so "$B/parcels.shp" parcels) || bad "shapefile lacks $f"
done
ogr2ogr -f CSV /vsistdout/ "$B/parcels.shp" -sql "SELECT parcel_id, amount_ore FROM parcels ORDER BY parcel_id" |
    tail -n +2 | tr -d '"' >"$W/s.txt"
check "shapefile amounts = gpkg amounts" cmp -s "$W/s.txt" "$W/g.txt"
printf 'nytte: 1\noutputs:\n  csv_dialect: semicolons\n' >"$W/badkey.yaml"
"$NYTTE" validate "$W/badkey.yaml" >"$W/bad.log" 2>&1
check "a wrong csv_dialect is named" grep -q "outputs.csv_dialect.*expected standard or excel_da" "$W/bad.log"

# ---- a killed run leaves the previous outputs as they were -----------------------------------------
(cd "$A" && sha256sum * | sort) >"$W/before.sum"
"$NYTTE" -q run --force --out "$A" "$DATA/project.yaml" >/dev/null 2>&1 &
pid=$!
sleep 2
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
(cd "$A" && sha256sum * | sort) >"$W/after.sum"
check "killed run: previous outputs intact" cmp -s "$W/before.sum" "$W/after.sum"
ls -d "$A".tmp-* >/dev/null 2>&1 && echo "note: the killed run left $(ls -d "$A".tmp-* | wc -l) temp folder(s) beside the outputs (docs/outputs.md)"
"$NYTTE" -q run --out "$A" "$DATA/project.yaml" >"$W/run3.log" 2>&1
rc=$?
check "re-run without --force exits 2 (got $rc)" test $rc -eq 2
check "re-run names the folder" grep -q "output folder exists; use --force" "$W/run3.log"
(cd "$A" && sha256sum * | sort) >"$W/after2.sum"
check "re-run without --force leaves the outputs alone" cmp -s "$W/before.sum" "$W/after2.sum"

if [ $fails -ne 0 ]; then
    echo "$fails check(s) failed"
    exit 1
fi
echo "all output checks passed"

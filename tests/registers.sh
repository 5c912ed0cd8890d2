#!/usr/bin/env bash
# tests/registers.sh — the registers as they come (docs/project-file.md, The registers as
# they come; Buildings as published): a run on the real Matrikelkort GML of ejerlav 60851,
# read inside its zip through /vsizip/, with the real GeoDanmark buildings (2471, 9 of them
# in the ejerlav), a BBR table and an owners table by property (both invented here), over a
# synthetic terrain and flood. Checked against answers worked out independently of nytte:
#   - the 47 parcel ids, from ogr2ogr's reading of the GML, joined here;
#   - each building's parcel, from SpatiaLite's ST_Intersection areas (ogrinfo -dialect
#     SQLite), and the count of buildings on no parcel;
#   - the use groups and floor areas, from the BBR table by hand (docs/bbr-use-codes.md);
#   - the pool, paid to the øre by the parcels and by the owners; the co-owners' halves;
#   - the same outputs at 1 and 3 threads, with the owners keyed by parcel ids of two fields
#     instead of by property, and with the BBR table as a JSON array;
#   - use groups in a use field beside a BBR table (the bad-input base): the field wins.
# Usage: tests/registers.sh NYTTE REPO_ROOT BUILD_DIR
set -u
nytte=$(realpath "$1") root=$(realpath "$2")
work=$(mktemp -d "${TMPDIR:-/tmp}/nytte-registers-XXXXXX")
trap 'rm -rf "$work"' EXIT
fail=0
check() { if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1: $3"; fail=1; fi; }
want() { [ "$2" = "$3" ]; check "$1 = $3" $? "got '$2'"; }
cd "$work" || exit 1
cp "$root/tests/data/borup/60851_GML_UTM32-EUREF89.zip" "$root/tests/data/borup/bygninger.zip" .
gml=/vsizip/60851_GML_UTM32-EUREF89.zip/60851_GML_UTM32-EUREF89/MINIMAKS/60851.gml
byg=/vsizip/bygninger.zip/bygninger.json

# ---- synthetic rasters over the ejerlav (684563-685613 E, 6157751-6159492 N): 10 m cells;
# the terrain rises eastward from 2 to 5 m; the river floods 1.0 m (T20) and 1.5 m (T100)
# deep at the western edge, less to the east; with the dike nothing floods.
asc() { # asc FILE KIND
    awk -v kind="$2" 'BEGIN {
        nc = 120; nr = 185; x0 = 684500; y0 = 6157700; d = 10
        printf "ncols %d\nnrows %d\nxllcorner %d\nyllcorner %d\ncellsize %d\nNODATA_value -9999\n", nc, nr, x0, y0, d
        for (r = 0; r < nr; r++) {
            for (c = 0; c < nc; c++) {
                x = x0 + (c + 0.5) * d
                v = kind == "terrain" ? 2 + 3 * (x - x0) / 1200 : kind == "t20" ? 1.0 - 0.0008 * (x - x0) \
                  : kind == "t100" ? 1.5 - 0.001 * (x - x0) : 0
                printf "%s%.3f", c ? " " : "", v < 0 ? 0 : v
            }
            printf "\n"
        }
    }' >"$1.asc"
    gdal_translate -q -of GTiff -a_srs EPSG:25832 "$1.asc" "$1.tif"
}
for r in terrain t20 t100 zero; do asc "$r" "$r"; done
cat >dike.geojson <<'EOF'
{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::25832"}},"features":[
{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[684540,6157740],[684540,6159500]]}}]}
EOF

# ---- an invented BBR table for 8 of the 9 buildings (their real BBRUUIDs, in small letters as
# BBR writes them); 1100450524 (CC9ADB59-...) has no row: the default use and its footprint
cat >bbr.csv <<'EOF'
id_lokalId,byg021BygningensAnvendelse,byg038SamletBygningsareal
9ca3fa9b-41b4-4d39-90ed-9cfbf29403e9,110,240
0b197211-9480-4d95-8f1f-35a9f47a945b,930,
6941cb54-4380-4cd8-952a-b51f2ac9721c,120,150
40e904b3-71c2-47a2-9951-152e9eb33c5f,920,42
b11d87a0-4d52-45d6-99f6-e91d40a1d8a1,910,19
5513e6a9-4b98-43b0-8830-5669ddd85058,211,570
ba7af9bc-7f3a-4162-a2f5-58552a75b7b2,217,740
f5ff0d3a-3c95-41ef-a1d2-dbebb997dfcc,120,160
EOF

# ---- the parcels as GDAL reads the GML, joined here: the expected ids; invented owners by
# property (one each; property 1305747, parcels 1y and 4a, has two co-owners of a half)
ogr2ogr -f CSV /vsistdout/ "$gml" Jordstykke -select landsejerlavskode,matrikelnummer,sfe_Ejendomsnummer \
    2>/dev/null | tail -n +2 | tr -d '"\r' >gml.csv
awk -F, '{ print $1 "-" $2 }' gml.csv | LC_ALL=C sort >ids.expected
want "the GML holds 47 parcels" "$(wc -l <ids.expected)" 47
{
    echo "ejendomsnummer,ejer,navn,andel"
    cut -d, -f3 gml.csv | LC_ALL=C sort -u | awk '$1 == "1305747" { print $1 ",E" $1 "a,Ejer A,0.5"; print $1 ",E" $1 "b,Ejer B,0.5"; next }
        { print $1 ",E" $1 ",Ejer af " $1 ",1" }'
} >owners.csv
{
    echo "ejerlav,matrikel,ejer"
    awk -F, '{ print $1 "," $2 ",E" $3 }' gml.csv
} >owners_by_parcel.csv

cat >project.yaml <<EOF
# ejerlav 60851 (Borup, Osted): the parcels and buildings are real, as published;
# THE HAZARD IS SYNTHETIC (terrain.tif, t20.tif, t100.tif made by tests/registers.sh), and
# so are bbr.csv and owners.csv: a test of reading the registers, not a study of Borup
nytte: 1
name: "Borup 60851 (synthetic flood)"
inputs:
  terrain: terrain.tif
  parcels:
    path: $gml
    layer: Jordstykke
    id: [landsejerlavskode, matrikelnummer]
    property: sfe_Ejendomsnummer
  buildings:
    path: $byg
    id: ID_LOKALID
    default_use: other
    bbr:
      path: bbr.csv
      key: id_lokalId
      link: BBRUUID
      use: byg021BygningensAnvendelse
      floor_area: byg038SamletBygningsareal
  owners:
    path: owners.csv
    property: ejendomsnummer
    owner: ejer
    name: navn
    share: andel
hazards:
  - id: flod
    type: flood_raster
    return_periods: [20, 100]
    rasters: [t20.tif, t100.tif]
    with_measure:
      dige: [zero.tif, zero.tif]
measures:
  - id: dige
    geometry: dike.geojson
    capex: 1234567.89
allocation:
  model: area
  design_event: 100
  area: {building: 2, plot: 1}
EOF

"$nytte" -t 3 run project.yaml >run.out 2>run.err
check "the project runs" $? "$(cat run.err)"
# messages name the path as the project resolves it: the zip relative to the project's folder
shown=/vsizip/./bygninger.zip/bygninger.json
grep -qxF "nytte: warning: $shown: layer (first layer): 2462 of 2471 buildings lie on no parcel and are left out (buildings_unassigned.csv lists them)" run.err
check "the buildings on no parcel are counted in a warning" $? "$(cat run.err)"
grep -qxF "nytte: warning: $shown: layer (first layer): 2 buildings have the footprint's area as floor area (no BBR floor area for them)" run.err
check "the floor areas from the footprint are said" $? "$(cat run.err)"

# ---- the 47 official ids
tail -n +2 out/parcels.csv | cut -d, -f1 | tr -d '\r' | LC_ALL=C sort >ids.got
cmp -s ids.expected ids.got
check "parcels.csv holds the 47 ids of the GML, landsejerlavskode-matrikelnummer" $? "$(diff ids.expected ids.got | head)"

# ---- each building's parcel, independently: SpatiaLite's intersection areas
ogr2ogr -f GPKG check.gpkg "$gml" Jordstykke -nln parcels 2>/dev/null &&
    ogr2ogr -append -dim XY -f GPKG check.gpkg "$byg" -nln buildings 2>/dev/null
ogrinfo -ro -q check.gpkg -dialect SQLite -sql "SELECT b.ID_LOKALID AS bid,
        p.landsejerlavskode || '-' || p.matrikelnummer AS pid,
        ST_Area(ST_Intersection(b.geom, p.surfaceProperty)) AS a
    FROM buildings b, parcels p WHERE ST_Intersects(b.geom, p.surfaceProperty)" |
    awk '/bid \(String\)/ { b = $NF } /pid \(String\)/ { p = $NF } /a \(Real\)/ { if ($NF > 0) print b, p, $NF }' >parts.txt
# the largest part of each (a tie within 0.01 m² would go to the lower id; there is none here)
sort -k1,1 -k3,3gr parts.txt | awk '$1 != last { print $1 "," $2; last = $1 }' >assigned.expected
want "buildings on a parcel, by SpatiaLite" "$(wc -l <assigned.expected)" 9
ogr2ogr -f CSV /vsistdout/ out/parcels.gpkg buildings -select building_id,parcel_id 2>/dev/null | tail -n +2 |
    tr -d '"\r' | LC_ALL=C sort >assigned.got
cmp -s assigned.expected assigned.got
check "each building on the parcel holding the largest part of it" $? "$(diff assigned.expected assigned.got)"
want "buildings_unassigned.csv lists 2471 - 9" "$(tail -n +2 out/buildings_unassigned.csv | wc -l)" 2462
grep -q '^1020054703,' out/buildings_unassigned.csv
check "... and no building of the ejerlav" $(( ! $? )) "1020054703 is listed"
want "... each a footprint" "$(tail -n +2 out/buildings_unassigned.csv | grep -vc ',footprint on no parcel,')" 0

# ---- use and floor area: BBR's codes by docs/bbr-use-codes.md, its areas, else the footprint
ogr2ogr -f CSV /vsistdout/ out/parcels.gpkg buildings -select building_id,use,use_from,floor_area_from \
    2>/dev/null | tail -n +2 | tr -d '"\r' | LC_ALL=C sort >uses.got
cat >uses.expected <<'EOF'
1020054603,residential,bbr,bbr
1020054607,other,bbr,footprint
1020054703,residential,bbr,bbr
1020054704,other,bbr,bbr
1057443037,other,bbr,bbr
1100444898,business,bbr,bbr
1100444899,business,bbr,bbr
1100450523,residential,bbr,bbr
1100450524,other,default,footprint
EOF
cmp -s uses.expected uses.got
check "uses: 110, 120 residential; 910, 920, 930 other; 211, 217 business; no row: the default" $? \
    "$(diff uses.expected uses.got)"
footprint=$(ogrinfo -ro -q check.gpkg -dialect SQLite -sql "SELECT ST_Area(geom) AS a FROM buildings WHERE ID_LOKALID = '1100450524'" |
    awk '/a \(Real\)/ { printf "%.2f", $NF }')
got=$(ogrinfo -ro -q out/parcels.gpkg -sql "SELECT floor_area_m2 FROM buildings WHERE building_id = '1100450524'" |
    awk '/floor_area_m2/ { printf "%.2f", $NF }')
want "1100450524's floor area is its footprint's, by SpatiaLite" "$got" "$footprint"
got=$(ogrinfo -ro -q out/parcels.gpkg -sql "SELECT floor_area_m2 FROM buildings WHERE building_id = '1100444899'" |
    awk '/floor_area_m2/ { printf "%.2f", $NF }')
want "1100444899's floor area is BBR's" "$got" 740.00

# ---- the money, exactly: the parcels and the owners each pay the pool to the øre
pool=$(grep -o '"pool_ore": [0-9]*' out/manifest.json | head -1 | grep -o '[0-9]*$')
want "the pool" "$pool" 123456789
ore() { awk -F, -v c="$2" '{ sub(/\r$/, "") } NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i }
        NR > 1 { v = $k; neg = sub(/^-/, "", v); split(v, p, "."); o = p[1] * 100 + p[2]; s += neg ? -o : o }
        END { printf "%d", s }' "$1"; }
want "the parcels pay the pool (amount_ore)" "$(awk -F, '{ sub(/\r$/, "") } NR == 1 { for (i = 1; i <= NF; i++) if ($i == "amount_ore") k = i } NR > 1 { s += $k } END { printf "%d", s }' out/parcels.csv)" "$pool"
want "the owners pay the pool (amount_kr)" "$(ore out/owners.csv amount_kr)" "$pool"
want "46 owners (45 properties, one of two co-owners)" "$(tail -n +2 out/owners.csv | wc -l)" 46
a=$(awk -F, '$1 == "E1305747a" { print $5 }' out/owners.csv) b=$(awk -F, '$1 == "E1305747b" { print $5 }' out/owners.csv)
both=$(awk -F, '{ sub(/\r$/, "") } NR == 1 { for (i = 1; i <= NF; i++) if ($i == "amount_ore") k = i }
       $1 == "60851-1y" || $1 == "60851-4a" { s += $k } END { printf "%d", s }' out/parcels.csv)
half=$(printf '%s\n%s\n' "$a" "$b" | awk '{ split($1, p, "."); s += p[1] * 100 + p[2] } END { printf "%d", s }')
want "the co-owners of property 1305747 pay its two parcels together" "$half" "$both"
grep -q '"buildings": {"parcel_by": "largest part of the footprint", "features": 2471, "kept": 9, "unassigned": 2462, "ties": 0' out/manifest.json
check "manifest.json says how the buildings were read" $? "$(grep '"buildings"' out/manifest.json)"
grep -q '"use_from": {"field": 0, "bbr": 8, "default": 1}, "floor_area_from": {"field": 0, "footprint": 2, "bbr": 7}' out/manifest.json
check "... and where their uses and floor areas came from" $? "$(grep '"buildings"' out/manifest.json)"
grep -q '"path": "/vsizip/./60851_GML_UTM32-EUREF89.zip/60851_GML_UTM32-EUREF89/MINIMAKS/60851.gml", "bytes": 59612, "sha256": "0e33aa5434839071c41de598a62c9773aa97563f532409213bfbcdcf05bde61c"' out/manifest.json
check "... and hashes the zip the GML was read from" $? "$(grep vsizip out/manifest.json)"

# ---- the same at 1 thread; the same parcels' amounts with the owners by parcel ids of two fields
"$nytte" -q -t 1 run --out out1 project.yaml 2>run1.err
check "runs at 1 thread" $? "$(cat run1.err)"
for f in parcels.csv owners.csv buildings_unassigned.csv; do
    cmp -s "out/$f" "out1/$f"
    check "$f is the same at 1 and 3 threads" $? "differs"
done
sed -e 's|    path: owners.csv|    path: owners_by_parcel.csv|' -e 's|    property: ejendomsnummer|    parcel: [ejerlav, matrikel]|' \
    -e '/    name: navn/d' -e '/    share: andel/d' project.yaml >by_parcel.yaml
"$nytte" -q run --out out2 by_parcel.yaml 2>run2.err
check "owners keyed by [ejerlav, matrikel] run" $? "$(cat run2.err)"
cut -d, -f1,3- out/parcels.csv | sed 's/,dige:.*//' >a.csv
cut -d, -f1,3- out2/parcels.csv | sed 's/,dige:.*//' >b.csv
cmp -s a.csv b.csv
check "... and the parcels pay the same" $? "$(diff a.csv b.csv | head -4)"
want "... owners by property number: 45" "$(tail -n +2 out2/owners.csv | wc -l)" 45

# ---- the BBR table as the JSON array the Datafordeler's REST service returns: the same run
awk -F, 'NR > 1 { printf "%s{\"id_lokalId\": \"%s\", \"byg021BygningensAnvendelse\": \"%s\", \"byg038SamletBygningsareal\": %s}",
                 (NR > 2 ? ",\n " : "["), $1, $2, ($3 == "" ? "null" : $3) } END { print "]" }' bbr.csv >bbr.json
sed 's|      path: bbr.csv|      path: bbr.json|' project.yaml >json.yaml
"$nytte" -q run --out out3 json.yaml 2>run3.err
check "a BBR table as a JSON array runs" $? "$(cat run3.err)"
cmp -s out/parcels.csv out3/parcels.csv
check "... and gives the same parcels.csv" $? "differs"

# ---- use groups in the layer's use field beside a BBR table: the field's words win, BBR
# fills in what the field leaves empty (the bad-input base, B2's use_group emptied)
mkdir small && cp -r "$root/tests/bad/_base/." small/ && cd small || exit 1
gdal_translate -q -of GTiff -a_srs EPSG:25832 terrain.asc terrain.tif
sed -i 's/"building_id": "B2", "parcel_id": "P2", "use_group": "residential"/"building_id": "B2", "parcel_id": "P2", "use_group": null/' buildings.geojson
printf 'building_id,code\nB1,910\nB2,510\n' >bbr.csv
sed 's/^    value: value$/    value: value\n    bbr: {path: bbr.csv, key: building_id, use: code}/' project.yaml >words.yaml
"$nytte" -q run --out words words.yaml 2>words.err
check "use words in the field with a BBR table beside them run" $? "$(cat words.err)"
got=$(ogr2ogr -f CSV /vsistdout/ words/parcels.gpkg buildings -select building_id,use,use_from 2>/dev/null | tail -n +2 | tr -d '"\r' | tr '\n' ' ')
want "... B1 from its field (not BBR's 910), B2 from BBR's 510" "$got" \
    "B1,residential,field B2,summerhouse,bbr B3,residential,field B4,residential,field "
cd .. || exit 1
exit $fail

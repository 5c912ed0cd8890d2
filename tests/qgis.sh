#!/usr/bin/env bash
# qgis.sh — project.qgs opened in a real QGIS (the system's python3-qgis, offscreen) by
# tests/qgis_project.py: the default case (the three layers of parcels.gpkg and the 20
# depth rasters valid and in the layer tree, only the design event without the measures
# switched on among the rasters, the project CRS EPSG:25832, the version it claims, the
# legends, the map's opening extent, a render that is not blank and every shown layer
# drawing alone), and tests/data/harmed with its buildings turned into points and its
# channel into a polygon (given rasters read in place, outside the output folder): the
# points and the polygon draw. The renders stay in BUILD_DIR/test-qgis/*.png to be looked
# at. Skips, saying why, where QGIS's Python bindings are not installed.
#
# usage: bash tests/qgis.sh NYTTE REPO_ROOT BUILD_DIR
set -u
nytte=$1 root=$(cd "$2" && pwd) build=$3
for tool in ogrinfo ogr2ogr gdal_translate; do
    command -v $tool >/dev/null || { echo "SKIP: $tool is not installed (gdal-bin)"; exit 0; }
done
# QGIS's bindings are built for the system's Python: /usr/bin/python3 first, whatever
# python3 comes first on PATH (a virtual environment, pyenv) would not see them
py=
for p in /usr/bin/python3 python3; do
    if command -v "$p" >/dev/null && QT_QPA_PLATFORM=offscreen "$p" -c 'import qgis.core' 2>/dev/null; then
        py=$p
        break
    fi
done
if [ -z "$py" ]; then
    echo "SKIP: QGIS's Python bindings are not installed (apt-get install python3-qgis): project.qgs was not opened in QGIS"
    exit 0
fi

work=$(realpath -m "$build/test-qgis")
rm -rf "$work" && mkdir -p "$work"
export QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR=$work/xdg
mkdir -m 700 "$work/xdg"
fail=0
bad() { echo "FAIL $*"; fail=1; }
# qgis NAME PROJECT ARGS...: tests/qgis_project.py on PROJECT, the render to NAME.png; QGIS's
# own warnings go to stderr (QgsLogger), the one for a project newer than it among them
qgis() {
    local name=$1 project=$2
    shift 2
    "$py" "$root/tests/qgis_project.py" "$project" "$work/$name.png" "$@" 2>"$work/$name.err" || fail=1
    sed 's/^/note stderr: /' "$work/$name.err"
    grep -q "newer version" "$work/$name.err" && bad "$name: QGIS says the project is from a newer version"
}
# vector layers of a run's parcels.gpkg (its styles table aside)
nvector() { ogrinfo -ro -q "$1/parcels.gpkg" | grep -vc 'layer_styles'; }

# ---- the default case ----------------------------------------------------------------
t0=$(date +%s)
K=$work/kerteminde
"$nytte" -q run --out "$K" "$root/datasets/kerteminde/project.yaml" >"$work/kerteminde.log" 2>&1 ||
    { cat "$work/kerteminde.log"; bad "default run"; exit 1; }
nr=$(ls "$K"/depth_*.tif | wc -l) nv=$(nvector "$K")
[ "$nr" -eq 20 ] && [ "$nv" -eq 3 ] || bad "the default run wrote $nv vector layers and $nr rasters, not 3 and 20"
qgis kerteminde "$K/project.qgs" --crs EPSG:25832 --layers $((nv + nr)) --rasters "$nr" --shown depth_surge_without_design \
    --geometry parcels=Polygon --geometry buildings=Polygon --geometry measures=Line
t1=$(date +%s)

# ---- point buildings, polygon measures, given rasters ------------------------------------
H=$work/points
mkdir -p "$H"
cp "$root"/tests/data/harmed/* "$H"/
for a in "$H"/*.asc; do
    gdal_translate -q -of GTiff -a_srs EPSG:25832 "$a" "${a%.asc}.tif" || bad "gdal_translate $a"
done
ogr2ogr -f GeoJSON "$H/points.geojson" "$H/buildings.geojson" -dialect sqlite -sql \
    "SELECT ST_PointOnSurface(geometry) AS geometry, building_id, parcel_id, use_group, floor_area, floor_height
     FROM buildings" || bad "buildings to points"
ogr2ogr -f GeoJSON "$H/channel.geojson" "$H/measures.geojson" -dialect sqlite -sql \
    "SELECT ST_Buffer(geometry, 3) AS geometry, measure_id FROM measures" || bad "the channel to a polygon"
sed -e 's/buildings\.geojson/points.geojson/' -e 's/measures\.geojson/channel.geojson/' "$H/project.yaml" >"$H/points.yaml"
grep -q points.geojson "$H/points.yaml" && grep -q channel.geojson "$H/points.yaml" || bad "could not make points.yaml"
"$nytte" -q run --out "$H/out" "$H/points.yaml" >"$work/points.log" 2>&1 || { cat "$work/points.log"; bad "points run"; }
grep -q 'buildings (Point)' <(ogrinfo -ro -q "$H/out/parcels.gpkg") || bad "the buildings layer is not a point layer"
ls "$H"/out/*.qml >/dev/null 2>&1 && bad "styles written for rasters read in place: $(ls "$H"/out/*.qml)"
# the design event is the 100-year one: its raster without the channel is shown
qgis points "$H/out/project.qgs" --crs EPSG:25832 --layers $(($(nvector "$H/out") + 4)) --rasters 4 --shown depth_T100 \
    --geometry parcels=Polygon --geometry buildings=Point --geometry measures=Polygon
t2=$(date +%s)

echo "note seconds: default case $((t1 - t0)) (its run included), points $((t2 - t1)); renders in $work"
if [ $fail -ne 0 ]; then
    echo "QGIS checks failed"
    exit 1
fi
echo "all QGIS checks passed"

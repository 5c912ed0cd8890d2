#!/usr/bin/env bash
# tiles.sh — a terrain of many tiles (docs/project-file.md, *A terrain of many tiles*).
# The default case's terrain (2500 × 2000 cells of 1 m, x 600750-603250, y 6150000-6152000)
# is cut with gdal_translate -srcwin into 1 km tiles named as the published DHM tiles are,
# DTM_1km_<northing km>_<easting km>.tif by the square's south-west corner (the edge tiles
# are parts of their squares), and run as
#   - a folder, which also holds a far tile (x 610-611 km), GDAL side files and a subfolder;
#   - a glob, over --tile 173 (15 × 12 tiles of the hazard: the tiled path on the mosaic);
#   - a list, in another order than the names';
#   - a VRT that gdalbuildvrt made of the tiles (one raster, read as it is);
# each against the run on the single raster: owners.csv, parcels.csv and every depth raster
# byte for byte, and manifest.json lists as terrain the tiles read, hashed, and not the far
# one. With terrain_margin 0 the column of tiles east of the measures (x 603-603.25 km)
# is not read: the depth rasters end at x 603000.
#
#   bash tests/tiles.sh NYTTE REPO_ROOT [BUILD_DIR]
set -uo pipefail
nytte=$(realpath "$1")
root=$(realpath "$2")
data=$root/datasets/kerteminde
work=$(mktemp -d "${TMPDIR:-/tmp}/nytte-tiles-XXXXXX")
trap 'rm -rf "$work"' EXIT
status=0
fail() { echo "FAIL: $*"; status=1; }

cd "$work" || exit 1
cp "$data/cadastre.gpkg" "$data/owners.csv" "$data/project.yaml" .
cp "$data/terrain.tif" terrain.tif
mkdir dhm
# columns 0-249 | 250-1249 | 1250-2249 | 2250-2499 are the km squares 600 | 601 | 602 | 603,
# rows 0-999 | 1000-1999 the squares 6151 | 6150
cols=(0 250 1250 2250 2500)
tiles=()
for r in 0 1; do
    for c in 0 1 2 3; do
        name=dhm/DTM_1km_$((6151 - r))_$((600 + c)).tif
        gdal_translate -q -co COMPRESS=DEFLATE -co PREDICTOR=3 -co TILED=YES \
            -srcwin "${cols[c]}" $((r * 1000)) $((cols[c + 1] - cols[c])) 1000 terrain.tif "$name" ||
            { echo "FAIL: gdal_translate $name"; exit 1; }
        tiles+=("$name")
    done
done
gdalbuildvrt -q dhm.vrt "${tiles[@]}" || { echo "FAIL: gdalbuildvrt"; exit 1; }
# beside the tiles: a far tile on the same grid, GDAL's statistics file, a subfolder
gdal_translate -q -a_ullr 610000 6161000 611000 6160000 dhm/DTM_1km_6150_601.tif dhm/DTM_1km_6160_610.tif
gdalinfo -stats dhm/DTM_1km_6150_600.tif >/dev/null
mkdir dhm/old && echo "an older download" >dhm/old/readme.txt

project() { # project NAME TERRAIN-LINES...: the default case with inputs.terrain replaced
    local name=$1
    shift
    local lines
    lines=$(printf '%s\\n' "$@")
    sed "s|^  terrain: terrain.tif\$|${lines%\\n}|" project.yaml >"$name.yaml"
}
project folder "  terrain: dhm/"
project glob "  terrain: dhm/DTM_1km_615?_60*.tif"
project list "  terrain:" "$(for ((k = ${#tiles[@]} - 1; k >= 0; k--)); do printf '    - %s\\n' "${tiles[k]}"; done)"
project vrt "  terrain: dhm.vrt"
project margin "  terrain: dhm" "  terrain_margin: 0"

run() { # run NAME [OPTIONS...]
    local name=$1
    shift
    timeout 600 "$nytte" -q run --force "$@" --out "out_$name" "$name.yaml" 2>"$name.err" ||
        { fail "run $name: $(head -3 "$name.err")"; return 1; }
}
run project || exit 1
mv out_project out_single

same() { # same NAME: the single raster's tables and depth rasters, byte for byte
    local out=out_$1 n=0
    for f in owners.csv parcels.csv; do
        cmp -s "out_single/$f" "$out/$f" || fail "$1: $f differs from the single raster's"
    done
    for tif in out_single/depth_*.tif; do
        cmp -s "$tif" "$out/$(basename "$tif")" || fail "$1: $(basename "$tif") differs from the single raster's"
        n=$((n + 1))
    done
    diff <(cd out_single && ls) <(cd "$out" && ls) >/dev/null || fail "$1: other files than the single raster's"
    echo "ok   $1: owners.csv, parcels.csv and $n depth rasters as the single raster's"
}

terrain_inputs() { # the manifest's terrain files: path and sha256, one a line, sorted
    python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
for i in m["inputs"]:
    if "terrain" in i["roles"].split(", "):
        print(i["path"], i["sha256"])' "$1/manifest.json" | sort
}
hashed() { for f in "$@"; do echo "$f $(sha256sum "$f" | cut -d' ' -f1)"; done | sort; }

for form in folder list vrt; do
    run "$form" && same "$form"
done
run glob --tile 173 && same glob

# the tiles read, hashed: the eight, not the far one (a VRT: itself and its sources)
want=$(hashed "${tiles[@]/#/./}")
for form in folder glob list; do
    [[ -d out_$form ]] || continue
    [[ $(terrain_inputs "out_$form") == "$want" ]] || fail "$form: manifest.json's terrain files: $(terrain_inputs "out_$form")"
done
[[ ! -d out_vrt || $(terrain_inputs out_vrt) == $(hashed ./dhm.vrt "${tiles[@]/#/./}") ]] ||
    fail "vrt: manifest.json's terrain files: $(terrain_inputs out_vrt)"
grep -q "DTM_1km_6160_610" out_folder/manifest.json 2>/dev/null && fail "folder: the far tile is in manifest.json"

# terrain_margin 0: the parcels and measures end at x 602840, so the tiles of x 603 km are not read
if run margin; then
    size=$(gdalinfo out_margin/depth_surge_without_T100.tif | sed -n 's/^Size is //p')
    [[ $size == "2250, 2000" ]] || fail "margin 0: depth raster of $size cells, expected 2250, 2000"
    n=$(terrain_inputs out_margin | wc -l)
    (( n == 6 )) || fail "margin 0: $n terrain files in manifest.json, expected 6"
    grep -q "_603.tif" out_margin/manifest.json && fail "margin 0: a tile of x 603 km was read"
    echo "ok   margin 0: 6 tiles read, depth rasters of 2250 x 2000 cells"
fi
(( status == 0 )) && echo "tiles: the terrain as a folder, a glob (--tile 173), a list and a VRT of 1 km tiles gives the single raster's outputs"
exit $status

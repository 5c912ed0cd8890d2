#!/usr/bin/env bash
# tests/nonfinite.sh — NaN and ±Inf cells in the terrain, a depth-to-groundwater raster and
# a given depth raster (docs/reliability.md, Cells that are not numbers). The inputs are
# those of the bad-input cases terrain-infinite, groundwater-raster-infinite and
# depth-raster-infinite (their prepare scripts write the cells); each runs whole and over
# tiles of 3 cells, and:
#
#  - both runs warn once, with the same line (the case's stderr-has), and print the same;
#  - parcels.csv, owners.csv, every layer of parcels.gpkg and every depth raster are the
#    same bytes whole and tiled;
#  - no output table holds an infinite or NaN number: parcels.csv, owners.csv, owners.xlsx,
#    every attribute of parcels.gpkg, manifest.json, report.html.
#
#   bash tests/nonfinite.sh NYTTE REPO_ROOT [BUILD_DIR]
set -uo pipefail
nytte=$(realpath "$1")
root=$(realpath "$2")
cat=$root/tests/bad
work=$(mktemp -d "${TMPDIR:-/tmp}/nytte-nonfinite-XXXXXX")
trap 'rm -rf "$work"' EXIT
fail=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }
check() { # check NAME COMMAND...
    local name=$1
    shift
    if "$@"; then ok "$name"; else bad "$name"; fi
}

# A case's inputs, made as tests/bad.sh makes them: _base, the case's files, its prepare.
make_case() { # make_case CASE DIR
    mkdir -p "$2"
    cp -r "$cat/_base/." "$2/"
    (cd "$cat/$1" && find . -mindepth 1 -maxdepth 1 ! -name expected ! -name prepare -exec cp -r {} "$2/" \;)
    gdal_translate -q -of GTiff -a_srs EPSG:25832 "$2/terrain.asc" "$2/terrain.tif" && rm -f "$2/terrain.asc" &&
        (cd "$2" && bash "$cat/$1/prepare")
}

# A layer of a vector data set as CSV, its attributes in their written text.
layer_csv() { ogr2ogr -q -f CSV /vsistdout/ "$1" "$2" 2>/dev/null; }

# An infinite or NaN number as any writer spells it (inf, -inf, Infinity, nan, NaN, 1.#INF),
# standing alone between separators: never a part of a word.
nonfinite_re='(^|[^[:alnum:]_.])[-+]?(1\.#)?(inf|infinity|nan)([^[:alnum:]_]|$)'
no_nonfinite() { # no_nonfinite FILE...: each must exist; reads stdin (which must not be empty) when no file is given
    local text
    if (($#)); then
        for f in "$@"; do [[ -s $f ]] || return 1; done
        text=$(cat "$@")
    else
        text=$(cat)
    fi
    [[ -n $text ]] && ! grep -qiE "$nonfinite_re" <<<"$text"
}

for case in terrain-infinite groundwater-raster-infinite depth-raster-infinite; do
    dir=$work/$case
    if ! make_case "$case" "$dir"; then
        bad "$case: inputs not made"
        continue
    fi
    warning=$(sed -n 's/^stderr-has: //p' "$cat/$case/expected")
    (cd "$dir" && "$nytte" --threads 2 run --out whole project.yaml >/dev/null 2>"$work/$case.whole.err")
    check "$case: exit 0 whole" test $? -eq 0
    (cd "$dir" && "$nytte" --threads 2 run --tile 3 --out tiled project.yaml >/dev/null 2>"$work/$case.tiled.err")
    check "$case: exit 0 over tiles" test $? -eq 0
    check "$case: the warning once, whole" test "$(grep -cxF -- "$warning" "$work/$case.whole.err")" -eq 1
    check "$case: the same messages over tiles" cmp -s "$work/$case.whole.err" "$work/$case.tiled.err"
    for f in parcels.csv owners.csv; do
        check "$case: $f the same whole and tiled" cmp -s "$dir/whole/$f" "$dir/tiled/$f"
    done
    for l in parcels buildings measures; do
        check "$case: parcels.gpkg layer $l the same whole and tiled" \
            cmp -s <(layer_csv "$dir/whole/parcels.gpkg" $l) <(layer_csv "$dir/tiled/parcels.gpkg" $l)
    done
    if [[ $case != depth-raster-infinite ]]; then # given depth rasters are not written again
        n=0
        for t in "$dir"/whole/depth_*.tif; do
            cmp -s "$t" "$dir/tiled/$(basename "$t")" || bad "$case: $(basename "$t") differs whole and tiled"
            n=$((n + 1))
        done
        check "$case: $n depth rasters the same whole and tiled" test $n -gt 1
    fi
    for run in whole tiled; do
        out=$dir/$run
        check "$case ($run): parcels.csv and owners.csv hold no inf or nan" no_nonfinite "$out/parcels.csv" "$out/owners.csv"
        check "$case ($run): owners.xlsx holds no inf or nan" no_nonfinite < <(layer_csv "$out/owners.xlsx" owners)
        check "$case ($run): parcels.gpkg attributes hold no inf or nan" \
            no_nonfinite < <(for l in parcels buildings measures; do layer_csv "$out/parcels.gpkg" $l; done)
        check "$case ($run): manifest.json and report.html hold no inf or nan" \
            no_nonfinite "$out/manifest.json" "$out/report.html"
    done
done

# the checks can fail: the pattern finds what a writer of inf and nan would write
check "the pattern finds inf, -inf, NaN, Infinity and 1.#INF" \
    test "$(printf 'a,inf\n-inf,b\n"NaN"\n: Infinity}\n<td>1.#INF</td>\ninfo,nano,x_inf\n' | grep -ciE "$nonfinite_re")" -eq 5

((fail == 0)) && echo "nonfinite: warnings, whole = tiled, no inf or nan in the outputs: ok"
exit $fail

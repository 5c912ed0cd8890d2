#!/usr/bin/env bash
# scripts/same_outputs.sh — does a change keep every output the same? Runs every shipped
# dataset and every test project with two nytte binaries and compares what they write,
# byte for byte: each output folder (every table, raster, style, layer, QGIS project,
# report and manifest), the stdout, stderr and exit code of validate, compare, explain
# and --help, and every case of the bad-input catalogue (tests/bad.sh, recorded with
# NYTTE_BAD_RECORD: exit code, stdout, stderr, the paths it created, its out/).
#
#   scripts/same_outputs.sh [--base REV | --old NYTTE] [--new NYTTE] [--keep DIR]
#
#   --base REV   build REV (default HEAD) in a temporary git worktree as the old binary
#   --old NYTTE  use this binary as the old one instead (e.g. one built before a change)
#   --new NYTTE  the binary under test (default build/nytte, which must be built)
#   --keep DIR   write the two sets of outputs under DIR/old and DIR/new and keep them
#
# What is not compared, because it changes from one run of the same binary to the next:
# the time a run started and its stage timings (manifest.json: created_utc, timings_s;
# seconds in messages),
# the update_time GDAL writes into a GeoPackage's layer_styles (masked to a fixed time of
# the same length), and therefore the GeoPackage's sha256 inside manifest.json. GDAL's own
# GeoPackage timestamps are fixed with OGR_CURRENT_DATE. Prints one line per difference
# and exits 1 if there is any; 0 when everything is the same.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
base=HEAD old="" new=$root/build/nytte keep=""
while (($#)); do
    case $1 in
    --base) base=$2; shift 2 ;;
    --old) old=$(realpath "$2"); shift 2 ;;
    --new) new=$(realpath "$2"); shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    *) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
    esac
done
[[ -x $new ]] || { echo "same_outputs: $new: not built (scripts/dev build)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/nytte-same-XXXXXX")
cleanup() {
    [[ -d $work/base ]] && git -C "$root" worktree remove --force "$work/base" >/dev/null 2>&1
    [[ -n $keep ]] || rm -rf "$work"
}
trap cleanup EXIT
if [[ -n $keep ]]; then
    mkdir -p "$keep" && work=$(realpath "$keep")
fi
export OGR_CURRENT_DATE=2000-01-01T00:00:00.000Z

if [[ -z $old ]]; then
    rev=$(git -C "$root" rev-parse --verify "$base^{commit}") || exit 2
    echo "same_outputs: building $base (${rev:0:10}) as the old binary"
    git -C "$root" worktree add --detach "$work/base" "$rev" >/dev/null 2>&1 || { echo "git worktree add failed" >&2; exit 2; }
    cmake -S "$work/base" -B "$work/base/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNYTTE_TESTS=OFF >/dev/null &&
        cmake --build "$work/base/build" -j"$(nproc)" --target nytte_cli >/dev/null || { echo "building $base failed" >&2; exit 2; }
    old=$work/base/build/nytte
fi

# The projects, each copied into a scratch folder of the same name for both binaries so
# that paths in messages agree; .asc rasters become GeoTIFFs as the tests make them.
stage() { # stage DEST SOURCE_DIR
    rm -rf "$1" && mkdir -p "$1" && cp -r "$2"/. "$1"/
    for a in "$1"/*.asc; do
        [[ -e $a ]] && gdal_translate -q -of GTiff -a_srs EPSG:25832 "$a" "${a%.asc}.tif"
    done
    return 0
}

# one command: its exit code, stdout and stderr into $rec/NAME.{exit,out,err}
cmd() { # cmd NAME ARGS...
    local name=$1
    shift
    [[ -d $scratch ]] || { echo "same_outputs: $scratch: no scratch folder for $name" >&2; exit 2; }
    (cd "$scratch" && "$nytte" "$@" >"$rec/$name.out" 2>"$rec/$name.err")
    echo $? >"$rec/$name.exit"
}

# a run: its messages as cmd, then its output folder moved into the record
run() { # run NAME ARGS... PROJECT (the run writes $scratch/out)
    local name=$1
    shift
    local project=${*: -1}
    rm -rf "$scratch/out"
    cmd "$name" "${@:1:$#-1}" --out "$scratch/out" "$project"
    [[ -d $scratch/out ]] && mv "$scratch/out" "$rec/$name.d"
    return 0
}

one_binary() { # one_binary NYTTE RECORD_DIR
    nytte=$1 rec=$2
    mkdir -p "$rec"
    scratch=$work/scratch
    mkdir -p "$scratch"
    cmd help --help
    cmd help-run run --help
    cmd help-explain explain --help
    cmd help-compare compare --help
    cmd help-validate validate --help

    stage "$scratch" "$root/datasets/kerteminde"
    cmd k-validate validate project.yaml
    run k-run -q run --force project.yaml
    run k-tile -q run --force --tile 173 project.yaml
    cmd k-compare compare project.yaml
    for o in E00001 E00004 E00100 NOBODY; do cmd "k-explain-$o" explain project.yaml $o; done
    sed 's/^  folder: out$/  folder: out\n  csv_dialect: excel_da\n  shapefile: true/' "$scratch/project.yaml" >"$scratch/da.yaml"
    grep -q excel_da "$scratch/da.yaml" || { echo "same_outputs: the excel_da variant was not made" >&2; exit 2; }
    run k-excel-da -q run --force da.yaml

    stage "$scratch" "$root/datasets/aabyen"
    cmd a-validate validate project.yaml
    run a-run -q run --force project.yaml
    run a-tile -q run --force --tile 64 project.yaml
    cmd a-compare compare project.yaml
    cmd a-explain explain project.yaml "$(awk -F, 'NR == 2 { print $2 }' "$root/datasets/aabyen/owners.csv")"

    stage "$scratch" "$root/tests/data/groundwater"
    cmd g-validate validate project.yaml
    run g-run -q run --force project.yaml
    run g-run1 -q --threads 1 run --force project.yaml
    run g-tile -q run --force --tile 2 project.yaml
    cmd g-compare compare project.yaml
    cmd g-explain explain project.yaml O2

    stage "$scratch" "$root/tests/data/bluespot"
    for pj in project project-rain; do
        cmd "b-$pj-validate" validate "$pj.yaml"
        run "b-$pj-run" -q run --force "$pj.yaml"
        cmd "b-$pj-compare" compare "$pj.yaml"
    done
    run b-tile -q run --force --tile 2 project.yaml

    # the bad-input catalogue, case by case
    NYTTE_BAD_RECORD=$rec/bad bash "$root/tests/bad.sh" "$nytte" "$root" >"$rec/bad.log" 2>&1
    rm -rf "$scratch"
}

# Mask what differs between two runs of one binary (see the header).
normalise() { # normalise RECORD_DIR
    find "$1" -name manifest.json -print0 | xargs -0 -r sed -i -E \
        -e 's/"created_utc": "[^"]*"/"created_utc": "-"/' \
        -e 's/"timings_s": \{[^}]*\}/"timings_s": "-"/' \
        -e 's/("path": "[^"]*\.gpkg", "bytes": [0-9]+, "sha256": )"[0-9a-f]*"/\1"-"/'
    find "$1" -name '*.gpkg' -print0 | xargs -0 -r python3 -c '
import re, sys
for p in sys.argv[1:]:
    b = open(p, "rb").read()
    n = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z", lambda m: b"2000-01-01T00:00:00" + (b".000" if m.group(1) else b"") + b"Z", b)
    if n != b:
        open(p, "wb").write(n)
'
    # seconds in messages (the run summary, -v timings)
    find "$1" \( -name '*.out' -o -name '*.err' -o -name stdout -o -name stderr \) -print0 |
        xargs -0 -r sed -i -E 's/[0-9]+\.[0-9]+ s\b/- s/g'
    # the bad-input runner's own log (its tally of passes) is the test's, not an output
    rm -f "$1/bad.log"
}

echo "same_outputs: old $old"
echo "same_outputs: new $new"
one_binary "$old" "$work/old"
one_binary "$new" "$work/new"
normalise "$work/old"
normalise "$work/new"

nfiles=$(find "$work/old" -type f | wc -l)
ncases=$(find "$work/old/bad" -mindepth 1 -maxdepth 1 -type d | wc -l)
status=0
while IFS= read -r line; do
    echo "DIFFERS: $line"
    status=1
done < <(diff -rq "$work/old" "$work/new" | sed "s|$work/||g")
if ((status == 0)); then
    echo "same_outputs: identical: $nfiles files ($ncases bad-input cases, 4 projects, every output folder)"
else
    echo "same_outputs: outputs differ (keep them with --keep DIR to look)"
fi
exit $status

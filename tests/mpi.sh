#!/usr/bin/env bash
# mpi.sh — a distributed run gives the same outputs as one process: the default case
# (datasets/kerteminde) run with `mpirun -n 1, 2, 3`, and over small tiles at 1, 2 and 3
# ranks, must give every table (*.csv) and every depth raster byte for byte equal to the
# single-process run (the same binary without mpirun), and so must the groundwater case
# (tests/data/groundwater) at 2 and 3 ranks, over tiles of 2 cells too, and Åbyen (given
# rasters and a catchment) at 2 and 3 ranks; and the
# tiled coastal bathtub (tests/mpi/mpi_bathtub.c, built with the MPI build) at 1, 2 and 3
# ranks must equal the whole-raster bathtub (memcmp, in the driver) and give rasters with
# the same values at every rank count (gdalinfo -checksum, when gdalinfo is installed);
# a tiled fill whose tile source fails on one rank must end with an error on every rank
# (no rank left waiting), and a bad input under mpirun must give the one-process message,
# exit 1 and no output.
# Skipped (exit 0, "skipped: ...") when the binary was built without MPI (cmake
# -DNYTTE_MPI=ON; `nytte --version` then says "(mpi)") or mpirun is missing.
#
#   bash tests/mpi.sh NYTTE REPO_ROOT [BUILD_DIR]
set -uo pipefail
nytte=$(realpath "$1")
root=$(realpath "$2")
project=$root/datasets/kerteminde/project.yaml
# Under ASan (build-mpi-asan) OpenMPI's own leaks are suppressed (tests/lsan.supp; the
# suppressions need full stacks). No effect on a build without sanitizers.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0
export LSAN_OPTIONS=${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$root/tests/lsan.supp
if ! "$nytte" --version | grep -q '(mpi)'; then
    echo "skipped: $nytte was built without MPI (configure with -DNYTTE_MPI=ON)"
    exit 0
fi
if ! command -v mpirun >/dev/null; then
    echo "skipped: mpirun not found"
    exit 0
fi
# OpenMPI refuses root without these; --oversubscribe lets 3 ranks share fewer cores.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpiopts=(--oversubscribe)
mpirun --version 2>/dev/null | grep -qi 'open mpi' || mpiopts=()
work=$(mktemp -d "${TMPDIR:-/tmp}/nytte-mpi-XXXXXX")
trap 'rm -rf "$work"' EXIT
if ! timeout 600 "$nytte" -q --threads 2 run --force --out "$work/single" "$project" 2>"$work/single.err"; then
    echo "FAIL: the single-process run failed: $(head -3 "$work/single.err")"
    exit 1
fi
status=0
driver=${3:+$(realpath "$3")/tests/mpi_bathtub}
if [[ -n $driver && -x $driver ]]; then
    for tc in "7 8" "16 4" "3 4"; do
        read -r tile conn <<<"$tc"
        for n in 1 2 3; do
            d=$work/bt-$tile-$conn-n$n
            mkdir -p "$d"
            if ! OMP_NUM_THREADS=1 timeout 300 mpirun "${mpiopts[@]}" -n "$n" "$driver" "$d" "$tile" "$conn" \
                >"$d.log" 2>&1; then
                echo "FAIL: tiled bathtub, mpirun -n $n, tile $tile, $conn neighbours: $(head -5 "$d.log")"
                status=1
                continue
            fi
            grep '^ok:' "$d.log"
            if command -v gdalinfo >/dev/null; then
                for k in 0 1 2; do
                    gdalinfo -checksum "$d/depth$k.tif" | grep Checksum= >"$d/sum$k"
                    if ! cmp -s "$work/bt-$tile-$conn-n1/sum$k" "$d/sum$k"; then
                        echo "FAIL: tiled bathtub, mpirun -n $n, tile $tile: depth$k.tif differs from -n 1"
                        status=1
                    fi
                done
            fi
            if [[ -e $d/tiles ]]; then
                echo "FAIL: tiled bathtub, mpirun -n $n: the tile folder was left behind"
                status=1
            fi
        done
    done
    # a failure on one rank only: every rank must return with an error, none wait
    for n in 2 3; do
        if timeout 120 mpirun "${mpiopts[@]}" -n "$n" "$driver" fail >"$work/fail-n$n.log" 2>&1; then
            grep '^ok:' "$work/fail-n$n.log"
        else
            echo "FAIL: mpirun -n $n mpi_bathtub fail (124 = a rank left waiting): $(head -5 "$work/fail-n$n.log")"
            status=1
        fi
    done
else
    echo "skipped: no tests/mpi_bathtub in the build folder (give BUILD_DIR, an MPI build)"
fi
# bad inputs under mpirun -n 3: the one-process message printed once (rank 0 says an
# error every rank meets; nytte_dist_report_once), the one-process exit status, no output
# and no temporary folder, every rank ending (no abort, no hang). A barrier outside the
# terrain (tests/bad/barrier-outside-terrain: found by every rank in the hazard stage) and
# decreasing levels (a project-file error: every rank reads the file, rank 0 says it).
bad=$work/bad
mkdir -p "$bad"
cp -r "$root/tests/bad/_base/." "$root/tests/bad/barrier-outside-terrain/measures.geojson" "$bad/"
gdal_translate -q -of GTiff -a_srs EPSG:25832 "$bad/terrain.asc" "$bad/terrain.tif"
sed 's/^\(  *levels: \)\[.*\]/\1[1.9, 1.5, 2.4]/' "$bad/project.yaml" >"$bad/levels.yaml"
for case in "project.yaml|1|nytte: ./measures.geojson: barrier wall: lies wholly outside the terrain" \
    "levels.yaml|2|levels.yaml:"; do
    IFS='|' read -r file want msg <<<"$case"
    (cd "$bad" && timeout 120 mpirun "${mpiopts[@]}" -n 3 "$nytte" -q run "$file" >"$bad/log" 2>&1)
    rc=$?
    lines=$(grep -c "^$msg" "$bad/log")
    others=$(grep -v "^$msg" "$bad/log" | grep -c "^nytte: \|\.yaml:")
    if [[ $rc == "$want" && $lines == 1 && $others == 0 ]] && ! ls -d "$bad"/out* >/dev/null 2>&1; then
        echo "ok: mpirun -n 3 with a bad input ($file): exit $want, the message once, no output"
    else
        echo "FAIL: mpirun -n 3 with a bad input ($file): exit $rc (want $want), message lines $lines (want 1)," \
            "other nytte lines $others, outputs: $(ls -d "$bad"/out* 2>/dev/null), log: $(head -8 "$bad/log")"
        status=1
    fi
done
# same_as ONE OUT WHAT: every table and depth raster of the run in OUT byte for byte equal
# to the single-process run in ONE, the same files, no temporary folder left behind
same_as() {
    local one=$1 out=$2 what=$3 same=0 f b files
    files=("$one"/*.csv)
    # depth rasters (given ones are not copied) and catchment masks, where the case has them
    compgen -G "$one/depth_*.tif" >/dev/null && files+=("$one"/depth_*.tif)
    compgen -G "$one/catchment_*.tif" >/dev/null && files+=("$one"/catchment_*.tif)
    for f in "${files[@]}"; do
        b=$(basename "$f")
        if cmp -s "$f" "$out/$b"; then
            same=$((same + 1))
        else
            echo "FAIL: $what: $b differs from the single-process run"
            status=1
        fi
    done
    echo "ok: $what: $same tables and rasters identical to the single-process run"
    if ! diff <(cd "$one" && ls -A) <(cd "$out" && ls -A) >/dev/null; then
        echo "FAIL: $what wrote other files: $(diff <(cd "$one" && ls -A) <(cd "$out" && ls -A) | head -3)"
        status=1
    fi
    # no rank may leave a temporary folder behind
    if ls -d "$out".tmp-* >/dev/null 2>&1; then
        echo "FAIL: $what left a temporary folder: $(ls -d "$out".tmp-*)"
        status=1
    fi
}
# the default case at 1, 2 and 3 ranks (under mpirun with several ranks the coastal hazard
# runs over tiles of 1024 shared by the ranks: 3 x 2 tiles here), and over tiles of 173
# cells (15 x 12 tiles, water crossing their edges) at 1, 2 and 3 ranks: every table and every
# depth raster byte for byte equal to the single-process run's
for run in 1 2 3 1:173 2:173 3:173; do
    n=${run%%:*}
    tile=()
    [[ $run == *:* ]] && tile=(--tile "${run#*:}")
    out=$work/n${run/:/t}
    what="mpirun -n $n${tile[*]:+ ${tile[*]}}"
    # at 3 ranks over small tiles every gather goes in rounds of 4099 bytes per rank
    # (as a gather over 2 GiB does in rounds of 256 MiB / ranks; docs/scale-out.md)
    chunk=0
    [[ $run == 3:173 ]] && { chunk=4099; what="$what, gathers in rounds of 4099 bytes"; }
    if ! NYTTE_GATHER_CHUNK=$chunk timeout 600 mpirun "${mpiopts[@]}" -n "$n" "$nytte" -q --threads 1 run --force \
        "${tile[@]}" --out "$out" "$project" >"$out.log" 2>&1; then
        echo "FAIL: $what failed: $(head -5 "$out.log")"
        status=1
        continue
    fi
    same_as "$work/single" "$out" "$what"
done
# runs_same_as ONE PROJECT NAME RUN...: PROJECT under mpirun, each RUN being N or N:TILE,
# equal to the single-process run in ONE (same_as)
runs_same_as() {
    local one=$1 project=$2 name=$3 run n out what tile
    shift 3
    for run in "$@"; do
        n=${run%%:*}
        tile=()
        [[ $run == *:* ]] && tile=(--tile "${run#*:}")
        out=$one-n${run/:/t}
        what="$name, mpirun -n $n${tile[*]:+ ${tile[*]}}"
        if ! timeout 300 mpirun "${mpiopts[@]}" -n "$n" "$nytte" -q --threads 1 run "${tile[@]}" --out "$out" \
            "$project" >"$out.log" 2>&1; then
            echo "FAIL: $what failed: $(head -5 "$out.log")"
            status=1
            continue
        fi
        same_as "$one" "$out" "$what"
    done
}
# the groundwater case (tests/data/groundwater: 6 x 6 cells, three events, a line and a
# polygon drain) at 2 and 3 ranks, over the default tiles (one tile: the other ranks have
# none) and over tiles of 2 cells (9 tiles, the drains across their edges)
gw=$work/gw
mkdir -p "$gw"
cp "$root"/tests/data/groundwater/* "$gw"/
for a in "$gw"/*.asc; do
    gdal_translate -q -of GTiff -a_srs EPSG:25832 "$a" "${a%.asc}.tif"
done
if ! "$nytte" -q --threads 1 run --out "$gw/single" "$gw/project.yaml" >"$gw/single.log" 2>&1; then
    echo "FAIL: the single-process groundwater run failed: $(head -3 "$gw/single.log")"
    exit 1
fi
runs_same_as "$gw/single" "$gw/project.yaml" groundwater 2 3 2:2 3:2
# Åbyen (datasets/aabyen: given depth rasters, a catchment, the benefit_and_contributor
# model) at 2 ranks and at 3 over tiles of 64 cells: the ranks share the overlay; the
# catchment (the terrain read whole then), damage and allocation run on rank 0 alone
ab=$work/aabyen
if ! "$nytte" -q --threads 1 run --out "$ab" "$root/datasets/aabyen/project.yaml" >"$ab.log" 2>&1; then
    echo "FAIL: the single-process Åbyen run failed: $(head -3 "$ab.log")"
    exit 1
fi
runs_same_as "$ab" "$root/datasets/aabyen/project.yaml" Åbyen 2 3:64
exit $status

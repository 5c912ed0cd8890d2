#!/usr/bin/env bash
# valgrind.sh — run a project (default: the Kerteminde case) under valgrind memcheck.
# Fails (exit 3) on any memory error and on definite or indirect leaks; "still
# reachable" and "possibly lost" blocks (GDAL's driver registry and caches, PROJ's
# database handle, OpenMP's thread pool) are listed in the log but not failures.
#
#   scripts/valgrind.sh [NYTTE] [PROJECT] [THREADS]
#   (defaults: build-rel/nytte, datasets/kerteminde/project.yaml, 2)
# Log: build-rel/valgrind.log (or next to NYTTE). Takes 10-30 minutes for the default case.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
nytte=${1:-$root/build-rel/nytte}
project=${2:-$root/datasets/kerteminde/project.yaml}
threads=${3:-2}
command -v valgrind >/dev/null || { echo "valgrind.sh: valgrind not installed (apt-get install valgrind)"; exit 2; }
log=$(dirname "$nytte")/valgrind.log
out=$(mktemp -d "${TMPDIR:-/tmp}/nytte-valgrind-XXXXXX")
trap 'rm -rf "$out"' EXIT
supp=()
[[ -f $root/scripts/valgrind.supp ]] && supp=(--suppressions="$root/scripts/valgrind.supp")
start=$(date +%s)
valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect --error-exitcode=3 --track-origins=no \
    --num-callers=30 "${supp[@]}" --log-file="$log" \
    "$nytte" -q --threads "$threads" run --force --out "$out/o" "$project"
rc=$?
secs=$(( $(date +%s) - start ))
summary=$(grep -E 'ERROR SUMMARY|definitely lost|indirectly lost|possibly lost|still reachable' "$log" | sed 's/^==[0-9]*== *//')
echo "valgrind.sh: exit $rc after ${secs}s; $log"
echo "$summary"
[[ -f $out/o/owners.csv ]] || { echo "valgrind.sh: the run wrote no owners.csv"; (( rc == 0 )) && rc=1; }
exit $rc

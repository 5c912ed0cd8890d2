#!/usr/bin/env bash
# tests/faults.sh — the output folder against faults and misuse that a bad-input case
# cannot express (docs/reliability.md, The output folder):
#
#  - the output path is a link: the run replaces the folder it leads to and nothing else,
#    keeps the link; a link to nothing or to a file, and a file, are refused;
#  - another run holds the output folder's lock: refused at once, naming its process and
#    start time; a lock file left by a killed run locks nothing;
#  - the file-size limit is hit (ulimit -f): exit 1 naming the file, the previous outputs
#    intact, no temporary folder or lock left;
#  - SIGTERM, SIGINT and SIGHUP during a run: exit 128 + the signal, the previous outputs
#    intact, no temporary folder or lock left;
#  - an input outside the project folder: allowed, and listed in manifest.json;
#  - the output folder's permissions follow the umask (not mkdtemp's 0700).
#
#   bash tests/faults.sh NYTTE REPO_ROOT BUILD_DIR
set -uo pipefail
nytte=$(realpath "$1")
root=$(realpath "$2")
work=$(mktemp -d "${TMPDIR:-/tmp}/nytte-faults-XXXXXX")
trap 'rm -rf "$work"' EXIT
fail=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }
check() { # check NAME COMMAND...
    local name=$1
    shift
    if "$@"; then ok "$name"; else bad "$name"; fi
}
sums() { (cd "$1" && find . -type f | sort | xargs -r sha256sum); }
# nothing beside the output folder but what was there: no out.tmp-*, out.old-*, out.lock
clean_beside() { ! compgen -G "$1.tmp-*" >/dev/null && ! compgen -G "$1.old-*" >/dev/null && [[ ! -e $1.lock ]]; }

# the small coast of the bad-input catalogue
small=$work/small
cp -r "$root/tests/bad/_base" "$small"
gdal_translate -q -of GTiff -a_srs EPSG:25832 "$small/terrain.asc" "$small/terrain.tif"
rm -f "$small/terrain.asc"

# ---- the output path is a link -------------------------------------------------------
mkdir -p "$work/elsewhere/target"
echo "not an output" >"$work/elsewhere/target/keep.txt"
echo "beside the target" >"$work/elsewhere/sibling.txt"
ln -s ../elsewhere/target "$small/linked"
(cd "$small" && "$nytte" -q run --out linked project.yaml 2>"$work/link1.err")
rc=$?
check "a link to an existing folder without --force: exit 2" test $rc -eq 2
check "... naming the folder it leads to" grep -q "elsewhere/target: the output folder exists; use --force" "$work/link1.err"
(cd "$small" && "$nytte" -q run --force --out linked project.yaml 2>"$work/link2.err")
check "a link with --force: exit 0" test $? -eq 0
check "... the link stays a link" test -L "$small/linked"
check "... the outputs are in the folder it leads to" test -s "$work/elsewhere/target/owners.csv"
check "... that folder was replaced (its old file is gone)" test ! -e "$work/elsewhere/target/keep.txt"
check "... nothing beside it changed" grep -qx "beside the target" "$work/elsewhere/sibling.txt"
check "... nothing left beside it" clean_beside "$work/elsewhere/target"
check "... nothing left beside the link" clean_beside "$small/linked"
ln -s ../nowhere "$small/dangling"
(cd "$small" && "$nytte" -q run --out dangling project.yaml 2>"$work/link3.err")
check "a link to nothing: exit 1" test $? -eq 1
check "... says where it leads" grep -q "dangling: a link to ../nowhere, which does not exist" "$work/link3.err"
check "... creates nothing" test ! -e "$work/nowhere"
echo "a file" >"$small/afile"
ln -s afile "$small/tofile"
(cd "$small" && "$nytte" -q run --force --out tofile project.yaml 2>"$work/link4.err")
check "a link to a file with --force: exit 1, the file untouched" test $? -eq 1 -a "$(cat "$small/afile")" = "a file"
(cd "$small" && "$nytte" -q run --force --out afile project.yaml 2>"$work/file.err")
check "a file as the output folder with --force: exit 1, untouched" test $? -eq 1 -a "$(cat "$small/afile")" = "a file"
check "... says it is not a folder" grep -q "afile: exists and is not a folder" "$work/file.err"

# ---- inputs outside the project folder are allowed, and the manifest lists them -----------
mkdir -p "$work/shared"
cp "$small/terrain.tif" "$work/shared/terrain.tif"
sed 's|^  terrain: terrain.tif$|  terrain: ../shared/terrain.tif|' "$small/project.yaml" >"$small/shared.yaml"
(cd "$small" && "$nytte" -q run --out shared-out shared.yaml 2>"$work/shared.err")
check "a terrain in ../shared: the run goes on" test $? -eq 0
check "... the manifest marks it outside the project" grep -q '"path": "./../shared/terrain.tif", "bytes": [0-9]*, "sha256": "[0-9a-f]*", "outside_project": true}' "$small/shared-out/manifest.json"
check "... and lists it" grep -q '"inputs_outside_project": \["./../shared/terrain.tif"\]' "$small/shared-out/manifest.json"
check "... the inputs inside are not marked" test "$(grep -c '"outside_project": true' "$small/shared-out/manifest.json")" -eq 1

# ---- the lock ------------------------------------------------------------------------------
out=$work/locked/out
mkdir -p "$work/locked"
printf '4242 %s\n' "$(date -d '2026-01-02 03:04:05' +%s)" >"$out.lock"
# this shell holds the lock, as a run in another process would
exec 9<>"$out.lock"
flock -n 9 || bad "the test could not take the lock itself"
(cd "$small" && "$nytte" -q run --out "$out" project.yaml 9>&- 2>"$work/lock.err")
rc=$?
exec 9>&-
check "a locked output folder: exit 1" test $rc -eq 1
check "... naming the run that holds it" grep -q "another nytte run (process 4242, started 2026-01-02 03:04:05) is writing this output folder" "$work/lock.err"
check "... writing nothing" test ! -e "$out"
(cd "$small" && "$nytte" -q run --out "$out" project.yaml 2>"$work/stale.err")
check "a lock file nobody holds (a killed run's): the run goes on" test $? -eq 0 -a -s "$out/owners.csv"
check "... and removes it" clean_beside "$out"

# ---- the file-size limit --------------------------------------------------------------------
big=$root/datasets/kerteminde/project.yaml
out=$work/big/out
mkdir -p "$work/big"
"$nytte" -q run --out "$out" "$big" 2>"$work/big.err" || bad "the default case runs: $(head -2 "$work/big.err")"
sums "$out" >"$work/big.before"
(ulimit -f 300 && "$nytte" -q run --force --out "$out" "$big" 2>"$work/fsize.err")
rc=$?
check "over the file-size limit: exit 1 (not killed by SIGXFSZ)" test $rc -eq 1
check "... naming a file in the output folder" grep -qE "^nytte: $out/[a-zA-Z0-9_]+\.(tif|gpkg|csv|xlsx|qml|qgs|html|json)" "$work/fsize.err"
sums "$out" >"$work/big.after"
check "... the previous outputs intact" cmp -s "$work/big.before" "$work/big.after"
check "... nothing left beside them" clean_beside "$out"

# ---- signals ----------------------------------------------------------------------------------
# job control on: background runs receive SIGINT as a terminal's Ctrl-C would send it
set -m
for sig in TERM INT HUP; do
    "$nytte" -q run --force --out "$out" "$big" 2>"$work/sig.err" &
    pid=$!
    # into the hazard stage: this run's temporary folder (its marker holds the pid) holds a raster
    for _ in $(seq 200); do
        mine=$(grep -lx "$pid" "$out".tmp-*/.nytte-run-pid 2>/dev/null | head -1)
        [[ -n $mine ]] && compgen -G "$(dirname "$mine")/depth_*" >/dev/null && break
        sleep 0.1
    done
    [[ -n $mine ]] || bad "SIG$sig: the run made no temporary folder in 20 s"
    stale=$(ls -d "$out".tmp-* 2>/dev/null | grep -vc "^$(dirname "$mine")\$")
    check "... the run's own temporary folder is the only one" test "$stale" -eq 0
    kill -s $sig $pid
    wait $pid
    rc=$?
    want=$((128 + $(kill -l $sig)))
    check "SIG$sig during a run: exit $want" test $rc -eq $want
    sums "$out" >"$work/big.after"
    check "... the previous outputs intact" cmp -s "$work/big.before" "$work/big.after"
    check "... nothing left beside them" clean_beside "$out"
done
set +m

# ---- the output folder's permissions follow the umask, like any folder the user makes ----
for mask in 022 027 077; do
    (umask $mask && cd "$small" && "$nytte" -q run --force --out "perm$mask" project.yaml 2>"$work/perm.err")
    check "umask $mask: the run exits 0" test $? -eq 0
    want=$(printf '%o' $((0777 & ~8#$mask)))
    check "... the output folder is mode $want" test "$(stat -c %a "$small/perm$mask")" = "$want"
    want=$(printf '%o' $((0666 & ~8#$mask)))
    check "... owners.csv is mode $want" test "$(stat -c %a "$small/perm$mask/owners.csv")" = "$want"
done

((fail == 0)) && echo "faults: links, locks, the file-size limit, signals and permissions: ok"
exit $fail

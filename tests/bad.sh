#!/usr/bin/env bash
# bad.sh — the bad-input catalogue (tests/bad/README.md): every case must fail (or warn)
# with its exact message and exit code, within 60 s, without crashing, without writing
# any output and without touching its inputs.
#
#   bash tests/bad.sh NYTTE REPO_ROOT [BUILD_DIR] [CASE...]
#
# With NYTTE_BAD_RECORD=DIR set, each case's exit code, stdout, stderr and the listing
# of the paths it created or removed (and a copy of out/) are also written to DIR/CASE,
# scratch paths replaced by WORK, so that two builds can be compared case by case
# (scripts/same_outputs.sh).
#
# Each case runs in a scratch copy: tests/bad/_base/* first, then the case's own files
# over it; terrain.asc becomes terrain.tif (EPSG:25832) unless the case brings a
# terrain.tif; then the case's `prepare` script runs (exit 77 = skip, with a reason).
set -uo pipefail
nytte=$(realpath "$1")
root=$(realpath "$2")
shift 2
[[ $# -gt 0 ]] && shift    # the build folder: not needed
cat=$root/tests/bad
pass=0 fail=0 skip=0
failed=()

snapshot() { # every path and the sha256 of every file, outputs included
    (cd "$1" && find . -mindepth 1 -type f -print0 | sort -z |
        xargs -0 -r sha256sum; find . -mindepth 1 -type d | sort)
}

run_case() {
    local dir=$1 name
    name=$(basename "$dir")
    local exp=$dir/expected
    [[ -f $exp ]] || { echo "FAIL $name: no expected file"; return 1; }
    local cmd want_exit outputs
    cmd=$(sed -n 's/^command: //p' "$exp")
    want_exit=$(sed -n 's/^exit: //p' "$exp")
    outputs=$(sed -n 's/^outputs: //p' "$exp")
    [[ -n $outputs ]] || outputs=none
    mapfile -t want < <(sed -n 's/^stderr: //p' "$exp")
    mapfile -t want_any < <(sed -n 's/^stderr-has: //p' "$exp")
    mapfile -t want_not < <(sed -n 's/^stderr-not: //p' "$exp")
    local want_re
    want_re=$(sed -n 's/^stderr-match: //p' "$exp")
    local work
    work=$(mktemp -d "${TMPDIR:-/tmp}/nytte-bad-XXXXXX")
    cp -r "$cat/_base/." "$work/"
    (cd "$dir" && find . -mindepth 1 -maxdepth 1 ! -name expected ! -name prepare ! -name cleanup ! -name README.md \
        -exec cp -r {} "$work/" \;)
    if [[ -f $work/terrain.asc && ! -f $dir/terrain.tif ]]; then
        gdal_translate -q -of GTiff -a_srs EPSG:25832 "$work/terrain.asc" "$work/terrain.tif" || {
            echo "FAIL $name: gdal_translate"; rm -rf "$work"; return 1; }
    fi
    rm -f "$work/terrain.asc" "$work"/*.aux.xml
    if [[ -f $dir/prepare ]]; then
        local why
        why=$(cd "$work" && bash "$dir/prepare" 2>&1)
        local prc=$?
        if (( prc == 77 )); then
            echo "SKIP $name: $why"
            [[ -f $dir/cleanup ]] && (cd "$work" && bash "$dir/cleanup" >/dev/null 2>&1)
            rm -rf "$work"
            return 77
        elif (( prc != 0 )); then
            echo "FAIL $name: prepare failed: $why"
            rm -rf "$work"
            return 1
        fi
    fi
    local before after
    before=$(snapshot "$work")
    # shellcheck disable=SC2086
    (cd "$work" && timeout 60 "$nytte" $cmd >"$work.stdout" 2>"$work.stderr")
    local got=$?
    after=$(snapshot "$work")
    mapfile -t have <"$work.stderr"
    if [[ -n ${NYTTE_BAD_RECORD:-} ]]; then
        local rec=$NYTTE_BAD_RECORD/$name
        mkdir -p "$rec"
        echo "$got" >"$rec/exit"
        sed "s|$work|WORK|g" "$work.stdout" >"$rec/stdout"
        sed "s|$work|WORK|g" "$work.stderr" >"$rec/stderr"
        # paths only: an output's bytes are compared from the copy of out/
        diff <(echo "$before" | sed -E 's/^[0-9a-f]{64}  //') <(echo "$after" | sed -E 's/^[0-9a-f]{64}  //') |
            grep '^[<>]' >"$rec/changes"
        [[ -d $work/out ]] && cp -r "$work/out" "$rec/out"
    fi
    local ok=1 msg=""
    if (( got == 124 )); then
        ok=0 msg="timed out after 60 s"
    elif (( got >= 128 )); then
        ok=0 msg="crashed (exit $got)"
    elif [[ $got != "$want_exit" ]]; then
        ok=0 msg="exit $got, expected $want_exit"
    fi
    for i in "${!want[@]}"; do
        if [[ ${have[$i]:-<none>} != "${want[$i]}" ]]; then
            ok=0 msg+="${msg:+; }stderr line $((i + 1)):"$'\n'"    got:      ${have[$i]:-<none>}"$'\n'"    expected: ${want[$i]}"
        fi
    done
    if [[ -n $want_re ]] && ! [[ ${have[0]:-} =~ $want_re ]]; then
        ok=0 msg+="${msg:+; }stderr line 1 does not match /$want_re/: ${have[0]:-<none>}"
    fi
    for w in "${want_any[@]}"; do
        grep -qxF -- "$w" "$work.stderr" || { ok=0 msg+="${msg:+; }stderr lacks: $w"; }
    done
    for w in "${want_not[@]}"; do
        ! grep -qF -- "$w" "$work.stderr" || { ok=0 msg+="${msg:+; }stderr shows: $w"; }
    done
    if [[ $outputs == none ]]; then
        if [[ $before != "$after" ]]; then
            ok=0 msg+="${msg:+; }files changed or created:"$'\n'"$(diff <(echo "$before") <(echo "$after") | grep '^[<>]' | head -5)"
        fi
    else
        # a run that succeeds writes its folder whole and touches nothing else
        [[ -f $work/out/owners.csv && -f $work/out/parcels.csv ]] || { ok=0 msg+="${msg:+; }no outputs in out/"; }
        local b2 a2
        b2=$(grep -v ' \./out' <<<"$before")
        a2=$(grep -v ' \./out\|^\./out' <<<"$after")
        [[ $b2 == "$a2" ]] || { ok=0 msg+="${msg:+; }inputs changed"; }
    fi
    [[ -f $dir/cleanup ]] && (cd "$work" && bash "$dir/cleanup" >/dev/null 2>&1)
    if (( ok )); then
        echo "ok   $name"
    else
        echo "FAIL $name: $msg"
        echo "    stderr was:"
        sed 's/^/      /' "$work.stderr" | head -5
    fi
    rm -rf "$work" "$work.stdout" "$work.stderr"
    (( ok ))
}

cases=()
if (( $# )); then
    for c in "$@"; do cases+=("$cat/$c"); done
else
    for c in "$cat"/*/; do
        [[ $(basename "$c") == _* ]] && continue
        cases+=("${c%/}")
    done
fi
for c in "${cases[@]}"; do
    run_case "$c"
    case $? in
        0) pass=$((pass + 1)) ;;
        77) skip=$((skip + 1)) ;;
        *) fail=$((fail + 1)); failed+=("$(basename "$c")") ;;
    esac
done
echo "bad inputs: $pass passed, $fail failed, $skip skipped (of ${#cases[@]})"
(( fail == 0 )) || { echo "failed: ${failed[*]}"; exit 1; }

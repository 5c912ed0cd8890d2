#!/usr/bin/env bash
# fuzz_replay.sh — replay every stored fuzz input (tests/fuzz/TARGET/corpus and
# crashers: seeds, a minimised corpus and every input that once crashed or hung a
# target) through the targets built without libFuzzer against the library of this
# build, with tests/fuzz/replay.c as main. A crash, an abort() from a target's
# invariant checks, or more than 120 s for a target fails the test.
#
#   bash tests/fuzz_replay.sh NYTTE REPO_ROOT BUILD_DIR
set -uo pipefail
root=$(realpath "$2")
build=$(realpath "$3")
lib=$build/libnytte.a
[[ -f $lib ]] || { echo "fuzz_replay: $lib not built"; exit 1; }
CC=${CC:-cc}
flags=()
grep -q '^NYTTE_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null && flags+=(-fsanitize=address,undefined)
out=$build/fuzz-replay
mkdir -p "$out"
status=0
for src in "$root"/tests/fuzz/fuzz_*.c; do
    name=$(basename "${src%.c}")
    name=${name#fuzz_}
    # shellcheck disable=SC2046
    if ! $CC -std=c17 -D_POSIX_C_SOURCE=200809L -g -O1 -Wall -Wextra -Werror "${flags[@]}" \
        -I"$root/include" -I"$root/engine" "$src" "$root/tests/fuzz/replay.c" "$lib" \
        $(pkg-config --cflags --libs gdal geos proj libfyaml) -fopenmp -lm -o "$out/replay_$name"; then
        echo "FAIL $name: cannot build the replay driver"
        status=1
        continue
    fi
    inputs=()
    for f in "$root/tests/fuzz/$name/corpus"/* "$root/tests/fuzz/$name/crashers"/*; do
        [[ -f $f ]] && inputs+=("$f")
    done
    if timeout 120 "$out/replay_$name" "${inputs[@]}" >"$out/replay_$name.log" 2>&1; then
        echo "ok   $name: ${#inputs[@]} inputs"
    else
        echo "FAIL $name (exit $?): $(tail -5 "$out/replay_$name.log")"
        status=1
    fi
done
exit $status

#!/usr/bin/env bash
# fuzz.sh — build the libFuzzer targets (tests/fuzz/fuzz_*.c) with clang, ASan and UBSan
# into build-fuzz/, and run each for a bounded time.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default 60 s; all targets)
#   scripts/fuzz.sh build                                 (build only)
#
# Targets: project (YAML project file -> nytte_project), owners (owners CSV through
# nytte_inputs_read), ead_rule (the damage.ead rule and other name parsers).
# Each target runs on a working corpus in build-fuzz/corpus/TARGET, seeded from
# tests/fuzz/TARGET/corpus (and its crashers); new crashes are written to
# tests/fuzz/TARGET/crashers/, which tests/fuzz_replay.sh replays in every ctest run.
# One target at a time (-jobs=1): the fuzzers are CPU-heavy.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/build-fuzz
CC=${CC:-clang}
command -v "$CC" >/dev/null || { echo "fuzz.sh: $CC not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }
mkdir -p "$out/obj"

pkgs="gdal geos proj libfyaml"
cflags="-std=c17 -D_POSIX_C_SOURCE=200809L -DNYTTE_VERSION=\"fuzz\" -g -O1 -fno-omit-frame-pointer -fopenmp
        -fsanitize=address,undefined -fno-sanitize-recover=undefined -Wall -Wno-unknown-pragmas
        -I$root/include -I$root/engine $(pkg-config --cflags $pkgs)"
libs="$(pkg-config --libs $pkgs) -fopenmp -lm"

# the library, once, instrumented for coverage (make-like: rebuild changed sources only)
objs=()
for src in "$root"/engine/*/*.c; do
    case $src in */engine/cli/*) continue ;; esac
    obj=$out/obj/$(basename "$(dirname "$src")")_$(basename "${src%.c}").o
    if [[ ! -f $obj || $src -nt $obj || -n $(find "$root/include" "$root/engine" -name '*.h' -newer "$obj" | head -1) ]]; then
        # shellcheck disable=SC2086
        $CC $cflags -fsanitize=fuzzer-no-link -c "$src" -o "$obj"
    fi
    objs+=("$obj")
done
targets=()
for t in "$root"/tests/fuzz/fuzz_*.c; do
    name=$(basename "${t%.c}"); name=${name#fuzz_}
    targets+=("$name")
    # shellcheck disable=SC2086
    $CC $cflags -fsanitize=fuzzer "$t" "${objs[@]}" $libs -o "$out/fuzz_$name"
done
echo "fuzz.sh: built ${targets[*]} in $out"
[[ ${1:-} == build ]] && exit 0

secs=${1:-60}
shift || true
(( $# )) && targets=("$@")
status=0
for name in "${targets[@]}"; do
    corpus=$out/corpus/$name
    crash=$root/tests/fuzz/$name/crashers
    mkdir -p "$corpus" "$crash"
    cp -n "$root/tests/fuzz/$name/corpus/"* "$corpus/" 2>/dev/null || true
    dict=()
    [[ -f $root/tests/fuzz/$name/dict ]] && dict=(-dict="$root/tests/fuzz/$name/dict")
    echo "fuzz.sh: $name for ${secs}s"
    log=$out/fuzz_$name.log
    # -rss_limit_mb: GDAL keeps caches; -timeout: a hang of 10 s on a tiny input is a finding
    if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
        "$out/fuzz_$name" "${dict[@]}" -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 -max_len=4096 \
        -print_final_stats=1 -artifact_prefix="$crash/" "$corpus" >"$log" 2>&1; then
        echo "fuzz.sh: $name FOUND A PROBLEM (see $log and $crash)"
        status=1
    fi
    grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|^#[0-9]+.*DONE" "$log" | tr '\n' ' '
    echo
    echo "fuzz.sh: $name corpus now $(ls "$corpus" | wc -l) inputs"
done
exit $status

#!/usr/bin/env bash
# tests/layout.sh — the rules of docs/architecture.md that a reader of the code relies on,
# checked so that they stay true:
#
#  1. a module's private header (engine/M/M_int.h) is included by engine/M/ only (and by
#     the unit tests); engine/grid/grid.h is the one internal header meant to be shared;
#  2. GDAL/OGR/CPL, PROJ and GEOS headers only in engine/io/, engine/hazard/ and
#     engine/overlay/ (the handles live there; every other module sees plain structs);
#  3. no file in engine/ over 800 lines;
#  4. no function in engine/ over 120 lines without a comment line in the ten lines above
#     it that says why ("long:");
#  5. statuses are never combined (`rc |=`), and out-of-memory messages go through
#     nytte_nomem (no hand-written "out of memory" in a nytte_error).
#
#   bash tests/layout.sh NYTTE REPO_ROOT [BUILD_DIR]
set -uo pipefail
root=$(realpath "$2")
cd "$root" || exit 1
fail=0
bad() { echo "FAIL $*"; fail=1; }

# 1. private headers stay in their module
while IFS= read -r hit; do
    file=${hit%%:*}
    hdr=$(sed -E 's/.*#include "([a-z]+)\/[a-z_]+_int\.h".*/\1/' <<<"${hit#*:}")
    mod=$(cut -d/ -f2 <<<"$file")
    [[ $mod == "$hdr" ]] || bad "$file includes $hdr's private header"
done < <(grep -rn '#include "[a-z]*/[a-z_]*_int\.h"' engine)
for h in engine/*/*.h; do
    base=$(basename "$h")
    mod=$(cut -d/ -f2 <<<"$h")
    [[ $base == "${mod}_int.h" || $h == engine/grid/grid.h ]] || bad "$h: a private header is named ${mod}_int.h"
done

# 2. the libraries' handles stay in io/, hazard/ and overlay/
while IFS= read -r file; do
    case $file in engine/io/* | engine/hazard/* | engine/overlay/*) ;; *) bad "$file includes GDAL, PROJ or GEOS" ;; esac
done < <(grep -rlE '#include <(gdal|ogr|cpl_|proj|geos_c)' engine)

# 3. and 4. file and function sizes
for f in engine/*/*.c engine/*/*.h; do
    n=$(wc -l <"$f")
    ((n <= 800)) || bad "$f: $n lines (at most 800)"
done
while IFS= read -r line; do
    bad "$line"
done < <(awk '
    FNR == 1 { depth = 0; why = -100 }
    /long:/ { why = FNR }
    depth == 0 && /^[A-Za-z_].*\(/ && !/;[[:space:]]*$/ { name = $0; head = FNR }
    /^\{/ && depth == 0 { start = FNR; fname = name; fhead = head }
    { o = gsub(/\{/, "{"); c = gsub(/\}/, "}"); depth += o - c }
    /^\}/ && depth == 0 && start {
        len = FNR - start + 1
        if (len > 120 && fhead - why > 10)
            printf "%s:%d: a function of %d lines (at most 120, or say why above it with \"long:\")\n", FILENAME, fhead, len
        start = 0
    }' engine/*/*.c)

# 5. statuses and out-of-memory messages
while IFS= read -r hit; do bad "$hit: statuses combined with |="; done < <(grep -rnE '\brc \|=' engine)
while IFS= read -r hit; do bad "$hit: use nytte_nomem"; done < <(grep -rnE 'nytte_error\([^,]*, *NYTTE_ENOMEM, *"[^"]*out of memory' engine | grep -v '^engine/core/ctx.c:')

((fail == 0)) && echo "layout: private headers, library handles, file and function sizes, statuses: ok"
exit $fail

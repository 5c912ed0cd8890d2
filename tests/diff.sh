#!/usr/bin/env bash
# tests/diff.sh — nytte diff OUT_A OUT_B on runs of the Åbyen case (datasets/aabyen: 220
# owners, under a second a run), copied and changed one thing at a time: the allocation
# model, the CSV dialect, the owners input. Every owner whose amount differs, and by how
# much, is computed here independently from the two owners.csv files (a CSV splitter in
# awk, kroner text to øre by its digits) and must be what nytte diff prints and writes
# with --csv; identical runs report no change; the changed input is named with the
# SHA-256 sha256sum gives it; a folder that is not a finished run fails with one line
# naming the file (and line), exit 1, nothing on stdout and no --csv file.
# Usage: tests/diff.sh NYTTE REPO_ROOT BUILD_DIR
set -u
nytte=$1 root=$2 build=$3
work=$build/test-diff
fail=0
check() { if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1: $3"; fail=1; fi; }
has() { # has WHAT FILE TEXT: FILE holds the line TEXT, exactly
    grep -qxF -- "$3" "$2"
    check "$1" $? "no line '$3' in $(basename "$2"):
$(cat "$2")"
}

rm -rf "$work" && mkdir -p "$work"
copy() { cp -r "$root/datasets/aabyen" "$work/$1"; }
run() { # run OUT PROJECT_COPY
    "$nytte" -q run --out "$work/$1" "$work/$2/project.yaml" 2>"$work/$1.err"
    check "run $1" $? "$(cat "$work/$1.err")"
}
copy base
run a base
run a2 base
copy model
sed -i 's/^  model: benefit_and_contributor$/  model: benefit/' "$work/model/project.yaml"
grep -q '^  model: benefit$' "$work/model/project.yaml"
check "the model copy has model: benefit" $? "sed did not change the model"
run b model
copy da # the Danish dialect and the other model: ';' and decimal commas to read
sed -i 's/^  model: benefit_and_contributor$/  model: benefit/' "$work/da/project.yaml"
printf '  csv_dialect: excel_da\n' >>"$work/da/project.yaml"
run c da
copy input # parcel F04 to a new owner: E-F04 in A only, E-NEW in B only
sed -i 's/^F04,E-F04,Ejer E-F04,1/F04,E-NEW,Ejer Ny,1/' "$work/input/owners.csv"
grep -q '^F04,E-NEW,' "$work/input/owners.csv"
check "the input copy gives F04 to E-NEW" $? "sed did not change owners.csv"
run d input

# ---- what differs, computed here ----------------------------------------------------
# normalise FILE SEP: owner_id,amount_ore,yearly_ore of every owner of an owners.csv
csv_awk='
function csvsplit(s, f, sep,    n, i, c, q, cur) {
    n = 0; cur = ""; q = 0
    for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1)
        if (q) {
            if (c == "\"") { if (substr(s, i + 1, 1) == "\"") { cur = cur "\""; i++ } else q = 0 } else cur = cur c
        } else if (c == "\"") q = 1
        else if (c == sep) { f[++n] = cur; cur = "" }
        else cur = cur c
    }
    f[++n] = cur
    return n
}
function ore(s,    neg, p, k, v) {
    if (s == "") return ""
    neg = sub(/^-/, "", s); k = split(s, p, /[.,]/)
    v = p[1] * 100 + (k > 1 ? p[2] : 0)
    return sprintf("%.0f", neg ? -v : v)
}'
owners() { # owners OUTDIR SEP
    awk -v sep="$2" "$csv_awk"'
        { sub(/\r$/, "") }
        NR == 1 { sub(/^\xEF\xBB\xBF/, ""); n = csvsplit($0, h, sep); for (i = 1; i <= n; i++) col[h[i]] = i; next }
        { csvsplit($0, f, sep); print f[col["owner_id"]] "," ore(f[col["amount_kr"]]) "," ore(f[col["yearly_om_kr"]]) }' \
        "$work/$1/owners.csv" | LC_ALL=C sort
}
expected() { # expected A SEP_A B SEP_B: id,change,amount_a,amount_b,difference (øre) of every owner that differs
    owners "$1" "$2" >"$work/own.$1"
    owners "$3" "$4" >"$work/own.$3"
    LC_ALL=C join -t, -a1 -a2 -e MISSING -o 0,1.2,1.3,2.2,2.3 "$work/own.$1" "$work/own.$3" |
        awk -F, '
            $2 == "MISSING" { printf "%s,only_b,,%s,%s\n", $1, $4, $4; next }
            $4 == "MISSING" { printf "%s,only_a,%s,,%.0f\n", $1, $2, -$2; next }
            $2 != $4 || $3 != $5 { printf "%s,changed,%s,%s,%.0f\n", $1, $2, $4, $4 - $2 }'
}
diffcsv() { # diffcsv FILE SEP: the --csv file in the same form
    awk -v sep="$2" "$csv_awk"'
        { sub(/\r$/, "") }
        NR > 1 { csvsplit($0, f, sep); print f[1] "," f[2] "," ore(f[3]) "," ore(f[4]) "," ore(f[5]) }' "$1"
}
table() { # table STDOUT: the printed table of changed owners in the same form
    awk '/^Owners whose amount changed/ { on = 1; getline; next } on && NF == 0 { on = 0 }
         on { for (i = 2; i <= 4; i++) { s = $i; neg = sub(/^-/, "", s); sub(/^\+/, "", s); split(s, p, ".")
                                       v[i] = sprintf("%.0f", (neg ? -1 : 1) * (p[1] * 100 + p[2])) }
              print $1 ",changed," v[2] "," v[3] "," v[4] }' "$1"
}
samefile() { # samefile WHAT GOT WANT
    cmp -s "$2" "$3"
    check "$1" $? "$(diff "$3" "$2" | head -20)"
}

# ---- identical runs -------------------------------------------------------------------
"$nytte" diff --csv "$work/same.csv" "$work/a" "$work/a2" >"$work/same.out" 2>"$work/same.err"
check "identical runs: exit 0" $? "$(cat "$work/same.err")"
has "identical runs: no amount changed" "$work/same.out" "Owners' amounts:  unchanged: each of the 220 owners pays the same"
has "identical runs: rules unchanged" "$work/same.out" \
    "Model and rules:  model benefit_and_contributor in both, rules unchanged"
has "identical runs: inputs unchanged" "$work/same.out" "Inputs:           unchanged (7 files, the same SHA-256)"
has "identical runs: project file unchanged" "$work/same.out" \
    "Project file:     unchanged (SHA-256 $(sha256sum "$work/base/project.yaml" | cut -c1-12))"
! grep -q "^Owners whose\|^Owners only\|CHANGED" "$work/same.out"
check "identical runs: no owner listed, nothing CHANGED" $? "$(cat "$work/same.out")"
[ "$(wc -l <"$work/same.csv")" -eq 1 ]
check "identical runs: --csv holds the header only" $? "$(cat "$work/same.csv")"
"$nytte" -q diff --exit-code "$work/a" "$work/a2" >"$work/same.q" 2>&1
check "identical runs: --exit-code exits 0" $? "exit $?"
[ ! -s "$work/same.q" ]
check "-q prints nothing" $? "$(cat "$work/same.q")"

# ---- another model --------------------------------------------------------------------
expected a , b , >"$work/model.want"
n=$(wc -l <"$work/model.want")
[ "$n" -gt 100 ]
check "the model change changes the amounts of many owners ($n)" $? "only $n"
"$nytte" diff --csv "$work/model.csv" "$work/a" "$work/b" >"$work/model.out" 2>"$work/model.err"
check "model: exit 0" $? "$(cat "$work/model.err")"
has "model: the verdict names every changed owner" "$work/model.out" \
    "Owners' amounts:  CHANGED for $n of 220 owners ($n pay another amount, 0 only in A, 0 only in B)"
has "model: the model changed" "$work/model.out" "Model and rules:  CHANGED: allocation_model, allocation_words; how the outputs are written: compare"
! grep -q "^Model and rules: .*findings" "$work/model.out"
check "model: the findings are results, not rules" $? "$(grep '^Model and rules' "$work/model.out")"
has "model: the inputs did not" "$work/model.out" "Inputs:           unchanged (7 files, the same SHA-256)"
has "model: allocation_model A -> B" "$work/model.out" "  allocation_model: benefit_and_contributor -> benefit"
k=$(grep -n '^  model: benefit$' "$work/model/project.yaml" | cut -d: -f1)
has "model: the project file's line" "$work/model.out" "  - A line $k:   model: benefit_and_contributor"
has "model: the project file's line in B" "$work/model.out" "  + B line $k:   model: benefit"
diffcsv "$work/model.csv" , >"$work/model.got"
samefile "model: --csv lists every changed owner with the exact difference" "$work/model.got" "$work/model.want"
table "$work/model.out" >"$work/model.table"
samefile "model: the printed table too" "$work/model.table" "$work/model.want"
"$nytte" -q diff --exit-code "$work/a" "$work/b"
rc=$?
[ $rc -eq 3 ]
check "model: --exit-code exits 3" $? "exit $rc"

# ---- the Danish dialect (and the model) ----------------------------------------------------
expected a , c ';' >"$work/da.want"
samefile "excel_da: the same owners differ as with the model alone" "$work/da.want" "$work/model.want"
"$nytte" diff --csv "$work/da.csv" "$work/a" "$work/c" >"$work/da.out" 2>"$work/da.err"
check "excel_da: exit 0" $? "$(cat "$work/da.err")"
head -1 "$work/da.csv" | grep -q $'^\xEF\xBB\xBFowner_id;change;amount_a_kr;'
check "excel_da: --csv in B's dialect (byte-order mark, ';')" $? "$(head -1 "$work/da.csv")"
diffcsv "$work/da.csv" ';' >"$work/da.got"
samefile "excel_da: --csv lists every changed owner with the exact difference" "$work/da.got" "$work/da.want"
"$nytte" diff "$work/c" "$work/b" >"$work/dialect.out" 2>&1
has "only the dialect: no amount changed" "$work/dialect.out" "Owners' amounts:  unchanged: each of the 220 owners pays the same"
has "only the dialect: named as how the outputs are written" "$work/dialect.out" \
    "Model and rules:  model benefit in both; other parameters: see the project file's lines; how the outputs are written: csv_dialect"

# ---- a changed input ---------------------------------------------------------------------
expected a , d , >"$work/input.want"
printf 'E-F04,only_a,23103563,,-23103563\nE-NEW,only_b,,23103563,23103563\n' | cmp -s - "$work/input.want"
check "input: by hand, E-F04 leaves and E-NEW comes with F04's 231035.63 kr" $? "$(cat "$work/input.want")"
"$nytte" diff --csv "$work/input.csv" "$work/a" "$work/d" >"$work/input.out" 2>"$work/input.err"
check "input: exit 0" $? "$(cat "$work/input.err")"
has "input: named as changed" "$work/input.out" "Inputs:           CHANGED (by SHA-256): owners.csv"
sa=$(sha256sum "$work/base/owners.csv" | cut -c1-12) sd=$(sha256sum "$work/input/owners.csv" | cut -c1-12)
ba=$(stat -c %s "$work/base/owners.csv") bd=$(stat -c %s "$work/input/owners.csv")
has "input: by its SHA-256" "$work/input.out" "  owners.csv (owners): SHA-256 $sa -> $sd, $ba -> $bd bytes"
has "input: the model did not change" "$work/input.out" \
    "Model and rules:  model benefit_and_contributor in both, rules unchanged"
has "input: two owners differ" "$work/input.out" \
    "Owners' amounts:  CHANGED for 2 of 221 owners (0 pay another amount, 1 only in A, 1 only in B)"
has "input: E-F04 listed in A only" "$work/input.out" "E-F04         231035.63"
has "input: E-NEW listed in B only" "$work/input.out" "E-NEW         231035.63"
diffcsv "$work/input.csv" , >"$work/input.got"
samefile "input: --csv lists both" "$work/input.got" "$work/input.want"

# ---- a table edited after the run -------------------------------------------------------------
cp -r "$work/a" "$work/edited"
sed -i 's/^E-T001,Ejer E-T001,/E-T001,Ejer T,/' "$work/edited/owners.csv"
"$nytte" diff "$work/a" "$work/edited" >"$work/edited.out" 2>&1
check "edited: still compared, exit 0" $? "$(cat "$work/edited.out")"
grep -q "^WARNING: $work/edited/owners.csv is not the file that run wrote" "$work/edited.out"
check "edited: a warning names owners.csv" $? "$(cat "$work/edited.out")"

# ---- not a finished run --------------------------------------------------------------------
bad() { # bad WHAT EXIT STDERR ARGS...: fails with that one line, nothing on stdout, no --csv file
    local what=$1 want_rc=$2 want=$3
    shift 3
    rm -f "$work/bad.csv"
    "$nytte" diff --csv "$work/bad.csv" "$@" >"$work/bad.out" 2>"$work/bad.err"
    local rc=$?
    [ $rc -eq "$want_rc" ]
    check "$what: exit $want_rc" $? "exit $rc"
    [ "$(cat "$work/bad.err")" = "$want" ]
    check "$what: the message" $? "got '$(cat "$work/bad.err")', want '$want'"
    [ ! -s "$work/bad.out" ] && [ ! -e "$work/bad.csv" ] && [ -z "$(ls "$work" | grep '^bad.csv.tmp')" ]
    check "$what: nothing written" $? "$(cat "$work/bad.out"; ls "$work")"
}
mkdir -p "$work/empty"
bad "no manifest" 1 "nytte: $work/empty/manifest.json: not found: $work/empty is not the output folder of a finished nytte run" \
    "$work/a" "$work/empty"
bad "no folder" 1 "nytte: $work/nowhere: no such folder" "$work/nowhere" "$work/a"
cp -r "$work/a" "$work/m1"
sed -i '5s/^\(\([^,]*,\)\{4\}\)[0-9]*\.\([0-9]*\),/\112x4.\3,/' "$work/m1/owners.csv"
bad "an amount that is not one" 1 \
    "nytte: $work/m1/owners.csv: line 5: amount_kr: not an amount in kroner with a decimal point (csv_dialect standard, e.g. 1234.50): '$(sed -n '5p' "$work/m1/owners.csv" | cut -d, -f5)'" \
    "$work/a" "$work/m1"
cp -r "$work/a" "$work/m2"
sed -i '9s/\r$/,surplus\r/' "$work/m2/owners.csv"
bad "a row with a field too many" 1 "nytte: $work/m2/owners.csv: line 9: 18 fields where the header has 17" \
    "$work/m2" "$work/a"
cp -r "$work/a" "$work/m3"
printf 'E-Z,"Ejer Z,1\r\n' >>"$work/m3/owners.csv"
bad "a quote left open" 1 "nytte: $work/m3/owners.csv: line 222: field 2 (owner_name): a quoted field is not closed" \
    "$work/a" "$work/m3"
cp -r "$work/a" "$work/m4"
sed -i '12s/^[^,]*,/E-T001,/' "$work/m4/owners.csv"
bad "an owner twice" 1 "nytte: $work/m4/owners.csv: line $(grep -n '^E-T001,' "$work/m4/owners.csv" | sed -n 2p | cut -d: -f1): owner E-T001 again (first on line $(grep -n '^E-T001,' "$work/m4/owners.csv" | sed -n 1p | cut -d: -f1))" \
    "$work/a" "$work/m4"
cp -r "$work/c" "$work/m5"
tr ';' ',' <"$work/c/owners.csv" >"$work/m5/owners.csv"
bad "another dialect than the manifest's" 1 \
    "nytte: $work/m5/owners.csv: line 1: separated by ',', but manifest.json says csv_dialect excel_da (';')" \
    "$work/a" "$work/m5"
cp -r "$work/a" "$work/m6"
rm "$work/m6/owners.csv"
bad "no owners.csv" 1 "nytte: $work/m6/owners.csv: not found" "$work/a" "$work/m6"
cp -r "$work/a" "$work/m7"
head -c 200 "$work/a/manifest.json" >"$work/m7/manifest.json"
bad "a manifest cut short" 1 "$("$nytte" diff "$work/a" "$work/m7" 2>&1 >/dev/null | grep "^nytte: $work/m7/manifest.json:[0-9]*:[0-9]*: not valid JSON: ")" \
    "$work/a" "$work/m7"
bad "one folder only" 2 "$(printf 'nytte diff: expected two output folders OUT_A and OUT_B\n'; "$nytte" diff --help)" "$work/a"

[ $fail -eq 0 ] && echo "diff: all checks passed"
exit $fail

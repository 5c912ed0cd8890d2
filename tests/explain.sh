#!/usr/bin/env bash
# tests/explain.sh — explanations an owner can recompute (docs/models.md, Explanation):
# every shipped dataset and every test project that runs, under every allocation model,
# run; then explain_check redoes the arithmetic of EVERY owner's and parcel's explanation
# column (owners.csv, parcels.csv) from the printed numbers alone and requires the printed
# amounts to the øre, and does the same for the `nytte explain` text of a sample of owners
# of each (the largest and the smallest payer, a co-owner, a yearly payer, a capped payer, a
# contributor from outside the area: explain_check sample).
#
# A model is given the parameters it needs where the project has none (parts: Halsskov's
# plot 1 + building 1; zones: Kerteminde's bands; value_levy: Køge's rates; hybrid: 0.3
# equal + 0.7 benefit). The project's own model and the models of its allocation.compare
# must run; any other that cannot run on a dataset is skipped with the reason nytte gives
# (e.g. nobody in the benefit area has a positive weight), and the contributor models
# need a catchment hazard. Then what no shipped project has: payment caps that hold, the
# benefit safeguard holding payers at their bounds with a residual payer, harmed parcels
# paid back (the variants below).
#
# Usage: tests/explain.sh NYTTE REPO_ROOT BUILD_DIR [DATASET...]
#   NYTTE_EXPLAIN_MODELS="equal zones": only these models (the sanitizer build's quick run)
set -u
nytte=$(realpath "$1") root=$(realpath "$2") build=$(realpath "$3")
shift 3
check_bin=$build/tests/explain_check
work=$build/test-explain
fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }
[ -x "$check_bin" ] || { echo "FAIL $check_bin is missing (build the explain_check target)"; exit 1; }

all_models="benefit parts zones value_levy area equal hybrid contributor benefit_and_contributor"
models=${NYTTE_EXPLAIN_MODELS:-$all_models}
projects=("$@")
if [ ${#projects[@]} -eq 0 ]; then
    projects=(datasets/kerteminde/project.yaml datasets/aabyen/project.yaml tests/data/groundwater/project.yaml
              tests/data/bluespot/project.yaml tests/data/bluespot/project-rain.yaml tests/data/harmed/project.yaml
              tests/bad/_base/project.yaml)
fi

rm -rf "$work" && mkdir -p "$work"

# A copy of the project's folder (without outputs), the rasters given as .asc made GeoTIFFs.
copy_project() { # copy_project SRC_YAML DEST_DIR
    local src dir
    src=$(dirname "$root/$1")
    dir=$2
    mkdir -p "$dir"
    (cd "$src" && find . -mindepth 1 -maxdepth 1 ! -name out ! -name 'out.*' -exec cp -r {} "$dir/" \;)
    for a in "$dir"/*.asc; do
        [ -e "$a" ] || continue
        [ -e "${a%.asc}.tif" ] || gdal_translate -q -of GTiff -a_srs EPSG:25832 "$a" "${a%.asc}.tif" || return 1
    done
}

# The project file with allocation.model set to MODEL and the parameters it needs.
with_model() { # with_model YAML MODEL > NEW_YAML
    local yaml=$1 model=$2 extra=""
    case $model in
    parts) grep -q '^  parts:' "$yaml" || extra="  parts: {plot_flooded: 1, building_flooded: 1}" ;;
    zones) grep -q '^  zones:' "$yaml" || extra="  zones: {upper: [1.0, 1.3, 1.6, 1.9, 2.2], factor: [5, 4, 3, 2, 1], min_area: 50}" ;;
    value_levy) grep -q '^  value_levy:' "$yaml" || extra="  value_levy: {permille: [0, 0.453, 0.227]}" ;;
    hybrid) grep -q '^  hybrid:' "$yaml" || extra="  hybrid: [{model: equal, fraction: 0.3}, {model: benefit, fraction: 0.7}]" ;;
    esac
    awk -v model="$model" -v extra="$extra" '
        /^allocation:/ { print; inalloc = 1; if (extra != "") print extra; next }
        /^[^ #]/ { inalloc = 0 }
        inalloc && /^  model:/ { print "  model: " model; next }
        inalloc && /^  compare:/ { next }   # the comparison is not what is checked here
        { print }' "$yaml"
}

# The models a project says must run: its own and those of allocation.compare.
required_models() { # required_models YAML
    awk '/^allocation:/ { a = 1; next } /^[^ #]/ { a = 0 }
         a && /^  model:/ { print $2 }
         a && /^  compare:/ { gsub(/[][,]/, " "); for (i = 2; i <= NF; i++) print $i }' "$1"
}

# The first occurrence of FROM in FILE replaced by TO (literal text).
replace() { # replace FILE FROM TO
    awk -v f="$2" -v t="$3" '!done && (i = index($0, f)) { $0 = substr($0, 1, i - 1) t substr($0, i + length(f)); done = 1 }
        { print } END { exit !done }' "$1" >"$1.new" && mv "$1.new" "$1"
}

# The checker must fail on an explanation whose arithmetic or amounts are wrong: the bad-input
# base (area model: P1 and P2 pay 617278.09 kr each, P2 owned ½/½ by O2 and O3) with one
# number changed at a time.
selftest() {
    local d=$work/selftest
    copy_project tests/bad/_base/project.yaml "$d" || { bad "selftest: copying the project"; return; }
    "$nytte" -q run --out "$d/out" "$d/project.yaml" 2>"$d/err" || { bad "selftest: the run: $(cat "$d/err")"; return; }
    "$nytte" -q explain "$d/project.yaml" O2 >"$d/O2.txt" 2>"$d/err" || { bad "selftest: explain: $(cat "$d/err")"; return; }
    "$check_bin" table "$d/out/owners.csv" "$d/out/parcels.csv" >"$d/check.out" && "$check_bin" text "$d/O2.txt" "$d/out/owners.csv" O2 >>"$d/check.out" ||
        { bad "selftest: the unchanged outputs fail: $(cat "$d/check.out")"; return; }
    local n=0 what file from to
    while IFS='|' read -r what file from to; do
        mkdir -p "$d/m"
        cp "$d/out/owners.csv" "$d/out/parcels.csv" "$d/O2.txt" "$d/m/"
        replace "$d/m/$file" "$from" "$to" || { bad "selftest: $what: '$from' not in $file"; continue; }
        if "$check_bin" table "$d/m/owners.csv" "$d/m/parcels.csv" >"$d/m/out" 2>&1 &&
            "$check_bin" text "$d/m/O2.txt" "$d/m/owners.csv" O2 >>"$d/m/out" 2>&1; then
            bad "selftest: the checker passes $what"
        else
            n=$((n + 1))
            [ -n "${NYTTE_EXPLAIN_VERBOSE:-}" ] && echo "     $what: $(grep -m1 FAIL "$d/m/out")"
        fi
    done <<'EOF'
a wrong weight|parcels.csv|= 3400, amount|= 3401, amount
a wrong sum of weights|parcels.csv|× 3400 / 6800 =|× 3400 / 6801 =
a weight the sum does not hold|parcels.csv|2 × 300 + 1 × 2800 = 3400, amount: 1234556.18 kr × 3400 / 6800 = 617278.090000|2 × 300 + 1 × 2900 = 3500, amount: 1234556.18 kr × 3500 / 6800 = 635433.331764…
a wrong pool|parcels.csv|1234556.18 kr × 3400 / 6800 = 617278.090000|1234556.20 kr × 3400 / 6800 = 617278.100000
amount_kr unlike the explanation|parcels.csv|,617278.09,61727809,|,617278.10,61727809,
an øre more than the pool|parcels.csv|⌊617278.090000 kr⌋ = 617278.09 kr"|⌊617278.090000 kr⌋ + 1 øre = 617278.10 kr"
an øre more than the pool on a parcel that adds up|parcels.csv|,617278.09,61727809,0.00,"wall: area weight: 2 × 300 + 1 × 2800 = 3400, amount: 1234556.18 kr × 3400 / 6800 = 617278.090000 kr, pays: ⌊617278.090000 kr⌋ = 617278.09 kr"|,617278.10,61727810,0.00,"wall: area weight: 2 × 300 + 1 × 2800 = 3400, amount: 1234556.18 kr × 3400 / 6800 = 617278.090000 kr, pays: ⌊617278.090000 kr⌋ + 1 øre = 617278.10 kr"
pays not rounding the amount|parcels.csv|⌊617278.090000 kr⌋|⌊617278.100000 kr⌋
a co-owner's øre of largest remainder left out|owners.csv|⌊308639.045000 kr⌋ + 1 øre = 308639.05 kr|⌊308639.045000 kr⌋ = 308639.05 kr
a part not of what the parcel pays|owners.csv|617278.09 kr × 0.5|617278.19 kr × 0.5
a wrong total|owners.csv|total: 308639.04 kr|total: 308639.05 kr
a wrong total in the text|O2.txt|Total (i alt), what you pay: 308639.05 kr|Total (i alt), what you pay: 308639.04 kr
a wrong amount in the text|O2.txt|= 617278.090000 kr|= 617278.190000 kr
the text's øre of largest remainder left out|O2.txt|⌊308639.045000 kr⌋ + 1 øre = 308639.05 kr|⌊308639.045000 kr⌋ = 308639.05 kr
EOF
    ok "selftest: the checker fails on each of $n explanations with one number wrong"
    # largest remainder: 1.00 kr over weights 1 and 2 leaves 1 øre for b (fraction .6666 > .3333),
    # never for a, although the amounts and every equation would hold either way
    local lr=$d/lr
    mkdir -p "$lr"
    for give in b a; do
        local pa=0.33 pb=0.67 ka="" kb=" + 1 øre"
        [ $give = a ] && pa=0.34 pb=0.66 ka=" + 1 øre" kb=""
        {
            echo "parcel_id,amount_kr,yearly_om_kr,explanation"
            echo "a,$pa,0.00,\"e: equal weight: 1, amount: 1.00 kr × 1 / 3 = 0.333333… kr, pays: ⌊0.333333 kr⌋$ka = $pa kr\""
            echo "b,$pb,0.00,\"e: equal weight: 2, amount: 1.00 kr × 2 / 3 = 0.666666… kr, pays: ⌊0.666666 kr⌋$kb = $pb kr\""
        } >"$lr/parcels.csv"
        {
            echo "owner_id,amount_kr,yearly_om_kr,explanation"
            echo "a,$pa,0.00,\"a: e: equal weight: 1, amount: 1.00 kr × 1 / 3 = 0.333333… kr, pays: ⌊0.333333 kr⌋$ka = $pa kr | total: $pa kr\""
            echo "b,$pb,0.00,\"b: e: equal weight: 2, amount: 1.00 kr × 2 / 3 = 0.666666… kr, pays: ⌊0.666666 kr⌋$kb = $pb kr | total: $pb kr\""
        } >"$lr/owners.csv"
        "$check_bin" table "$lr/owners.csv" "$lr/parcels.csv" >"$lr/out-$give" 2>&1
        local got=$?
        if [ $give = b ] && [ $got -ne 0 ]; then
            bad "selftest: largest remainder done right fails: $(grep -m1 FAIL "$lr/out-$give")"
        elif [ $give = a ] && [ $got -eq 0 ]; then
            bad "selftest: the checker passes the øre of largest remainder given to the smaller fraction"
        elif [ $give = a ]; then
            ok "selftest: the øre of largest remainder to the larger fraction passes, to the smaller fails"
        fi
    done
}

selftest
# Run YAML into DIR and check its explanations: the columns of every owner and parcel, and
# `nytte explain` of a sample of owners. WHAT names it in the messages; MUST: the run must
# succeed (else a model that cannot run on the facts is skipped with nytte's reason).
run_and_check() { # run_and_check WHAT YAML DIR MUST
    local what=$1 yaml=$2 dir=$3 must=$4 rc i o
    mkdir -p "$dir"
    "$nytte" -q run --out "$dir/out" "$yaml" >"$dir/run.out" 2>"$dir/run.err"
    rc=$?
    if [ $rc -ne 0 ]; then
        # a model that cannot run on these facts fails in the allocation, naming the element
        if [ $rc -ge 128 ] || [ "$must" = yes ] || ! grep -q ': element ' "$dir/run.err"; then
            bad "$what: the run failed ($rc): $(head -3 "$dir/run.err")"
        else
            echo "skip $what: cannot run: $(head -1 "$dir/run.err")"
            nskip=$((nskip + 1))
        fi
        return
    fi
    nrun=$((nrun + 1))
    if "$check_bin" table "$dir/out/owners.csv" "$dir/out/parcels.csv" >"$dir/check.out" 2>&1; then
        ok "$what: $(tail -1 "$dir/check.out")"
    else
        bad "$what: the explanation columns"
        head -20 "$dir/check.out"
    fi
    mapfile -t owners < <("$check_bin" sample "$dir/out/owners.csv")
    [ ${#owners[@]} -gt 0 ] || return
    if ! "$nytte" -q explain "$yaml" "${owners[@]}" >"$dir/explain.txt" 2>"$dir/explain.err"; then
        bad "$what: nytte explain ${owners[*]}: $(head -3 "$dir/explain.err")"
        return
    fi
    # one file per owner: each explanation starts with "Owner (ejer) ID"
    awk -v d="$dir" '/^Owner \(ejer\) / { f = d "/explain-" (++n) ".txt" } f { print > f }' "$dir/explain.txt"
    for i in "${!owners[@]}"; do
        o=${owners[$i]}
        if "$check_bin" text "$dir/explain-$((i + 1)).txt" "$dir/out/owners.csv" "$o" >"$dir/check-$i.out" 2>&1; then
            ok "$what: $(tail -1 "$dir/check-$i.out")"
        else
            bad "$what: nytte explain $o"
            head -20 "$dir/check-$i.out"
        fi
    done
}

nrun=0 nskip=0
for proj in "${projects[@]}"; do
    name=$(echo "$proj" | sed 's|/project|-project|; s|/|_|g; s|\.yaml$||')
    src=$work/$name
    copy_project "$proj" "$src" || { bad "$proj: copying the project"; continue; }
    yaml=$src/$(basename "$proj")
    required=" $(required_models "$yaml" | tr '\n' ' ') "
    for model in $models; do
        if [[ $model == *contributor ]] && ! grep -q '^  contributor_hazard:' "$yaml"; then
            echo "skip $proj under $model: the project has no catchment hazard (allocation.contributor_hazard)"
            nskip=$((nskip + 1))
            continue
        fi
        with_model "$yaml" "$model" >"$src/explain-$model.yaml"
        must=no
        [[ $required == *" $model "* ]] && must=yes
        run_and_check "$proj under $model" "$src/explain-$model.yaml" "$work/$name-$model" $must
    done
done

# What no shipped project has, run the same way (each must run and show what it is for):
# payment caps that hold, the benefit safeguard capping payers at their bound with a
# residual payer, harmed parcels paid back (PROJECT|MODEL|TEXT THE COLUMNS MUST HOLD|LINES).
variants=(
    "datasets/kerteminde/project.yaml|zones|amount, held at the m|  min_payment: 5000|  max_payment: 400000"
    "datasets/kerteminde/project.yaml|zones|held at its benefit bound|  benefit_cap: {mode: cap, multiple: 2, residual_payer: Kerteminde Kommune}"
    "tests/bad/_base/project.yaml|benefit|amount, held at the m|  min_payment: 100000"
    "tests/data/harmed/project.yaml|benefit| (harmed): |  compensate_harmed: true"
    "tests/data/bluespot/project-rain.yaml|benefit| (harmed): |  compensate_harmed: true"
)
k=0
for v in "${variants[@]}"; do
    IFS='|' read -r proj model must_hold l1 l2 <<<"$v"
    k=$((k + 1))
    [[ " ${projects[*]} " == *" $proj "* && " $models " == *" $model "* ]] || continue
    name=$(echo "$proj" | sed 's|/project|-project|; s|/|_|g; s|\.yaml$||')
    src=$work/$name
    yaml=$src/$(basename "$proj")
    with_model "$yaml" "$model" | awk -v a="$l1" -v b="$l2" '{ print } /^allocation:/ { print a; if (b != "") print b }' \
        >"$src/explain-variant$k.yaml"
    run_and_check "$proj under $model with $(echo $l1 $l2)" "$src/explain-variant$k.yaml" "$work/$name-variant$k" yes
    grep -qF "$must_hold" "$work/$name-variant$k/out/parcels.csv" ||
        bad "$proj under $model with $(echo $l1 $l2): no '$must_hold' in parcels.csv (the variant checks nothing)"
done
echo "$nrun runs checked, $nskip skipped"
[ $nrun -gt 0 ] || bad "nothing ran"
[ $fail = 0 ] && rm -rf "$work" && echo "all checks passed"
exit $fail

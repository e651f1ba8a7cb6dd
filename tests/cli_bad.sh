#!/bin/sh
# Malformed and hostile scenes (tests/bad/): each NAME.scene has a
# NAME.expect whose first line is the expected exit status, optionally
# followed by the command and its options (default: check), e.g.
#     65
#     0 report --max-events 5000
# and whose other lines are the exact standard error.  An optional
# NAME.stdout lists strings (one per line) that standard output must
# contain.  Every file is run with a time limit, so a hang fails too.
# Run from the repo root: sh tests/cli_bad.sh
. tests/lib.sh
unset GILVIZ_SCENES

n=0
for scene in tests/bad/*.scene; do
    name=${scene%.scene}
    exp=$name.expect
    n=$((n + 1))
    if [ ! -f "$exp" ]; then
        not_ok "$scene has an .expect file"
        continue
    fi
    # shellcheck disable=SC2046 # the first line is words on purpose
    set -- $(head -n 1 "$exp")
    want=$1
    shift
    [ $# -gt 0 ] || set -- check
    tail -n +2 "$exp" >"$TMP/want"
    timeout 60 "$GILVIZ" "$@" "$scene" >"$TMP/out" 2>"$TMP/err"
    got=$?
    what="$* $(basename "$scene")"
    if [ "$got" -ne "$want" ]; then
        not_ok "$what exits $want" "got $got" "$(head -c 600 "$TMP/err")"
    elif ! cmp -s "$TMP/want" "$TMP/err"; then
        not_ok "$what: standard error as expected" "$(diff "$TMP/want" "$TMP/err" | head -c 1200)"
    else
        ok "$what exits $want with the expected message"
    fi
    if [ -f "$name.stdout" ]; then
        while IFS= read -r line; do
            expect_grep "$what: output shows '$line'" "$line" "$TMP/out"
        done <"$name.stdout"
    fi
done

for exp in tests/bad/*.expect; do
    [ -f "${exp%.expect}.scene" ] || not_ok "$exp has a scene"
done
if [ "$n" -ge 60 ]; then ok "tests/bad has $n scenes"; else not_ok "tests/bad has at least 60 scenes" "only $n"; fi

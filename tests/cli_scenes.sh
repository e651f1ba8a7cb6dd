#!/bin/sh
# `gilviz check` on the shipped scenes and on broken fixtures, and runtime
# scene errors (65).  Run from the repo root: sh tests/cli_scenes.sh
. tests/lib.sh
unset GILVIZ_SCENES

# expect_empty NAME FILE: FILE has no bytes
expect_empty() {
    if [ ! -s "$2" ]; then ok "$1"; else
        not_ok "$1" "expected no output, got:" "$(head -c 600 "$2")"; fi
}

# --- every shipped scene is valid ---------------------------------------------
expect_exit "check scenes/*.scene exits 0" 0 "$GILVIZ" check scenes/*.scene
expect_empty "check scenes/*.scene: no diagnostics" "$TMP/err"
nfiles=0
for f in scenes/*.scene; do
    nfiles=$((nfiles + 1))
    if grep -Eq "^$f: ok \\([1-9][0-9]* threads?\\)\$" "$TMP/out"; then
        ok "check: $f is ok"
    else
        not_ok "check: $f is ok" "no '$f: ok (N threads)' line in:" "$(head -c 600 "$TMP/out")"
    fi
done
nlines=$(wc -l <"$TMP/out")
if [ "$nfiles" -gt 0 ] && [ "$nlines" -eq "$nfiles" ]; then
    ok "check prints exactly one line per file ($nfiles)"
else
    not_ok "check prints exactly one line per file" "$nfiles files, $nlines lines"
fi

# --- a scene with several errors -----------------------------------------------
bad=tests/cli/bad-syntax.scene
expect_exit "check of a bad scene exits 65" 65 "$GILVIZ" check "$bad"
expect_empty "check of a bad scene prints no ok line" "$TMP/out"
first=$(sed -n 1p "$TMP/err")
if printf '%s\n' "$first" | grep -Eq "^$bad:6:9: error: .+"; then
    ok "first diagnostic is 'FILE:6:9: error: MESSAGE'"
else
    not_ok "first diagnostic is 'FILE:6:9: error: MESSAGE'" "got: $first"
fi
expect_grep "first diagnostic asks for a unit" "$bad:6:9: error: a duration needs a unit" "$TMP/err"
src=$(sed -n 2p "$TMP/err")
if printf '%s\n' "$src" | grep -Eq '^ *6 \|     cpu 5 ms$'; then
    ok "diagnostic quotes the offending line"
else
    not_ok "diagnostic quotes the offending line" "got: $src"
fi
# The caret must sit under column 9 of the quoted line: the '5' of "cpu 5 ms".
caret=$(awk 'NR == 2 { p = index($0, "| "); want = p + 2 + 9 - 1; ch = substr($0, want, 1) }
             NR == 3 { c = index($0, "^"); rest = $0; sub(/^ *\| */, "", rest)
                       print (c == want && rest == "^" && index($0, "|") == p) ? "ok:" ch : "bad:" c "/" want }' "$TMP/err")
if [ "$caret" = "ok:5" ]; then
    ok "caret line points at column 9 (the '5')"
else
    not_ok "caret line points at column 9 (the '5')" "$caret" "$(sed -n 2,3p "$TMP/err")"
fi
lines=$(grep -Eo "^$bad:[0-9]+:[0-9]+: error:" "$TMP/err" | cut -d: -f2 | sort -un | tr '\n' ' ' | sed 's/ $//')
nerr=$(printf '%s\n' $lines | grep -c .)
if [ "$nerr" -ge 2 ]; then
    ok "all errors reported in one run (lines: $lines)"
else
    not_ok "all errors reported in one run" "distinct error lines: '$lines'" "$(head -c 600 "$TMP/err")"
fi
expect_grep "the misspelled step is reported" "$bad:7:5: error: unknown step 'cpuu'" "$TMP/err"
expect_grep "the undeclared lock is reported" "$bad:10:13: error: unknown lock 'nolock'" "$TMP/err"
order=$(grep -Eo "^$bad:[0-9]+:" "$TMP/err" | cut -d: -f2 | tr '\n' ' ')
if [ "$order" = "$(printf '%s\n' $order | sort -n | tr '\n' ' ')" ]; then
    ok "errors come in line order"
else
    not_ok "errors come in line order" "got: $order"
fi

expect_exit "report of a bad scene exits 65" 65 "$GILVIZ" report "$bad"
expect_grep "report shows the same diagnostics" "$bad:6:9: error:" "$TMP/err"
expect_empty "report of a bad scene prints no report" "$TMP/out"

# --- mixed arguments ------------------------------------------------------------
expect_exit "check good + missing exits 66" 66 "$GILVIZ" check scenes/convoy.scene tests/cli/does-not-exist.scene
expect_grep "check good + missing: the good file is still ok" "scenes/convoy.scene: ok" "$TMP/out"
expect_grep "check good + missing: the missing file is named" "tests/cli/does-not-exist.scene" "$TMP/err"

expect_exit "check missing + good is nonzero too" 66 "$GILVIZ" check tests/cli/does-not-exist.scene scenes/convoy.scene
expect_grep "check missing + good: checks the file after it" "scenes/convoy.scene: ok" "$TMP/out"

expect_exit "check good + bad exits 65" 65 "$GILVIZ" check scenes/convoy.scene "$bad"
expect_grep "check good + bad: the good file is ok" "scenes/convoy.scene: ok" "$TMP/out"

# --- a scene that fails while running -------------------------------------------
rel=tests/cli/release-unheld.scene
expect_exit "release of a lock not held exits 65" 65 "$GILVIZ" report "$rel"
if grep -Eq "^$rel:7:5: .*releases lock 'm'.*not hold" "$TMP/err"; then
    ok "runtime error is 'FILE:7:5: ... releases lock 'm' ... not hold'"
else
    not_ok "runtime error is 'FILE:7:5: ... releases lock 'm' ... not hold'" "$(head -c 600 "$TMP/err")"
fi
expect_empty "runtime error: no report on stdout" "$TMP/out"
expect_exit "runtime error with --json exits 65" 65 "$GILVIZ" report --json "$rel"
expect_empty "runtime error with --json: no JSON on stdout" "$TMP/out"

#!/bin/sh
# Command-line handling: --help, --version, usage errors (64) and missing
# input (66).  Run from the repo root: sh tests/cli_args.sh
. tests/lib.sh
unset GILVIZ_SCENES

# expect_empty NAME FILE: FILE has no bytes
expect_empty() {
    if [ ! -s "$2" ]; then ok "$1"; else
        not_ok "$1" "expected no output, got:" "$(head -c 600 "$2")"; fi
}

# --- help and version -------------------------------------------------------
expect_exit "--help exits 0" 0 "$GILVIZ" --help
expect_grep "--help shows usage" "usage: gilviz" "$TMP/out"
expect_grep "--help mentions check" "gilviz check" "$TMP/out"
expect_grep "--help mentions report" "gilviz report" "$TMP/out"
expect_grep "--help mentions log" "gilviz log" "$TMP/out"
expect_empty "--help writes nothing to stderr" "$TMP/err"

expect_exit "--version exits 0" 0 "$GILVIZ" --version
if grep -Eq '^gilviz [0-9]+\.[0-9]+\.[0-9]+$' "$TMP/out" && [ "$(wc -l <"$TMP/out")" -eq 1 ]; then
    ok "--version prints one line 'gilviz X.Y.Z'"
else
    not_ok "--version prints one line 'gilviz X.Y.Z'" "got: $(head -c 200 "$TMP/out")"
fi
mk_version=$(sed -n 's/^VERSION *:*= *//p' Makefile)
if [ -n "$mk_version" ] && grep -qxF "gilviz $mk_version" "$TMP/out"; then
    ok "--version matches the Makefile VERSION ($mk_version)"
else
    not_ok "--version matches the Makefile VERSION" "Makefile: '$mk_version'" "got: $(cat "$TMP/out")"
fi

# --- usage errors: 64 ---------------------------------------------------------
expect_exit "no arguments exits 64" 64 "$GILVIZ"
expect_grep "no arguments prints usage on stderr" "usage: gilviz" "$TMP/err"
expect_empty "no arguments prints nothing on stdout" "$TMP/out"

expect_exit "unknown option exits 64" 64 "$GILVIZ" --frobnicate
expect_grep "unknown option is named" "'--frobnicate'" "$TMP/err"
expect_empty "unknown option prints nothing on stdout" "$TMP/out"

expect_exit "unknown report option exits 64" 64 "$GILVIZ" report --frobnicate convoy
expect_grep "unknown report option is named" "'--frobnicate'" "$TMP/err"
expect_empty "unknown report option runs nothing" "$TMP/out"

expect_exit "unknown check option exits 64" 64 "$GILVIZ" check --frobnicate scenes/convoy.scene
expect_grep "unknown check option is named" "'--frobnicate'" "$TMP/err"

expect_exit "--json is not a log option (64)" 64 "$GILVIZ" log --json convoy

expect_exit "report without a scene exits 64" 64 "$GILVIZ" report
expect_grep "report without a scene says so" "needs a scene" "$TMP/err"

expect_exit "report --json without a scene exits 64" 64 "$GILVIZ" report --json

expect_exit "check without files exits 64" 64 "$GILVIZ" check

expect_exit "two scenes for report exits 64" 64 "$GILVIZ" report convoy convoy
expect_grep "two scenes: the extra one is named" "'convoy'" "$TMP/err"

expect_exit "--set without a value exits 64" 64 "$GILVIZ" report convoy --set
expect_grep "--set without a value says KEY=VALUE" "KEY=VALUE" "$TMP/err"

expect_exit "--set without '=' exits 64" 64 "$GILVIZ" report --set cores convoy
expect_grep "--set without '=' says KEY=VALUE" "KEY=VALUE" "$TMP/err"

expect_exit "--set cores=0 exits 64" 64 "$GILVIZ" report --set cores=0 convoy
expect_grep "--set cores=0 names the key" "cores" "$TMP/err"
expect_grep "--set cores=0 gives the range" "between 1 and 128" "$TMP/err"
expect_empty "--set cores=0 runs nothing" "$TMP/out"

expect_exit "--set cores=129 exits 64" 64 "$GILVIZ" report --set cores=129 convoy
expect_grep "--set cores=129 gives the range" "between 1 and 128" "$TMP/err"

expect_exit "--set foo=1 exits 64" 64 "$GILVIZ" report --set foo=1 convoy
expect_grep "--set foo=1 names the unknown setting" "unknown setting 'foo'" "$TMP/err"
expect_grep "--set foo=1 lists the known settings" "switch_interval" "$TMP/err"
# the whole list, up to its closing parenthesis (found by tests/fuzz/fuzz_args:
# a 256-byte buffer cut the message)
expect_exit "--set a long unknown key exits 64" 64 "$GILVIZ" report --set 0123456789abcdefghijklmnopqrstuvwxyz0123=1 convoy
expect_grep "--set a long unknown key lists every setting" "fork_cost, pickle_per_mb)" "$TMP/err"

expect_exit "--set gil=maybe exits 64" 64 "$GILVIZ" report --set gil=maybe convoy
expect_grep "--set gil=maybe names the bad model" "'maybe'" "$TMP/err"
expect_grep "--set gil=maybe lists the models" "new, old or none" "$TMP/err"

expect_exit "--set switch_interval=5 (no unit) exits 64" 64 "$GILVIZ" report --set switch_interval=5 convoy
expect_grep "--set switch_interval=5 asks for a unit" "unit" "$TMP/err"

expect_exit "--set python=4.0 exits 64" 64 "$GILVIZ" report --set python=4.0 convoy

expect_exit "--max-events abc exits 64" 64 "$GILVIZ" report --max-events abc convoy
expect_grep "--max-events abc names the value" "'abc'" "$TMP/err"
expect_exit "--max-events 0 exits 64" 64 "$GILVIZ" report --max-events 0 convoy
expect_exit "--max-events -5 exits 64" 64 "$GILVIZ" report --max-events -5 convoy
# strtoull skips blanks, then negates: " -5" was 2^64 - 5 (found by fuzz_args)
expect_exit "--max-events ' -5' exits 64" 64 "$GILVIZ" report --max-events " -5" convoy
expect_exit "--max-events +5 exits 64" 64 "$GILVIZ" report --max-events +5 convoy
expect_exit "--max-events without a number exits 64" 64 "$GILVIZ" report convoy --max-events

# --- missing input: 66 --------------------------------------------------------
missing=tests/cli/does-not-exist.scene
expect_exit "report of a missing file exits 66" 66 "$GILVIZ" report "$missing"
expect_grep "missing file is named" "$missing" "$TMP/err"
expect_empty "missing file: nothing on stdout" "$TMP/out"

expect_exit "check of a missing file exits 66" 66 "$GILVIZ" check "$missing"
expect_grep "check names the missing file" "$missing" "$TMP/err"

mkdir "$TMP/dir.scene"
expect_exit "a directory as scene exits 66" 66 "$GILVIZ" report "$TMP/dir.scene"
expect_grep "the directory is named" "$TMP/dir.scene" "$TMP/err"
expect_exit "check of a directory exits 66" 66 "$GILVIZ" check "$TMP/dir.scene"

# Root reads everything, so unreadability can only be tested as a normal user.
if [ "$(id -u)" -ne 0 ]; then
    cp scenes/convoy.scene "$TMP/unreadable.scene"
    chmod 000 "$TMP/unreadable.scene"
    expect_exit "an unreadable scene exits 66" 66 "$GILVIZ" report "$TMP/unreadable.scene"
    expect_grep "the unreadable file is named" "$TMP/unreadable.scene" "$TMP/err"
fi

expect_exit "unknown built-in name exits 66" 66 "$GILVIZ" report no-such-builtin
expect_grep "unknown built-in is named" "built-in scene named 'no-such-builtin'" "$TMP/err"
expect_grep "unknown built-in points to the scene list" "gilviz list" "$TMP/err"

expect_exit "unknown built-in via play shorthand exits 66" 66 "$GILVIZ" no-such-builtin

# --help and the man page name every key --set knows (the list in the error
# for an unknown key is the parser's own).
"$GILVIZ" report --set bogus=1 convoy >/dev/null 2>"$TMP/keys"
keys=$(sed -n 's/.*(known: \(.*\))$/\1/p' "$TMP/keys" | tr -d ',')
"$GILVIZ" --help >"$TMP/help" 2>&1
missing=""
for k in $keys; do
    tr -d ',\n' <"$TMP/help" | tr -s ' ' | grep -qw -- "$k" || missing="$missing $k"
    grep -qw -- "$k" assets/gilviz.1 || missing="$missing $k(man)"
done
if [ -n "$keys" ] && [ -z "$missing" ]; then ok "--help and the man page list every --set key"; else
    not_ok "--help and the man page list every --set key" "missing:$missing" "keys: $keys"; fi

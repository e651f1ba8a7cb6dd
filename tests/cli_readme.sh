#!/bin/sh
# The README's examples are what the program prints: every fenced block of
# README.md that starts with "$ gilviz ..." or "$ ./gilviz ..." is run, and
# the rest of the block must be its output, line for line.  (A model change
# that moves a figure must move the README with it.)
. tests/lib.sh

README=${README:-README.md}
# split the examples into $TMP/ex.N.cmd (the command's arguments) and
# $TMP/ex.N.out (the output the README shows)
awk -v dir="$TMP" '
    /^```/ {
        if (inblock) { inblock = 0; if (cmd) close(out); cmd = 0; next }
        inblock = 1; first = 1; next
    }
    inblock && first {
        first = 0
        if ($0 ~ /^\$ (\.\/)?gilviz /) {
            n++; cmd = 1
            out = dir "/ex." n ".out"
            line = $0; sub(/^\$ (\.\/)?gilviz /, "", line)
            print line > (dir "/ex." n ".cmd"); close(dir "/ex." n ".cmd")
            printf "" > out
        }
        next
    }
    inblock && cmd { print > out }
' "$README"

n=0
for c in "$TMP"/ex.*.cmd; do
    [ -f "$c" ] || continue
    n=$((n + 1))
    args=$(cat "$c")
    want=${c%.cmd}.out
    # shellcheck disable=SC2086 # the README's arguments are plain words
    $GILVIZ $args >"$TMP/got" 2>&1
    if diff -u "$want" "$TMP/got" >"$TMP/diff"; then
        ok "README example: gilviz $args"
    else
        not_ok "README example: gilviz $args" "the README shows something else than the program prints:" \
            "$(head -c 1500 "$TMP/diff")"
    fi
done
if [ "$n" -ge 3 ]; then ok "the README has its examples ($n)"; else
    not_ok "the README has its examples" "found $n examples, expected at least 3"; fi

#!/bin/sh
# Run every test program given as arguments and every tests/cli_*.sh script,
# then print one closing line "N passed, N failed".  Exit 1 if anything failed.
#
# cmocka programs print "[       OK ] name" per passing test and
# "[  FAILED  ] N test(s), listed below:" at the end; shell scripts print
# "ok - name" / "not ok - name" (see tests/lib.sh).  A program that dies
# without its summary counts as one failure.
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for prog in "$@"; do
    echo "== $prog"
    "$prog" >"$log" 2>&1
    rc=$?
    cat "$log"
    ok=$(grep -c '^\[       OK \]' "$log")
    bad=$(sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test(s), listed below:.*/\1/p' "$log" | head -n 1)
    [ -n "$bad" ] || bad=0
    summary=$(grep -c '^\[  PASSED  \]\|^\[  FAILED  \] [0-9]* test(s), listed' "$log")
    if [ "$summary" -eq 0 ] || { [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; }; then
        echo "!! $prog exited with status $rc without a clean summary"
        bad=$((bad + 1))
    fi
    passed=$((passed + ok))
    failed=$((failed + bad))
done

for script in tests/cli_*.sh; do
    [ -f "$script" ] || continue
    echo "== $script"
    sh "$script" >"$log" 2>&1
    rc=$?
    cat "$log"
    ok=$(grep -c '^ok - ' "$log")
    bad=$(grep -c '^not ok - ' "$log")
    if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
        echo "!! $script exited with status $rc"
        bad=1
    fi
    passed=$((passed + ok))
    failed=$((failed + bad))
done

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/bin/sh
# Run each libFuzzer harness named as an argument for $FUZZ_SECONDS seconds
# (used by `make fuzz` and `make fuzz-smoke`; see tests/fuzz/fuzz.mk).
#
# The committed seeds (tests/fuzz/corpus/NAME/, and scenes/*.scene for the
# scene and sim harnesses) are copied into $FUZZ_BUILD/work/NAME/corpus, a
# scratch directory the fuzzer adds to (kept between runs, so later runs
# start where earlier ones stopped); crash, leak and timeout inputs land in
# $FUZZ_BUILD/work/NAME/ as crash-*, leak-*, timeout-*, oom-*.
# Prints the executions of each harness; exits 1 if any harness failed.
FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
status=0
for name in "$@"; do
    bin=$FUZZ_BUILD/fuzz_$name
    work=$FUZZ_BUILD/work/$name
    mkdir -p "$work/corpus"
    # what an earlier run found is in its log; start clean
    rm -f "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* "$work"/slow-unit-*
    [ -d "tests/fuzz/corpus/$name" ] && cp tests/fuzz/corpus/"$name"/* "$work/corpus/" 2>/dev/null
    case $name in scene|sim) cp scenes/*.scene "$work/corpus/" ;; esac
    dict=""
    case $name in scene|sim) dict="-dict=tests/fuzz/scene.dict" ;; esac
    # shellcheck disable=SC2086
    "$bin" $FUZZ_FLAGS $dict -max_total_time="$FUZZ_SECONDS" -artifact_prefix="$work/" \
        "$work/corpus" >"$work/log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -n 1)
    found=$(ls "$work" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' | head -n 5)
    if [ "$rc" -ne 0 ] || [ -n "$found" ]; then
        echo "fuzz $name: FAILED after ${execs:-?} executions (exit $rc) $found"
        grep -E 'ERROR|SUMMARY|check failed|runtime error' "$work/log" | head -n 10
        echo "  full log: $work/log"
        status=1
    else
        echo "fuzz $name: ${execs:-?} executions in ${FUZZ_SECONDS} s, corpus $(ls "$work/corpus" | wc -l) inputs, no crash"
    fi
done
exit $status

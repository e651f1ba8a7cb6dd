#!/bin/sh
# `gilviz log`: the event log in words, limited with --from/--to.
# Run from the repo root: sh tests/cli_log.sh
. tests/lib.sh
# English unless a test asks for Portuguese (the default follows the locale)
unset GILVIZ_SCENES LC_ALL LC_MESSAGES LANG LANGUAGE

# Times are written "      5068.602 us  text": microseconds, 3 decimals.
TS='^ *[0-9]+\.[0-9]{3} us  [^ ]'

# expect_all_lines NAME ERE FILE: FILE is non-empty and every line matches
expect_all_lines() {
    n=$(wc -l <"$3")
    bad=$(grep -Evc -- "$2" "$3")
    if [ "$n" -gt 0 ] && [ "$bad" -eq 0 ]; then ok "$1"; else
        not_ok "$1" "$n lines, $bad not matching $2:" "$(grep -Ev -- "$2" "$3" | head -n 5)"; fi
}

# expect_times NAME MIN_US MAX_US FILE: every timestamp is within [MIN, MAX]
expect_times() {
    out=$(awk -v lo="$2" -v hi="$3" '{ t = $1 + 0; if (t < lo || t > hi) { print "line " NR ": " $0; exit } }' "$4")
    if [ "$(wc -l <"$4")" -gt 0 ] && [ -z "$out" ]; then ok "$1"; else
        not_ok "$1" "want times in [$2, $3] us, lines: $(wc -l <"$4")" "$out"; fi
}

# The plain number 0 needs no unit.
expect_exit "log --from 0 --to 1ms convoy exits 0" 0 "$GILVIZ" log --from 0 --to 1ms convoy

expect_exit "log --from 0s --to 1ms convoy exits 0" 0 "$GILVIZ" log --from 0s --to 1ms convoy
cp "$TMP/out" "$TMP/log0"
expect_all_lines "log lines start with a 'N.NNN us  ' timestamp" "$TS" "$TMP/log0"
expect_grep "log mentions the GIL" "GIL" "$TMP/log0"
expect_grep "log names the scene's threads" "cruncher" "$TMP/log0"
expect_grep "log shows the scene's notes" "note: cruncher will compute" "$TMP/log0"
expect_times "log --to 1ms stops at 1000 us" 0 1000 "$TMP/log0"
sorted=$(awk '{ print $1 }' "$TMP/log0" | sort -n | tr '\n' ' ')
if [ "$(awk '{ print $1 }' "$TMP/log0" | tr '\n' ' ')" = "$sorted" ]; then
    ok "log events are in time order"
else
    not_ok "log events are in time order"
fi

expect_exit "log --from 5ms --to 6ms convoy exits 0" 0 "$GILVIZ" log --from 5ms --to 6ms convoy
cp "$TMP/out" "$TMP/log5"
expect_times "log --from 5ms --to 6ms stays in [5000, 6000] us" 5000 6000 "$TMP/log5"
expect_grep "log shows the forced switch at ~5 ms" "forced GIL switch" "$TMP/log5"

# Same run, same log.
"$GILVIZ" log --from 5ms --to 6ms convoy >"$TMP/log5b" 2>/dev/null
if [ -s "$TMP/log5" ] && cmp -s "$TMP/log5" "$TMP/log5b"; then ok "log is byte-identical across runs"; else
    not_ok "log is byte-identical across runs"; fi

expect_exit "log --from abc exits 64" 64 "$GILVIZ" log --from abc convoy
expect_grep "log --from abc names the bad time" "'abc'" "$TMP/err"
expect_exit "log --to 5 (no unit) exits 64" 64 "$GILVIZ" log --to 5 convoy
expect_exit "log --from without a value exits 64" 64 "$GILVIZ" log convoy --from
expect_exit "--from is not a report option (64)" 64 "$GILVIZ" report --from 1ms convoy
expect_exit "log without a scene exits 64" 64 "$GILVIZ" log --from 1ms
expect_exit "log of a missing scene exits 66" 66 "$GILVIZ" log tests/cli/does-not-exist.scene

# --from after --to is a usage error, not an empty log
expect_exit "log --from 2ms --to 1ms exits 64" 64 "$GILVIZ" log --from 2ms --to 1ms convoy
expect_grep "log --from after --to says why" "must not be later" "$TMP/err"

# list: see tests/cli_list.sh

# a task is named in words, as its lane is: fetch3 of 'task fetch x20'
"$GILVIZ" log --lang en --to 1ms asyncio-downloads >"$TMP/aio" 2>&1
expect_grep "log names the task a loop runs" "loop app runs a step of task fetch3" "$TMP/aio"

# a deadlock's report has no speedup: the work was never all done
"$GILVIZ" report tests/cli/deadlock.scene >"$TMP/dl" 2>&1
if grep -q "^speedup" "$TMP/dl"; then not_ok "a deadlocked run reports no speedup" "$(cat "$TMP/dl")"; else
    ok "a deadlocked run reports no speedup"; fi

# the deadlock's line names the cycle, lock by lock
"$GILVIZ" log --lang en tests/cli/deadlock.scene >"$TMP/dlog" 2>&1
expect_grep "log names the deadlock's cycle" \
    "deadlock: t1 waits for lock b, held by t2; t2 waits for lock a, held by t1" "$TMP/dlog"

# counters in words: a loop's ready queue, a queue.Queue's length
"$GILVIZ" log --lang en --to 1ms producer-consumer >"$TMP/pc" 2>&1
expect_grep "log: a queue's length in words" "queue jobs: length 0" "$TMP/pc"
"$GILVIZ" log --lang en --to 23ms callbacks >"$TMP/cb" 2>&1
expect_grep "log: a loop's ready queue in words" "loop app: 1 in the ready queue" "$TMP/cb"

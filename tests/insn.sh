#!/bin/sh
# insn.sh PROGRAM: the instructions engine_run executes per event on the
# benchmark scenes, counted by callgrind (make bench-insn).
#
# PROGRAM is tests/insn_scene built as make bench builds (-O2, LTO).  For
# each scene it runs PROGRAM twice under valgrind --tool=callgrind, once
# simulating and once only setting up (parse, engine_new), and prints the
# difference over the number of events.  Unlike make bench's times, the
# count does not move with the machine's load: the same binary gives the
# same figure to within a few instructions, so a change to the hot path can
# be judged by it on a shared machine.  Exit status 1 if a run fails.
prog=${1:?usage: tests/insn.sh PROGRAM}
command -v valgrind >/dev/null 2>&1 || { echo "insn: valgrind is not installed (sh .ci/deps installs it)" >&2; exit 69; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# count FILE: the total instructions of a callgrind output file
count() {
    sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$1"
}

printf '%-34s %14s %12s\n' "scene" "events" "instr/event"
for scene in asyncio threads; do
    valgrind --tool=callgrind --callgrind-out-file="$tmp/run" "$prog" "$scene" >"$tmp/events" 2>"$tmp/err.run" &
    valgrind --tool=callgrind --callgrind-out-file="$tmp/setup" "$prog" "$scene" setup >/dev/null 2>"$tmp/err.setup"
    s1=$?
    wait $!
    s2=$?
    if [ "$s1" -ne 0 ] || [ "$s2" -ne 0 ]; then
        echo "insn: $prog $scene failed:" >&2
        cat "$tmp/err.run" "$tmp/err.setup" >&2
        exit 1
    fi
    events=$(cat "$tmp/events")
    run=$(count "$tmp/run")
    setup=$(count "$tmp/setup")
    case "$events$run$setup" in
    '' | *[!0-9]*) echo "insn: no count for $scene" >&2; exit 1 ;;
    esac
    [ "$events" -gt 0 ] || { echo "insn: $scene simulated no event" >&2; exit 1; }
    case $scene in
    asyncio) name="asyncio 100k tasks" ;;
    threads) name="threads (a tenth of make bench's)" ;;
    esac
    awk -v n="$name" -v e="$events" -v r="$run" -v s="$setup" \
        'BEGIN { printf "%-34s %14d %12.1f\n", n, e, (r - s) / e }'
done

#!/bin/sh
# The headless commands under valgrind memcheck (make valgrind; not part of
# make test): list, then for every built-in scene check, report,
# report --json, log, export, frame --format text|ansi|svg|html and render.
# Any memcheck error, and any definitely or indirectly lost block, makes
# valgrind exit 99: that, or any other failure of the command, fails the
# check.  Prints "ok - ..." / "not ok - ..." lines (the log of a failure
# under it); exit status 1 on any failure.
# GILVIZ should be a -O1 build without LTO (make valgrind builds one).
# Two scenes are cut short with --set horizon= (every command on them), to
# keep the run to a few minutes: old-gil-battle (190,000 events) at 30 ms
# and race-counter (1.7 million events) at 5 ms, about 20,000 and 50,000
# events.  A failing command is run again with --track-origins=yes for the
# log (too slow to use on every run).
# Run from the repo root: GILVIZ=build-valgrind/gilviz sh tests/valgrind.sh
. tests/lib.sh
unset GILVIZ_SCENES LC_ALL LC_MESSAGES
command -v valgrind >/dev/null 2>&1 || { echo "not ok - valgrind is not installed (.ci/run installs it)"; exit 1; }

VG="valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect"
failed=0
passed=0
# vg NAME CMD...: run `gilviz CMD...` under memcheck; it must exit 0
vg() {
    name=$1
    shift
    t0=$(date +%s)
    $VG --log-file="$TMP/vg.log" "$GILVIZ" "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    if [ "$rc" -eq 0 ] && [ ! -s "$TMP/vg.log" ]; then
        ok "valgrind: $name ($(($(date +%s) - t0)) s)"
        passed=$((passed + 1))
    else
        $VG --track-origins=yes --log-file="$TMP/vg.log" "$GILVIZ" "$@" >/dev/null 2>&1
        not_ok "valgrind: $name" "exit status $rc (99: memcheck found errors)" "$(head -n 60 "$TMP/vg.log")" \
            "$(head -c 600 "$TMP/err")"
        failed=$((failed + 1))
    fi
}

start=$(date +%s)
vg "list" list
for f in scenes/*.scene; do
    s=$(basename "$f" .scene)
    case $s in
    old-gil-battle) set -- --set horizon=30ms ;;
    race-counter) set -- --set horizon=5ms ;;
    *) set -- ;;
    esac
    o=${1:+$* }   # the --set, as the check's name shows it
    vg "check $s" check "$f"
    vg "report $o$s" report "$@" "$s"
    vg "report --json $o$s" report --json "$@" "$s"
    vg "log $o$s" log "$@" "$s"
    vg "export $o$s" export "$@" "$s" -o "$TMP/$s.json"
    for fmt in text ansi svg html; do
        vg "frame --format $fmt $o$s" frame --at 1ms --format "$fmt" "$@" -o "$TMP/$s.$fmt" "$s"
    done
    vg "render $o$s" render --size 80x24 "$@" -o "$TMP/$s.cast" "$s"
done
echo "# $passed passed, $failed failed under valgrind in $(($(date +%s) - start)) s"
[ "$failed" -eq 0 ]

#!/bin/sh
# Soak test of the player (make soak; not part of make test).
#
# Plays a long scene (48 threads on 8 cores and an event loop with 200
# tasks, about 40 s of simulated time) at the highest speed with
# `play --record`, inside tmux, for SOAK_SECONDS (default 600), under the
# ASan+UBSan build, while sending random keys (every key the player knows,
# the time and speed prompts, mouse clicks and wheel, and random printable
# characters but q/Q) and resizing the window at random between 40x12 and
# 200x60.  Prints the player's resident memory (VmRSS) at the start, about
# every minute and at the end.  Fails if
#   - the player dies, or ASan/UBSan/LeakSanitizer report anything
#     (ASAN_OPTIONS/UBSAN_OPTIONS log_path; nothing may be logged);
#   - its RSS grows by more than SOAK_RSS_GROWTH_KB (default 32768, i.e.
#     32 MB) between the end of the warm-up and the end.  The warm-up is
#     a quarter of the run (at most 60 s) and lasts until the engine has
#     finished (the player joins its thread: /proc/PID/status shows one
#     thread), so that the timeline is complete; the engine must finish
#     within the first half of the run;
#   - after q it does not exit 0 or leaves the terminal changed: stty -a
#     differs, tmux still has the alternate screen, a hidden cursor or mouse
#     reporting on, or a shell's prompt does not show afterwards;
#   - the recording is not a valid asciicast (tests/castcheck.sh).
# Prints "ok - ..." / "not ok - ..." lines; exit status 1 on any failure.
# Run from the repo root: GILVIZ=build-asan/gilviz SOAK_SECONDS=20 sh tests/soak.sh
. tests/lib.sh
unset GILVIZ_SCENES LC_ALL LC_MESSAGES
SECS=${SOAK_SECONDS:-600}
GROWTH_KB=${SOAK_RSS_GROWTH_KB:-32768}
SEED=${SOAK_SEED:-$$}
failed=0
fail() { not_ok "$@"; failed=$((failed + 1)); }

command -v tmux >/dev/null 2>&1 || { echo "not ok - soak needs tmux (sh .ci/deps installs it)"; exit 1; }
TMUX_TAG=soak
. tests/tmux.sh

warm=$((SECS / 4))
[ "$warm" -gt 60 ] && warm=60
[ "$warm" -lt 2 ] && warm=2

cat >"$TMP/soak.scene" <<'EOF'
scene "Soak: threads and an event loop"
python 3.12
cores 8

thread crunch x24:
    repeat 4000:
        cpu 300us "spin"
        nogil 50us "hash"
thread net x24:
    repeat 15000:
        io 200us "recv()"
        cpu 20us "parse"

loop app:
    executor 2
    task fetch x200:
        repeat 400:
            await io 20ms
            cpu 30us "handle"
            await sleep 1ms
    task offload:
        repeat 200:
            await executor sleep 10ms "time.sleep"

main:
    run app

note 0ms "Soak starts."
note 50ms "Fifty milliseconds in."
note 2s "Two seconds in."
EOF

rec="$TMP/soak.cast"
cat >"$TMP/run.sh" <<EOF
stty -a | sed 's/rows [0-9]*; columns [0-9]*;//' >"$TMP/before"
ASAN_OPTIONS="log_path=$TMP/asan:quarantine_size_mb=16:detect_leaks=1:abort_on_error=0" \
UBSAN_OPTIONS="log_path=$TMP/ubsan:print_stacktrace=1:halt_on_error=1" \
LANG=C.UTF-8 sh -c 'echo \$\$ >"$TMP/pid"; exec "\$@"' gilviz "$GV" play --speed 1000s --record "$rec" "$TMP/soak.scene"
echo \$? >"$TMP/rc"
stty -a | sed 's/rows [0-9]*; columns [0-9]*;//' >"$TMP/after"
until [ -e "$TMP/go" ]; do sleep 0.1; done
cd "$TMP" && PATH=/nonexistent PS1='soak-shell\$ ' exec "$(command -v sh)" -i
EOF
tm new-session -d -s gv -x 120 -y 40 sh "$TMP/run.sh"
if wait_for "gilviz ·" 30; then ok "the player starts"; else
    fail "the player starts" "$(screen | head -n 5)"; cat "$TMP"/asan* "$TMP"/ubsan* 2>/dev/null; exit 1; fi
pid=$(cat "$TMP/pid")
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status" 2>/dev/null; }
nthreads() { sed -n 's/^Threads:[[:space:]]*\([0-9]*\)/\1/p' "/proc/$pid/status" 2>/dev/null; }
rss0=$(rss)
echo "# seed $SEED, $SECS s, warm-up $warm s; RSS at start ${rss0} kB"

# The actions, one a line: K named keys, L literal text, R resize, S sleep.
awk -v seed="$SEED" 'BEGIN {
    srand(seed)
    nn = split("Space Left Right Up Down S-Left S-Right Home End PPage NPage Tab BTab Enter Escape BSpace F1", named, " ")
    nc = split("+ - = _ [ ] ? m n N h j k l H L g G s t z Z r 0 1 2 3 4 5 6 7 8 9 .", chars, " ")
    nu = split("ns us ms s", units, " ")
    esc = sprintf("%c", 27)
    for (i = 0; i < 400000; i++) {
        p = rand()
        if (p < 0.30) print "K " named[1 + int(rand() * nn)]
        else if (p < 0.55) print "L " chars[1 + int(rand() * nc)]
        else if (p < 0.62) print "K Space"
        else if (p < 0.66) { print "L g"; print "K Space" }   # play again from the start
        else if (p < 0.70) {   # a prompt answered (or abandoned)
            print "L " (rand() < 0.5 ? "t" : "s")
            print "L " int(rand() * 5000) units[1 + int(rand() * nu)]
            print "K " (rand() < 0.8 ? "Enter" : "Escape")
        } else if (p < 0.76) {   # SGR mouse: click, or wheel up/down
            b = rand() < 0.5 ? 0 : (rand() < 0.5 ? 64 : 65)
            x = 1 + int(rand() * 120); y = 1 + int(rand() * 40)
            print "L " esc "[<" b ";" x ";" y "M"
            if (b == 0) print "L " esc "[<0;" x ";" y "m"
        } else if (p < 0.84) {   # random printable characters, but q and Q
            s = ""
            for (k = 0; k < 1 + int(rand() * 8); k++) {
                c = 33 + int(rand() * 94)
                if (c == 113 || c == 81) c = 108
                if (c == 59) c = 58   # ; would end the tmux command
                s = s sprintf("%c", c)
            }
            print "L " s
        } else if (p < 0.86) print "R " (40 + int(rand() * 161)) " " (12 + int(rand() * 49))
        else print "S"
    }
}' >"$TMP/actions"

start=$(date +%s)
next_report=$((start + 60))
base=""
peak=$rss0
keys=0 resizes=0 died=0
while read -r kind a b; do
    case $kind in
    K) tm send-keys -t gv "$a" 2>/dev/null; keys=$((keys + 1)) ;;
    L) tm send-keys -t gv -l -- "$a" 2>/dev/null; keys=$((keys + 1)) ;;
    R) tm resize-window -t gv -x "$a" -y "$b" 2>/dev/null; resizes=$((resizes + 1)) ;;
    S) sleep 0.2 ;;
    esac
    [ $((keys % 20)) -eq 0 ] || [ "$kind" = R ] || continue
    now=$(date +%s)
    if ! kill -0 "$pid" 2>/dev/null; then died=1; break; fi
    r=$(rss)
    [ -n "$r" ] && [ "$r" -gt "$peak" ] && peak=$r
    if [ -z "$base" ] && [ $((now - start)) -ge "$warm" ] && [ "$(nthreads)" = 1 ]; then
        base=$r
        echo "# after the warm-up ($((now - start)) s, the engine done): RSS ${base} kB"
    fi
    if [ -z "$base" ] && [ $((now - start)) -ge $((SECS / 2)) ] && [ $((now - start)) -ge "$warm" ]; then
        echo "# the engine is still running after $((now - start)) s"
        break
    fi
    if [ "$now" -ge "$next_report" ]; then
        echo "# $((now - start)) s: RSS ${r} kB, $keys keys, $resizes resizes"
        next_report=$((next_report + 60))
    fi
    [ $((now - start)) -ge "$SECS" ] && break
done <"$TMP/actions"
elapsed=$(($(date +%s) - start))

if [ "$died" -eq 0 ] && kill -0 "$pid" 2>/dev/null; then
    ok "the player is alive after $elapsed s ($keys keys, $resizes resizes)"
else
    fail "the player is alive after $elapsed s" "it died; exit status '$(cat "$TMP/rc" 2>/dev/null)'" \
        "$(screen | head -n 20)"
fi
rss1=$(rss)
echo "# RSS at start ${rss0} kB, after the warm-up ${base:-?} kB, at the end ${rss1:-?} kB, peak ${peak} kB"
if [ -n "$base" ] && [ -n "$rss1" ] && [ "$rss1" -le $((base + GROWTH_KB)) ]; then
    ok "RSS grew by $((rss1 - base)) kB after the warm-up (bound $GROWTH_KB kB)"
else
    fail "RSS grew by at most $GROWTH_KB kB after the warm-up" \
        "after the warm-up '${base}' kB (empty: the engine never finished), at the end '${rss1}' kB"
fi

# Quit: close whatever is open (a prompt, the help, a message), then q.
tm resize-window -t gv -x 120 -y 40 2>/dev/null
sleep 0.3
tm send-keys -t gv Escape
sleep 0.2
tm send-keys -t gv Escape
sleep 0.2
screen | grep -qF "gilviz keys" && { tm send-keys -t gv x; sleep 0.2; }
tm send-keys -t gv q
i=0
while [ ! -s "$TMP/after" ] && [ "$i" -lt 200 ]; do
    [ $((i % 40)) -eq 39 ] && tm send-keys -t gv Escape q
    sleep 0.05
    i=$((i + 1))
done
rc=$(cat "$TMP/rc" 2>/dev/null)
if [ "$rc" = 0 ]; then ok "q quits with status 0"; else fail "q quits with status 0" "status '$rc'" "$(screen | head -n 10)"; fi
if [ -s "$TMP/before" ] && cmp -s "$TMP/before" "$TMP/after"; then ok "stty -a is the same before and after"; else
    fail "stty -a is the same before and after" "$(diff "$TMP/before" "$TMP/after" 2>&1 | head -n 6)"; fi
modes=$(tm display-message -p -t gv '#{alternate_on} #{cursor_flag} #{mouse_any_flag}#{mouse_button_flag}#{mouse_standard_flag}#{mouse_all_flag}')
if [ "$modes" = "0 1 0000" ]; then ok "the pane is back on the main screen, cursor shown, no mouse reporting"; else
    fail "the pane is back on the main screen, cursor shown, no mouse reporting" \
        "alternate_on cursor_flag mouse flags: '$modes' (want '0 1 0000')"; fi
# the shell starts only now, with no PATH and in $TMP: keys that were on
# their way when the player quit (or died) can do no harm there
touch "$TMP/go"
if wait_for 'soak-shell$' 5; then ok "the shell's prompt comes back"; else fail "the shell's prompt comes back" "$(screen | grep . | tail -n 5)"; fi

logs=$(cat "$TMP"/asan* "$TMP"/ubsan* 2>/dev/null)
if [ -z "$logs" ]; then ok "ASan, UBSan and LeakSanitizer report nothing"; else
    fail "ASan, UBSan and LeakSanitizer report nothing" "$(printf '%s\n' "$logs" | head -n 40)"; fi

if sh tests/castcheck.sh "$rec" 2>"$TMP/cc"; then
    ok "the recording is a valid asciicast ($(wc -c <"$rec") bytes, $(grep -c '"o", ' "$rec") frames, $(grep -c '"r", ' "$rec") resizes)"
else
    fail "the recording is a valid asciicast" "$(cat "$TMP/cc")"
fi

[ "$failed" -eq 0 ] && echo "soak: passed" || echo "soak: $failed failed"
[ "$failed" -eq 0 ]

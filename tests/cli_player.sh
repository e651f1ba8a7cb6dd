#!/bin/sh
# The player end to end, in a real terminal: tmux runs `gilviz convoy` in a
# 100x30 window; keys are sent with send-keys and the screen is read with
# capture-pane.  Checks play/pause, stepping, seeking, zoom, help, resizing,
# quitting, and that the terminal settings (stty -a) are the same before and
# after — on q, SIGINT, SIGTERM, SIGHUP, and after SIGSEGV and SIGABRT (the
# crash handler restores the terminal, then dies of the signal).  Skipped only when tmux is missing
# (.ci/deps installs it).  Run from the repo root: sh tests/cli_player.sh
. tests/lib.sh
unset GILVIZ_SCENES LC_ALL LC_MESSAGES

if ! command -v tmux >/dev/null 2>&1; then
    ok "# SKIP tmux is not installed (sh .ci/deps installs it)"
    exit 0
fi

# The non-terminal cases need no tmux, but they are the player's too.
expect_exit "play with stdout not a terminal exits 64" 64 "$GILVIZ" convoy
expect_grep "it says the player needs a terminal" "the player needs a terminal" "$TMP/err"
expect_grep "it suggests gilviz report" "gilviz report convoy" "$TMP/err"
expect_grep "it suggests gilviz frame" "gilviz frame" "$TMP/err"
expect_exit "play of a missing scene exits 66 (before any terminal check)" 66 "$GILVIZ" play no-such-scene
expect_exit "play of a bad scene exits 65" 65 "$GILVIZ" play tests/cli/bad-syntax.scene
expect_exit "play --speed soon exits 64" 64 "$GILVIZ" play --speed soon convoy
expect_exit "play --size is a frame option: 64" 64 "$GILVIZ" play --size 80x24 convoy

TMUX_TAG=test
. tests/tmux.sh
# check NAME PATTERN: the screen shows PATTERN now (or within 5 s)
check() {
    if wait_for "$2"; then ok "$1"; else not_ok "$1" "'$2' not on screen:" "$(screen | head -n 12)"; fi
}
# header time (the "t = ..." field)
now_t() { screen | sed -n '2s/.*t = \([0-9.]* [a-z]*\).*/\1/p'; }
key() { tm send-keys -t gv "$@"; sleep 0.05; }

# start NAME ARGS...: run the player in a fresh 100x30 window; its stty -a
# before and after, its pid and exit status land in $TMP/NAME.*
start() {
    name=$1
    shift
    tm kill-server 2>/dev/null
    rm -f "$TMP/$name".*
    cat >"$TMP/$name.sh" <<EOF
stty -a >"$TMP/$name.before"
sh -c 'echo \$\$ >"$TMP/$name.pid"; exec env LANG=${PLAYER_LANG:-C.UTF-8} "$GV" "\$@"' gilviz "\$@"
echo \$? >"$TMP/$name.rc"
stty -a >"$TMP/$name.after"
sleep 600
EOF
    # the previous server may still be going away: try again a few times
    n=0
    until tm new-session -d -s gv -x 100 -y 30 sh "$TMP/$name.sh" "$@" 2>/dev/null || [ "$n" -ge 20 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    wait_for "gilviz ·" 10
}
# finished NAME CODE: the player exited with CODE and left the terminal as it found it
finished() {
    i=0
    while [ ! -s "$TMP/$1.after" ] && [ "$i" -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    rc=$(cat "$TMP/$1.rc" 2>/dev/null)
    if [ "$rc" = "$2" ]; then ok "$1: exit status $2"; else not_ok "$1: exit status $2" "got '$rc'"; fi
    # the window size may differ (the test resizes it); every setting may not
    sed 's/rows [0-9]*; columns [0-9]*;//' "$TMP/$1.before" >"$TMP/$1.b"
    sed 's/rows [0-9]*; columns [0-9]*;//' "$TMP/$1.after" >"$TMP/$1.a"
    if [ -s "$TMP/$1.before" ] && cmp -s "$TMP/$1.b" "$TMP/$1.a"; then
        ok "$1: stty -a is the same before and after"
    else
        not_ok "$1: stty -a is the same before and after" "$(diff "$TMP/$1.before" "$TMP/$1.after" | head -n 6)"
    fi
}

# --- playing and pausing ---------------------------------------------------------
start keys tests/cli/convoy-classic.scene
check "the header names the scene" "The convoy effect"
check "the header shows the model" "CPython 3.11 · GIL 5 ms · 2 cores"
check "it starts playing" "▶ playing"
t1=$(now_t)
sleep 1
t2=$(now_t)
if [ -n "$t1" ] && [ "$t1" != "$t2" ]; then ok "the time advances while playing ($t1 -> $t2)"; else
    not_ok "the time advances while playing" "'$t1' then '$t2'"; fi
key Space
check "space pauses" "‖ paused"
t1=$(now_t)
sleep 0.5
t2=$(now_t)
if [ "$t1" = "$t2" ]; then ok "the time stands still when paused"; else not_ok "the time stands still when paused" "$t1 $t2"; fi

# --- seeking -----------------------------------------------------------------------
key g
check "g goes to the start" "t = 0 ns"
key l
key l
check "two steps forward reach the I/O completion at 59.935 us" "t = 59.935 us"
check "the selected thread explains itself" "cruncher runs Python on core 0, holding the GIL, for 57.94 us"
key l
check "the third step is the note at 2 ms" "t = 2.000000 ms"
key h
check "a step back is exact" "t = 59.935 us"
key Left
check "Left steps back too" "t = 2.000 us"
key Right
check "Right steps forward" "t = 59.935 us"
key Down
check "the other thread explains itself" "net is waiting for the GIL held by cruncher since 59.935 us (0 ns so far)"
key Up
key t
check "t opens a time prompt" "go to time"
tm send-keys -t gv -l "5.0786ms"
key Enter
check "t 5.0786ms goes there" "t = 5.078600 ms"
check "the forced switch is in the log" "forced GIL switch to net"
key n
check "n goes to the next GIL switch" "t = 5.104722 ms"
key N
check "N goes back to the previous one" "t = 5.078094 ms"
key G
check "G goes to the end" "t = 1.507187476 s"
check "the end is marked" "■ end"
key Home
check "Home goes to the start" "t = 0 ns"
key End
check "End goes to the end" "t = 1.507187476 s"

# --- speed and zoom ------------------------------------------------------------------
check "the default speed is shown" "1 ms = 1 s"
key ']'
check "] is faster" "2 ms = 1 s"
key '['
key '['
check "[ is slower" "500 us = 1 s"
key s
tm send-keys -t gv -l "250us"
key Enter
check "s 250us sets the speed" "250 us = 1 s"
check "the default zoom is 20 ms" "view 20 ms"
key +
check "+ zooms in" "view 10 ms"
key -
key -
check "- zooms out" "view 50 ms"

# --- panels, help, resize --------------------------------------------------------------
key g
key Down
check "Down selects the next thread" "▶ net "
key Up
check "Up selects the previous thread" "▶ cruncher "
key m
check "m without --record says how to get markers" "not recording: markers need --record FILE.cast"
key '?'
check "? shows the help" "gilviz keys"
check "the help lists quitting" "quit"
key x
if screen | grep -qF "gilviz keys"; then not_ok "any key closes the help"; else ok "any key closes the help"; fi
tm resize-window -t gv -x 60 -y 20
check "a 60x20 terminal asks to be enlarged" "enlarge the terminal (need 80x24, have 60x20)"
tm resize-window -t gv -x 80 -y 24
check "at 80x24 the player is back" "The convoy effect"
tm resize-window -t gv -x 140 -y 45
check "at 140x45 it uses the room" "view 50 ms"
width=$(screen | awk '{ if (length($0) > w) w = length($0) } END { print w + 0 }')
if [ "$width" -gt 120 ]; then ok "the frame spans the wider window"; else not_ok "the frame spans the wider window" "$width"; fi
tm resize-window -t gv -x 100 -y 30
key Space
check "space plays again" "▶ playing"
# too small a terminal stops the clock: the 4 s on the "enlarge" screen (1 ms
# of the scene at the 250 us = 1 s set above) do not go by
# now_t in milliseconds
tnow() { now_t | awk '{ v = $1; if ($2 == "us") v /= 1000; else if ($2 == "ns") v /= 1e6; else if ($2 == "s") v *= 1000; print v }'; }
t1=$(tnow)
tm resize-window -t gv -x 60 -y 20
wait_for "enlarge the terminal" 3
sleep 4
tm resize-window -t gv -x 100 -y 30
key Space
wait_for "‖ paused" 3
t2=$(tnow)
if [ -n "$t1" ] && [ -n "$t2" ] && awk -v a="$t1" -v b="$t2" 'BEGIN { exit !(b - a < 0.4) }'; then
    ok "playback waits while the terminal is too small"
else
    not_ok "playback waits while the terminal is too small" "t before $t1 ms, after $t2 ms"
fi
key q
finished keys 0

# --- signals: quit ones leave cleanly, crash ones restore the terminal and die ----------
for sig in INT TERM HUP SEGV ABRT; do
    start "sig$sig" --paused tests/cli/convoy-classic.scene
    check "SIG$sig: the player is up" "‖ paused"
    kill -"$sig" "$(cat "$TMP/sig$sig.pid")"
    case $sig in INT) code=130 ;; TERM) code=143 ;; HUP) code=129 ;; SEGV) code=139 ;; ABRT) code=134 ;; esac
    finished "sig$sig" "$code"
done

# --- the mouse (xterm X10 reports, as tmux sends them) ------------------------------------
start mouse --paused --at 12ms tests/cli/convoy-classic.scene
check "mouse: the player is up at 12 ms" "t = 12.000000 ms"
# ESC [ M button x+33 y+33: a left press and its release on row 10 (net's
# lane), column 20 (the strip's column 10: 10/64 of the 20 ms view)
click() { tm send-keys -t gv -H 1b 5b 4d "$1" "$(printf '%x' $(($2 + 33)))" "$(printf '%x' $(($3 + 33)))"; }
click 20 20 10
click 23 20 10
check "a click on a lane seeks to the clicked time" "t = 3.125000 ms"
check "a click on a thread's lane selects it" "▶ net is waiting for the GIL held by cruncher"
click 60 40 10
check "the wheel zooms in" "view 10 ms"
key q
finished mouse 0

# --- paused and fully simulated, the player sleeps in poll(): no CPU ---------------------
start idle --paused tests/cli/convoy-classic.scene
check "idle: the player is up" "‖ paused"
sleep 0.5
pid=$(cat "$TMP/idle.pid")
cpu() { awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null; }
c1=$(cpu)
sleep 2
c2=$(cpu)
if [ -n "$c1" ] && [ $((c2 - c1)) -le 2 ]; then ok "paused, it uses no CPU ($((c2 - c1)) ticks in 2 s)"; else
    not_ok "paused, it uses no CPU" "ticks: '$c1' -> '$c2'"; fi
key q
finished idle 0

# --- c C: from caption to caption, past the GIL switches between them -----------------
start notes --paused tests/cli/convoy-classic.scene
check "notes: the player is up" "‖ paused"
check "notes: the run is simulated to its end" "/ 1.507187476 s"
key c
check "c goes to the next caption (2 ms)" "t = 2.000000 ms"
key c
check "c skips the switches up to the caption at 20 ms" "t = 20.000000 ms"
key C
check "C goes back to the previous caption" "t = 2.000000 ms"
key q
finished notes 0

# --- playing, the crowded thread panel follows the action ---------------------------------
# web-server's part 3 runs light3-1..light3-8, below the parts 1-2 lanes at 100x30
start follow --at 74ms web-server
sleep 2
if screen | grep -qE '^.light3-[1-8] '; then ok "follow: the third part's thread lanes come into view while playing"; else
    not_ok "follow: the third part's thread lanes come into view while playing" "$(screen)"; fi
key Space
key q
finished follow 0

# --- colours off, ASCII, Portuguese ------------------------------------------------------
start mono --no-color --ascii --lang pt --paused --at 5ms tests/cli/convoy-classic.scene
check "--lang pt --ascii: the title in Portuguese" "O efeito comboio"
check "--at 5ms starts there" "t = 5.000000 ms"
check "--ascii: ASCII glyphs" "|| pausado"
if screen | LC_ALL=C grep -q '[^ -~]'; then not_ok "--ascii: nothing but ASCII on screen"; else
    ok "--ascii: nothing but ASCII on screen"; fi
check "--lang pt: the event log in Portuguese (from the catalogue, LANG=C.UTF-8)" "net espera a GIL, que esta com cruncher"
key '?'
check "--lang pt: the help lists m" "marcar este instante na gravacao"
key q
key q
finished mono 0

# --- LANG=pt_BR.UTF-8, a locale this machine may not have: Portuguese, UTF-8 -------------
PLAYER_LANG=pt_BR.UTF-8 start ptenv --paused --at 5.08ms tests/cli/convoy-classic.scene
check "LANG=pt_BR.UTF-8: the player speaks Portuguese" "espaço tocar"
check "LANG=pt_BR.UTF-8: the event log too, with UTF-8 glyphs" "troca forçada de GIL para net"
check "LANG=pt_BR.UTF-8: UTF-8 lane glyphs" "█cruncher"
key q
finished ptenv 0
unset PLAYER_LANG

# --- lanes of threads that never start go once the run is simulated ----------------------
start pool --paused --at 30ms asyncio-downloads
check "asyncio-downloads: the tasks have lanes" "fetch1"
sleep 0.3
if screen | grep -q "executor"; then not_ok "no lanes for the executor's pool threads that never start" \
    "$(screen | grep executor | head -n 3)"; else ok "no lanes for the executor's pool threads that never start"; fi
key '?'
check "the help lists m (a marker while recording)" "add a marker to the recording"
key q
key q
finished pool 0

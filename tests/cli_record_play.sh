#!/bin/sh
# gilviz play --record FILE.cast, end to end in tmux: the recording has the
# header at once, "o" events while playing, an "r" event on resize, a marker
# at every caption reached and one when m is pressed; after q it is valid,
# and after SIGKILL it is still valid up to its last complete line
# (tests/castcheck.sh, and asciinema cat when installed).  Skipped only when
# tmux is missing (.ci/deps installs it).
. tests/lib.sh
unset GILVIZ_SCENES LC_ALL LC_MESSAGES

expect_exit "play --record without a file exits 64" 64 "$GILVIZ" play convoy --record

if ! command -v tmux >/dev/null 2>&1; then
    ok "# SKIP tmux is not installed (sh .ci/deps installs it)"
    exit 0
fi
have_asciinema=1
command -v asciinema >/dev/null 2>&1 || { have_asciinema=0; ok "# SKIP asciinema is not installed (sh .ci/deps installs it)"; }
acat() { script -qec "asciinema cat '$1'" /dev/null >"$TMP/acat.out" 2>&1 </dev/null; }

TMUX_TAG=rec
. tests/tmux.sh
# wait_file PATTERN FILE: until FILE contains PATTERN (5 s)
wait_file() {
    i=0
    while [ "$i" -lt 100 ]; do
        grep -qF -- "$1" "$2" 2>/dev/null && return 0
        sleep 0.05
        i=$((i + 1))
    done
    return 1
}
key() { tm send-keys -t gv "$@"; sleep 0.05; }
# start NAME ARGS...: the player in a 100x30 window; pid and status in $TMP/NAME.*
start() {
    name=$1
    shift
    tm kill-server 2>/dev/null
    cat >"$TMP/$name.sh" <<EOS
sh -c 'echo \$\$ >"$TMP/$name.pid"; exec env LANG=C.UTF-8 "$GV" "\$@"' gilviz "\$@"
echo \$? >"$TMP/$name.rc"
sleep 600
EOS
    n=0
    until tm new-session -d -s gv -x 100 -y 30 sh "$TMP/$name.sh" "$@" 2>/dev/null || [ "$n" -ge 20 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    wait_for "gilviz ·" 10
}

# 1. quit with q: a complete recording
rec="$TMP/q.cast"
start q play --speed 1ms --record "$rec" convoy
wait_file '"o", ' "$rec"
if head -n 1 "$rec" | jq -e '.version == 2 and .width == 100 and .height == 30 and .title == "The convoy effect"' >/dev/null 2>&1; then
    ok "record: the header is written at the start"; else not_ok "record: the header is written at the start" "$(head -c 300 "$rec")"; fi
if wait_file '"m", "cruncher will compute' "$rec"; then ok "record: a marker at the first caption"; else
    not_ok "record: a marker at the first caption" "$(grep '"m"' "$rec" | head -n 3)"; fi
key m
if wait_file '"m", "mark 1 at' "$rec"; then ok "record: m adds a marker"; else not_ok "record: m adds a marker" "$(grep '"m"' "$rec")"; fi
if wait_for "mark 1 at"; then ok "record: the player says the marker was recorded"; else not_ok "record: the player says the marker was recorded"; fi
key m
if wait_file '"m", "mark 2 at' "$rec"; then ok "record: m again, marker 2"; else not_ok "record: m again, marker 2"; fi
tm resize-window -t gv -x 90 -y 28 2>/dev/null || tm resize-pane -t gv -x 90 -y 28
if wait_file '"r", "90x28"' "$rec"; then ok "record: an r event on resize"; else not_ok "record: an r event on resize" "$(grep '"r"' "$rec")"; fi
sleep 0.3
key q
i=0; while [ ! -s "$TMP/q.rc" ] && [ "$i" -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
if [ "$(cat "$TMP/q.rc" 2>/dev/null)" = 0 ]; then ok "record: q exits 0"; else not_ok "record: q exits 0" "$(cat "$TMP/q.rc" 2>/dev/null)"; fi
if sh tests/castcheck.sh "$rec" 2>"$TMP/cc"; then ok "record: castcheck accepts the recording"; else not_ok "record: castcheck accepts the recording" "$(cat "$TMP/cc")"; fi
if [ "$(grep -c '"o", ' "$rec")" -gt 5 ]; then ok "record: frames while playing"; else not_ok "record: frames while playing"; fi
if tail -n 1 "$rec" | jq -e '.[1] == "o" and (.[2] | endswith("\u001b[?25h"))' >/dev/null; then
    ok "record: after q, the last event shows the cursor again"; else not_ok "record: after q, the last event shows the cursor again" "$(tail -n 1 "$rec" | head -c 200)"; fi
if [ "$have_asciinema" -eq 1 ]; then
    if acat "$rec"; then ok "record: asciinema cat reads it"; else not_ok "record: asciinema cat reads it" "$(tail -c 300 "$TMP/acat.out")"; fi
fi

# 2. a file that cannot be created: 73 before the terminal is touched
tm kill-server 2>/dev/null
cat >"$TMP/bad.sh" <<EOS
env LANG=C.UTF-8 "$GV" play --record "$TMP/missing/x.cast" convoy 2>"$TMP/bad.err"
echo \$? >"$TMP/bad.rc"
sleep 600
EOS
# the killed server may still be going away: try again a few times (as start does)
n=0
until tm new-session -d -s gv -x 100 -y 30 sh "$TMP/bad.sh" 2>/dev/null || [ "$n" -ge 20 ]; do
    sleep 0.1
    n=$((n + 1))
done
i=0; while [ ! -s "$TMP/bad.rc" ] && [ "$i" -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
if [ "$(cat "$TMP/bad.rc" 2>/dev/null)" = 73 ]; then ok "record into a missing directory exits 73"; else
    not_ok "record into a missing directory exits 73" "$(cat "$TMP/bad.rc" "$TMP/bad.err" 2>/dev/null)"; fi
expect_grep "it names the file" "$TMP/missing/x.cast" "$TMP/bad.err"

# 3. killed with SIGKILL while playing: still valid up to the last line
rec="$TMP/kill.cast"
start kill play --speed 1ms --record "$rec" convoy
wait_file '"o", ' "$rec"
key m
wait_file '"m", "mark 1 at' "$rec"
sleep 0.5
kill -KILL "$(cat "$TMP/kill.pid")"
sleep 0.2
if [ "$(grep -c '"o", ' "$rec")" -gt 3 ]; then ok "killed: the recording has the frames so far"; else not_ok "killed: the recording has the frames so far"; fi
if sh tests/castcheck.sh "$rec" 2>"$TMP/cc"; then ok "killed: castcheck accepts the recording"; else not_ok "killed: castcheck accepts the recording" "$(cat "$TMP/cc")"; fi
expect_grep "killed: the marker is there" '"m", "mark 1 at' "$rec"
if [ "$have_asciinema" -eq 1 ]; then
    if acat "$rec"; then ok "killed: asciinema cat reads it"; else not_ok "killed: asciinema cat reads it" "$(tail -c 300 "$TMP/acat.out")"; fi
fi
tm kill-server 2>/dev/null

#!/bin/sh
# Key mashing: thousands of random keys (letters, digits, punctuation,
# arrows, Tab, Enter, Escape, Backspace, paging) and a few resizes sent to
# the player in tmux, as fast as tmux takes them.  Afterwards the player
# must still answer (? shows the help), quit with q, and leave the terminal
# settings as they were.  Skipped only when tmux is missing.
# Run from the repo root: sh tests/cli_player_keys.sh
. tests/lib.sh
unset GILVIZ_SCENES LC_ALL LC_MESSAGES

if ! command -v tmux >/dev/null 2>&1; then
    ok "# SKIP tmux is not installed (sh .ci/deps installs it)"
    exit 0
fi
TMUX_TAG=keys
. tests/tmux.sh

{
    echo "stty -a | sed 's/rows [0-9]*; columns [0-9]*;//' >'$TMP/before'"
    echo "env LANG=C.UTF-8 '$GV' race-counter"
    echo "echo \$? >'$TMP/rc'"
    echo "stty -a | sed 's/rows [0-9]*; columns [0-9]*;//' >'$TMP/after'"
    echo "sleep 600"
} >"$TMP/run.sh"
tm new-session -d -s gv -x 100 -y 30 sh "$TMP/run.sh"
if wait_for "gilviz ·" 10; then ok "the player starts"; else not_ok "the player starts" "$(screen | head -n 5)"; fi

# 150 rounds of 100 random printable keys (no q/Q: they would quit), each
# followed by three named keys; a resize every 30 rounds.
named="Left Right Up Down S-Left S-Right Home End PPage NPage Tab BTab Enter Escape BSpace F1"
awk -v seed=20240601 -v named="$named" 'BEGIN {
    srand(seed); n = split(named, nk, " ")
    for (r = 0; r < 150; r++) {
        s = ""
        for (k = 0; k < 100; k++) {
            c = 33 + int(rand() * 94)
            if (c == 113 || c == 81) c = 108   # q, Q -> l
            s = s sprintf("%c", c)
        }
        print "L " s
        print "K " nk[1 + int(rand() * n)] " " nk[1 + int(rand() * n)] " " nk[1 + int(rand() * n)]
        if (r % 30 == 29) print "R " (60 + int(rand() * 100)) " " (16 + int(rand() * 40))
    }
}' >"$TMP/script"
sent=0
while read -r kind a b c; do
    case $kind in
    L) tm send-keys -t gv -l -- "$a" && sent=$((sent + 100)) ;;
    K) tm send-keys -t gv "$a" "$b" "$c" && sent=$((sent + 3)) ;;
    R) tm resize-window -t gv -x "$a" -y "$b" ;;
    esac
done <"$TMP/script"
tm resize-window -t gv -x 100 -y 30
if [ "$sent" -ge 15000 ]; then ok "sent $sent keys and 5 resizes"; else not_ok "sent the keys" "only $sent"; fi

# Whatever state it is in now (a prompt, the help, a message), Escapes and
# one more key bring it back; then ? must show the help.
sleep 0.5
tm send-keys -t gv Escape
sleep 0.2
tm send-keys -t gv Escape
sleep 0.2
if screen | grep -qF "gilviz keys"; then tm send-keys -t gv x; sleep 0.2; fi
tm send-keys -t gv '?'
if wait_for "gilviz keys" 5; then ok "after the mashing, ? still shows the help"; else
    not_ok "after the mashing, ? still shows the help" "$(screen | head -n 30)"; fi
tm send-keys -t gv q
sleep 0.2
tm send-keys -t gv q
i=0
while [ ! -s "$TMP/after" ] && [ "$i" -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
rc=$(cat "$TMP/rc" 2>/dev/null)
if [ "$rc" = 0 ]; then ok "q quits with status 0"; else not_ok "q quits with status 0" "status '$rc'" "$(screen | head -n 5)"; fi
if [ -s "$TMP/before" ] && cmp -s "$TMP/before" "$TMP/after"; then ok "stty -a is the same before and after"; else
    not_ok "stty -a is the same before and after" "$(diff "$TMP/before" "$TMP/after" | head -n 6)"; fi

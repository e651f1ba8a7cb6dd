# tmux helpers for the player's end-to-end tests; source after tests/lib.sh
# with TMUX_TAG set.  A private tmux server (killed on exit), the screen of
# its window "gv", and waiting for text to appear there.
GV=$(cd "$(dirname "$GILVIZ")" && pwd)/$(basename "$GILVIZ")
SOCK=gilviz-${TMUX_TAG:-test}-$$
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
cleanup() { tm kill-server 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

screen() { tm capture-pane -p -t gv; }
# wait_for PATTERN [SECONDS]: until the screen shows PATTERN (fixed string)
wait_for() {
    i=0
    while [ "$i" -lt $((${2:-5} * 20)) ]; do
        screen 2>/dev/null | grep -qF -- "$1" && return 0
        sleep 0.05
        i=$((i + 1))
    done
    return 1
}

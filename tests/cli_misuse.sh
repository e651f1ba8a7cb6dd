#!/bin/sh
# Command-line misuse beyond tests/cli_args.sh: misspelt commands, options
# without their value on every command, scenes that are directories,
# unreadable or missing for every command, output paths that cannot be
# created or written (73, 74), and too many arguments.  Each must end with a
# short message on stderr and a sysexits status, never a crash.
# Run from the repo root: sh tests/cli_misuse.sh
. tests/lib.sh
unset GILVIZ_SCENES

# expect_lines NAME MAX FILE: FILE has 1..MAX lines (a short message, not a dump)
expect_lines() {
    l=$(wc -l <"$3")
    if [ "$l" -ge 1 ] && [ "$l" -le "$2" ]; then ok "$1"; else
        not_ok "$1" "expected 1 to $2 lines on stderr, got $l:" "$(head -c 600 "$3")"; fi
}
# expect_no_file NAME PATH: nothing was left at PATH
expect_no_file() {
    if [ ! -e "$2" ]; then ok "$1"; else not_ok "$1" "$2 exists"; fi
}

# --- a misspelt command -----------------------------------------------------------
expect_exit "a misspelt command exits 64" 64 "$GILVIZ" chekc convoy
expect_grep "it says the word is neither a command nor a scene" "'chekc' is neither a command" "$TMP/err"
expect_grep "it lists the commands" "check, report, log" "$TMP/err"
expect_exit "a misspelt command with an option exits 64" 64 "$GILVIZ" reprot --json convoy
expect_grep "the misspelt command is named" "'reprot'" "$TMP/err"

# --- options without their value, on each command ------------------------------
for args in "report convoy --max-memory" "report convoy --horizon" "log convoy --to" \
    "frame convoy --at" "frame convoy --zoom" "frame convoy --size" "frame convoy --format" \
    "frame convoy --select" "frame convoy --lang" "frame convoy -o" "render convoy --speed" \
    "render convoy --from" "export convoy --output" "play convoy --record" "play convoy --at"; do
    # shellcheck disable=SC2086 # the words are the arguments
    expect_exit "gilviz $args (no value) exits 64" 64 "$GILVIZ" $args
    expect_lines "gilviz $args: a short message" 2 "$TMP/err"
    expect_grep "gilviz $args: points to --help" "Try 'gilviz --help'." "$TMP/err"
done
expect_exit "an option of another command is refused (64)" 64 "$GILVIZ" check --json scenes/convoy.scene
expect_exit "--record is not a frame option (64)" 64 "$GILVIZ" frame --record x.cast convoy
expect_exit "-o is not a report option (64)" 64 "$GILVIZ" report -o out.txt convoy
expect_exit "65 --set options exit 64" 64 "$GILVIZ" report $(i=0; while [ $i -lt 65 ]; do printf -- '--set seed=%d ' $i; i=$((i + 1)); done) convoy
expect_grep "it says there are too many" "too many --set options" "$TMP/err"

# --- too many arguments -----------------------------------------------------------
expect_exit "two scenes for log exit 64" 64 "$GILVIZ" log convoy convoy
expect_exit "two scenes for frame exit 64" 64 "$GILVIZ" frame convoy convoy
expect_exit "two scenes for export exit 64" 64 "$GILVIZ" export -o - convoy convoy
expect_exit "two scenes for play exit 64" 64 "$GILVIZ" play convoy convoy
expect_grep "the extra scene is named" "unexpected argument 'convoy'" "$TMP/err"
expect_exit "an argument to list exits 64" 64 "$GILVIZ" list convoy

# --- scenes that are not readable files, for every command ---------------------
mkdir "$TMP/dir.scene"
for cmd in log frame play "export -o -" "render -o -"; do
    # shellcheck disable=SC2086
    expect_exit "$cmd of a directory exits 66" 66 "$GILVIZ" $cmd "$TMP/dir.scene"
    expect_grep "$cmd names the directory" "$TMP/dir.scene: Is a directory" "$TMP/err"
    # shellcheck disable=SC2086
    expect_exit "$cmd of a missing file exits 66" 66 "$GILVIZ" $cmd "$TMP/none.scene"
    expect_grep "$cmd names the missing file" "$TMP/none.scene: No such file or directory" "$TMP/err"
done
expect_exit "check goes on after a missing file, and exits 66" 66 "$GILVIZ" check "$TMP/none.scene" scenes/convoy.scene
expect_grep "check still checks the next file" "scenes/convoy.scene: ok" "$TMP/out"
expect_exit "an empty scene name exits 66" 66 "$GILVIZ" report ""
cp scenes/convoy.scene "$TMP/unreadable.scene"
chmod 000 "$TMP/unreadable.scene"
if cat "$TMP/unreadable.scene" >/dev/null 2>&1; then
    # root (or a capability) reads it anyway: nothing to test
    ok "# SKIP an unreadable scene: this user can read a chmod 000 file (root?)"
else
    for cmd in check report play; do
        expect_exit "$cmd of an unreadable scene exits 66" 66 "$GILVIZ" $cmd "$TMP/unreadable.scene"
        expect_grep "$cmd says permission denied" "$TMP/unreadable.scene: Permission denied" "$TMP/err"
    done
fi

# --- output paths -------------------------------------------------------------------
for cmd in "frame" "export" "render --to 1ms"; do
    # shellcheck disable=SC2086
    expect_exit "$cmd -o into a missing directory exits 73" 73 "$GILVIZ" $cmd -o /nonexistent/dir/x.out convoy
    expect_grep "$cmd says it cannot create the file" "cannot create /nonexistent/dir/x.out" "$TMP/err"
    expect_lines "$cmd -o into a missing directory: one line" 1 "$TMP/err"
    # shellcheck disable=SC2086
    expect_exit "$cmd -o a directory exits 73" 73 "$GILVIZ" $cmd -o "$TMP/dir.scene" convoy
    expect_grep "$cmd says it is a directory" "Is a directory" "$TMP/err"
    if [ -w /dev/full ]; then
        # shellcheck disable=SC2086
        expect_exit "$cmd -o /dev/full exits 74" 74 "$GILVIZ" $cmd -o /dev/full convoy
        expect_grep "$cmd says the write failed" "No space left on device" "$TMP/err"
        # shellcheck disable=SC2086
        "$GILVIZ" $cmd -o - convoy >/dev/full 2>"$TMP/err"
        rc=$?
        if [ "$rc" -eq 74 ]; then ok "$cmd -o - into a full standard output exits 74"; else
            not_ok "$cmd -o - into a full standard output exits 74" "got $rc"; fi
        expect_lines "$cmd -o - into /dev/full says it once" 1 "$TMP/err"
        expect_grep "$cmd names standard output" "standard output" "$TMP/err"
    fi
done
expect_no_file "a failed -o leaves no temporary file behind" "$(ls "$TMP"/dir.scene/.*.tmp* 2>/dev/null | head -n 1)"
if [ -w /dev/full ]; then
    for cmd in "report" "report --json" "log" "list" "check scenes/convoy.scene" "--help"; do
        # shellcheck disable=SC2086
        case $cmd in list | check* | --help) "$GILVIZ" $cmd >/dev/full 2>"$TMP/err" ;;
        *) "$GILVIZ" $cmd convoy >/dev/full 2>"$TMP/err" ;; esac
        rc=$?
        if [ "$rc" -eq 74 ]; then ok "gilviz $cmd into /dev/full exits 74"; else
            not_ok "gilviz $cmd into /dev/full exits 74" "got $rc" "$(head -c 300 "$TMP/err")"; fi
        expect_lines "gilviz $cmd into /dev/full: one line" 1 "$TMP/err"
    done
fi

# --- play --record: needs a terminal, so it runs in tmux --------------------------
if ! command -v tmux >/dev/null 2>&1; then
    ok "# SKIP play --record checks: tmux is not installed"
    exit 0
fi
TMUX_TAG=misuse
. tests/tmux.sh
# play_rc NAME ARGS...: run the player in tmux session NAME (80x24); its
# exit status lands in $TMP/NAME.rc, its stderr in $TMP/NAME.err
play_rc() {
    name=$1
    shift
    tm new-session -d -s "$name" -x 80 -y 24 "LANG=C.UTF-8 '$GV' $* 2>'$TMP/$name.err'; echo \$? >'$TMP/$name.rc'; sleep 30"
}
wait_rc() {
    i=0
    while [ ! -s "$TMP/$1.rc" ] && [ "$i" -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
}
play_rc rec_missing --record /nonexistent/dir/x.cast convoy
wait_rc rec_missing
if [ "$(cat "$TMP/rec_missing.rc" 2>/dev/null)" = 73 ]; then ok "play --record into a missing directory exits 73"; else
    not_ok "play --record into a missing directory exits 73" "got $(cat "$TMP/rec_missing.rc" 2>/dev/null)"; fi
expect_grep "it says it cannot create the recording" "cannot create /nonexistent/dir/x.cast" "$TMP/rec_missing.err"

play_rc rec_dir --record "$TMP/dir.scene" convoy
wait_rc rec_dir
if [ "$(cat "$TMP/rec_dir.rc" 2>/dev/null)" = 73 ]; then ok "play --record into a directory exits 73"; else
    not_ok "play --record into a directory exits 73" "got $(cat "$TMP/rec_dir.rc" 2>/dev/null)"; fi

if [ -w /dev/full ]; then
    play_rc rec_full --paused --record /dev/full convoy
    i=0
    until tm capture-pane -p -t rec_full 2>/dev/null | grep -qF "paused" || [ "$i" -ge 100 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    tm send-keys -t rec_full q
    wait_rc rec_full
    if [ "$(cat "$TMP/rec_full.rc" 2>/dev/null)" = 74 ]; then ok "play --record /dev/full exits 74 on quit"; else
        not_ok "play --record /dev/full exits 74 on quit" "got $(cat "$TMP/rec_full.rc" 2>/dev/null)"; fi
    expect_grep "it says the recording could not be written" "No space left on device" "$TMP/rec_full.err"
fi

#!/bin/sh
# The resource guards: the simulated-time horizon (--horizon, --set
# horizon=), the event cap (--max-events) and the timeline's memory limit
# (--max-memory).  Each stops a run cleanly (exit 0, the output covers what
# was simulated) and says on stderr what stopped it and how to go on; the
# player's status line says it too.  Small limits keep this fast.
# Run from the repo root: sh tests/cli_limits.sh
. tests/lib.sh
unset GILVIZ_SCENES

# expect_empty NAME FILE
expect_empty() {
    if [ ! -s "$2" ]; then ok "$1"; else not_ok "$1" "expected nothing, got:" "$(head -c 600 "$2")"; fi
}
# expect_json NAME FILTER FILE: jq -e FILTER holds (skipped without jq)
expect_json() {
    if ! command -v jq >/dev/null 2>&1; then ok "# SKIP $1: jq is not installed"; return; fi
    if jq -e "$2" "$3" >/dev/null 2>&1; then ok "$1"; else not_ok "$1" "jq '$2' is false on:" "$(head -c 300 "$3")"; fi
}

forever=$TMP/forever.scene
printf 'thread a:\n    repeat 1000000000:\n        cpu 1ms\n' >"$forever"
busy=$TMP/busy.scene
printf 'thread a x4:\n    repeat 1000000000:\n        cpu 1us\n        io 1us\n' >"$busy"

# --- nothing to say when the scene simply ends ------------------------------------
expect_exit "convoy runs to its end (0)" 0 "$GILVIZ" report convoy
expect_empty "convoy: nothing on stderr" "$TMP/err"

# --- the horizon ------------------------------------------------------------------------
expect_exit "a scene that never ends stops at the default horizon (0)" 0 "$GILVIZ" report "$forever"
expect_grep "report says it stopped at the 10 min horizon" \
    "gilviz: stopped at the horizon, 600 s of simulated time, with work left; raise it with --horizon 20min" "$TMP/err"
expect_grep "the report's header says so too" "(stopped at the horizon)" "$TMP/out"

expect_exit "--horizon 30ms (0)" 0 "$GILVIZ" report --horizon 30ms "$forever"
expect_grep "--horizon 30ms stops at 30 ms" "stopped at the horizon, 30 ms of simulated time" "$TMP/err"
expect_grep "--horizon 30ms suggests 60ms" "raise it with --horizon 60ms" "$TMP/err"
expect_grep "--horizon 30ms: wall time 30 ms" "wall time 30 ms" "$TMP/out"
expect_exit "--horizon=30ms (0)" 0 "$GILVIZ" report --json --horizon=30ms "$forever"
expect_json "--horizon=30ms: wall_ns and horizon_hit" '.wall_ns == 30000000 and .horizon_hit' "$TMP/out"
"$GILVIZ" report --json --set horizon=30ms "$forever" >"$TMP/set.json" 2>/dev/null
if cmp -s "$TMP/out" "$TMP/set.json"; then ok "--horizon T is --set horizon=T"; else
    not_ok "--horizon T is --set horizon=T" "the two reports differ"; fi
expect_exit "a later --set horizon= wins over --horizon" 0 "$GILVIZ" report --horizon 30ms --set horizon=10ms "$forever"
expect_grep "... and stops at 10 ms" "10 ms of simulated time" "$TMP/err"
expect_exit "--horizon 86400s (the longest) (0)" 0 "$GILVIZ" report --horizon 86400s "$TMP/forever.scene"
expect_grep "at the longest horizon it says it cannot be raised" "(1 day is the longest horizon)" "$TMP/err"
expect_exit "log says where it stopped too" 0 "$GILVIZ" log --horizon 3ms "$forever"
expect_grep "log: horizon line" "stopped at the horizon, 3 ms" "$TMP/err"
expect_exit "export says where it stopped too" 0 "$GILVIZ" export --horizon 3ms -o "$TMP/t.json" "$forever"
expect_grep "export: horizon line" "stopped at the horizon, 3 ms" "$TMP/err"
expect_exit "frame says where it stopped too" 0 "$GILVIZ" frame --horizon 3ms "$forever"
expect_grep "frame: horizon line" "stopped at the horizon, 3 ms" "$TMP/err"
expect_exit "--horizon 5 (no unit) exits 64" 64 "$GILVIZ" report --horizon 5 "$forever"
expect_grep "--horizon 5 asks for a unit" "--horizon: bad time '5': a duration needs a unit" "$TMP/err"
expect_exit "--horizon 2min0 exits 64" 64 "$GILVIZ" report --horizon 2min0 "$forever"
expect_exit "--horizon 0 exits 64" 64 "$GILVIZ" report --horizon 0 "$forever"
expect_grep "--horizon 0 must be positive" "--horizon must be positive, not '0'" "$TMP/err"
expect_exit "--horizon 2days exits 64" 64 "$GILVIZ" report --horizon 2days "$forever"
expect_exit "--horizon 90000s (over a day) exits 64" 64 "$GILVIZ" report --horizon 90000s "$forever"
expect_grep "--horizon over a day says the limit" "at most 1 day" "$TMP/err"

# --- the event cap --------------------------------------------------------------------
expect_exit "--max-events 2000 stops the run (0)" 0 "$GILVIZ" report --max-events 2000 "$busy"
expect_grep "it says where and how to go on" "gilviz: stopped after 2000 events, at " "$TMP/err"
expect_grep "... raise --max-events" "of simulated time; raise --max-events to go on" "$TMP/err"
expect_grep "the report's header says so" "(stopped at the event cap)" "$TMP/out"
expect_exit "--max-events=2000 (0)" 0 "$GILVIZ" report --json --max-events=2000 "$busy"
expect_json "--max-events: events and event_cap_hit" '.events == 2000 and .event_cap_hit and (.mem_cap_hit | not)' "$TMP/out"

# --- the memory limit ------------------------------------------------------------------
expect_exit "--max-memory 4M stops the run (0)" 0 "$GILVIZ" report --max-memory 4M "$busy"
expect_grep "it says the memory limit stopped it" "of simulated time: the timeline reached --max-memory (4 MiB, " "$TMP/err"
expect_grep "... and how to go on" "records); raise it to go on" "$TMP/err"
expect_grep "the report's header says so" "(stopped at the memory limit)" "$TMP/out"
expect_exit "--max-memory=4M --json (0)" 0 "$GILVIZ" report --json --max-memory=4M "$busy"
expect_json "--max-memory: mem_cap_hit" '.mem_cap_hit and (.event_cap_hit | not) and (.horizon_hit | not)' "$TMP/out"
"$GILVIZ" report --json --max-memory 8M "$busy" >"$TMP/8m.json" 2>/dev/null
if command -v jq >/dev/null 2>&1; then
    a=$(jq .events "$TMP/out")
    b=$(jq .events "$TMP/8m.json")
    if [ "$b" -gt "$a" ]; then ok "8M goes further than 4M ($b > $a events)"; else
        not_ok "8M goes further than 4M" "$b <= $a"; fi
fi
expect_exit "--max-memory 4096K is 4M" 0 "$GILVIZ" report --json --max-memory 4096K "$busy"
expect_json "4096K: same run as 4M" '.mem_cap_hit' "$TMP/out"
expect_exit "--max-memory 1G does not stop convoy" 0 "$GILVIZ" report --max-memory 1G convoy
expect_empty "--max-memory 1G on convoy: nothing on stderr" "$TMP/err"
expect_exit "--max-memory 2GiB is accepted" 0 "$GILVIZ" report --max-memory 2GiB convoy
expect_exit "export stops at the memory limit too" 0 "$GILVIZ" export --max-memory 4M -o "$TMP/m.json" "$busy"
expect_grep "export: memory line" "the timeline reached --max-memory" "$TMP/err"
for bad in abc 4MB 1.5G -4M 4m ""; do
    expect_exit "--max-memory '$bad' exits 64" 64 "$GILVIZ" report --max-memory "$bad" convoy
    expect_grep "--max-memory '$bad' names the value" "'$bad'" "$TMP/err"
done
expect_exit "--max-memory 3M (under 4M) exits 64" 64 "$GILVIZ" report --max-memory 3M convoy
expect_grep "--max-memory 3M says the minimum" "too small (at least 4M)" "$TMP/err"
expect_exit "--max-memory 99999999999T exits 64" 64 "$GILVIZ" report --max-memory 99999999999T convoy
expect_grep "--max-memory 99999999999T: too large" "size is too large" "$TMP/err"
"$GILVIZ" --help >"$TMP/help"
expect_grep "--help lists --max-memory" "--max-memory SIZE" "$TMP/help"
expect_grep "--help lists --horizon" "--horizon T" "$TMP/help"

# --- the player's status line (80x24) ----------------------------------------------
if ! command -v tmux >/dev/null 2>&1; then
    ok "# SKIP the player's status line: tmux is not installed"
    exit 0
fi
TMUX_TAG=limits
. tests/tmux.sh
tm new-session -d -x 80 -y 24 -n gv \
    "LANG=C.UTF-8 '$GV' --paused --horizon 20ms '$forever' 2>'$TMP/play.err'; echo \$? >'$TMP/play.rc'; sleep 30"
if wait_for "· horizon reached" 5; then ok "the player's status line says the horizon was reached"; else
    not_ok "the player's status line says the horizon was reached" "$(screen | head -n 3)"; fi
line2=$(screen | sed -n 2p)
case $line2 in
*"/ 20 ms · horizon reached") ok "... at the end of the second row, whole, in 80 columns" ;;
*) not_ok "... at the end of the second row, whole, in 80 columns" "row 2: '$line2'" ;;
esac
tm send-keys -t gv q
i=0
while [ ! -s "$TMP/play.rc" ] && [ "$i" -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
if [ "$(cat "$TMP/play.rc" 2>/dev/null)" = 0 ]; then ok "the player exits 0"; else
    not_ok "the player exits 0" "got $(cat "$TMP/play.rc" 2>/dev/null)"; fi
expect_grep "after quitting, the player says it stopped at the horizon" \
    "stopped at the horizon, 20 ms of simulated time, with work left; raise it with --horizon 40ms" "$TMP/play.err"
tm kill-session -t gv 2>/dev/null

tm new-session -d -x 80 -y 24 -n gv2 "LANG=C.UTF-8 '$GV' --paused --max-memory 4M '$busy'; sleep 30"
i=0
until tm capture-pane -p -t gv2 2>/dev/null | grep -qF "· memory cap" || [ "$i" -ge 100 ]; do
    sleep 0.05
    i=$((i + 1))
done
if tm capture-pane -p -t gv2 | grep -qF "· memory cap"; then ok "the player's status line says the memory cap stopped it"; else
    not_ok "the player's status line says the memory cap stopped it" "$(tm capture-pane -p -t gv2 | head -n 3)"; fi
tm send-keys -t gv2 q

# --horizon takes the value it parsed, however it was written
long=$(printf '0%.0s' $(seq 1 90))1ms
expect_exit "--horizon with 90 leading zeros exits 0" 0 "$GILVIZ" report --horizon "$long" convoy
expect_grep "--horizon with 90 leading zeros is 1 ms" "stopped at the horizon, 1 ms of simulated time" "$TMP/err"

#!/bin/sh
# `gilviz report`: built-in scene lookup, the --json contract, what the
# built-in scenes must show, --set overrides, determinism and write errors.
# Run from the repo root: sh tests/cli_report.sh
. tests/lib.sh
unset GILVIZ_SCENES
case $GILVIZ in
/*) ABS=$GILVIZ ;;
*) ABS=$(pwd)/$GILVIZ ;;
esac

# expect_jq NAME FILTER FILE [JQ-ARGS...]: jq -e FILTER is true on FILE
expect_jq() {
    _n=$1 _f=$2 _file=$3
    shift 3
    if jq -e "$@" "$_f" "$_file" >/dev/null 2>"$TMP/jqerr"; then ok "$_n"; else
        not_ok "$_n" "jq filter false: $_f" "$(cat "$TMP/jqerr")" "$(head -c 400 "$_file")"; fi
}

# expect_same NAME FILE1 FILE2: byte-identical, non-empty
expect_same() {
    if [ -s "$2" ] && cmp -s "$2" "$3"; then ok "$1"; else
        not_ok "$1" "$2 and $3 differ (or are empty)" "$(cmp "$2" "$3" 2>&1)"; fi
}

builtins=$(for f in scenes/*.scene; do basename "$f" .scene; done)
mkdir "$TMP/elsewhere"

# --- built-ins by name, from the repo root and from elsewhere -------------------
for s in $builtins; do
    title=$(sed -n -e 's/^scene "\([^"]*\)".*/\1/p' -e 's/^title "\([^"]*\)".*/\1/p' "scenes/$s.scene")
    expect_exit "report $s (built-in by name) exits 0" 0 "$GILVIZ" report "$s"
    if [ -n "$title" ] && [ "$(sed -n 1p "$TMP/out")" = "$title" ]; then
        ok "report $s starts with its title"
    else
        not_ok "report $s starts with its title" "want '$title', got '$(sed -n 1p "$TMP/out")'"
    fi
    expect_grep "report $s shows the wall time" "wall time" "$TMP/out"

    expect_exit "report --json $s exits 0" 0 "$GILVIZ" report --json "$s"
    cp "$TMP/out" "$TMP/$s.json"

    (cd "$TMP/elsewhere" && "$ABS" report --json "$s") >"$TMP/$s.elsewhere.json" 2>"$TMP/err"
    rc=$?
    if [ "$rc" -eq 0 ]; then ok "report $s by name from another directory exits 0"; else
        not_ok "report $s by name from another directory exits 0" "exit $rc" "$(head -c 400 "$TMP/err")"; fi
    expect_same "report $s from another directory gives the same JSON" "$TMP/$s.json" "$TMP/$s.elsewhere.json"
done

# Built-ins are looked up in scenes/ next to the executable: a copy of the
# binary with its own scenes/ finds a scene there, and only there.
mkdir -p "$TMP/bin/scenes"
cp "$GILVIZ" "$TMP/bin/gilviz"
cp tests/cli/lookup/cli-lookup.scene "$TMP/bin/scenes/next-to-exe.scene"
expect_exit "a built-in next to the executable is found" 0 "$TMP/bin/gilviz" report next-to-exe
expect_grep "the scene next to the executable is the one used" "CLI lookup fixture" "$TMP/out"
expect_exit "that name is unknown to the repo binary" 66 "$GILVIZ" report next-to-exe

# GILVIZ_SCENES: a directory searched first.
expect_exit "GILVIZ_SCENES: a fixture is found by name" 0 env GILVIZ_SCENES=tests/cli/lookup "$GILVIZ" report cli-lookup
expect_grep "GILVIZ_SCENES: the fixture is the one reported" "CLI lookup fixture" "$TMP/out"
expect_exit "without GILVIZ_SCENES the fixture is unknown" 66 "$GILVIZ" report cli-lookup
mkdir "$TMP/override"
sed 's/^scene "CLI lookup fixture"/scene "Shadowed convoy"/' tests/cli/lookup/cli-lookup.scene >"$TMP/override/convoy.scene"
expect_exit "GILVIZ_SCENES: a same-named scene exits 0" 0 env GILVIZ_SCENES="$TMP/override" "$GILVIZ" report convoy
expect_grep "GILVIZ_SCENES is searched before the built-ins" "Shadowed convoy" "$TMP/out"
expect_exit "GILVIZ_SCENES without the name falls back to built-ins" 0 env GILVIZ_SCENES="$TMP/override" "$GILVIZ" report free-threaded
expect_grep "the fallback is the built-in scene" "Free-threaded Python" "$TMP/out"

# --- the --json contract --------------------------------------------------------
if ! command -v jq >/dev/null 2>&1; then
    not_ok "jq is installed (needed for the JSON checks)"
else
contract='
  (.wall_ns | type == "number" and . > 0)
  and (.threads | type == "array" and length > 0
       and all(.[]; (.name | type == "string")
                    and (.cpu_ns | type == "number") and (.gil_wait_ns | type == "number")
                    and (.io_ns | type == "number") and (.ready_ns | type == "number")))
  and (.gil | (.switches | type == "number") and (.forced_switches | type == "number")
              and (.drop_requests | type == "number"))
  and (.cores | type == "array" and length > 0 and all(.[]; .busy_ns | type == "number"))
  and (.io | (.ops | type == "number")
             and (.latency_ns | (.mean | type == "number") and (.p50 | type == "number")
                                and (.p99 | type == "number")))
  and (.shared | type == "object"
       and all(.[]; (.final | type == "number") and (.expected | type == "number")))
  and (.deadlock | type == "boolean")'
for s in $builtins; do
    expect_jq "report --json $s is one valid JSON object" 'type == "object"' "$TMP/$s.json"
    expect_jq "report --json $s has the contract's keys and types" "$contract" "$TMP/$s.json"
    expect_jq "report --json $s: one cores[] entry per core" '(.cores | length) == .model.cores' "$TMP/$s.json"
done

# What each built-in scene is there to show.
expect_jq "convoy: net waits > 40 ms for the GIL (8 packets, 5 ms each)" \
    '[.threads[] | select(.name == "net") | .gil_wait_ns] | length == 1 and .[0] > 40e6' "$TMP/convoy.json"
expect_jq "convoy: 38 I/O operations (8 before setswitchinterval, 30 after)" '.io.ops == 38' "$TMP/convoy.json"
expect_jq "convoy: I/O latency up to a switch interval (p99 4-6 ms, p50 under 1 ms)" \
    '.io.latency_ns.p99 > 4e6 and .io.latency_ns.p99 < 6e6 and .io.latency_ns.p50 < 1e6 and .io.latency_ns.p50 <= .io.latency_ns.p99' "$TMP/convoy.json"
expect_jq "convoy: no deadlock" '.deadlock == false' "$TMP/convoy.json"
expect_jq "cpu-threads: a forced GIL switch every 5 ms or so (more than 15)" '.gil.forced_switches > 15' "$TMP/cpu-threads.json"
expect_jq "free-threaded: no GIL switches" '.gil.switches == 0' "$TMP/free-threaded.json"
expect_jq "free-threaded: workers run in parallel (wall < 2x one worker)" \
    '.wall_ns < 2 * ([.threads[] | select(.name != "main") | .cpu_ns] | max)' "$TMP/free-threaded.json"
expect_jq "race-counter: the unlocked counter loses updates" \
    '.shared.unsafe.final < .shared.unsafe.expected' "$TMP/race-counter.json"
expect_jq "race-counter: the locked counter is exact" \
    '.shared.safe.final == .shared.safe.expected and .shared.safe.expected > 0' "$TMP/race-counter.json"

# A deadlock is a result, not an error.
expect_exit "deadlock fixture exits 0" 0 "$GILVIZ" report --json tests/cli/deadlock.scene
expect_jq "deadlock fixture reports deadlock: true" '.deadlock == true' "$TMP/out"
expect_exit "deadlock fixture (text) exits 0" 0 "$GILVIZ" report tests/cli/deadlock.scene
expect_grep "deadlock fixture (text) says DEADLOCK" "DEADLOCK" "$TMP/out"

# --- --set changes the run ------------------------------------------------------
"$GILVIZ" report --json --set switch_interval=1ms convoy >"$TMP/convoy-1ms.json" 2>"$TMP/err"
expect_jq "convoy --set switch_interval=1ms: smaller I/O latency mean" \
    '.io.latency_ns.mean < $d[0].io.latency_ns.mean' "$TMP/convoy-1ms.json" --slurpfile d "$TMP/convoy.json"
expect_jq "convoy --set switch_interval=1ms is reported in the model" \
    '.model.switch_interval_ns == 1000000' "$TMP/convoy-1ms.json"

"$GILVIZ" report --json --set cores=1 free-threaded >"$TMP/ft-1.json" 2>"$TMP/err"
"$GILVIZ" report --json --set cores=4 free-threaded >"$TMP/ft-4.json" 2>"$TMP/err"
expect_jq "free-threaded: cores=1 is slower than cores=4" \
    '.wall_ns > 1.5 * $d[0].wall_ns' "$TMP/ft-1.json" --slurpfile d "$TMP/ft-4.json"

"$GILVIZ" report --json --set cores=3 convoy >"$TMP/convoy-3.json" 2>"$TMP/err"
expect_jq "--set cores=3 gives three cores[] entries" '(.cores | length) == 3 and .model.cores == 3' "$TMP/convoy-3.json"

# Later --set wins.
"$GILVIZ" report --json --set cores=1 --set cores=3 convoy >"$TMP/convoy-13.json" 2>"$TMP/err"
expect_jq "repeated --set: the last value wins" '.model.cores == 3' "$TMP/convoy-13.json"

# The seed changes the run of four CPU-bound threads (who wins each switch).
"$GILVIZ" report --json --set seed=1 cpu-threads >"$TMP/seed1.json" 2>"$TMP/err"
"$GILVIZ" report --json --set seed=2 cpu-threads >"$TMP/seed2.json" 2>"$TMP/err"
expect_jq "cpu-threads: seed=2 schedules differently from seed=1" \
    '[.threads[].end_ns] != [$d[0].threads[].end_ns]' "$TMP/seed2.json" --slurpfile d "$TMP/seed1.json"
expect_same "cpu-threads: --set seed=1 equals the scene default (seed 1)" "$TMP/cpu-threads.json" "$TMP/seed1.json"
fi

# --- determinism ----------------------------------------------------------------
"$GILVIZ" report --json convoy >"$TMP/det1.json" 2>/dev/null
"$GILVIZ" report --json convoy >"$TMP/det2.json" 2>/dev/null
expect_same "report --json convoy is byte-identical across runs" "$TMP/det1.json" "$TMP/det2.json"
"$GILVIZ" report --json --set seed=2 cpu-threads >"$TMP/det3.json" 2>/dev/null
expect_same "report --json --set seed=2 cpu-threads is byte-identical across runs" "$TMP/seed2.json" "$TMP/det3.json"
"$GILVIZ" report old-gil-battle >"$TMP/det4.txt" 2>/dev/null
"$GILVIZ" report old-gil-battle >"$TMP/det5.txt" 2>/dev/null
expect_same "text report old-gil-battle is byte-identical across runs" "$TMP/det4.txt" "$TMP/det5.txt"

# --- write errors -----------------------------------------------------------------
if [ -c /dev/full ]; then
    expect_exit "report > /dev/full exits 74" 74 sh -c '"$1" report convoy >/dev/full' sh "$GILVIZ"
    expect_grep "report > /dev/full says the write failed" "writing the output failed" "$TMP/err"
    expect_exit "check > /dev/full exits 74" 74 sh -c '"$1" check scenes/convoy.scene >/dev/full' sh "$GILVIZ"
    expect_exit "--version > /dev/full exits 74" 74 sh -c '"$1" --version >/dev/full' sh "$GILVIZ"
    expect_exit "list > /dev/full exits 74" 74 sh -c '"$1" list >/dev/full' sh "$GILVIZ"
    expect_exit "report --json > /dev/full exits 74" 74 sh -c '"$1" report --json convoy >/dev/full' sh "$GILVIZ"
fi

# asyncio and multiprocessing keys of report --json
check_json() { # NAME FILTER SCENE: jq -e FILTER on the scene's JSON is true
    if "$GILVIZ" report --json "$3" 2>/dev/null | jq -e "$2" >/dev/null 2>&1; then ok "$1"; else
        not_ok "$1" "jq -e '$2' failed on $3"; fi
}
check_json "asyncio-downloads: loop has iterations and lag" \
    '.loop.iterations > 1 and .loop.lag_ns.mean >= 0 and .loop.lag_ns.p99 >= .loop.lag_ns.mean and .loop.lag_ns.max >= .loop.lag_ns.p99 and .loop.slow_callbacks == 0' asyncio-downloads
check_json "asyncio-downloads: twenty tasks, all done" '(.tasks | length) == 20 and all(.tasks[]; .done_ns > 0 and .wall_ns > 0)' asyncio-downloads
check_json "asyncio-downloads: speedup over sequential above 10" '.speedup > 10' asyncio-downloads
check_json "blocking-the-loop: one slow callback in the first loop" '.loops[0].slow_callbacks == 1 and .loops[1].slow_callbacks == 0' blocking-the-loop
check_json "blocking-the-loop: the executor ran" '.loops[1].executor.threads >= 1 and .loops[1].executor.utilisation > 0' blocking-the-loop
check_json "cpu-processes: main + 4 worker processes, each with CPU" '(.processes | length) == 5 and ([.processes[1:][] | .cpu_ns > 0] | all)' cpu-processes
check_json "cpu-processes: speedup above 3" '.speedup > 3' cpu-processes
check_json "convoy: no loop" '.loop == null and (.loops | length) == 0' convoy

# counts agree with their nouns: "1 slow callback", "0 slow callbacks"
"$GILVIZ" report blocking-the-loop >"$TMP/btl" 2>&1
expect_grep "report: one slow callback, in the singular" "max 29.91 ms, 1 slow callback" "$TMP/btl"
expect_grep "report: none, in the plural" "0 slow callbacks" "$TMP/btl"

# --- report --compare: the same scene with one setting changed ---------------------
expect_exit "report --compare cores=1,2,4 exits 0" 0 "$GILVIZ" report --compare cores=1,2,4 cpu-threads
cp "$TMP/out" "$TMP/cmp"
expect_grep "--compare: the scene's title first" "CPU-bound threads take turns" "$TMP/cmp"
expect_grep "--compare: the columns" "cores   wall time  speedup  cores busy   gil wait  switches (forced)" "$TMP/cmp"
rows=$(grep -c '^[124] ' "$TMP/cmp")
if [ "$rows" -eq 3 ]; then ok "--compare: a row per value, in order"; else not_ok "--compare: a row per value" "$rows rows"; fi
# each row is what report --set says of that run
for n in 1 4; do
    "$GILVIZ" report --set cores=$n cpu-threads >"$TMP/one" 2>&1
    wall=$(sed -n 's/^wall time \([^,]*\),.*/\1/p' "$TMP/one")
    if grep -q "^$n  *$wall " "$TMP/cmp"; then ok "--compare: the cores=$n row has report --set's wall time ($wall)"; else
        not_ok "--compare: the cores=$n row has report --set's wall time" "want '$wall'" "$(cat "$TMP/cmp")"; fi
done
"$GILVIZ" report --compare python=3.12,3.13t cpu-threads >"$TMP/cmp" 2>&1
if grep -q '^3\.13t .* no GIL$' "$TMP/cmp"; then ok "--compare python: free-threading has no GIL to count"; else
    not_ok "--compare python: free-threading has no GIL to count" "$(cat "$TMP/cmp")"; fi
if awk '$1 == "3.12" { a = $4 } $1 == "3.13t" { b = $4 } END { exit !(b + 0 > 2 * (a + 0)) }' "$TMP/cmp"; then
    ok "--compare python: 3.13t keeps more than twice the cores busy"
else
    not_ok "--compare python: 3.13t keeps more than twice the cores busy" "$(cat "$TMP/cmp")"
fi
"$GILVIZ" report --compare cores=1,4 blocking-the-loop >"$TMP/cmp" 2>&1
expect_grep "--compare: a scene with an event loop gets its lag p99" "lag p99" "$TMP/cmp"
"$GILVIZ" report --json --compare cores=1,2 convoy >"$TMP/cmp.json" 2>&1
"$GILVIZ" report --json --set cores=2 convoy >"$TMP/one.json" 2>&1
expect_jq "--compare --json: the runs, each with its value and its report" \
    '.compare == "cores" and (.runs | length) == 2 and .runs[0].value == "1" and .runs[1].report.model.cores == 2' "$TMP/cmp.json"
if jq -e --slurp '.[0].runs[1].report == .[1]' "$TMP/cmp.json" "$TMP/one.json" >/dev/null 2>&1; then
    ok "--compare --json: a run's report is report --json --set's"
else
    not_ok "--compare --json: a run's report is report --json --set's"
fi
expect_exit "--compare with one value exits 64" 64 "$GILVIZ" report --compare cores=2 convoy
expect_grep "--compare with one value says two are needed" "at least two values" "$TMP/err"
expect_exit "--compare with an empty value exits 64" 64 "$GILVIZ" report --compare cores=1,,2 convoy
expect_exit "--compare with a bad value exits 64" 64 "$GILVIZ" report --compare cores=1,0 convoy
expect_grep "--compare: the bad value is named" "cores=0: cores must be between 1 and 128" "$TMP/err"
expect_exit "--compare with an unknown setting exits 64" 64 "$GILVIZ" report --json --compare bogus=1,2 convoy
if [ -s "$TMP/out" ]; then not_ok "--compare --json with an unknown setting writes no half JSON" "$(head -c 200 "$TMP/out")"; else
    ok "--compare --json with an unknown setting writes no half JSON"; fi
expect_exit "--compare --json with a run that fails exits 65" 65 "$GILVIZ" report --json --compare gil=new,old convoy
if [ -s "$TMP/out" ]; then not_ok "--compare --json with a run that fails writes no half JSON" "$(head -c 200 "$TMP/out")"; else
    ok "--compare --json with a run that fails writes no half JSON"; fi
expect_grep "--compare: the failing run's error is said" "setswitchinterval needs the new GIL" "$TMP/err"

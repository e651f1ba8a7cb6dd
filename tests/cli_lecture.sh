#!/bin/sh
# The lecture's claims, read the way a teacher's script would: from
# `gilviz report --json`, with jq.  Each check is the sentence a scene's
# captions say out loud; tests/test_lecture.c checks the same scenes from the
# engine's statistics and their frames.  Tolerances are stated per claim.
. tests/lib.sh
unset GILVIZ_SCENES

# claim NAME SCENE JQ-EXPRESSION: the expression is true of SCENE's report
claim() {
    name=$1 scene=$2 expr=$3
    if ! "$GILVIZ" report --json "$scene" >"$TMP/$scene.json" 2>"$TMP/err"; then
        not_ok "$name" "report --json $scene failed" "$(head -c 400 "$TMP/err")"
        return
    fi
    if [ "$(jq -r "$expr" "$TMP/$scene.json" 2>"$TMP/err")" = true ]; then ok "$name"; else
        not_ok "$name" "false: $expr" "$(jq -c "{wall_ns, speedup}" "$TMP/$scene.json")" "$(head -c 400 "$TMP/err")"
    fi
}

# a thread by name: th("net").gil_wait_ns
TH='def th($n): .threads[] | select(.name == $n);'

claim "hello: one process, main and worker take turns for the GIL" hello \
    "$TH"' (.threads | length) == 2 and .gil.forced_switches >= 2 and th("worker").io_ops == 1'
claim "cpu-threads: four CPU-bound threads are no faster than one (speedup 0.8-1.2)" cpu-threads \
    '.speedup > 0.8 and .speedup < 1.2'
claim "cpu-processes: four processes, speedup above 3 on 4 cores" cpu-processes \
    '.speedup > 3 and (.processes | length) >= 5'
claim "free-threaded: parallel, but below 4x: the single-thread overhead" free-threaded \
    '.speedup > 2 and .speedup < 3.9 and .gil.switches == 0'
claim "native-release: C code that releases the GIL scales (speedup above 3)" native-release \
    '.speedup > 3'
claim "io-threads: eight downloads overlap (speedup above 5)" io-threads \
    '.speedup > 5 and .io.ops == 8'
claim "asyncio-downloads: twenty tasks on one thread overlap their waits (speedup above 10)" asyncio-downloads \
    '(.tasks | length) == 20 and .speedup > 10 and .loop.executor.threads == 0'
claim "callbacks: the notified loop runs its callbacks within 2 ms" callbacks \
    '.loop.lag_ns.max < 2000000'
claim "blocking-the-loop: time.sleep makes the ticks ~30 ms late, run_in_executor keeps them under 1 ms" blocking-the-loop \
    '.loops[0].lag_ns.max > 25000000 and .loops[0].slow_callbacks == 1 and .loops[1].lag_ns.max < 1000000'
claim "convoy: each packet waits about a switch interval (4-6 ms), then about 0.5 ms (0.3-0.8 ms)" convoy \
    "$TH"' (th("net").gil_wait_ns / th("net").io_ops) as $a | (th("net2").gil_wait_ns / th("net2").io_ops) as $b
     | $a > 4000000 and $a < 6000000 and $b > 300000 and $b < 800000'
claim "old-gil-battle: on the old GIL two threads are slower than one after another" old-gil-battle \
    '.speedup < 1 and .gil.failed_wakeups >= 1'
claim "race-counter: without a lock updates are lost; with one the total is right" race-counter \
    '.shared.unsafe.final < .shared.unsafe.expected and .shared.unsafe.lost_updates > 0
     and .shared.safe.final == .shared.safe.expected'
claim "deadlock: the report names the cycle" deadlock \
    '.deadlock and (.deadlock_detail | test("holds .* and waits for"))'
claim "producer-consumer: the producer blocks on the full queue, the consumers on the empty one" producer-consumer \
    "$TH"' th("producer").queue_wait_ns > 20000000 and th("consumer1").queue_wait_ns > 0'
claim "web-server: light requests are quickest with the heavy work in a process (under 0.75x threads)" web-server \
    "$TH"' def life($re): [.threads[] | select(.name | test($re)) | .end_ns - .start_ns] | add / length;
     life("^light3-[1-8]$") < 0.75 * life("^light[1-8]$")'

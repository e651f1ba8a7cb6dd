#!/bin/sh
# `gilviz frame`: golden frames of every built-in scene (tests/golden/), and
# the command's errors.  With GOLDEN_REGEN=1 (`make golden`) the frames are
# rewritten instead of compared.  Run from the repo root.
. tests/lib.sh
unset GILVIZ_SCENES LC_ALL LC_MESSAGES LANG LANGUAGE

cases=tests/golden/cases
n=0
while read -r name args; do
    case $name in ''|'#'*) continue ;; esac
    n=$((n + 1))
    # shellcheck disable=SC2086 # the arguments are words on purpose
    "$GILVIZ" frame $args >"$TMP/frame" 2>"$TMP/err"
    rc=$?
    if [ -n "$GOLDEN_REGEN" ]; then
        [ "$rc" -eq 0 ] && cp "$TMP/frame" "tests/golden/$name.txt" && echo "wrote tests/golden/$name.txt"
        continue
    fi
    if [ "$rc" -ne 0 ]; then
        not_ok "frame $name" "exit $rc: $(head -c 300 "$TMP/err")"
    elif cmp -s "$TMP/frame" "tests/golden/$name.txt"; then
        ok "frame $name matches tests/golden/$name.txt"
    else
        not_ok "frame $name matches tests/golden/$name.txt" "gilviz frame $args differs (make golden rewrites it):" \
            "$(diff "tests/golden/$name.txt" "$TMP/frame" | head -n 12)"
    fi
done <"$cases"
[ -n "$GOLDEN_REGEN" ] && exit 0
if [ "$n" -ge 18 ]; then ok "$n golden frames listed"; else not_ok "golden frames listed" "only $n"; fi

# Every scene of the first lecture set has at least two golden frames.
for s in convoy cpu-threads io-threads race-counter old-gil-battle free-threaded; do
    c=$(grep -c "^[a-z0-9-]* *$s " "$cases")
    if [ "$c" -ge 2 ]; then ok "scene $s has $c golden frames"; else
        not_ok "scene $s has golden frames" "$c in $cases"; fi
done

# Every built-in scene has a golden frame at its key moment.
for f in scenes/*.scene; do
    s=$(basename "$f" .scene)
    c=$(grep -c "^[a-z0-9-]* *$s " "$cases")
    if [ "$c" -ge 1 ]; then ok "scene $s has a golden frame"; else
        not_ok "scene $s has a golden frame" "none in $cases"; fi
done

# Frames are the same run after run, and the size is what was asked.
"$GILVIZ" frame convoy --at 5ms --size 120x40 >"$TMP/a" 2>&1
"$GILVIZ" frame convoy --at 5ms --size 120x40 >"$TMP/b" 2>&1
if cmp -s "$TMP/a" "$TMP/b"; then ok "frame is byte-identical across runs"; else
    not_ok "frame is byte-identical across runs"; fi
lines=$(wc -l <"$TMP/a")
wide=$(LC_ALL=C.UTF-8 wc -L <"$TMP/a")
if [ "$lines" -eq 40 ]; then ok "--size 120x40 gives 40 lines"; else not_ok "--size 120x40 gives 40 lines" "$lines"; fi
if [ "$wide" -le 120 ] && [ "$wide" -ge 100 ]; then ok "the widest line fits in 120 columns ($wide)"; else
    not_ok "the widest line fits in 120 columns" "widest: $wide"; fi
if grep -q ' $' "$TMP/a"; then not_ok "trailing spaces are trimmed"; else ok "trailing spaces are trimmed"; fi

# ASCII frames are ASCII; the default is UTF-8.
"$GILVIZ" frame race-counter --at 16ms --ascii --lang pt >"$TMP/ascii" 2>&1
if LC_ALL=C grep -q '[^ -~]' "$TMP/ascii"; then not_ok "--ascii prints only ASCII" \
    "$(LC_ALL=C grep -n '[^ -~]' "$TMP/ascii" | head -n 3)"; else ok "--ascii prints only ASCII"; fi
expect_grep "the default glyphs are UTF-8" "█" "tests/golden/convoy-start.txt"

# The language: --lang, then LC_ALL / LC_MESSAGES / LANG.
LANG=pt_BR.UTF-8 "$GILVIZ" frame convoy --at 5ms >"$TMP/pt" 2>&1
expect_grep "LANG=pt_BR selects Portuguese" "O efeito comboio" "$TMP/pt"
LANG=pt_BR.UTF-8 LC_ALL=en_US.UTF-8 "$GILVIZ" frame convoy --at 5ms >"$TMP/en" 2>&1
expect_grep "LC_ALL=en wins over LANG" "The convoy effect" "$TMP/en"
LANG=pt_BR.UTF-8 "$GILVIZ" frame convoy --at 5ms --lang en >"$TMP/en2" 2>&1
expect_grep "--lang en wins over the environment" "The convoy effect" "$TMP/en2"

# Threads that never start in the whole run have no lane (an executor's
# idle pool threads); one that starts later keeps its lane before it starts.
"$GILVIZ" frame callbacks --at 30ms --size 100x40 >"$TMP/cb" 2>&1
if grep -q "executor" "$TMP/cb"; then not_ok "no lane for pool threads that never start" \
    "$(grep executor "$TMP/cb" | head -n 3)"; else ok "no lane for pool threads that never start"; fi
expect_grep "the other threads keep their lanes" "worker" "$TMP/cb"
"$GILVIZ" frame blocking-the-loop --at 50ms --size 100x40 >"$TMP/bl" 2>&1
expect_grep "a thread that starts later has its lane before it starts" "good-executor1" "$TMP/bl"
if grep -q "bad-executor" "$TMP/bl"; then not_ok "the unused pool of the other loop has no lanes"; else
    ok "the unused pool of the other loop has no lanes"; fi

# A time past the end shows the end.
"$GILVIZ" frame convoy --at 10s >"$TMP/end" 2>&1
expect_grep "--at past the end shows the end" "t = 76.389192 ms" "$TMP/end"

# Bad --at / --size / --lang / --select: 64, with a message.
expect_exit "--at soon exits 64" 64 "$GILVIZ" frame convoy --at soon
expect_grep "--at soon says why" "bad time 'soon'" "$TMP/err"
expect_exit "--at -5ms exits 64" 64 "$GILVIZ" frame convoy --at -5ms
expect_exit "--at without a value exits 64" 64 "$GILVIZ" frame convoy --at
expect_exit "--size 100 exits 64" 64 "$GILVIZ" frame convoy --size 100
expect_grep "--size 100 says what is expected" "COLSxROWS" "$TMP/err"
expect_exit "--size 0x10 exits 64" 64 "$GILVIZ" frame convoy --size 0x10
expect_exit "--size 100x30x2 exits 64" 64 "$GILVIZ" frame convoy --size 100x30x2
expect_exit "--size 5000x30 exits 64" 64 "$GILVIZ" frame convoy --size 5000x30
# digits only: %d wrapped 4294967396 around to 100 (found by fuzz_args)
expect_exit "--size 4294967396x30 exits 64" 64 "$GILVIZ" frame convoy --size 4294967396x30
expect_exit "--size +100x30 exits 64" 64 "$GILVIZ" frame convoy --size +100x30
expect_exit "--size '100x 30' exits 64" 64 "$GILVIZ" frame convoy --size "100x 30"
expect_exit "--lang fr exits 64" 64 "$GILVIZ" frame convoy --lang fr
expect_exit "--select nobody exits 64" 64 "$GILVIZ" frame convoy --select nobody
expect_grep "--select nobody names the thread" "no thread or task named 'nobody'" "$TMP/err"
expect_exit "--speed is not a frame option" 64 "$GILVIZ" frame convoy --speed 1ms
expect_exit "frame without a scene exits 64" 64 "$GILVIZ" frame --at 5ms
expect_exit "frame of a missing scene exits 66" 66 "$GILVIZ" frame no-such-scene --at 5ms
expect_exit "frame of a bad scene exits 65" 65 "$GILVIZ" frame tests/cli/bad-syntax.scene
expect_exit "frame --size 60x20 exits 0" 0 "$GILVIZ" frame convoy --size 60x20
expect_grep "a small frame asks for a larger terminal" "enlarge the terminal (need 80x24, have 60x20)" "$TMP/out"

# A run that ended stuck says so where it says "end"; an event-log line
# that does not fit ends in an ellipsis.
"$GILVIZ" frame deadlock --at 1s --size 80x24 --lang en >"$TMP/dl" 2>&1
expect_grep "the status line of a deadlocked run says deadlock" "■ deadlock" "$TMP/dl"
expect_grep "a cut event-log line ends in an ellipsis" "held by transfer_ba; tr…" "$TMP/dl"
"$GILVIZ" frame convoy --at 1s --size 80x24 --lang en >"$TMP/ce" 2>&1
expect_grep "a run that ends well says end" "■ end" "$TMP/ce"

# The legend names the glyphs the tasks' lanes use (their awaits of I/O),
# and not an idle executor worker where the scene has no executor.
"$GILVIZ" frame asyncio-downloads --at 20ms --size 100x30 --lang en >"$TMP/lg" 2>&1
expect_grep "the legend of an asyncio scene has its tasks' I/O" "~ I/O" "$TMP/lg"
if grep -qF "idle worker" "$TMP/lg"; then
    not_ok "no idle worker in the legend of a scene without an executor" "$(tail -n 4 "$TMP/lg")"
else
    ok "no idle worker in the legend of a scene without an executor"
fi

# The name column is as wide as a lock's name in the frame's language.
"$GILVIZ" frame race-counter --at 30ms --size 80x24 --lang pt >"$TMP/lk" 2>&1
expect_grep "a lock's lane name whole in Portuguese" " trava guard " "$TMP/lk"

# A ruler label never runs into the status column ("┬105 us janela").
bad=""
for at in 0 50us 100us 105us 200us; do
    "$GILVIZ" frame old-gil-battle --at "$at" --size 80x24 --lang pt >"$TMP/rl" 2>&1
    grep -m 1 "^ tempo" "$TMP/rl" | grep -q "s janela" && bad="$bad $at"
done
if [ -z "$bad" ]; then ok "ruler labels end before the status column"; else
    not_ok "ruler labels end before the status column" "at$bad: $(grep -m 1 '^ tempo' "$TMP/rl")"; fi

# A task whose sleep is over while a blocking call holds the loop is
# "overdue" (by how long), not still asleep; the log says how long it sleeps.
"$GILVIZ" frame blocking-the-loop --at 3ms --size 100x30 --lang en >"$TMP/od1" 2>&1
expect_grep "a task within its sleep awaits it" "awaits sleep 2.998 ms" "$TMP/od1"
"$GILVIZ" frame blocking-the-loop --at 25ms --size 100x30 --lang en >"$TMP/od2" 2>&1
expect_grep "a task past its sleep, the loop blocked, is overdue" "overdue 14.89 ms" "$TMP/od2"
"$GILVIZ" log blocking-the-loop --lang en >"$TMP/od3" 2>&1
expect_grep "the log gives a sleep's length" "task tick1 awaits asyncio.sleep(5 ms)" "$TMP/od3"

# --select names a task too: the tasks panel gets the focus and the why
# line explains the task, down to what keeps the loop from running it.
"$GILVIZ" frame asyncio-downloads --at 30ms --size 80x24 --select fetch3 --lang en >"$TMP/st1" 2>&1
expect_grep "--select a task: the why line explains it" '▶ task fetch3 awaits I/O "HTTP GET" (29.7 ms so far)' "$TMP/st1"
expect_grep "--select a task: its row is marked" "▶fetch3" "$TMP/st1"
"$GILVIZ" frame blocking-the-loop --at 25ms --size 80x24 --select tick2 --lang en >"$TMP/st2" 2>&1
expect_grep "an overdue task: the loop runs the blocking task first" \
    "▶ task tick2 is overdue by 14.79 ms; the loop runs blocker first" "$TMP/st2"
"$GILVIZ" frame blocking-the-loop --at 25ms --size 100x30 --select blocker --lang en >"$TMP/st5" 2>&1
expect_grep "a running task: what its thread does (a blocking sleep)" \
    "▶ task blocker runs on the loop's thread main: sleep (14.99 ms so far)" "$TMP/st5"
"$GILVIZ" frame tests/cli/loop-beside-cpu.scene --at 3ms --size 80x24 --select tick2 --lang en >"$TMP/st3" 2>&1
expect_grep "an overdue task: the loop's thread waits for the GIL" \
    "▶ task tick2 is overdue by 1.998 ms; main waits for the GIL, cruncher has it" "$TMP/st3"
"$GILVIZ" frame tests/cli/loop-beside-cpu.scene --at 3ms --size 160x40 --select tick2 --lang pt >"$TMP/st4" 2>&1
expect_grep "the same in Portuguese, wider" "a thread do laço, main, espera a GIL, que está com cruncher" "$TMP/st4"

# A caption is not broken between a number and its unit ("não 1,2" / "s.").
"$GILVIZ" frame asyncio-downloads --at 71ms --size 80x24 --lang pt >"$TMP/un" 2>&1
expect_grep "a caption keeps a number with its unit" "▌ 1,2 s." "$TMP/un"

# A selected lane keeps a row of context below it when more lanes follow,
# so both its marker and the scroll arrow show.
"$GILVIZ" frame web-server --at 85ms --size 80x24 --select light3-1 --lang en >"$TMP/so" 2>&1
if grep -q "^▶light3-1 " "$TMP/so" && grep -A1 "^▶light3-1 " "$TMP/so" | grep -q "^↓"; then
    ok "the selected lane is marked, with the scroll arrow on the row below"
else
    not_ok "the selected lane is marked, with the scroll arrow on the row below" "$(sed -n 9,14p "$TMP/so")"
fi

# The header follows sys.setswitchinterval (convoy's second part sets 0.5 ms
# at about 41 ms) and speaks the frame's language.
"$GILVIZ" frame convoy --at 30ms --size 80x24 --lang en >"$TMP/h1" 2>&1
"$GILVIZ" frame convoy --at 45ms --size 80x24 --lang en >"$TMP/h2" 2>&1
if head -n 1 "$TMP/h1" | grep -qF "GIL 5 ms" && head -n 1 "$TMP/h2" | grep -qF "GIL 500 us"; then
    ok "header: the switch interval before and after setswitchinterval"
else
    not_ok "header: the switch interval before and after setswitchinterval" "$(head -n 1 "$TMP/h1")" "$(head -n 1 "$TMP/h2")"
fi
# A step's label in the frame's language (deadlock's audit log: `pt "..."`).
"$GILVIZ" frame deadlock --at 10ms --size 80x24 --lang pt >"$TMP/l1" 2>&1
expect_grep "a step's label in Portuguese" 'está bloqueada em E/S "gravar a auditoria"' "$TMP/l1"
"$GILVIZ" frame deadlock --at 10ms --size 80x24 --lang en >"$TMP/l2" 2>&1
expect_grep "the same label in English" 'blocked in I/O "write audit log"' "$TMP/l2"
# A why line too long for 80 columns keeps its duration: the shorter form
# leaves out "(GIL released)" (Portuguese is longer than English).
expect_grep "the why line keeps the duration of an I/O in Portuguese" 'auditoria" há 2.982 ms' "$TMP/l1"
"$GILVIZ" frame asyncio-downloads --at 5ms --size 80x24 --lang pt >"$TMP/l3" 2>&1
expect_grep "the why line keeps the duration of a select() in Portuguese" "select() do laço app, há 2.998 ms" "$TMP/l3"
"$GILVIZ" frame asyncio-downloads --at 5ms --size 100x30 --lang pt >"$TMP/l4" 2>&1
expect_grep "a wide frame says the whole sentence" "laço de eventos app (GIL liberada), há 2.998 ms" "$TMP/l4"
"$GILVIZ" frame old-gil-battle --size 80x24 --lang pt >"$TMP/h3" 2>&1
expect_grep "header: the old GIL in Portuguese" "GIL antiga, cada 100 ticks" "$TMP/h3"

# The playhead never lands inside a ruler label ("┬5▼ ms", "┬25 ▼s"): the
# label under it is left out while it passes.
bad=""
for at in 5ms 5.5ms 6ms 6.5ms 7ms 25.3ms 26ms; do
    "$GILVIZ" frame hello --at "$at" --size 80x24 --lang en >"$TMP/r" 2>&1
    line=$(grep -m 1 "^ time" "$TMP/r")
    # a label's character replaced: "┬▼ ms", "5▼ms", "5 ▼s", "5 m▼" ("▼5 ms" on the tick is fine)
    if printf '%s\n' "$line" | grep -qE '┬▼[0-9 ]|[0-9]▼|[0-9] ▼|[0-9] [mun]▼'; then bad="$bad $at: $line"; fi
done
if [ -z "$bad" ]; then ok "ruler: no label under the playhead"; else not_ok "ruler: no label under the playhead" "$bad"; fi

# Numbers and words are never cut at 80x24: shared variables take a short
# form when both do not fit, the stats line leaves its last figure out whole,
# the free-threaded GIL row uses the status column too.
"$GILVIZ" frame race-counter --at 48.2ms --size 80x24 --lang en >"$TMP/rc" 2>&1
expect_grep "80x24: both shared variables, whole" "unsafe = 69936 of 120000: 50064 lost   safe = 120000 of 120000" "$TMP/rc"
"$GILVIZ" frame race-counter --at 48.2ms --size 80x24 --lang pt >"$TMP/rcpt" 2>&1
if ! grep -q "ocupação 0:25% 1:25% 2:25% 3:25% · trocas de GIL 16 (6 forçadas)" "$TMP/rcpt" ||
    { grep -q "pedidos de" "$TMP/rcpt" && ! grep -q "pedidos de troca [0-9]" "$TMP/rcpt"; }; then
    not_ok "80x24 pt: the stats line does not cut a figure" "$(grep "ocupação" "$TMP/rcpt")"
else ok "80x24 pt: the stats line does not cut a figure"; fi
"$GILVIZ" frame free-threaded --at 10ms --size 80x24 --lang en >"$TMP/ft" 2>&1
expect_grep "80x24: the free-threaded GIL row is whole" "no GIL: free-threaded, threads run in parallel" "$TMP/ft"

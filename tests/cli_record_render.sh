#!/bin/sh
# gilviz render: a headless asciicast v2 recording of the player, for every
# built-in scene: tests/castcheck.sh accepts it, asciinema cat reads it
# (skipped only when asciinema is missing: .ci/deps installs it), two
# renders are byte-identical, captions are markers, written atomically.
. tests/lib.sh
unset GILVIZ_SCENES LC_ALL LC_MESSAGES

have_asciinema=1
command -v asciinema >/dev/null 2>&1 || { have_asciinema=0; ok "# SKIP asciinema is not installed (sh .ci/deps installs it)"; }
# asciinema cat reads keys from /dev/tty: give it one with script(1)
acat() { script -qec "asciinema cat '$1'" /dev/null >"$TMP/acat.out" 2>&1 </dev/null; }

for f in scenes/*.scene; do
    sc=$(basename "$f" .scene)
    expect_exit "render $sc exits 0" 0 "$GILVIZ" render "$sc" -o "$TMP/$sc.cast"
    if sh tests/castcheck.sh "$TMP/$sc.cast" 2>"$TMP/cc"; then ok "render $sc: castcheck accepts it"; else
        not_ok "render $sc: castcheck accepts it" "$(cat "$TMP/cc")"; fi
    end=$(tail -n 1 "$TMP/$sc.cast" | jq '.[0]')
    if [ "$(jq -n --argjson e "$end" '$e >= 10 and $e <= 60' 2>/dev/null)" = true ]; then
        ok "render $sc: $end s of cast time (10-60 s)"; else not_ok "render $sc: 10-60 s of cast time" "ends at $end"; fi
    if [ "$have_asciinema" -eq 1 ]; then
        if acat "$TMP/$sc.cast"; then ok "render $sc: asciinema cat reads it"; else
            not_ok "render $sc: asciinema cat reads it" "$(tail -c 400 "$TMP/acat.out")"; fi
    fi
done

# the header, the frame rate, the markers
c="$TMP/convoy.cast"
if head -n 1 "$c" | jq -e '.version == 2 and .width == 100 and .height == 30 and .timestamp == 0
        and .title == "The convoy effect" and .env.TERM == "xterm-256color" and .env.SHELL == "/bin/sh"' >/dev/null; then
    ok "render: the header (100x30, timestamp 0, title, env)"; else not_ok "render: the header" "$(head -n 1 "$c")"; fi
if sed -n 2p "$c" | jq -e '.[0] == 0 and .[1] == "o" and (.[2] | startswith("\u001b[?25l\u001b[0m\u001b[H\u001b[2J"))' >/dev/null; then
    ok "render: the first frame clears the screen"; else not_ok "render: the first frame clears the screen" "$(sed -n 2p "$c" | head -c 200)"; fi
if tail -n +3 "$c" | jq -e -s '[.[] | select(.[1] == "o") | .[2] | contains("\u001b[2J")] | any | not' >/dev/null; then
    ok "render: later frames are updates, not full redraws"; else not_ok "render: later frames are updates, not full redraws"; fi
if tail -n +2 "$c" | jq -e -s '[.[] | .[0] * 10 | . - (. | round) | fabs < 0.000001] | all' >/dev/null; then
    ok "render: times are whole frames at 10 fps"; else not_ok "render: times are whole frames at 10 fps"; fi
notes=$(grep -c '^note ' scenes/convoy.scene)
marks=$(grep -c '"m", ' "$c")
if [ "$notes" -eq "$marks" ] && [ "$marks" -gt 0 ]; then ok "render: a marker per caption ($marks)"; else
    not_ok "render: a marker per caption" "$notes notes, $marks markers"; fi
expect_grep "render: a marker holds the caption's text" '"m", "recv() returned, but the GIL is busy' "$c"
# 76 ms of convoy in 12-30 s of playback: the 1-2-5 step is 5 ms = 1 s
expect_grep "render: the header says 5 ms = 1 s (default speed)" '5\u001b[2;16Hms' "$c"

# deterministic
"$GILVIZ" render convoy -o "$TMP/again.cast"
if cmp -s "$c" "$TMP/again.cast"; then ok "two renders are byte-identical"; else not_ok "two renders are byte-identical"; fi
"$GILVIZ" render --lang pt --from 2ms --to 12ms --speed 1ms --size 80x24 convoy -o "$TMP/a.cast"
"$GILVIZ" render --lang pt --from 2ms --to 12ms --speed 1ms --size 80x24 convoy -o "$TMP/b.cast"
if cmp -s "$TMP/a.cast" "$TMP/b.cast"; then ok "two renders with options are byte-identical"; else not_ok "two renders with options are byte-identical"; fi
if head -n 1 "$TMP/a.cast" | jq -e '.width == 80 and .height == 24 and .title == "O efeito comboio"' >/dev/null; then
    ok "render --size and --lang"; else not_ok "render --size and --lang" "$(head -n 1 "$TMP/a.cast")"; fi
end=$(tail -n 1 "$TMP/a.cast" | jq '.[0]')
if [ "$end" = "10" ]; then ok "render --from 2ms --to 12ms --speed 1ms lasts 10 s"; else not_ok "render --from 2ms --to 12ms --speed 1ms lasts 10 s" "ends at $end"; fi
if sh tests/castcheck.sh "$TMP/a.cast"; then ok "render with options: castcheck accepts it"; else not_ok "render with options: castcheck accepts it"; fi
expect_grep "render --from: only the captions from then on" '"m", "recv() retornou' "$TMP/a.cast"
if grep -q '"m", "cruncher vai calcular' "$TMP/a.cast"; then not_ok "render --from 2ms: no marker for a caption before it"; else
    ok "render --from 2ms: no marker for a caption before it"; fi

# the checker rejects broken files
printf '{"version": 2, "width": 10, "height": 5, "timestamp": 0, "title": "x", "env": {"TERM": "t", "SHELL": "s"}}\n[0.2, "o", "x"]\n[0.1, "o", "y"]\n' >"$TMP/back.cast"
printf '{"version": 2, "width": 10, "height": 5, "timestamp": 0, "title": "x", "env": {"TERM": "t", "SHELL": "s"}}\n[0.2, "o", "x"]\n[0.3, "o", "y' >"$TMP/cut.cast"
printf '{"version": 2, "width": 10, "height": 5, "timestamp": 0, "title": "x", "env": {"TERM": "t", "SHELL": "s"}}\n[0.2, "x", "x"]\n' >"$TMP/type.cast"
printf '{"version": 1, "width": 10, "height": 5}\n' >"$TMP/v1.cast"
for b in back cut type v1; do
    if sh tests/castcheck.sh "$TMP/$b.cast" 2>/dev/null; then not_ok "castcheck rejects $b.cast"; else ok "castcheck rejects $b.cast"; fi
done

# errors: usage, cannot create, atomic
expect_exit "render without -o exits 64" 64 "$GILVIZ" render convoy
expect_exit "render --at exits 64 (a frame option)" 64 "$GILVIZ" render --at 5ms convoy -o "$TMP/x.cast"
expect_exit "render --from after --to exits 64" 64 "$GILVIZ" render --from 5ms --to 1ms convoy -o "$TMP/x.cast"
expect_exit "render --speed 1ns of a whole scene is too many frames: 64" 64 "$GILVIZ" render --speed 1ns convoy -o "$TMP/x.cast"
expect_exit "render into a missing directory exits 73" 73 "$GILVIZ" render convoy -o "$TMP/missing/x.cast"
expect_grep "it names the file" "$TMP/missing/x.cast" "$TMP/err"
echo old >"$TMP/keep.cast"
"$GILVIZ" render --speed 10ns convoy -o "$TMP/keep.cast" 2>/dev/null
if [ "$(cat "$TMP/keep.cast")" = old ]; then ok "a failed render leaves the old file"; else not_ok "a failed render leaves the old file"; fi
if ls "$TMP" | grep -q '\.tmp\.'; then not_ok "no temporary files remain" "$(ls "$TMP")"; else ok "no temporary files remain"; fi
if [ -c /dev/full ]; then
    expect_exit "render -o /dev/full exits 74" 74 "$GILVIZ" render convoy -o /dev/full
fi
"$GILVIZ" render --from 0 --to 1ms --speed 1ms convoy -o - >"$TMP/stdout.cast"
if sh tests/castcheck.sh "$TMP/stdout.cast"; then ok "render -o - writes to standard output"; else not_ok "render -o - writes to standard output"; fi

# the default zoom covers at least 10 s of playback; --zoom wins
first_frame() { sed -n 2p "$1" | jq -r '.[2]' | sed "s/$(printf '\033')\[[0-9;?]*m//g; s/$(printf '\033')\[[0-9;]*H/ /g"; }
if first_frame "$c" | grep -q "view 50 ms"; then ok "render: default zoom 50 ms at 5 ms = 1 s"; else
    not_ok "render: default zoom 50 ms at 5 ms = 1 s" "$(first_frame "$c" | grep -o 'view.\{0,10\}')"; fi
"$GILVIZ" render --zoom 20ms --to 50ms convoy -o "$TMP/zoom.cast"
if first_frame "$TMP/zoom.cast" | grep -q "view 20 ms"; then ok "render --zoom 20ms"; else
    not_ok "render --zoom 20ms" "$(first_frame "$TMP/zoom.cast" | grep -o 'view.\{0,10\}')"; fi

# the last frame leaves a replaying terminal usable: cursor shown again
if grep '"o", ' "$c" | tail -n 1 | jq -e '.[2] | endswith("\u001b[?25h")' >/dev/null; then
    ok "render: the last frame shows the cursor again"; else not_ok "render: the last frame shows the cursor again"; fi
expect_exit "play --record - exits 64 (standard output is the terminal)" 64 "$GILVIZ" play --record - convoy

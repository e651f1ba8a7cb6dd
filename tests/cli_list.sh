#!/bin/sh
# `gilviz list`: the built-in scenes grouped by the topics of
# scenes/lecture.list, in lecture order, with their descriptions, in 80
# columns, in English or Portuguese.  Run from the repo root.
. tests/lib.sh
unset GILVIZ_SCENES LC_ALL LC_MESSAGES LANG LANGUAGE

# line_of PATTERN FILE: the number of the first line containing PATTERN (0: none)
line_of() { n=$(grep -nF -- "$1" "$2" | head -n 1 | cut -d: -f1); echo "${n:-0}"; }

# expect_order NAME FILE A B...: every pattern is there, each after the one before
expect_order() {
    name=$1 file=$2; shift 2
    last=0 why=""
    for p in "$@"; do
        n=$(line_of "$p" "$file")
        if [ "$n" -eq 0 ]; then why="'$p' missing"; break; fi
        if [ "$n" -le "$last" ]; then why="'$p' (line $n) is not after line $last"; break; fi
        last=$n
    done
    if [ -z "$why" ]; then ok "$name"; else not_ok "$name" "$why" "$(head -c 900 "$file")"; fi
}

# expect_fits NAME FILE: no line is wider than 80 columns, all of it UTF-8
expect_fits() {
    wide=$(LC_ALL=C.UTF-8 wc -L <"$2")
    if [ "$wide" -le 80 ] && iconv -f UTF-8 -t UTF-8 "$2" >/dev/null 2>&1; then ok "$1 (widest $wide)"; else
        not_ok "$1" "widest line: $wide columns, or not UTF-8" "$(head -c 600 "$2")"; fi
}

# --- the shipped scenes, in English ----------------------------------------------
expect_exit "list exits 0" 0 "$GILVIZ" list
cp "$TMP/out" "$TMP/en"
expect_order "topics in lecture order" "$TMP/en" "CPU-bound work and the GIL" "I/O-bound work" \
    "When the GIL hurts" "Shared resources and thread safety"
expect_order "scenes in lecture order within and across topics" "$TMP/en" "  cpu-threads " \
    "  cpu-processes " "  free-threaded " "  io-threads " "  asyncio-downloads " "  callbacks " \
    "  blocking-the-loop " "  convoy " "  old-gil-battle " "  race-counter "
expect_order "a scene sits under its topic" "$TMP/en" "When the GIL hurts" "  convoy "
expect_grep "a scene comes with its description" \
    "  convoy             An I/O thread next to a CPU-bound thread" "$TMP/en"
missing=""
for f in scenes/*.scene; do
    s=$(basename "$f" .scene)
    c=$(grep -c "^  $s " "$TMP/en")
    [ "$c" -eq 1 ] || missing="$missing $s($c)"
done
if [ -z "$missing" ]; then ok "every built-in scene is listed once"; else
    not_ok "every built-in scene is listed once" "not once:$missing"; fi
if grep -q "Other scenes" "$TMP/en"; then
    others=$(sed -n '/^Other scenes$/,$p' "$TMP/en" | grep '^  [a-z]' | awk '{ print $1 }')
    bad=""
    for s in $others; do grep -qx "    $s" scenes/lecture.list && bad="$bad $s"; done
    if [ -z "$bad" ]; then ok "only unindexed scenes are under Other scenes"; else
        not_ok "only unindexed scenes are under Other scenes" "indexed:$bad"; fi
else
    ok "every shipped scene is in scenes/lecture.list"
fi
expect_fits "list fits 80 columns" "$TMP/en"
if grep -q '[^ ] *$' "$TMP/en" && ! grep -q ' $' "$TMP/en"; then ok "no trailing spaces"; else
    not_ok "no trailing spaces" "$(grep -n ' $' "$TMP/en" | head -n 3)"; fi
abs=$(cd "$(dirname "$GILVIZ")" && pwd)/$(basename "$GILVIZ")
(cd /tmp && "$abs" list) >"$TMP/out2" 2>&1
if cmp -s "$TMP/en" "$TMP/out2"; then ok "list is the same from another directory"; else
    not_ok "list is the same from another directory" "$(head -c 300 "$TMP/out2")"; fi

# --- Portuguese -----------------------------------------------------------------------
expect_exit "list --lang pt exits 0" 0 "$GILVIZ" list --lang pt
cp "$TMP/out" "$TMP/pt"
expect_order "pt: topics in Portuguese, in order" "$TMP/pt" "Trabalho de CPU e a trava global do interpretador (GIL)" \
    "Trabalho de E/S" "Quando a GIL atrapalha" "Recursos compartilhados"
expect_grep "pt: descriptions in Portuguese" "Oito threads baixam páginas" "$TMP/pt"
expect_fits "pt: list fits 80 columns" "$TMP/pt"
LANG=pt_BR.UTF-8 "$GILVIZ" list >"$TMP/envpt" 2>"$TMP/err"
if cmp -s "$TMP/pt" "$TMP/envpt"; then ok "LANG=pt_BR.UTF-8 (not installed) gives the Portuguese list"; else
    not_ok "LANG=pt_BR.UTF-8 gives the Portuguese list" "$(head -c 300 "$TMP/envpt")"; fi
LANG=pt_BR.UTF-8 "$GILVIZ" list --lang en >"$TMP/en2" 2>&1
if cmp -s "$TMP/en" "$TMP/en2"; then ok "--lang en wins over LANG=pt_BR"; else not_ok "--lang en wins over LANG=pt_BR"; fi

# --- an index of our own: a missing entry, an unindexed scene, long words -------------
S=$TMP/scenes
mkdir -p "$S"
cat >"$S/lecture.list" <<'LIST'
# a test plan
topic "First things" pt "Primeiras coisas"
    mine
    ghost-not-written-yet
  convoy
this line is not valid
topic "Empty topic"
    also-missing
LIST
long=$(printf 'x%.0s' $(seq 1 70))
cat >"$S/mine.scene" <<SCENE
scene "Mine" pt "Minha"
description "A word longer than a line: $long, then more words to wrap." pt "Ação à última hora: $(printf 'é%.0s' $(seq 1 70)) e mais."
thread only:
    cpu 1ms "work"
SCENE
cat >"$S/aaa-extra.scene" <<'SCENE'
scene "An extra scene" pt "Uma cena extra"
thread only:
    cpu 1ms "work"
SCENE
GILVIZ_SCENES=$S "$GILVIZ" list --lang en >"$TMP/own" 2>"$TMP/own.err"
rc=$?
if [ "$rc" -eq 0 ]; then ok "list with an index of our own exits 0"; else not_ok "own index exits 0" "exit $rc"; fi
expect_order "own index: the topic, then its scenes in its order, then Other scenes" "$TMP/own" \
    "First things" "  mine " "  convoy " "Other scenes" "  aaa-extra "
if grep -q "ghost-not-written-yet\|also-missing" "$TMP/own"; then
    not_ok "a listed scene without a file is skipped" "$(grep -n ghost "$TMP/own")"; else
    ok "a listed scene without a file is skipped"; fi
if grep -q "ghost\|also-missing" "$TMP/own.err"; then not_ok "a missing scene is skipped silently" \
    "$(cat "$TMP/own.err")"; else ok "a missing scene is skipped silently"; fi
if grep -q "Empty topic" "$TMP/own"; then not_ok "a topic without scenes has no heading"; else
    ok "a topic without scenes has no heading"; fi
expect_grep "an unindexed scene is shown with its title when it has no description" \
    "  aaa-extra          An extra scene" "$TMP/own"
expect_order "the other built-in scenes are under Other scenes too" "$TMP/own" "Other scenes" "  cpu-threads "
expect_grep "a bad line in the index is reported with its line number" "lecture.list:6:" "$TMP/own.err"
expect_fits "a word longer than a line is cut to fit" "$TMP/own"
GILVIZ_SCENES=$S "$GILVIZ" list --lang pt >"$TMP/ownpt" 2>/dev/null
expect_grep "pt: topic title from the index" "Primeiras coisas" "$TMP/ownpt"
expect_grep "pt: the Other heading" "Outras cenas" "$TMP/ownpt"
expect_fits "pt: accented words are cut between characters" "$TMP/ownpt"

# --- usage -------------------------------------------------------------------------------
expect_exit "list with an argument exits 64" 64 "$GILVIZ" list extra
expect_exit "list --lang fr exits 64" 64 "$GILVIZ" list --lang fr
expect_exit "list --bogus exits 64" 64 "$GILVIZ" list --bogus

#!/bin/sh
# Translations: the pt_BR catalogue is complete and the template is up to
# date with the sources; gettext finds the catalogue from the build tree, a
# relocated install and GILVIZ_LOCALEDIR, and translates without the pt_BR
# locale installed; the language follows --lang, then LC_ALL / LC_MESSAGES /
# LANG and LANGUAGE.  Run from the repo root.
. tests/lib.sh
unset GILVIZ_SCENES LC_ALL LC_MESSAGES LANG LANGUAGE
# the classic 1.5 s convoy: its first forced switch at 5.07 ms does not move
# when the lecture's convoy is retimed
CLASSIC=$(pwd)/tests/cli/convoy-classic.scene
MAKE=${MAKE:-make}
PO=assets/po/pt_BR.po
POT=assets/po/gilviz.pot

# --- the catalogue ------------------------------------------------------------------
if msgfmt --check --statistics -o "$TMP/pt.mo" "$PO" 2>"$TMP/stats"; then ok "msgfmt --check accepts $PO"; else
    not_ok "msgfmt --check accepts $PO" "$(head -c 600 "$TMP/stats")"; fi
if grep -q "translated message" "$TMP/stats" && ! grep -q "untranslated\|fuzzy" "$TMP/stats"; then
    ok "$PO is complete: $(cat "$TMP/stats")"
else
    not_ok "$PO is complete (no untranslated or fuzzy messages)" "$(cat "$TMP/stats")"
fi
if grep -q '^#~' "$PO"; then not_ok "$PO has no obsolete messages" "$(grep -n '^#~' "$PO" | head -n 3)"; else
    ok "$PO has no obsolete messages"; fi
if msgcmp "$PO" "$POT" >"$TMP/cmp" 2>&1; then ok "every message of the template is in $PO"; else
    not_ok "every message of the template is in $PO" "$(head -c 600 "$TMP/cmp")"; fi
npot=$(grep -c '^msgid ' "$POT")
npo=$(grep -c '^msgid ' "$PO")
if [ "$npot" -eq "$npo" ]; then ok "$PO and the template have the same $npo messages"; else
    not_ok "$PO and the template have the same messages" "template $npot, catalogue $npo"; fi

# --- the template is what the sources give now ------------------------------------------
if $MAKE --no-print-directory -s pot-fresh POT_OUT="$TMP/fresh.pot" >"$TMP/mk" 2>&1; then
    # the header (creation date) aside
    sed '1,/^$/d' "$POT" >"$TMP/a"
    sed '1,/^$/d' "$TMP/fresh.pot" >"$TMP/b"
    if cmp -s "$TMP/a" "$TMP/b"; then ok "$POT is up to date with the sources"; else
        not_ok "$POT is up to date with the sources (run make pot, then translate)" \
            "$(diff "$TMP/a" "$TMP/b" | head -n 12)"; fi
else
    not_ok "make pot-fresh runs" "$(head -c 600 "$TMP/mk")"
fi
if grep -q 'msgid "%s runs Python on core %d"' "$POT" && grep -q 'msgid "paused"' "$POT"; then
    ok "the template has the event log's and the player's messages"
else
    not_ok "the template has the event log's and the player's messages"
fi

# --- the language at run time -------------------------------------------------------------
PT='troca forçada de GIL para net'       # only the catalogue says this
EN='forced GIL switch to net'
logl() { "$GILVIZ" log "$@" --from 5ms --to 5.08ms "$CLASSIC" >"$TMP/log" 2>"$TMP/err"; }

logl
expect_grep "log is English without a locale" "$EN" "$TMP/log"
cp "$TMP/log" "$TMP/log.en"
logl --lang en
if cmp -s "$TMP/log" "$TMP/log.en"; then ok "log --lang en is the default log"; else not_ok "log --lang en is the default log"; fi
LANG=C.UTF-8 "$GILVIZ" log --lang pt --from 5ms --to 5.08ms "$CLASSIC" >"$TMP/log" 2>"$TMP/err"
expect_grep "LANG=C.UTF-8 log --lang pt is Portuguese" "$PT" "$TMP/log"
if [ -s "$TMP/err" ]; then not_ok "no warning when the catalogue is there" "$(cat "$TMP/err")"; else
    ok "no warning when the catalogue is there"; fi
"$GILVIZ" log --lang pt --from 5ms --to 5.08ms "$CLASSIC" >"$TMP/log" 2>&1
expect_grep "log --lang pt without any locale variable is Portuguese" "$PT" "$TMP/log"
if locale -a 2>/dev/null | grep -qi '^pt_BR'; then gen="generated"; else gen="not generated"; fi
LANG=pt_BR.UTF-8 "$GILVIZ" log --from 5ms --to 5.08ms "$CLASSIC" >"$TMP/log" 2>&1
expect_grep "LANG=pt_BR.UTF-8 (locale $gen) gives a Portuguese log" "$PT" "$TMP/log"
LC_MESSAGES=pt_BR.UTF-8 "$GILVIZ" log --from 5ms --to 5.08ms "$CLASSIC" >"$TMP/log" 2>&1
expect_grep "LC_MESSAGES=pt_BR.UTF-8 gives a Portuguese log" "$PT" "$TMP/log"
LANG=pt_BR.UTF-8 LC_ALL=C "$GILVIZ" log --from 5ms --to 5.08ms "$CLASSIC" >"$TMP/log" 2>&1
expect_grep "LC_ALL=C wins over LANG=pt_BR" "$EN" "$TMP/log"
LANG=C.UTF-8 LANGUAGE=pt_BR:en "$GILVIZ" log --from 5ms --to 5.08ms "$CLASSIC" >"$TMP/log" 2>&1
expect_grep "LANGUAGE=pt_BR:en with LANG=C.UTF-8 gives Portuguese" "$PT" "$TMP/log"
LANG=C LANGUAGE=pt "$GILVIZ" log --from 5ms --to 5.08ms "$CLASSIC" >"$TMP/log" 2>&1
expect_grep "LANGUAGE is ignored in the C locale, as gettext does" "$EN" "$TMP/log"
LANG=pt_BR.UTF-8 LANGUAGE=en:pt "$GILVIZ" log --from 5ms --to 5.08ms "$CLASSIC" >"$TMP/log" 2>&1
expect_grep "LANGUAGE=en:pt wins over LANG=pt_BR" "$EN" "$TMP/log"
LANG=pt_BR.UTF-8 "$GILVIZ" log --lang en --from 5ms --to 5.08ms "$CLASSIC" >"$TMP/log" 2>&1
expect_grep "--lang en wins over LANG=pt_BR" "$EN" "$TMP/log"
expect_exit "log --lang fr exits 64" 64 "$GILVIZ" log --lang fr convoy

# the player's log panel follows the player's language
"$GILVIZ" frame "$CLASSIC" --at 5.08ms --size 100x30 --lang pt >"$TMP/frame" 2>&1
expect_grep "frame --lang pt: the log panel is Portuguese" "$PT" "$TMP/frame"
expect_grep "frame --lang pt: the labels are Portuguese" "pausado" "$TMP/frame"
"$GILVIZ" frame "$CLASSIC" --at 5.08ms --size 100x30 --lang en >"$TMP/frame" 2>&1
expect_grep "frame --lang en: the log panel is English" "$EN" "$TMP/frame"
for sc in convoy cpu-processes asyncio-downloads race-counter; do
    "$GILVIZ" frame "$sc" --at 20ms --size 80x24 --lang pt >"$TMP/f80" 2>&1
    lines=$(wc -l <"$TMP/f80")
    wide=$(LC_ALL=C.UTF-8 wc -L <"$TMP/f80")
    if [ "$lines" -eq 24 ] && [ "$wide" -le 80 ]; then ok "$sc in Portuguese fits 80x24"; else
        not_ok "$sc in Portuguese fits 80x24" "$lines lines, widest $wide"; fi
done

# --- the messages on stderr follow the language too ------------------------------------
# (only the catalogue says "Experimente"; the C library's own strerror text
# comes in UTF-8, "diretório", not "diret?rio", even with no locale set)
"$GILVIZ" log --lang pt --from xx convoy >/dev/null 2>"$TMP/err"
expect_grep "log --lang pt: a usage error is Portuguese" "tempo inválido 'xx': esperava uma duração" "$TMP/err"
expect_grep "log --lang pt: the hint after it too" "Experimente 'gilviz --help'" "$TMP/err"
LANG=pt_BR.UTF-8 "$GILVIZ" report no-such-scene >/dev/null 2>"$TMP/err"
expect_grep "LANG=pt_BR: report's errors are Portuguese" "não há arquivo de cena nem cena embutida" "$TMP/err"
LANG=pt_BR.UTF-8 "$GILVIZ" report --max-events 100 convoy >/dev/null 2>"$TMP/err"
expect_grep "LANG=pt_BR: the note of a stopped simulation is Portuguese" "parou depois de 100 eventos" "$TMP/err"
"$GILVIZ" log --lang pt "$TMP/no-such.scene" >/dev/null 2>"$TMP/err"
expect_grep "log --lang pt: strerror in UTF-8 Portuguese" "Arquivo ou diretório inexistente" "$TMP/err"
LANG=pt_BR.UTF-8 "$GILVIZ" log --lang en --from xx convoy >/dev/null 2>"$TMP/err"
expect_grep "--lang en: errors stay English under LANG=pt_BR" "bad time 'xx': expected a duration like 5ms" "$TMP/err"
"$GILVIZ" frame --lang pt --select nobody convoy >/dev/null 2>"$TMP/err"
expect_grep "frame --lang pt: a --select that names nobody is said in Portuguese" "não há thread nem tarefa chamada 'nobody'" "$TMP/err"
# check takes --lang too
printf 'thread a:\n    cpu 5\n' >"$TMP/unitless.scene"
"$GILVIZ" check --lang pt "$TMP/unitless.scene" >/dev/null 2>"$TMP/err"
expect_grep "check --lang pt: the diagnostics are Portuguese" "unitless.scene:2:9: erro: uma duração precisa de uma unidade" "$TMP/err"
LANG=pt_BR.UTF-8 "$GILVIZ" check --lang en "$TMP/unitless.scene" >/dev/null 2>"$TMP/err"
expect_grep "check --lang en: English under LANG=pt_BR" "unitless.scene:2:9: error: a duration needs a unit" "$TMP/err"
expect_exit "check --lang fr exits 64" 64 "$GILVIZ" check --lang fr "$TMP/unitless.scene"
# a mistake the simulation finds (not the parser) follows the language too
LANG=pt_BR.UTF-8 "$GILVIZ" report tests/bad/acquire-twice.scene >/dev/null 2>"$TMP/err"
expect_grep "LANG=pt_BR: an error found while simulating is Portuguese" \
    "acquire-twice.scene:4:5: erro: a thread 'a' adquire a trava 'm' que já detém" "$TMP/err"
# report takes --lang for its messages (its table stays English, for scripts)
"$GILVIZ" report --lang pt --max-memory 1Q convoy >/dev/null 2>"$TMP/err"
expect_grep "report --lang pt: a bad --max-memory and its reason are Portuguese" \
    "tamanho inválido '1Q': unidade de tamanho desconhecida" "$TMP/err"
"$GILVIZ" report --lang pt convoy >"$TMP/rep" 2>&1
expect_grep "report --lang pt: the table stays English" "wall time" "$TMP/rep"
# an output file that cannot be created: the whole line in Portuguese
"$GILVIZ" export --lang pt convoy -o "$TMP/no-such-dir/x.json" >/dev/null 2>"$TMP/err"
expect_grep "export --lang pt: an output that cannot be created is said in Portuguese" \
    "não foi possível criar $TMP/no-such-dir/x.json: Arquivo ou diretório inexistente" "$TMP/err"
"$GILVIZ" export convoy -o "$TMP/no-such-dir/x.json" >/dev/null 2>"$TMP/err"
expect_grep "export: in English without a locale" "cannot create $TMP/no-such-dir/x.json: No such file or directory" "$TMP/err"
# the last --lang wins, for the messages as for the rest
"$GILVIZ" log --lang pt --lang en --from xx convoy >/dev/null 2>"$TMP/err"
expect_grep "log --lang pt --lang en: the last one decides the messages" "bad time 'xx'" "$TMP/err"
"$GILVIZ" report no-such-scene >/dev/null 2>"$TMP/err"
expect_grep "without a locale, errors are English" "no scene file or built-in scene named" "$TMP/err"

# --- a scene file's diagnostics follow the language too ------------------------------------
# the same layout (file:line:col: label: message, the source line, the caret),
# the label and the message in the language; the scene's keywords as written
printf 'cores 0\nthread a x0:\n    cpu 5\n    acquire nolock\n' >"$TMP/bad.scene"
cat >"$TMP/bad.pt" <<EOF
$TMP/bad.scene:1:7: erro: cores precisa estar entre 1 e 128
    1 | cores 0
      |       ^
$TMP/bad.scene:2:10: erro: uma contagem precisa ser no mínimo 1 (x1)
    2 | thread a x0:
      |          ^
$TMP/bad.scene:3:9: erro: uma duração precisa de uma unidade (ns, us, ms, s)
    3 |     cpu 5
      |         ^
$TMP/bad.scene:4:13: erro: trava desconhecida 'nolock'
    4 |     acquire nolock
      |             ^
EOF
cat >"$TMP/bad.en" <<EOF
$TMP/bad.scene:1:7: error: cores must be between 1 and 128
    1 | cores 0
      |       ^
$TMP/bad.scene:2:10: error: a count must be at least 1 (x1)
    2 | thread a x0:
      |          ^
$TMP/bad.scene:3:9: error: a duration needs a unit (ns, us, ms, s)
    3 |     cpu 5
      |         ^
$TMP/bad.scene:4:13: error: unknown lock 'nolock'
    4 |     acquire nolock
      |             ^
EOF
# expect_stderr NAME WANT CODE CMD...: exit CODE and exactly the file WANT on stderr
expect_stderr() {
    name=$1 want=$2 code=$3; shift 3
    "$@" >/dev/null 2>"$TMP/err"
    got=$?
    if [ "$got" -ne "$code" ]; then not_ok "$name" "exit $got, not $code" "$(head -c 600 "$TMP/err")"
    elif cmp -s "$want" "$TMP/err"; then ok "$name"
    else not_ok "$name" "$(diff "$want" "$TMP/err" | head -c 1200)"; fi
}
expect_stderr "LANG=pt_BR: check's diagnostics are Portuguese, in the same layout" \
    "$TMP/bad.pt" 65 env LANG=pt_BR.UTF-8 "$GILVIZ" check "$TMP/bad.scene"
expect_stderr "log --lang pt: the scene's diagnostics are Portuguese" \
    "$TMP/bad.pt" 65 "$GILVIZ" log --lang pt "$TMP/bad.scene"
expect_stderr "frame --lang pt: the scene's diagnostics are Portuguese" \
    "$TMP/bad.pt" 65 "$GILVIZ" frame --lang pt "$TMP/bad.scene"
expect_stderr "without a locale, check's diagnostics are English" \
    "$TMP/bad.en" 65 "$GILVIZ" check "$TMP/bad.scene"
expect_stderr "--lang en: the diagnostics stay English under LANG=pt_BR" \
    "$TMP/bad.en" 65 env LANG=pt_BR.UTF-8 "$GILVIZ" log --lang en "$TMP/bad.scene"
# a diagnostic without a line; a count printed with <inttypes.h>'s PRId64
: >"$TMP/empty.scene"
LANG=pt_BR.UTF-8 "$GILVIZ" check "$TMP/empty.scene" 2>"$TMP/err"
expect_grep "LANG=pt_BR: an empty scene is said in Portuguese" \
    "$TMP/empty.scene: erro: a cena está vazia: ela precisa de pelo menos um bloco 'thread NOME:' ou 'main:'" "$TMP/err"
LANG=pt_BR.UTF-8 "$GILVIZ" check tests/bad/billion-threads.scene 2>"$TMP/err"
expect_grep "LANG=pt_BR: a PRId64 message comes from the catalogue" \
    "billion-threads.scene:1:10: erro: threads demais: 1000000000 (no máximo 4096)" "$TMP/err"
# --set's messages too
"$GILVIZ" log --lang pt --set cores=0 convoy >/dev/null 2>"$TMP/err"
expect_grep "log --lang pt: a bad --set is said in Portuguese" \
    "gilviz: --set cores=0: cores precisa estar entre 1 e 128" "$TMP/err"
LANG=pt_BR.UTF-8 "$GILVIZ" report --set seed=x convoy >/dev/null 2>"$TMP/err"
expect_grep "LANG=pt_BR: report's bad --set is Portuguese" "seed precisa ser um número inteiro, não 'x'" "$TMP/err"
"$GILVIZ" report --set seed=x convoy >/dev/null 2>"$TMP/err"
expect_grep "without a locale, a bad --set is English" "seed must be a whole number, not 'x'" "$TMP/err"
# every diagnostic of tests/bad in Portuguese: the English .expect line for
# line, with the same file:line:col, source lines and carets, and "erro" and
# another message on each diagnostic line
nbad=0 untr=""
for scene in tests/bad/*.scene; do
    exp=${scene%.scene}.expect
    [ "$(head -n 1 "$exp")" = 65 ] || continue
    nbad=$((nbad + 1))
    tail -n +2 "$exp" >"$TMP/en"
    LANG=pt_BR.UTF-8 timeout 60 "$GILVIZ" check "$scene" >/dev/null 2>"$TMP/pt"
    awk 'NR == FNR { en[FNR] = $0; n = FNR; next }
         { e = en[FNR]; k = index(e, ": error: ")
           if (k == 0) { if ($0 != e) bad = 1; next }
           pre = substr(e, 1, k - 1) ": erro: "
           if (substr($0, 1, length(pre)) != pre || substr($0, length(pre) + 1) == substr(e, k + 9))
               bad = 1 }
         END { exit bad || FNR != n }' "$TMP/en" "$TMP/pt" || untr="$untr $(basename "$scene")"
done
if [ -z "$untr" ] && [ "$nbad" -ge 80 ]; then
    ok "the diagnostics of the $nbad scenes of tests/bad that check rejects are Portuguese, in the same layout"
else
    not_ok "the diagnostics of the scenes of tests/bad that check rejects are Portuguese, in the same layout" \
        "$nbad scenes; not:$untr"
fi

# --- where the catalogue is found -------------------------------------------------------------
# without GILVIZ_LOCALEDIR: beside the binary (the build tree)
(unset GILVIZ_LOCALEDIR; "$GILVIZ" log --lang pt --from 5ms --to 5.08ms "$CLASSIC") >"$TMP/log" 2>&1
expect_grep "the build tree's binary finds locale/ beside it" "$PT" "$TMP/log"
# a relocated install: bin/gilviz with share/locale beside bin
R=$TMP/reloc
mkdir -p "$R/bin" "$R/share/locale/pt_BR/LC_MESSAGES"
cp "$GILVIZ" "$R/bin/gilviz"
cp "$TMP/pt.mo" "$R/share/locale/pt_BR/LC_MESSAGES/gilviz.mo"
(unset GILVIZ_LOCALEDIR; "$R/bin/gilviz" log --lang pt --from 5ms --to 5.08ms "$CLASSIC") >"$TMP/log" 2>&1
expect_grep "a relocated install finds bin/../share/locale" "$PT" "$TMP/log"
# no catalogue anywhere: English, and one warning
rm -r "$R/share"
if [ ! -e /usr/local/share/locale/pt_BR/LC_MESSAGES/gilviz.mo ]; then
    (unset GILVIZ_LOCALEDIR; "$R/bin/gilviz" log --lang pt --from 5ms --to 5.08ms "$CLASSIC") \
        >"$TMP/log" 2>"$TMP/err"
    expect_grep "without a catalogue the log stays English" "$EN" "$TMP/log"
    expect_grep "without a catalogue a warning says so" "no Portuguese catalogue" "$TMP/err"
fi
GILVIZ_LOCALEDIR=$TMP/nowhere "$GILVIZ" log --lang pt --from 5ms --to 5.08ms "$CLASSIC" >"$TMP/log" 2>&1
expect_grep "a GILVIZ_LOCALEDIR without the catalogue falls back to the next place" "$PT" "$TMP/log"

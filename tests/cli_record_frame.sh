#!/bin/sh
# gilviz frame --format text|ansi|svg|html [-o FILE]: the same frame in every
# format.  Text is what it always was (the golden frames check it too);
# ANSI has the player's SGR codes; SVG passes xmllint --noout; HTML passes
# xmllint --html --noout (the xmllint checks are skipped only when xmllint
# is missing: .ci/deps installs libxml2-utils); -o writes atomically.
. tests/lib.sh
unset GILVIZ_SCENES LC_ALL LC_MESSAGES
ESC=$(printf '\033')

"$GILVIZ" frame --at 10.1659ms --size 80x24 --select net convoy >"$TMP/plain.txt"
"$GILVIZ" frame --at 10.1659ms --size 80x24 --select net --format text convoy >"$TMP/text.txt"
if cmp -s "$TMP/plain.txt" "$TMP/text.txt" && cmp -s "$TMP/text.txt" tests/golden/convoy-80x24.txt; then
    ok "frame --format text is the plain frame (golden convoy-80x24)"; else
    not_ok "frame --format text is the plain frame (golden convoy-80x24)" "$(diff "$TMP/text.txt" tests/golden/convoy-80x24.txt | head -n 5)"; fi

# ANSI: the text plus colour codes; stripping them gives the text back
"$GILVIZ" frame --at 10.1659ms --size 80x24 --select net --format ansi convoy >"$TMP/f.ansi"
expect_grep "ansi: the header bar's colours (231 on 24)" "${ESC}[0;1;38;5;231;48;5;24mgilviz" "$TMP/f.ansi"
expect_grep "ansi: the caption in colour 229, bold" "${ESC}[0;1;38;5;229mrecv() returned" "$TMP/f.ansi"
expect_grep "ansi: a thread's colour (cruncher, the second thread: 208)" "${ESC}[0;38;5;208m" "$TMP/f.ansi"
if [ "$(grep -c "${ESC}\[" "$TMP/f.ansi")" -gt 10 ]; then ok "ansi: escape codes on most lines"; else not_ok "ansi: escape codes on most lines"; fi
# the last code of every line is a reset, so no colour leaks into the next line
bad=$(grep "${ESC}\[" "$TMP/f.ansi" | sed "s/.*\(${ESC}\[[0-9;]*m\)[^${ESC}]*\$/\1/" | grep -v "^${ESC}\[0m\$" | head -n 1)
if [ -z "$bad" ]; then ok "ansi: every coloured line ends reset"; else not_ok "ansi: every coloured line ends reset" "$bad"; fi
sed "s/${ESC}\[[0-9;]*m//g; s/ *\$//" "$TMP/f.ansi" >"$TMP/stripped.txt"
if cmp -s "$TMP/stripped.txt" "$TMP/text.txt"; then ok "ansi without its codes is the text frame"; else
    not_ok "ansi without its codes is the text frame" "$(diff "$TMP/stripped.txt" "$TMP/text.txt" | head -n 6)"; fi

# SVG and HTML, for every built-in scene (UTF-8 and ASCII, both languages)
have_xmllint=1
command -v xmllint >/dev/null 2>&1 || { have_xmllint=0; ok "# SKIP xmllint is not installed (sh .ci/deps installs libxml2-utils)"; }
for f in scenes/*.scene; do
    sc=$(basename "$f" .scene)
    expect_exit "frame $sc --format svg -o exits 0" 0 "$GILVIZ" frame --at 20ms --format svg -o "$TMP/$sc.svg" "$sc"
    expect_exit "frame $sc --format html -o exits 0" 0 "$GILVIZ" frame --at 20ms --lang pt --format html -o "$TMP/$sc.html" "$sc"
    if [ "$have_xmllint" -eq 1 ]; then
        if xmllint --noout "$TMP/$sc.svg" 2>"$TMP/xerr"; then ok "svg $sc: xmllint --noout accepts it"; else
            not_ok "svg $sc: xmllint --noout accepts it" "$(head -c 400 "$TMP/xerr")"; fi
        if xmllint --html --noout "$TMP/$sc.html" 2>"$TMP/xerr" && [ ! -s "$TMP/xerr" ]; then
            ok "html $sc: xmllint --html --noout accepts it"; else
            not_ok "html $sc: xmllint --html --noout accepts it" "$(head -c 400 "$TMP/xerr")"; fi
    fi
done
"$GILVIZ" frame --at 10ms --size 80x24 --format svg convoy >"$TMP/c.svg"
expect_grep "svg: sized from 80x24 cells" 'width="672.0" height="408"' "$TMP/c.svg"
expect_grep "svg: UTF-8 glyphs" "█" "$TMP/c.svg"
expect_grep "svg: the header bar's background" 'fill="#005f87"' "$TMP/c.svg"
expect_grep "svg: the scene's title" "<title>The convoy effect</title>" "$TMP/c.svg"
"$GILVIZ" frame --at 10ms --size 80x24 --format html convoy >"$TMP/c.html"
expect_grep "html: a <pre>" "<pre>" "$TMP/c.html"
expect_grep "html: coloured spans" '<span style="color: #ffffff; background: #005f87' "$TMP/c.html"
# a scene whose text needs escaping
cat >"$TMP/esc.scene" <<'SCENE'
scene "a < b & \"c\""
thread main:
    cpu 5ms "x <y> & z"
note 0ms "<b>not bold</b> & more"
SCENE
"$GILVIZ" frame --format svg -o "$TMP/esc.svg" "$TMP/esc.scene"
"$GILVIZ" frame --format html -o "$TMP/esc.html" "$TMP/esc.scene"
expect_grep "svg escapes <" "&lt;b&gt;not" "$TMP/esc.svg"
expect_grep "svg escapes &" ">&amp;</text>" "$TMP/esc.svg"
expect_grep "html escapes the title" "<title>a &lt; b &amp; &quot;c&quot;</title>" "$TMP/esc.html"
if [ "$have_xmllint" -eq 1 ]; then
    if xmllint --noout "$TMP/esc.svg" && xmllint --html --noout "$TMP/esc.html"; then ok "escaped svg and html are well-formed"; else
        not_ok "escaped svg and html are well-formed"; fi
fi

# -o: atomic, errors
expect_exit "frame -o into a missing directory exits 73" 73 "$GILVIZ" frame --format svg -o "$TMP/missing/x.svg" convoy
expect_grep "it names the file" "$TMP/missing/x.svg" "$TMP/err"
mkdir -p "$TMP/adir"
expect_exit "frame -o onto a directory exits 73" 73 "$GILVIZ" frame -o "$TMP/adir" convoy
echo old >"$TMP/keep.txt"
expect_exit "frame -o over a file exits 0" 0 "$GILVIZ" frame --at 10.1659ms --size 80x24 --select net -o "$TMP/keep.txt" convoy
if cmp -s "$TMP/keep.txt" "$TMP/text.txt"; then ok "frame -o writes the text frame"; else not_ok "frame -o writes the text frame"; fi
if ls "$TMP" "$TMP/adir" | grep -q '\.tmp\.'; then not_ok "no temporary files remain" "$(ls "$TMP")"; else ok "no temporary files remain"; fi
if [ -c /dev/full ]; then
    expect_exit "frame -o /dev/full exits 74" 74 "$GILVIZ" frame --format html -o /dev/full convoy
fi
expect_exit "frame --format png exits 64" 64 "$GILVIZ" frame --format png convoy
expect_exit "frame --format without a value exits 64" 64 "$GILVIZ" frame convoy --format
expect_exit "play --format is a frame option: 64" 64 "$GILVIZ" play --format svg convoy

# the README's picture is what the player draws (regenerate: make pictures)
"$GILVIZ" frame --at 10.1659ms --size 80x24 --select net --lang en --format svg convoy >"$TMP/convoy.svg"
if cmp -s "$TMP/convoy.svg" assets/convoy.svg; then ok "assets/convoy.svg is up to date"; else
    not_ok "assets/convoy.svg is up to date" "run 'make pictures' and look at the picture before committing"; fi

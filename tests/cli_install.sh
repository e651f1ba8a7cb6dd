#!/bin/sh
# make install / make uninstall into a DESTDIR, and the man page.
# Run from the repo root: sh tests/cli_install.sh
. tests/lib.sh
CLASSIC=$(pwd)/tests/cli/convoy-classic.scene # fixed times, unlike the lecture's convoy
unset GILVIZ_SCENES
MAKE=${MAKE:-make}

ROOT=$TMP/root
# Plain `make install`: it reuses the binary that is already built.
expect_exit "make install DESTDIR=... PREFIX=/usr exits 0" 0 \
    $MAKE --no-print-directory install DESTDIR="$ROOT" PREFIX=/usr

if [ -x "$ROOT/usr/bin/gilviz" ]; then ok "installed: /usr/bin/gilviz is executable"; else
    not_ok "installed: /usr/bin/gilviz is executable" "$(find "$ROOT" | head -n 20)"; fi
expect_exit "installed binary runs --version" 0 "$ROOT/usr/bin/gilviz" --version
expect_grep "installed binary is gilviz" "gilviz " "$TMP/out"

missing=""
n=0
for f in scenes/*.scene; do
    n=$((n + 1))
    cmp -s "$f" "$ROOT/usr/share/gilviz/scenes/$(basename "$f")" || missing="$missing $(basename "$f")"
done
if [ "$n" -gt 0 ] && [ -z "$missing" ]; then ok "installed: all $n scenes in /usr/share/gilviz/scenes"; else
    not_ok "installed: all scenes in /usr/share/gilviz/scenes" "missing or different:$missing"; fi

if cmp -s scenes/lecture.list "$ROOT/usr/share/gilviz/scenes/lecture.list"; then
    ok "installed: the lecture plan in /usr/share/gilviz/scenes"; else
    not_ok "installed: the lecture plan in /usr/share/gilviz/scenes" "$(ls "$ROOT/usr/share/gilviz/scenes")"; fi
MO=$ROOT/usr/share/locale/pt_BR/LC_MESSAGES/gilviz.mo
if [ -f "$MO" ]; then ok "installed: the pt_BR catalogue in /usr/share/locale"; else
    not_ok "installed: the pt_BR catalogue in /usr/share/locale" "$(find "$ROOT" -name '*.mo')"; fi

# The installed binary (built for another PREFIX) finds its scenes, lecture
# plan and catalogue beside itself: Portuguese that only the .mo has.
(unset GILVIZ_LOCALEDIR; cd /tmp && "$ROOT/usr/bin/gilviz" frame --lang pt --at 5.08ms "$CLASSIC") >"$TMP/fpt" 2>&1
expect_grep "installed binary: frame --lang pt has the catalogue's words" "troca forçada de GIL para net" "$TMP/fpt"
(unset GILVIZ_LOCALEDIR; cd /tmp && LANG=pt_BR.UTF-8 "$ROOT/usr/bin/gilviz" log --to 5.08ms "$CLASSIC") >"$TMP/lpt" 2>&1
expect_grep "installed binary: LANG=pt_BR.UTF-8 log is Portuguese" "troca forçada de GIL para net" "$TMP/lpt"
(unset GILVIZ_LOCALEDIR; cd /tmp && "$ROOT/usr/bin/gilviz" list --lang pt) >"$TMP/list" 2>&1
expect_grep "installed binary: list --lang pt by topic" "Quando a GIL atrapalha" "$TMP/list"

if cmp -s assets/gilviz.1 "$ROOT/usr/share/man/man1/gilviz.1"; then ok "installed: man page in /usr/share/man/man1"; else
    not_ok "installed: man page in /usr/share/man/man1" "$(find "$ROOT" -name 'gilviz.1*')"; fi

if [ -z "$(find "$ROOT" -path "$ROOT/usr" -prune -o -print | grep -v "^$ROOT\$")" ]; then
    ok "install writes nothing outside DESTDIR/usr"
else
    not_ok "install writes nothing outside DESTDIR/usr" "$(find "$ROOT" -path "$ROOT/usr" -prune -o -print | head)"
fi

expect_exit "make uninstall DESTDIR=... PREFIX=/usr exits 0" 0 \
    $MAKE --no-print-directory uninstall DESTDIR="$ROOT" PREFIX=/usr
left=$(find "$ROOT" -type f)
if [ -z "$left" ]; then ok "uninstall removes every installed file"; else
    not_ok "uninstall removes every installed file" "$left"; fi
if [ ! -e "$ROOT/usr/share/gilviz" ]; then ok "uninstall removes share/gilviz"; else
    not_ok "uninstall removes share/gilviz" "$(find "$ROOT/usr/share/gilviz")"; fi

# --- the man page -----------------------------------------------------------------
if command -v man >/dev/null 2>&1; then
    MANPAGER=cat PAGER=cat MANWIDTH=80 man -l assets/gilviz.1 >"$TMP/man" 2>"$TMP/err"
    rc=$?
    if [ "$rc" -eq 0 ] && [ -s "$TMP/man" ]; then ok "man -l assets/gilviz.1 renders"; else
        not_ok "man -l assets/gilviz.1 renders" "exit $rc" "$(head -c 600 "$TMP/err")"; fi
    expect_grep "man page has an EXIT STATUS section" "EXIT STATUS" "$TMP/man"
    expect_grep "man page documents GILVIZ_SCENES" "GILVIZ_SCENES" "$TMP/man"
    # every command, every option of --help, the keys, the environment, the
    # files, every exit status (man joins words with more than one space)
    tr -s ' ' <"$TMP/man" >"$TMP/man1"
    missing=""
    for w in "play" "check" "report" "log" "frame" "render" "export" "list" \
        NO_COLOR LANGUAGE LC_MESSAGES LC_ALL LANG TERM GILVIZ_LOCALEDIR lecture.list gilviz.mo \
        " space " " Tab " " PgUp " " Home " " Shift-Right " " mouse " " q, Q " " m With --record" " ? Help"; do
        grep -qF -- "$w" "$TMP/man1" || missing="$missing '$w'"
    done
    for o in $("$GILVIZ" --help | grep -o -- '--[a-z][a-z-]*' | sort -u) -o; do
        grep -qF -- "$o" "$TMP/man1" || missing="$missing $o"
    done
    for code in 0 64 65 66 70 73 74; do
        grep -Eq "^ ?$code( |\$)" "$TMP/man1" || missing="$missing exit-$code"
    done
    if [ -z "$missing" ]; then ok "man page: every command, option, key, variable, file and exit status"; else
        not_ok "man page: every command, option, key, variable, file and exit status" "missing:$missing"; fi
fi

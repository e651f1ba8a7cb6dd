#!/bin/sh
# make install / make uninstall into a DESTDIR, and the man page.
# Run from the repo root: sh tests/cli_install.sh
. tests/lib.sh
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
fi

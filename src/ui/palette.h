/*
 * palette: the player's 256-colour palette, without curses.  term.c turns it
 * into curses colour pairs; render.c turns it into SGR codes (ANSI), and
 * into RGB for SVG and HTML, so every output format shows the player's
 * colours.
 */
#ifndef GV_PALETTE_H
#define GV_PALETTE_H

#include <stdint.h>

/* xterm 256-colour indexes; -1 is the terminal's default. */
struct ui_pal {
    short fg, bg;
};

/* Foreground and background of a colour role (style.h). */
struct ui_pal palette256(int role);
/* 0xRRGGBB of an xterm 256-colour index (the standard xterm values). */
uint32_t palette_rgb(int index);

/* Default foreground and background (0xRRGGBB) of the dark "terminal" that
 * SVG and HTML frames are drawn on. */
#define PALETTE_DEFAULT_FG 0xd0d0d0u
#define PALETTE_DEFAULT_BG 0x121212u

#endif

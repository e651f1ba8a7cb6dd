/*
 * term: see term.h.  The only file that includes curses.
 *
 * Restoring the terminal.  Quit signals (INT, TERM, HUP) only set a flag and
 * write a byte to a self-pipe, so the main loop wakes up from poll() and
 * leaves through term_close().  Crash signals (SEGV, BUS, FPE, ABRT, ILL)
 * call endwin() and re-raise with the default action, as htop's CRT.c does:
 * endwin is not async-signal-safe, but the process is dying anyway and a
 * terminal left in raw mode is worse.  An atexit handler covers exit() from
 * anywhere (gv_fatal on allocation failure).
 *
 * Input.  One blocking point: poll() on the terminal and the self-pipe.
 * Keys that curses has already read ahead are taken first without polling.
 */
#include "term.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

#include <curses.h>

#include "../i18n.h"
#include "../util.h"
#include "palette.h"
#include "style.h"

struct term {
    SCREEN *scr;
    FILE *in_file;         /* /dev/tty when stdin is not a terminal; we close it */
    FILE *out, *in;
    int in_fd;
    int w, h;
    int colors;            /* 0, 8, 256 */
    int signals;           /* we installed signal handlers */
    struct canvas *prev;   /* what the screen shows */
    int full;              /* redraw every cell next time */
    long changed;
};

static volatile sig_atomic_t quit_sig, winched;
static int wake_pipe[2] = { -1, -1 };
static volatile sig_atomic_t term_active;
static struct sigaction old_act[32];
static const int quit_sigs[] = { SIGINT, SIGTERM, SIGHUP };
static const int crash_sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGABRT, SIGILL };

/* ---- palettes ------------------------------------------------------------------- */

struct pal { short fg, bg; };

/* The player's 256-colour palette (palette.c, shared with the frame formats). */
static struct pal pal256(int s)
{
    struct ui_pal p = palette256(s);
    return (struct pal){ p.fg, p.bg };
}

/* The 8 ANSI colours. */
static struct pal pal8(int s)
{
    static const short thread[ST_NTHREAD_COLORS] = { COLOR_BLUE, COLOR_YELLOW, COLOR_GREEN, COLOR_MAGENTA,
                                                     COLOR_CYAN, COLOR_RED, COLOR_WHITE, COLOR_BLUE,
                                                     COLOR_YELLOW, COLOR_GREEN, COLOR_MAGENTA, COLOR_CYAN };
    static const short state[TS_COUNT_] = {
        [TS_NEW] = -1, [TS_READY] = -1, [TS_PYTHON] = COLOR_GREEN, [TS_CCALL] = COLOR_YELLOW,
        [TS_NOGIL] = COLOR_CYAN, [TS_GIL_WAIT] = COLOR_RED, [TS_SWITCH_WAIT] = COLOR_RED, [TS_IO] = COLOR_BLUE,
        [TS_SLEEP] = COLOR_BLUE, [TS_LOCK_WAIT] = COLOR_MAGENTA, [TS_JOIN_WAIT] = -1, [TS_OS] = COLOR_MAGENTA,
        [TS_DONE] = -1, [TS_SELECT] = COLOR_BLUE, [TS_QUEUE_WAIT] = COLOR_MAGENTA, [TS_IDLE] = -1,
        [TS_MAP_WAIT] = -1,
    };
    if (s >= ST_THREAD && s < ST_THREAD + ST_NTHREAD_COLORS)
        return (struct pal){ thread[s - ST_THREAD], -1 };
    if (s >= ST_STATE && s < ST_STATE + TS_COUNT_)   /* 0 (black) is never used: no colour yet */
        return (struct pal){ state[s - ST_STATE] ? state[s - ST_STATE] : -1, -1 };
    switch (s) {
    case ST_BAR: return (struct pal){ COLOR_WHITE, COLOR_BLUE };
    case ST_BAR_ACCENT: return (struct pal){ COLOR_YELLOW, COLOR_BLUE };
    case ST_TITLE: case ST_WHY: return (struct pal){ COLOR_CYAN, -1 };
    case ST_FOCUS: case ST_CAPTION: case ST_PLAYHEAD: case ST_KEY: case ST_MARK_DROP:
        return (struct pal){ COLOR_YELLOW, -1 };
    case ST_WARN: case ST_MARK_FORCED: case ST_MARK_FAIL: return (struct pal){ COLOR_RED, -1 };
    default: return (struct pal){ -1, -1 };
    }
}

/* Attributes a role adds when colours are scarce or absent. */
static attr_t role_attr(int s, int colors)
{
    if (colors == 256)
        return A_NORMAL;
    if (s == ST_DIM || s == ST_STATE + TS_DONE || s == ST_STATE + TS_JOIN_WAIT || s == ST_STATE + TS_IDLE ||
        s == ST_STATE + TS_MAP_WAIT)
        return A_DIM;
    if (colors == 0 && (s == ST_FOCUS || s == ST_WARN || s == ST_TITLE || s == ST_KEY || s == ST_PLAYHEAD))
        return A_BOLD;
    if (colors == 0 && s == ST_BAR_ACCENT)
        return A_BOLD;
    return A_NORMAL;
}

/* ---- signals ------------------------------------------------------------------------ */

static void on_quit(int sig)
{
    int e = errno;
    quit_sig = sig;
    if (wake_pipe[1] >= 0 && write(wake_pipe[1], "q", 1) < 0) {
        /* the pipe is full: the loop is awake anyway */
    }
    errno = e;
}

static void on_winch(int sig)
{
    int e = errno;
    (void)sig;
    winched = 1;
    if (wake_pipe[1] >= 0 && write(wake_pipe[1], "w", 1) < 0) {
        /* as above */
    }
    errno = e;
}

static void on_crash(int sig)
{
    if (term_active) {
        term_active = 0;
        endwin();
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void restore_at_exit(void)
{
    if (term_active) {
        term_active = 0;
        endwin();
    }
}

/* Install one handler, keeping the old one to restore. */
static void catch_signal(int sig, void (*fn)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = flags;
    sigaction(sig, &sa, sig < 32 ? &old_act[sig] : NULL);
}

static void install_signals(void)
{
    static int at_exit_done;
    if (pipe(wake_pipe) == 0) {
        for (int k = 0; k < 2; k++) {
            fcntl(wake_pipe[k], F_SETFL, fcntl(wake_pipe[k], F_GETFL) | O_NONBLOCK);
            fcntl(wake_pipe[k], F_SETFD, FD_CLOEXEC);
        }
    }
    quit_sig = 0;
    winched = 0;
    for (size_t k = 0; k < sizeof quit_sigs / sizeof quit_sigs[0]; k++)
        catch_signal(quit_sigs[k], on_quit, 0);
    catch_signal(SIGWINCH, on_winch, SA_RESTART);
    for (size_t k = 0; k < sizeof crash_sigs / sizeof crash_sigs[0]; k++)
        catch_signal(crash_sigs[k], on_crash, SA_RESETHAND | SA_NODEFER);
    if (!at_exit_done) {
        atexit(restore_at_exit);
        at_exit_done = 1;
    }
}

static void remove_signals(void)
{
    for (size_t k = 0; k < sizeof quit_sigs / sizeof quit_sigs[0]; k++)
        sigaction(quit_sigs[k], &old_act[quit_sigs[k]], NULL);
    sigaction(SIGWINCH, &old_act[SIGWINCH], NULL);
    for (size_t k = 0; k < sizeof crash_sigs / sizeof crash_sigs[0]; k++)
        sigaction(crash_sigs[k], &old_act[crash_sigs[k]], NULL);
    for (int k = 0; k < 2; k++)
        if (wake_pipe[k] >= 0) {
            close(wake_pipe[k]);
            wake_pipe[k] = -1;
        }
}

int term_quit_signal(void)
{
    return quit_sig;
}

/* ---- set-up ------------------------------------------------------------------------- */

/* Colours, cursor, keypad; shared by both ways of opening. */
static void setup_screen(struct term *t, int color)
{
    cbreak();
    noecho();
    nonl();
    intrflush(stdscr, FALSE);
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    leaveok(stdscr, TRUE);
    scrollok(stdscr, FALSE);
    curs_set(0);
    t->colors = 0;
    if (color && has_colors() && start_color() == OK) {
        use_default_colors();
        t->colors = COLORS >= 256 ? 256 : 8;
        for (int s = 1; s < ST_COUNT && s < COLOR_PAIRS; s++) {
            struct pal p = t->colors == 256 ? pal256(s) : pal8(s);
            init_pair((short)s, p.fg, p.bg);
        }
    }
    getmaxyx(stdscr, t->h, t->w);
    t->prev = canvas_new(t->w, t->h);
    t->full = 1;
}

struct term *term_open(int color, int mouse, char *err, size_t errsize)
{
    struct term *t = gv_calloc(1, sizeof *t);
    t->out = stdout;
    t->in = stdin;
    if (!isatty(STDIN_FILENO)) {
        t->in_file = fopen("/dev/tty", "r");
        if (!t->in_file) {
            snprintf(err, errsize, gv_msg("no terminal to read keys from (/dev/tty: %s)"), strerror(errno));
            free(t);
            return NULL;
        }
        t->in = t->in_file;
    }
    t->in_fd = fileno(t->in);
    const char *type = getenv("TERM");
    install_signals();
    set_escdelay(25);
    t->scr = newterm(NULL, t->out, t->in);
    if (!t->scr) {
        snprintf(err, errsize, gv_msg("cannot use the terminal type '%s' (check TERM)"), type ? type : "");
        remove_signals();
        if (t->in_file)
            fclose(t->in_file);
        free(t);
        return NULL;
    }
    t->signals = 1;
    term_active = 1;
    setup_screen(t, color);
    if (mouse) {
        mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
        mouseinterval(0);
    }
    return t;
}

struct term *term_open_stream(FILE *out, FILE *in, const char *type, int w, int h, int color)
{
    struct term *t = gv_calloc(1, sizeof *t);
    t->out = out;
    t->in = in;
    t->in_fd = fileno(in);
    t->scr = newterm(type, out, in);
    if (!t->scr) {
        free(t);
        return NULL;
    }
    resize_term(h, w);
    setup_screen(t, color);
    return t;
}

void term_close(struct term *t)
{
    if (!t)
        return;
    if (t->signals)
        mousemask(0, NULL);
    curs_set(1);
    endwin();
    term_active = 0;
    delscreen(t->scr);
    if (t->signals)
        remove_signals();
    if (t->in_file)
        fclose(t->in_file);
    canvas_free(t->prev);
    free(t);
}

int term_colors(const struct term *t)
{
    return t->colors;
}

void term_size(const struct term *t, int *w, int *h)
{
    *w = t->w;
    *h = t->h;
}

long term_changed_cells(const struct term *t)
{
    return t->changed;
}

/* ---- output ------------------------------------------------------------------------- */

void term_draw(struct term *t, const struct canvas *cv)
{
    if (cv->w != t->prev->w || cv->h != t->prev->h) {
        canvas_resize(t->prev, cv->w, cv->h);
        t->full = 1;
    }
    if (t->full)
        clearok(curscr, TRUE);
    t->changed = 0;
    for (int y = 0; y < cv->h && y < t->h; y++) {
        for (int x = 0; x < cv->w && x < t->w; x++) {
            size_t k = (size_t)y * (size_t)cv->w + (size_t)x;
            const struct cv_cell *c = &cv->cells[k];
            if (!t->full && memcmp(c, &t->prev->cells[k], sizeof *c) == 0)
                continue;
            t->prev->cells[k] = *c;
            if (c->g[0] == 0)
                continue;   /* right half of a wide glyph: curses draws it with the left half */
            wchar_t wc[2] = { L'?', 0 };
            mbstate_t ms;
            memset(&ms, 0, sizeof ms);
            if (mbrtowc(&wc[0], c->g, strnlen(c->g, 4), &ms) > 4)
                wc[0] = (unsigned char)c->g[0] < 0x80 ? (wchar_t)c->g[0] : L'?';
            attr_t a = role_attr(c->style, t->colors);
            if (c->attr & CV_BOLD)
                a |= A_BOLD;
            if (c->attr & CV_REVERSE)
                a |= A_REVERSE;
            if (c->attr & CV_DIM)
                a |= A_DIM;
            if (c->attr & CV_UNDERLINE)
                a |= A_UNDERLINE;
            cchar_t cc;
            setcchar(&cc, wc, a, (short)(t->colors ? c->style : 0), NULL);
            mvwadd_wch(stdscr, y, x, &cc);
            t->changed++;
        }
    }
    t->full = 0;
    wnoutrefresh(stdscr);
    doupdate();
}

/* ---- input --------------------------------------------------------------------------- */

/* Read one key curses has (non-blocking).  Returns 1 with *in filled. */
static int read_key(struct term *t, struct ui_input *in)
{
    wint_t wc;
    int r = wget_wch(stdscr, &wc);
    memset(in, 0, sizeof *in);
    if (r == ERR)
        return 0;
    if (r == KEY_CODE_YES) {
        switch (wc) {
        case KEY_LEFT: in->key = UK_LEFT; break;
        case KEY_RIGHT: in->key = UK_RIGHT; break;
        case KEY_UP: in->key = UK_UP; break;
        case KEY_DOWN: in->key = UK_DOWN; break;
        case KEY_SLEFT: in->key = UK_SLEFT; break;
        case KEY_SRIGHT: in->key = UK_SRIGHT; break;
        case KEY_HOME: in->key = UK_HOME; break;
        case KEY_END: in->key = UK_END; break;
        case KEY_PPAGE: in->key = UK_PGUP; break;
        case KEY_NPAGE: in->key = UK_PGDN; break;
        case KEY_BTAB: in->key = UK_BTAB; break;
        case KEY_ENTER: in->key = UK_ENTER; break;
        case KEY_BACKSPACE: in->key = UK_BACKSPACE; break;
        case KEY_F(1): in->key = UK_CHAR, in->ch = '?'; break;
        case KEY_RESIZE:
            getmaxyx(stdscr, t->h, t->w);
            t->full = 1;
            in->key = UK_RESIZE;
            break;
        case KEY_MOUSE: {
            MEVENT me;
            if (getmouse(&me) != OK)
                return 1;   /* an input, of no use */
            in->x = me.x;
            in->y = me.y;
            if (me.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))
                in->key = UK_CLICK;
            else if (me.bstate & BUTTON4_PRESSED)
                in->key = UK_WHEEL_UP;
            else if (me.bstate & BUTTON5_PRESSED)
                in->key = UK_WHEEL_DOWN;
            break;
        }
        default: break;   /* UK_NONE: ignored */
        }
        return 1;
    }
    switch (wc) {
    case '\t': in->key = UK_TAB; break;
    case '\r': case '\n': in->key = UK_ENTER; break;
    case 27: in->key = UK_ESC; break;
    case 127: case 8: in->key = UK_BACKSPACE; break;
    case 12:   /* Ctrl-L: repaint everything */
        t->full = 1;
        in->key = UK_RESIZE;
        break;
    default: in->key = UK_CHAR, in->ch = (uint32_t)wc; break;
    }
    return 1;
}

/* Take the new size after SIGWINCH. */
static void take_resize(struct term *t)
{
    struct winsize ws;
    winched = 0;
    if (ioctl(fileno(t->out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0)
        resize_term(ws.ws_row, ws.ws_col);
    getmaxyx(stdscr, t->h, t->w);
    t->full = 1;
}

int term_wait(struct term *t, int timeout_ms, struct ui_input *in)
{
    memset(in, 0, sizeof *in);
    for (;;) {
        if (quit_sig)
            return -1;
        if (winched) {
            take_resize(t);
            in->key = UK_RESIZE;
            return 1;
        }
        if (read_key(t, in))
            return 1;
        struct pollfd p[2] = { { .fd = t->in_fd, .events = POLLIN }, { .fd = wake_pipe[0], .events = POLLIN } };
        int n = poll(p, wake_pipe[0] >= 0 ? 2 : 1, timeout_ms);
        if (n < 0 && errno != EINTR)
            return 0;
        if (n > 0 && (p[1].revents & POLLIN)) {
            char buf[64];
            while (read(wake_pipe[0], buf, sizeof buf) > 0)
                ;
        }
        if (n > 0 && (p[0].revents & (POLLHUP | POLLERR)) && !(p[0].revents & POLLIN)) {
            quit_sig = SIGHUP;   /* the terminal went away */
            return -1;
        }
        if (n == 0)
            return 0;
        if (n < 0 || (p[1].revents & POLLIN))
            continue;   /* a signal: look at the flags */
        if (read_key(t, in))
            return 1;
        /* input that is not a whole key yet (an escape sequence): wait again */
        if (timeout_ms == 0)
            return 0;
    }
}

// ncursesw for Swift. Swift cannot import function-like macros, and Swift 6 rejects the global
// stdscr/COLORS as shared mutable state, so they are wrapped as static inline functions here.
//
// The signal state lives here too (Swift 6 forbids mutable globals, and a signal handler may only
// touch `volatile sig_atomic_t`). The state variables are weak definitions, not `static`: every
// object file that uses these inline functions emits its own definition (the optimiser inlines
// across Swift files), and the linker merges weak definitions into one.
#ifndef PDET_CNCURSES_SHIM_H
#define PDET_CNCURSES_SHIM_H
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include <ncursesw/ncurses.h>

static inline WINDOW *pdet_stdscr(void) { return stdscr; }
static inline int pdet_colors(void) { return COLORS; }
static inline int pdet_color_pairs(void) { return COLOR_PAIRS; }
static inline int pdet_lines(void) { return LINES; }
static inline int pdet_cols(void) { return COLS; }
static inline attr_t pdet_color_pair(int n) { return COLOR_PAIR(n); }
static inline attr_t pdet_a_bold(void) { return A_BOLD; }
static inline attr_t pdet_a_reverse(void) { return A_REVERSE; }
static inline attr_t pdet_a_underline(void) { return A_UNDERLINE; }
static inline attr_t pdet_a_dim(void) { return A_DIM; }
static inline int pdet_key_resize(void) { return KEY_RESIZE; }
static inline void pdet_getmaxyx(WINDOW *w, int *y, int *x) { int yy, xx; getmaxyx(w, yy, xx); *y = yy; *x = xx; }

// MARK: stateless helpers

/// One cell with an extended colour pair (the `opts` argument carries pairs above 32767).
static inline int pdet_setcchar(cchar_t *cell, const wchar_t *text, attr_t attrs, int pair) {
    return setcchar(cell, text, attrs, 0, &pair);
}

/// Copies `count` cells at (y, x) without advancing the cursor or wrapping, so writing the
/// bottom-right cell never scrolls the screen.
static inline int pdet_put_cells(int y, int x, const cchar_t *cells, int count) {
    return mvwadd_wchnstr(stdscr, y, x, cells, count);
}

/// newterm on the process's own stdout/stdin (Swift 6 rejects the `stdout` global). NULL when the
/// terminal type is unknown: unlike initscr, this does not exit the process.
static inline SCREEN *pdet_newterm(void) { return newterm(NULL, stdout, stdin); }

/// Columns a character takes (2 for CJK); declared here because glibc hides it without _XOPEN_SOURCE.
extern int wcwidth(wchar_t c);
static inline int pdet_wcwidth(wchar_t c) { return wcwidth(c); }

/// False for terminals such as TERM=dumb that cannot position the cursor (no `cup` capability).
static inline int pdet_can_address_cursor(void) {
    char *cup = tigetstr("cup");
    return cup != NULL && cup != (char *)-1;
}

static inline int pdet_is_tty(void) { return isatty(STDIN_FILENO) && isatty(STDOUT_FILENO); }

// MARK: mouse (the button masks are function-like macros Swift cannot import)

static inline mmask_t pdet_button1_pressed(void) { return BUTTON1_PRESSED; }
static inline mmask_t pdet_button2_pressed(void) { return BUTTON2_PRESSED; }
static inline mmask_t pdet_button3_pressed(void) { return BUTTON3_PRESSED; }
static inline mmask_t pdet_button4_pressed(void) { return BUTTON4_PRESSED; }
static inline mmask_t pdet_button5_pressed(void) { return BUTTON5_PRESSED; }
static inline mmask_t pdet_button1_released(void) { return BUTTON1_RELEASED; }
static inline mmask_t pdet_button2_released(void) { return BUTTON2_RELEASED; }
static inline mmask_t pdet_button3_released(void) { return BUTTON3_RELEASED; }
static inline mmask_t pdet_button1_clicked(void) { return BUTTON1_CLICKED; }

/// Presses, releases and the wheel: mode 1000, not the any-motion mode 1003 that REPORT_MOUSE_POSITION
/// asks for (no hover here, and it would flood). A click is acted on at its release: when the press and
/// the release arrive in one read (a fast click, tmux send-keys) ncurses reports only the release, and
/// without releases in the mask it reads a second press as a drag and drops it, while a release that
/// arrives with its press leaks out as the keys `[`, `<`, digits and `m`. The wheel (buttons 4 and 5)
/// has presses only. ncurses picks the encoding from the terminfo entry: SGR 1006 where it has `XM`
/// with 1006 and `kmous=\E[<` (xterm-256color), else X10. mouseinterval(0): no waiting to tell clicks
/// from double clicks. Returns the mask ncurses accepted (0: no mouse on this terminal).
static inline mmask_t pdet_mouse_enable(void) {
    mouseinterval(0);
    mmask_t old = 0;
    return mousemask(BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON2_PRESSED | BUTTON2_RELEASED | BUTTON3_PRESSED
                     | BUTTON3_RELEASED | BUTTON4_PRESSED | BUTTON5_PRESSED, &old);
}

/// The pending mouse event after KEY_MOUSE: OK, or ERR when there is none.
static inline int pdet_getmouse(int *x, int *y, mmask_t *bstate) {
    MEVENT e;
    memset(&e, 0, sizeof e);
    int r = getmouse(&e);
    *x = e.x;
    *y = e.y;
    *bstate = e.bstate;
    return r;
}

// MARK: session and signal state (one copy per process, see the header comment)

#define PDET_SHARED __attribute__((weak))
PDET_SHARED volatile sig_atomic_t pdet_quit_signal = 0;   // the last SIGINT/SIGTERM/SIGHUP/SIGQUIT, 0 if none
PDET_SHARED volatile sig_atomic_t pdet_session_open = 0;  // curses is active (between newterm and endwin)
PDET_SHARED volatile sig_atomic_t pdet_handlers_installed = 0;

static void pdet_on_quit_signal(int sig) { pdet_quit_signal = sig; }

/// Fatal signals restore the terminal, then die with the default action (core dump, exit status).
/// endwin is not async-signal-safe; htop does the same because a wrecked terminal is worse.
static void pdet_on_fatal_signal(int sig) {
    if (pdet_session_open) {
        pdet_session_open = 0;
        endwin();
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void pdet_at_exit(void) {
    if (pdet_session_open) {
        pdet_session_open = 0;
        curs_set(1);
        endwin();
    }
}

/// Installs SIGINT/SIGTERM/SIGHUP (set a flag), the fatal-signal handlers and the atexit hook.
/// Called before newterm, so ncurses sees non-default handlers and keeps its own off them; ncurses
/// still installs its SIGTSTP (endwin, stop, repaint on SIGCONT) and SIGWINCH (KEY_RESIZE) handlers.
static inline void pdet_signal_install(void) {
    if (pdet_handlers_installed) return;
    pdet_handlers_installed = 1;
    struct sigaction quit;
    memset(&quit, 0, sizeof quit);
    quit.sa_handler = pdet_on_quit_signal;
    sigemptyset(&quit.sa_mask);
    quit.sa_flags = 0;   // no SA_RESTART: a pending read returns early so the loop sees the flag
    sigaction(SIGINT, &quit, NULL);
    sigaction(SIGTERM, &quit, NULL);
    sigaction(SIGHUP, &quit, NULL);
    // Ctrl-\ too: left to the Swift runtime it draws a crash banner and a 30-second prompt over the UI.
    sigaction(SIGQUIT, &quit, NULL);
    // A reader that went away (an export to a FIFO) must give EPIPE, not end the session.
    signal(SIGPIPE, SIG_IGN);

    struct sigaction fatal;
    memset(&fatal, 0, sizeof fatal);
    fatal.sa_handler = pdet_on_fatal_signal;
    sigemptyset(&fatal.sa_mask);
    fatal.sa_flags = SA_RESETHAND;
    sigaction(SIGSEGV, &fatal, NULL);
    sigaction(SIGABRT, &fatal, NULL);
    sigaction(SIGBUS, &fatal, NULL);
    sigaction(SIGFPE, &fatal, NULL);
    sigaction(SIGILL, &fatal, NULL);
    // Swift traps (fatalError, overflow, bounds) raise SIGILL or SIGTRAP.
    sigaction(SIGTRAP, &fatal, NULL);
    // Signals whose default action ends the process without atexit: restore the terminal first.
    sigaction(SIGUSR1, &fatal, NULL);
    sigaction(SIGUSR2, &fatal, NULL);
    sigaction(SIGALRM, &fatal, NULL);
    sigaction(SIGVTALRM, &fatal, NULL);
    sigaction(SIGPROF, &fatal, NULL);
    sigaction(SIGXCPU, &fatal, NULL);
    sigaction(SIGXFSZ, &fatal, NULL);

    atexit(pdet_at_exit);
}

static inline int pdet_signal_quit_requested(void) { return pdet_quit_signal != 0; }
/// The signal that asked the loop to quit (0 if none): the process then exits 128 + it, as shells expect.
static inline int pdet_signal_quit_number(void) { return pdet_quit_signal; }

/// Flow control off (Ctrl-S would freeze output until Ctrl-Q) while keeping ISIG, so Ctrl-C and
/// Ctrl-\ still arrive as signals; endwin restores the shell's own settings.
#include <termios.h>
static inline void pdet_disable_flow_control(void) {
    struct termios t;
    if (tcgetattr(STDIN_FILENO, &t) == 0) {
        t.c_iflag &= ~(IXON | IXOFF);
        tcsetattr(STDIN_FILENO, TCSANOW, &t);
    }
    // Record this as curses' program mode, so the mode restored after Ctrl-Z / fg keeps it.
    def_prog_mode();
}
static inline void pdet_session_set_open(int open) { pdet_session_open = open ? 1 : 0; }
static inline int pdet_session_is_open(void) { return pdet_session_open; }

#endif

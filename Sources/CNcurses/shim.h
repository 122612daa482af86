// ncursesw for Swift. Swift cannot import function-like macros, and Swift 6 rejects the global
// stdscr/COLORS as shared mutable state, so they are wrapped as static inline functions here.
#ifndef PDET_CNCURSES_SHIM_H
#define PDET_CNCURSES_SHIM_H
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
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
#endif

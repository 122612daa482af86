// POSIX pieces Swift cannot express safely: a registry of the temporary files an output writer has
// in flight (so a signal never leaves a `.NAME.tmp-PID` behind), signal handlers that only touch
// async-signal-safe state, and file-type tests (the S_IS* macros are function-like).
#ifndef PDET_POSIX_H
#define PDET_POSIX_H
#include <sys/types.h>

/// Remembers `path` (copied) as a temporary file to remove if the process dies by a signal.
/// Returns the slot (>= 0) to pass to pdet_temp_forget, or -1 when every slot is taken.
int pdet_temp_remember(const char *path);
/// Forgets a slot (the temporary file was renamed or removed by its writer).
void pdet_temp_forget(int slot);
/// Removes every remembered temporary file; async-signal-safe (unlink only).
void pdet_temp_remove_all(void);

/// For commands without a terminal UI: SIGINT, SIGTERM, SIGHUP and SIGQUIT remove the remembered
/// temporary files, then die by the same signal (the shell sees 128 + signal).
void pdet_cleanup_signals_install(void);

/// Ignores SIGPIPE while a special file is written (a reader that went away gives EPIPE, not death)
/// and restores the previous disposition afterwards.
void pdet_sigpipe_ignore_begin(void);
void pdet_sigpipe_ignore_end(void);

/// File types of a stat mode.
int pdet_mode_is_regular(mode_t m);
int pdet_mode_is_directory(mode_t m);
int pdet_mode_is_symlink(mode_t m);
int pdet_mode_is_fifo(mode_t m);
int pdet_mode_is_socket(mode_t m);
int pdet_mode_is_char_device(mode_t m);
int pdet_mode_is_block_device(mode_t m);

/// Bytes of memory the kernel says can still be allocated (MemAvailable), 0 when unknown.
unsigned long long pdet_memory_available(void);

#endif

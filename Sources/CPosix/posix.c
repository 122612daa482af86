// See pdet_posix.h. The registry is a fixed table of fixed-size path buffers: a signal handler may
// read it (only `unlink`, which is async-signal-safe), so nothing here allocates after start-up.
#include "pdet_posix.h"
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PDET_TEMP_SLOTS 16
#define PDET_TEMP_PATH 4096

static char temp_paths[PDET_TEMP_SLOTS][PDET_TEMP_PATH];
static volatile sig_atomic_t temp_used[PDET_TEMP_SLOTS];

int pdet_temp_remember(const char *path) {
    size_t n = strlen(path);
    if (n >= PDET_TEMP_PATH) return -1;
    for (int i = 0; i < PDET_TEMP_SLOTS; i++) {
        if (!temp_used[i]) {
            memcpy(temp_paths[i], path, n + 1);
            temp_used[i] = 1;
            return i;
        }
    }
    return -1;
}

void pdet_temp_forget(int slot) {
    if (slot >= 0 && slot < PDET_TEMP_SLOTS) temp_used[slot] = 0;
}

void pdet_temp_remove_all(void) {
    for (int i = 0; i < PDET_TEMP_SLOTS; i++) {
        if (temp_used[i]) {
            unlink(temp_paths[i]);
            temp_used[i] = 0;
        }
    }
}

static void on_cleanup_signal(int sig) {
    pdet_temp_remove_all();
    signal(sig, SIG_DFL);
    raise(sig);
}

void pdet_cleanup_signals_install(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_cleanup_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGQUIT, &sa, NULL);
}

static struct sigaction saved_pipe;
static int pipe_depth = 0;

void pdet_sigpipe_ignore_begin(void) {
    if (pipe_depth++ > 0) return;
    struct sigaction ign;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, &saved_pipe);
}

void pdet_sigpipe_ignore_end(void) {
    if (pipe_depth == 0 || --pipe_depth > 0) return;
    sigaction(SIGPIPE, &saved_pipe, NULL);
}

int pdet_mode_is_regular(mode_t m) { return S_ISREG(m); }
int pdet_mode_is_directory(mode_t m) { return S_ISDIR(m); }
int pdet_mode_is_symlink(mode_t m) { return S_ISLNK(m); }
int pdet_mode_is_fifo(mode_t m) { return S_ISFIFO(m); }
int pdet_mode_is_socket(mode_t m) { return S_ISSOCK(m); }
int pdet_mode_is_char_device(mode_t m) { return S_ISCHR(m); }
int pdet_mode_is_block_device(mode_t m) { return S_ISBLK(m); }

unsigned long long pdet_memory_available(void) {
    FILE *f = fopen("/proc/meminfo", "r");
    if (!f) return 0;
    char line[256];
    unsigned long long kb = 0;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) break;
    }
    fclose(f);
    return kb * 1024ULL;
}

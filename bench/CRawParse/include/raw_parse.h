#ifndef KUBEWIRE_RAW_PARSE_H
#define KUBEWIRE_RAW_PARSE_H

#include <stddef.h>

/// The floor wire-bench compares kubewire against: libyaml's event loop over
/// each file, one thread, nothing built per event. Returns the number of
/// events, or -1 when a file cannot be read or parsed (its index in *failed).
long kubewire_raw_parse(const char *const *paths, size_t count, size_t *failed);

/// glibc's heap figures for wire-bench's memory phase: bytes handed out
/// (including mmapped blocks) and bytes free inside the heaps. 0 elsewhere.
void kubewire_heap_stats(size_t *in_use, size_t *free_in_heaps);

/// CPU time this thread has used, in seconds (the raw parse runs on one thread).
double kubewire_thread_cpu_seconds(void);

/// What a child process cost: wall time, user and system CPU time (seconds), peak RSS (KiB), and
/// its wait status.
typedef struct {
    double wall;
    double user;
    double system;
    long peak_rss_kib;
    int status;
} kubewire_child_cost;

/// Runs `argv[0]` (a path) with `argv` (NULL-terminated), stdout to `stdout_path`, stderr to
/// /dev/null, waits for it and reports its own rusage (wait4). Returns 0, or -1 when it cannot
/// be started.
int kubewire_run_measured(char *const argv[], const char *stdout_path, kubewire_child_cost *cost);

#endif

#include "raw_parse.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <stdlib.h>
#include <errno.h>
#include <unistd.h>
#include <yaml.h>

// Reads a whole file into *buffer (grown as needed); returns its size or -1.
static long read_file(const char *path, unsigned char **buffer, size_t *capacity) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    size_t total = 0;
    for (;;) {
        if (total == *capacity) {
            size_t grown = *capacity * 2;
            unsigned char *bigger = realloc(*buffer, grown);
            if (!bigger) { close(fd); return -1; }
            *buffer = bigger;
            *capacity = grown;
        }
        ssize_t got = read(fd, *buffer + total, *capacity - total);
        if (got < 0) { close(fd); return -1; }
        if (got == 0) break;
        total += (size_t)got;
    }
    close(fd);
    return (long)total;
}

long kubewire_raw_parse(const char *const *paths, size_t count, size_t *failed) {
    size_t capacity = 1 << 16;
    unsigned char *buffer = malloc(capacity);
    if (!buffer) return -1;
    long events = 0;
    for (size_t index = 0; index < count; index++) {
        long size = read_file(paths[index], &buffer, &capacity);
        yaml_parser_t parser;
        if (size < 0 || !yaml_parser_initialize(&parser)) {
            *failed = index;
            free(buffer);
            return -1;
        }
        yaml_parser_set_input_string(&parser, buffer, (size_t)size);
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
        yaml_event_t event;
        int done = 0;
        while (!done) {
            if (!yaml_parser_parse(&parser, &event)) {
                yaml_parser_delete(&parser);
                *failed = index;
                free(buffer);
                return -1;
            }
            done = event.type == YAML_STREAM_END_EVENT;
            yaml_event_delete(&event);
            events++;
        }
        yaml_parser_delete(&parser);
    }
    free(buffer);
    return events;
}

#if defined(__GLIBC__)
#include <malloc.h>
#endif

void kubewire_heap_stats(size_t *in_use, size_t *free_in_heaps) {
#if defined(__GLIBC__)
    struct mallinfo2 info = mallinfo2();
    *in_use = info.uordblks + info.hblkhd;
    *free_in_heaps = info.fordblks;
#else
    *in_use = 0;
    *free_in_heaps = 0;
#endif
}

double kubewire_thread_cpu_seconds(void) {
    struct timespec now;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now) != 0) return 0;
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

static double monotonic_seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

extern char **environ;

int kubewire_run_measured(char *const argv[], const char *stdout_path, kubewire_child_cost *cost) {
    posix_spawn_file_actions_t actions;
    if (posix_spawn_file_actions_init(&actions) != 0) return -1;
    posix_spawn_file_actions_addopen(&actions, 1, stdout_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    double start = monotonic_seconds();
    pid_t pid;
    int spawned = posix_spawn(&pid, argv[0], &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) return -1;
    struct rusage usage;
    int status = 0;
    pid_t waited;
    do {
        waited = wait4(pid, &status, 0, &usage);
    } while (waited < 0 && errno == EINTR);
    if (waited != pid) return -1;
    cost->wall = monotonic_seconds() - start;
    cost->user = (double)usage.ru_utime.tv_sec + (double)usage.ru_utime.tv_usec / 1e6;
    cost->system = (double)usage.ru_stime.tv_sec + (double)usage.ru_stime.tv_usec / 1e6;
    cost->peak_rss_kib = usage.ru_maxrss;
    cost->status = status;
    return 0;
}

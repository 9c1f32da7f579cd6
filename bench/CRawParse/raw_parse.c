#include "raw_parse.h"

#include <fcntl.h>
#include <stdlib.h>
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

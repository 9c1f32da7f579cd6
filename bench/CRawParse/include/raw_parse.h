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

#endif

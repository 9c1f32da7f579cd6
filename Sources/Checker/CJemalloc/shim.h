// jemalloc (libjemalloc-dev), the kubewire executable's malloc: it replaces malloc, free and the
// rest for the whole process. Debian builds it without a prefix: mallctl, not je_mallctl.
#include <jemalloc/jemalloc.h>

#if canImport(CJemalloc)
    import CJemalloc
#endif

/// On Linux the process's malloc is jemalloc (Sources/Checker/CJemalloc), linked into this executable only:
/// glibc's malloc and free were about 12% of a check's CPU (a check allocates the whole model on
/// two threads and exits). ruff links jemalloc into its binary on Linux for the same reason.
/// jemalloc runs with its defaults: narenas, tcache and decay settings measured no better on a
/// check, and `kubewire lsp` lives long, so unused pages keep being returned to the system.
enum ProcessAllocator {
    /// jemalloc's version ("5.3.0-0-g…"), read through mallctl; nil where the system's malloc is used.
    static var version: String? {
        #if canImport(CJemalloc)
            var pointer: UnsafePointer<CChar>? = nil
            var length = MemoryLayout<UnsafePointer<CChar>?>.size
            guard mallctl("version", &pointer, &length, nil, 0) == 0, let pointer else { return nil }
            return String(cString: pointer)
        #else
            return nil
        #endif
    }
}

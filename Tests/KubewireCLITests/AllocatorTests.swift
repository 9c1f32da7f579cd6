import Foundation
import Testing

/// kubewire allocates with jemalloc (Sources/Checker/CJemalloc; `make release` links it statically).
/// jemalloc reads MALLOC_CONF when it starts: `stats_print:true` makes it write its statistics to
/// standard error at exit, which glibc's malloc never does.
@Suite("kubewire's malloc is jemalloc")
struct AllocatorTests {
    @Test func jemallocAnswersMallocConf() throws {
        let scratch = try Scratch()
        let plain = try run(kubewireBinary.path, ["check", cleanPorts], environment: ["MALLOC_CONF": ""], in: scratch)
        let withStats = try run(
            kubewireBinary.path, ["check", cleanPorts], environment: ["MALLOC_CONF": "stats_print:true"], in: scratch)
        #expect(withStats.status == 0, "\(withStats)")
        #expect(withStats.stderr.contains("___ Begin jemalloc statistics ___"), "\(withStats)")
        #expect(withStats.stderr.contains("--- End jemalloc statistics ---"), "\(withStats)")
        // The whole process allocates from jemalloc's heap (glibc's and libstdc++'s allocations
        // included): the check runs to the end and prints what it prints without the statistics.
        #expect(withStats.stdout == plain.stdout)
        #expect(plain.status == 0, "\(plain)")
        #expect(!plain.stderr.contains("jemalloc"), "\(plain)")
    }
}

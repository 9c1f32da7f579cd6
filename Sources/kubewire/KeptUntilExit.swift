import Foundation

/// What a one-shot command keeps until the process exits instead of freeing it.
///
/// Freeing a checked model object by object (a node table per file, a view per object, the
/// graph's indexes) took about a tenth of a 10,000-object check, on one thread, after the report
/// was written, for memory the exit returns whole anyway. clang's `-disable-free` skips the same
/// work for the same reason. Only commands that exit right after their report use this; the
/// language server frees what it no longer needs.
enum KeptUntilExit {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var kept: [Any] = []

    static func keep(_ value: Any) {
        lock.withLock { kept.append(value) }
    }
}

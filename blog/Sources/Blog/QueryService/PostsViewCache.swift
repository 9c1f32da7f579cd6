import Hummingbird
import NIOConcurrencyHelpers

/// The encoded `GET /posts` body, rebuilt on the first read after a write. The version stops
/// a read that raced with a write from caching what it read before that write.
final class PostsViewCache: Sendable {
    private struct State {
        var version: UInt64 = 0
        var body: ByteBuffer?
    }

    private let state = NIOLockedValueBox(State())

    func invalidate() {
        state.withLockedValue {
            $0.version += 1
            $0.body = nil
        }
    }

    /// The cached body with the version it belongs to (the body nil after a write).
    var cached: (version: UInt64, body: ByteBuffer?) {
        state.withLockedValue { ($0.version, $0.body) }
    }

    /// The version of the cached body, nil when there is none: a check that leaves the body's
    /// storage (and its reference count) alone.
    var cachedVersion: UInt64? {
        state.withLockedValue { $0.body == nil ? nil : $0.version }
    }

    func body(orRender render: () async throws -> String) async throws -> ByteBuffer {
        let (version, cached) = state.withLockedValue { ($0.version, $0.body) }
        if let cached { return cached }
        let body = ByteBuffer(string: try await render())
        state.withLockedValue {
            if $0.version == version { $0.body = body }
        }
        return body
    }
}

import Logging
import NIOConcurrencyHelpers

/// Collects what a logger emits, with the handler's metadata merged in, for tests of log lines.
final class CapturedLog: Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var source: String
        var metadata: Logger.Metadata
    }

    private let storage = NIOLockedValueBox([Entry]())

    var entries: [Entry] { storage.withLockedValue { $0 } }

    func logger(label: String = "test", level: Logger.Level) -> Logger {
        var logger = Logger(label: label) { _ in Handler(log: self) }
        logger.logLevel = level
        return logger
    }

    fileprivate func append(_ entry: Entry) {
        storage.withLockedValue { $0.append(entry) }
    }

    private struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var metadataProvider: Logger.MetadataProvider?
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            log.append(
                Entry(
                    level: event.level, message: event.message.description, source: event.source,
                    metadata: metadata.merging(event.metadata ?? [:]) { $1 }))
        }
    }
}

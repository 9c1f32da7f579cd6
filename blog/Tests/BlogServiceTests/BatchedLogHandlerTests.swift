import BlogCore
import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What a `LogSink` or a `StreamLogHandler` wrote, as text.
final class CapturedOutput: TextOutputStream, @unchecked Sendable {
    private let text = NIOLockedValueBox("")

    var lines: [String] { text.withLockedValue { $0.split(separator: "\n").map(String.init) } }

    func write(_ string: String) {
        text.withLockedValue { $0 += string }
    }

    func sink(batchDelayMicroseconds: UInt32 = 2_000) -> LogSink {
        LogSink(batchDelayMicroseconds: batchDelayMicroseconds) { bytes in
            self.write(String(decoding: bytes, as: UTF8.self))
        }
    }
}

@Suite struct BatchedLogHandlerTests {
    struct Failure: Error, CustomStringConvertible {
        var description: String { "the disk is full" }
    }

    /// Logs the same things through `logger` as the services do, and a few more.
    static func logSome(_ logger: Logger) {
        var logger = logger
        logger.info("plain")
        logger.warning("with metadata", metadata: ["b": "2", "a": .stringConvertible(42)], source: "Hummingbird")
        logger[metadataKey: "hb.request.id"] = "abc"
        logger.info("Request", metadata: ["hb.request.path": "/posts", "hb.request.method": "GET"])
        logger.notice("override", metadata: ["hb.request.id": "explicit"])
        logger.info("nested", metadata: ["list": ["x", "y"], "map": ["k": "v"]])
        logger.error("failed", error: Failure(), metadata: ["job": "catch-up"])
        logger.critical("no metadata of its own")
    }

    @Test func writesWhatStreamLogHandlerWrites() throws {
        let stream = CapturedOutput()
        let batched = CapturedOutput()
        let sink = batched.sink()
        for label in ["query", ""] {
            for provider in [nil, Logger.MetadataProvider { ["trace": "t1"] }] {
                let before = time(nil)
                var streamLogger = Logger(label: label) {
                    StreamLogHandler(label: $0, stream: stream, metadataProvider: provider)
                }
                var batchedLogger = Logger(label: label) {
                    BatchedLogHandler(label: $0, sink: sink, metadataProvider: provider)
                }
                streamLogger.logLevel = .trace
                batchedLogger.logLevel = .trace
                Self.logSome(streamLogger)
                Self.logSome(batchedLogger)
                sink.flush()
                let sameSecond = time(nil) == before
                let expected = stream.lines
                let lines = batched.lines
                #expect(lines.count == expected.count)
                for (line, streamLine) in zip(lines, expected) {
                    // The timestamp is the second's; the rest of the line is the same in any second.
                    let (time, rest) = Self.split(line)
                    let (streamTime, streamRest) = Self.split(streamLine)
                    #expect(rest == streamRest)
                    #expect(time.count == streamTime.count)
                    if sameSecond { #expect(time == streamTime) }
                }
            }
        }
        #expect(stream.lines.count == 4 * 7)
        #expect(
            stream.lines.contains {
                $0.contains(
                    " error query: error.message=the disk is full error.type=BlogServiceTests.BatchedLogHandlerTests.Failure hb.request.id=abc job=catch-up [BlogServiceTests] failed"
                )
            })
    }

    static func split(_ line: String) -> (String, String) {
        guard let space = line.firstIndex(of: " ") else { return (line, "") }
        return (String(line[..<space]), String(line[space...]))
    }

    @Test func aLineIsWrittenWithinMillisecondsWithoutAFlush() async throws {
        let output = CapturedOutput()
        var logger = Logger(label: "query") { BatchedLogHandler(label: $0, sink: output.sink()) }
        logger.logLevel = .info
        logger.info("one")
        logger.info("two")
        // The writer thread's batch delay is 2 ms; a generous bound keeps a busy machine from failing this.
        let deadline = ContinuousClock.now + .seconds(5)
        while output.lines.count < 2, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(1))
        }
        #expect(
            output.lines.map { Self.split($0).1 } == [
                " info query: [BlogServiceTests] one", " info query: [BlogServiceTests] two",
            ])
    }

    @Test func errorsAreWrittenBeforeTheCallReturnsAndNothingIsLostOrReordered() async throws {
        let output = CapturedOutput()
        // A long batch delay: only an error line or a flush writes during the test.
        let sink = output.sink(batchDelayMicroseconds: 10_000_000)
        var logger = Logger(label: "query") { BatchedLogHandler(label: $0, sink: sink) }
        logger.logLevel = .info
        logger.info("before")
        logger.error("it broke")
        #expect(
            output.lines.map { Self.split($0).1 } == [
                " info query: [BlogServiceTests] before", " error query: [BlogServiceTests] it broke",
            ])

        let threads = 4
        let perThread = 2_000
        let sharedLogger = logger
        await withTaskGroup(of: Void.self) { group in
            for thread in 0..<threads {
                group.addTask {
                    for index in 0..<perThread { sharedLogger.info("\(thread) \(index)") }
                }
            }
        }
        sink.flush()
        let lines = output.lines.dropFirst(2).map { Self.split($0).1 }
        #expect(lines.count == threads * perThread)
        for thread in 0..<threads {
            let own = lines.filter { $0.hasPrefix(" info query: [BlogServiceTests] \(thread) ") }
            #expect(own == (0..<perThread).map { " info query: [BlogServiceTests] \(thread) \($0)" })
        }
    }
}

import Testing

@testable import KubeServer

@Suite struct FramingTests {
    func framed(_ body: String) -> [UInt8] { MessageFramer.frame(Array(body.utf8)) }

    func drain(_ framer: inout MessageFramer) -> [MessageFramer.Frame] {
        var frames: [MessageFramer.Frame] = []
        while let frame = framer.next() { frames.append(frame) }
        return frames
    }

    @Test func aMessageSplitOverManyReadsComesOutWhole() {
        let bytes = framed(#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#)
        var framer = MessageFramer()
        var frames: [MessageFramer.Frame] = []
        for byte in bytes {
            framer.append([byte])
            frames += drain(&framer)
        }
        #expect(frames == [.message(Array(#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#.utf8))])
    }

    @Test func severalMessagesInOneChunkComeOutInOrder() {
        var framer = MessageFramer()
        framer.append(framed(#"{"id":1}"#) + framed(#"{"id":2}"#) + framed(#"{"id":3}"#).prefix(10))
        #expect(drain(&framer) == [.message(Array(#"{"id":1}"#.utf8)), .message(Array(#"{"id":2}"#.utf8))])
        framer.append(framed(#"{"id":3}"#).dropFirst(10))
        #expect(drain(&framer) == [.message(Array(#"{"id":3}"#.utf8))])
    }

    @Test func otherHeadersAndAnyCaseAreAccepted() {
        var framer = MessageFramer()
        framer.append(
            Array("content-length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}".utf8))
        #expect(drain(&framer) == [.message(Array("{}".utf8))])
    }

    @Test func aHeaderWithoutLengthIsReportedAndTheNextMessageStillReads() {
        var framer = MessageFramer()
        framer.append(Array("Content-Type: x\r\n\r\n".utf8) + framed("{}"))
        let frames = drain(&framer)
        #expect(frames.count == 2)
        guard case .badHeader(let reason) = frames.first else {
            Issue.record("expected a bad header, got \(frames)")
            return
        }
        #expect(reason.contains("Content-Length"))
        #expect(frames.last == .message(Array("{}".utf8)))
    }

    @Test func aLengthThatIsNotANumberIsABadHeader() {
        var framer = MessageFramer()
        framer.append(Array("Content-Length: twelve\r\n\r\n".utf8) + framed("[]"))
        let frames = drain(&framer)
        #expect(frames.count == 2)
        if case .badHeader = frames.first {} else { Issue.record("expected a bad header, got \(frames)") }
        #expect(frames.last == .message(Array("[]".utf8)))
    }

    @Test func aHeaderLineWithoutColonIsABadHeader() {
        var framer = MessageFramer()
        framer.append(Array("hello\r\n\r\n".utf8))
        if case .badHeader = framer.next() {} else { Issue.record("expected a bad header") }
    }

    @Test func endlessGarbageWithoutABlankLineIsDroppedNotBuffered() {
        var framer = MessageFramer()
        framer.append([UInt8](repeating: UInt8(ascii: "x"), count: MessageFramer.maxHeaderBytes + 1))
        if case .badHeader = framer.next() {} else { Issue.record("expected a bad header") }
        framer.append(framed("{}"))
        #expect(framer.next() == .message(Array("{}".utf8)))
    }

    @Test func anOversizedBodyIsSkippedAndReadingGoesOn() {
        var framer = MessageFramer(maxBodyBytes: 1000)
        let length = 1001
        framer.append(Array("Content-Length: \(length)\r\n\r\n".utf8))
        if case .badHeader = framer.next() {} else { Issue.record("expected a bad header") }
        framer.append([UInt8](repeating: 32, count: length))
        framer.append(framed("{}"))
        #expect(drain(&framer) == [.message(Array("{}".utf8))])
    }

    @Test func jsonTellsBooleansFromNumbersAndRoundTrips() throws {
        let value = try JSON.decode(Array(#"{"a":true,"b":1,"c":[null,"x",2.5]}"#.utf8))
        #expect(value["a"] == .bool(true))
        #expect(value["b"]?.int == 1)
        #expect(String(decoding: value.encoded(), as: UTF8.self) == #"{"a":true,"b":1,"c":[null,"x",2.5]}"#)
    }
}

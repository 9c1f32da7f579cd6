import BlogCore
import EventBusService
import Hummingbird
import HummingbirdTesting
import NIOConcurrencyHelpers
import Testing

/// Stands in for the subscribers: records what each URL acknowledged; a URL in `down` refuses.
final class RecordingTransport: SubscriberTransport {
    struct Refused: Error {}

    private let state = NIOLockedValueBox(
        (delivered: [String: [EventEnvelope]](), down: Set<String>()))

    func setDown(_ url: String, _ isDown: Bool) {
        state.withLockedValue {
            if isDown { $0.down.insert(url) } else { $0.down.remove(url) }
        }
    }

    func delivered(to url: String) -> [EventEnvelope] {
        state.withLockedValue { $0.delivered[url] ?? [] }
    }

    func deliver(_ event: EventEnvelope, to url: String) async throws {
        try state.withLockedValue {
            if $0.down.contains(url) { throw Refused() }
            $0.delivered[url, default: []].append(event)
        }
    }
}

@Suite struct EventBusServiceTests {
    static let fast = "http://fast/events"
    static let slow = "http://slow/events"

    struct StoredEvent: Decodable, Equatable {
        var type: String
        var data: [String: String]
        var seq: Int64
        var id: String
    }

    func makeApp(
        _ directory: String, transport: RecordingTransport, subscribers: [String] = [fast, slow]
    ) async throws
        -> some ApplicationProtocol
    {
        try await buildApplication(
            configuration: EventBusConfiguration(
                settings: settings("event-bus", directory), subscribers: subscribers,
                retryCap: .milliseconds(50)),
            transport: transport)
    }

    @Test func storesEventsInOrderAndServesThemAfterASequenceNumber() async throws {
        try await withDataDirectory { directory in
            try await makeApp(directory, transport: RecordingTransport()).test(.router) {
                client async throws in
                let first = try await client.postJSON(
                    "/events", #"{"type": "PostCreated", "data": {"id": "a", "title": "A"}}"#)
                #expect(first.status == .ok)
                #expect(try first.decode([String: String].self) == ["status": "OK"])
                _ = try await client.postJSON(
                    "/events", #"{"type": "PostCreated", "data": {"id": "b", "title": "B"}, "id": "e2"}"#)

                let all = try await client.get("/events").decode([StoredEvent].self)
                #expect(all.map(\.type) == ["PostCreated", "PostCreated"])
                #expect(all.map(\.data) == [["id": "a", "title": "A"], ["id": "b", "title": "B"]])
                #expect(all.map(\.seq) == [1, 2])
                #expect(all[1].id == "e2")
                #expect(
                    try await client.get("/events?after=1").decode([StoredEvent].self).map(\.seq) == [2])
                #expect(try await client.get("/events?after=2").text == "[]")
                #expect(
                    try await client.get("/events?after=0&limit=1").decode([StoredEvent].self).map(\.seq) == [
                        1
                    ])
                #expect(try await client.get("/events?after=abc").status == .badRequest)
            }
        }
    }

    @Test func aResentEventIsStoredOnce() async throws {
        try await withDataDirectory { directory in
            let transport = RecordingTransport()
            try await makeApp(directory, transport: transport).test(.router) { client async throws in
                let body = #"{"id": "same", "type": "PostCreated", "data": {"id": "a", "title": "A"}}"#
                #expect(try await client.postJSON("/events", body).status == .ok)
                #expect(try await client.postJSON("/events", body).status == .ok)
                #expect(try await client.get("/events").decode([StoredEvent].self).count == 1)
                #expect(await eventually { transport.delivered(to: Self.fast).count == 1 })
            }
        }
    }

    @Test(arguments: [
        "", "{", "[]", #"{"data": {}}"#, #"{"type": 3, "data": {}}"#, #"{"type": "", "data": {}}"#,
        #"{"type": "X", "data": [1]}"#, #"{"type": "X", "data": "s"}"#, #"{"type": "X"}"#,
        #"{"type": "X", "data": {}, "id": ""}"#, #"{"type": "X", "data": {}, "id": 7}"#,
    ])
    func malformedEventsAreRefusedAndNotStored(body: String) async throws {
        try await withDataDirectory { directory in
            try await makeApp(directory, transport: RecordingTransport()).test(.router) {
                client async throws in
                let response = try await client.postJSON("/events", body)
                #expect(response.status == .badRequest)
                #expect(response.errorMessage?.isEmpty == false)
                #expect(try await client.get("/events").text == "[]")
            }
        }
    }

    @Test func oversizedEventIs413() async throws {
        try await withDataDirectory { directory in
            try await makeApp(directory, transport: RecordingTransport()).test(.router) {
                client async throws in
                let body = #"{"type": "X", "data": {"x": ""# + oversizedBody + #""}}"#
                #expect(try await client.postJSON("/events", body).status == .contentTooLarge)
                #expect(try await client.get("/events").text == "[]")
            }
        }
    }

    @Test func aSubscriberThatIsDownGetsEverythingLaterWithoutHoldingOthersBack() async throws {
        try await withDataDirectory { directory in
            let transport = RecordingTransport()
            transport.setDown(Self.slow, true)
            try await makeApp(directory, transport: transport).test(.router) { client async throws in
                for index in 1...5 {
                    _ = try await client.postJSON("/events", #"{"type": "T", "data": {"n": "\#(index)"}}"#)
                }
                #expect(await eventually { transport.delivered(to: Self.fast).count == 5 })
                #expect(transport.delivered(to: Self.slow).isEmpty)
                transport.setDown(Self.slow, false)
                #expect(await eventually { transport.delivered(to: Self.slow).count == 5 })
                #expect(transport.delivered(to: Self.slow).map(\.seq) == [1, 2, 3, 4, 5])
                #expect(transport.delivered(to: Self.fast).map(\.seq) == [1, 2, 3, 4, 5])
            }
        }
    }

    @Test func eventsAndCursorsSurviveARestart() async throws {
        try await withDataDirectory { directory in
            let transport = RecordingTransport()
            transport.setDown(Self.slow, true)
            try await makeApp(directory, transport: transport).test(.router) { client async throws in
                _ = try await client.postJSON("/events", #"{"type": "T", "data": {"n": "1"}}"#)
                #expect(await eventually { transport.delivered(to: Self.fast).count == 1 })
            }
            transport.setDown(Self.slow, false)
            try await makeApp(directory, transport: transport).test(.router) { client async throws in
                #expect(try await client.get("/events").decode([StoredEvent].self).count == 1)
                _ = try await client.postJSON("/events", #"{"type": "T", "data": {"n": "2"}}"#)
                #expect(await eventually { transport.delivered(to: Self.slow).count == 2 })
                #expect(await eventually { transport.delivered(to: Self.fast).count == 2 })
                // The fast subscriber's cursor was stored: event 1 is not delivered to it twice.
                #expect(transport.delivered(to: Self.fast).map(\.seq) == [1, 2])
            }
        }
    }
}

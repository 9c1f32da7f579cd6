import BlogCore
import Hummingbird
import HummingbirdTesting
import ModerationService
import Testing

@Suite struct ModerationServiceTests {
    @Test(arguments: [
        ("orange", CommentStatus.rejected), ("I like oranges", .rejected), ("Orange", .approved),
        ("ORANGE juice", .approved), ("apple", .approved), ("", .approved), ("blood-orange", .rejected),
    ])
    func orangeRule(content: String, expected: CommentStatus) {
        #expect(moderationStatus(for: content) == expected)
    }

    func makeApp(_ directory: String, publisher: RecordingPublisher) async throws
        -> some ApplicationProtocol
    {
        try await buildApplication(
            configuration: ModerationConfiguration(settings: settings("moderation", directory)),
            publisher: publisher)
    }

    @Test func moderatesEachCommentOnceEvenWhenDeliveredTwice() async throws {
        try await withDataDirectory { directory in
            let publisher = RecordingPublisher()
            try await makeApp(directory, publisher: publisher).test(.router) { client async throws in
                let rejected = try event(
                    CommentCreated(id: "c1", content: "oranges!", postId: "p1", status: .pending))
                let approved = try event(
                    CommentCreated(id: "c2", content: "Orange", postId: "p1", status: .pending))
                for created in [rejected, approved, rejected] {
                    let response = try await client.postEvent(created)
                    #expect(response.status == .ok)
                    #expect(response.text == "{}")
                }
                #expect(await eventually { publisher.events.count == 2 })
                let moderated = try publisher.events.map { try $0.payload(as: CommentModerated.self) }
                #expect(
                    moderated == [
                        CommentModerated(id: "c1", postId: "p1", status: .rejected, content: "oranges!"),
                        CommentModerated(id: "c2", postId: "p1", status: .approved, content: "Orange"),
                    ])
                #expect(publisher.events.allSatisfy { $0.type == "CommentModerated" })
            }
        }
    }

    @Test func idempotencySurvivesARestart() async throws {
        try await withDataDirectory { directory in
            let publisher = RecordingPublisher()
            let created = try event(
                CommentCreated(id: "c1", content: "fine", postId: "p1", status: .pending))
            try await makeApp(directory, publisher: publisher).test(.router) { client async throws in
                _ = try await client.postEvent(created)
                #expect(await eventually { publisher.events.count == 1 })
            }
            try await makeApp(directory, publisher: publisher).test(.router) { client async throws in
                #expect(try await client.postEvent(created).status == .ok)
                try await Task.sleep(for: .milliseconds(50))
            }
            // The relay may resend an event whose acknowledgement it had not recorded before the
            // restart (the bus dedupes that by id), but no second, new moderation may appear.
            #expect(Set(publisher.events.compactMap(\.id)).count == 1)
            #expect(publisher.events.allSatisfy { $0.type == "CommentModerated" })
        }
    }

    @Test func ignoresOtherTypesAndRefusesMalformedEvents() async throws {
        try await withDataDirectory { directory in
            let publisher = RecordingPublisher()
            try await makeApp(directory, publisher: publisher).test(.router) { client async throws in
                #expect(try await client.postEvent(event(PostCreated(id: "p1", title: "t"))).status == .ok)
                #expect(
                    try await client.postJSON("/events", #"{"type": "Whatever", "data": {}}"#).status == .ok)
                // A CommentCreated whose data does not fit is acknowledged and ignored.
                #expect(
                    try await client.postJSON("/events", #"{"type": "CommentCreated", "data": {"id": 1}}"#)
                        .status == .ok)
                for body in [
                    "nope", #"{"type": 5, "data": {}}"#, #"{"type": "X", "data": []}"#,
                    #"{"type": "", "data": {}}"#,
                ] {
                    let response = try await client.postJSON("/events", body)
                    #expect(response.status == .badRequest, "\(body)")
                    #expect(response.errorMessage != nil)
                }
                #expect(try await client.postJSON("/events", oversizedBody).status == .contentTooLarge)
                try await Task.sleep(for: .milliseconds(50))
                #expect(publisher.events.isEmpty)
            }
        }
    }
}

import BlogCore
import CommentsService
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct CommentsServiceTests {
    struct CommentBody: Decodable, Equatable {
        var id: String
        var content: String
        var status: String
    }

    func makeApp(_ directory: String, publisher: RecordingPublisher) async throws
        -> some ApplicationProtocol
    {
        try await buildApplication(
            configuration: CommentsConfiguration(
                settings: settings("comments", directory), unknownPostWait: .milliseconds(50)),
            publisher: publisher)
    }

    @Test func createAnswersThePostsWholeArrayAndPublishesCommentCreated() async throws {
        try await withDataDirectory { directory in
            let publisher = RecordingPublisher()
            try await makeApp(directory, publisher: publisher).test(.router) { client async throws in
                #expect(
                    try await client.postEvent(event(PostCreated(id: "p1", title: "Post"))).status == .ok)
                let first = try await client.postJSON("/posts/p1/comments", #"{"content": "one"}"#)
                #expect(first.status == .created)
                let second = try await client.postJSON("/posts/p1/comments", #"{"content": "two"}"#)
                let comments = try second.decode([CommentBody].self)
                #expect(comments.map(\.content) == ["one", "two"])
                #expect(comments.allSatisfy { $0.status == "pending" })

                let published = try publisher.events(ofType: "CommentCreated").map {
                    try $0.payload(as: CommentCreated.self)
                }
                #expect(
                    published
                        == comments.map {
                            CommentCreated(id: $0.id, content: $0.content, postId: "p1", status: .pending)
                        })
                #expect(try await client.get("/posts/p1/comments").decode([CommentBody].self) == comments)
                #expect(try await client.get("/posts/other/comments").text == "[]")
            }
        }
    }

    @Test func unknownPostIs404AndNothingIsStored() async throws {
        try await withDataDirectory { directory in
            let publisher = RecordingPublisher()
            try await makeApp(directory, publisher: publisher).test(.router) { client async throws in
                let response = try await client.postJSON("/posts/nope/comments", #"{"content": "hi"}"#)
                #expect(response.status == .notFound)
                #expect(response.errorMessage != nil)
                #expect(try await client.get("/posts/nope/comments").text == "[]")
                #expect(publisher.events.isEmpty)
            }
        }
    }

    @Test(arguments: [
        (#"{"content": "#, 400), (#"{}"#, 400), (#"{"content": ["a"]}"#, 400),
        (#"{"content": " \n "}"#, 400),
        ("not json", 400), (#"{"content": ""# + oversizedBody + #""}"#, 413),
    ])
    func badInputIsRefusedAndNothingIsStored(body: String, status: Int) async throws {
        try await withDataDirectory { directory in
            let publisher = RecordingPublisher()
            try await makeApp(directory, publisher: publisher).test(.router) { client async throws in
                _ = try await client.postEvent(event(PostCreated(id: "p1", title: "Post")))
                let response = try await client.postJSON("/posts/p1/comments", body)
                #expect(response.status.code == status)
                #expect(response.errorMessage?.isEmpty == false)
                #expect(try await client.get("/posts/p1/comments").text == "[]")
                #expect(publisher.events.isEmpty)
            }
        }
    }

    @Test func formPostRedirectsHome() async throws {
        try await withDataDirectory { directory in
            try await makeApp(directory, publisher: RecordingPublisher()).test(.router) {
                client async throws in
                _ = try await client.postEvent(event(PostCreated(id: "p1", title: "Post")))
                let response = try await client.postForm("/posts/p1/comments", "content=hello+there")
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/")
                #expect(
                    try await client.get("/posts/p1/comments").decode([CommentBody].self).map(\.content) == [
                        "hello there"
                    ])
            }
        }
    }

    @Test func commentModeratedUpdatesTheCommentAndEmitsCommentUpdatedOnce() async throws {
        try await withDataDirectory { directory in
            let publisher = RecordingPublisher()
            try await makeApp(directory, publisher: publisher).test(.router) { client async throws in
                _ = try await client.postEvent(event(PostCreated(id: "p1", title: "Post")))
                let created = try await client.postJSON(
                    "/posts/p1/comments", #"{"content": "I like oranges"}"#)
                let commentID = try #require(try created.decode([CommentBody].self).first?.id)

                let moderated = try event(
                    CommentModerated(
                        id: commentID, postId: "p1", status: .rejected, content: "I like oranges"))
                #expect(try await client.postEvent(moderated).status == .ok)
                #expect(try await client.postEvent(moderated).status == .ok)

                #expect(await eventually { publisher.events(ofType: "CommentUpdated").count == 1 })
                try await Task.sleep(for: .milliseconds(50))
                let updates = publisher.events(ofType: "CommentUpdated")
                #expect(updates.count == 1)
                #expect(
                    try updates.first?.payload(as: CommentUpdated.self)
                        == CommentUpdated(
                            id: commentID, status: .rejected, postId: "p1", content: "I like oranges"))
                #expect(
                    try await client.get("/posts/p1/comments").decode([CommentBody].self).first?.status
                        == "rejected")
            }
        }
    }

    @Test func moderationOfAnUnknownCommentIsAcknowledgedAndIgnored() async throws {
        try await withDataDirectory { directory in
            let publisher = RecordingPublisher()
            try await makeApp(directory, publisher: publisher).test(.router) { client async throws in
                let moderated = try event(
                    CommentModerated(id: "ghost", postId: "p1", status: .approved, content: "x"))
                let response = try await client.postEvent(moderated)
                #expect(response.status == .ok)
                #expect(response.text == "{}")
                #expect(
                    try await client.postJSON("/events", #"{"type": "Other", "data": {}}"#).status == .ok)
                #expect(try await client.postJSON("/events", #"{"type": "Other"}"#).status == .badRequest)
                #expect(publisher.events.isEmpty)
            }
        }
    }
}

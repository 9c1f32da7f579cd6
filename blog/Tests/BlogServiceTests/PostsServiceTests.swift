import BlogCore
import Foundation
import Hummingbird
import HummingbirdTesting
import PostsService
import Testing

@Suite struct PostsServiceTests {
    func makeApp(
        _ directory: String, publisher: RecordingPublisher, publishWait: Duration = .seconds(1)
    ) async throws
        -> some ApplicationProtocol
    {
        try await buildApplication(
            configuration: PostsConfiguration(
                settings: settings("posts", directory), publishWait: publishWait),
            publisher: publisher)
    }

    @Test func createStoresThePostAndPublishesPostCreated() async throws {
        try await withDataDirectory { directory in
            let publisher = RecordingPublisher()
            try await makeApp(directory, publisher: publisher).test(.router) { client async throws in
                let response = try await client.postJSON("/posts/create", #"{"title": "First post"}"#)
                #expect(response.status == .created)
                let post = try response.decode([String: String].self)
                let id = try #require(post["id"])
                #expect(post["title"] == "First post")
                #expect(id.count == 8 && id.allSatisfy(\.isHexDigit))

                let published = publisher.events(ofType: "PostCreated")
                #expect(published.count == 1)
                #expect(
                    try published.first?.payload(as: PostCreated.self)
                        == PostCreated(id: id, title: "First post"))
                #expect(published.first?.id?.isEmpty == false)

                let all = try await client.get("/posts")
                #expect(all.status == .ok)
                #expect(
                    try all.decode([String: [String: String]].self) == [
                        id: ["id": id, "title": "First post"]
                    ])
            }
        }
    }

    @Test func formPostRedirectsHome() async throws {
        try await withDataDirectory { directory in
            let publisher = RecordingPublisher()
            try await makeApp(directory, publisher: publisher).test(.router) { client async throws in
                let response = try await client.postForm("/posts/create", "title=Hello+%26+welcome")
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/")
                let posts = try await client.get("/posts").decode([String: [String: String]].self)
                #expect(posts.values.map { $0["title"] } == ["Hello & welcome"])
            }
        }
    }

    @Test(arguments: [
        (#"{"title": "#, 400), (#"{}"#, 400), (#"{"title": 42}"#, 400), (#"{"title": null}"#, 400),
        (#"{"title": "   "}"#, 400), (#"[1, 2]"#, 400), ("", 400),
        (#"{"title": ""# + oversizedBody + #""}"#, 413),
    ])
    func badInputIsRefusedAndNothingIsStored(body: String, status: Int) async throws {
        try await withDataDirectory { directory in
            let publisher = RecordingPublisher()
            try await makeApp(directory, publisher: publisher).test(.router) { client async throws in
                let response = try await client.postJSON("/posts/create", body)
                #expect(response.status.code == status)
                #expect(response.errorMessage?.isEmpty == false)
                #expect(try await client.get("/posts").text == "{}")
                #expect(publisher.events.isEmpty)
            }
        }
    }

    @Test func busDownStillAnswers201AndTheOutboxDeliversLater() async throws {
        try await withDataDirectory { directory in
            let publisher = RecordingPublisher(isDown: true)
            try await makeApp(directory, publisher: publisher, publishWait: .milliseconds(200)).test(
                .router
            ) {
                client in
                let started = ContinuousClock.now
                let response = try await client.postJSON("/posts/create", #"{"title": "Offline"}"#)
                #expect(response.status == .created)
                #expect(ContinuousClock.now - started < .seconds(2))
                #expect(publisher.events.isEmpty)

                publisher.setDown(false)
                #expect(await eventually { publisher.events(ofType: "PostCreated").count == 1 })
            }
        }
    }

    @Test func postsSurviveARestart() async throws {
        try await withDataDirectory { directory in
            let publisher = RecordingPublisher()
            let id = try await makeApp(directory, publisher: publisher).test(.router) {
                client async throws in
                try await client.postJSON("/posts/create", #"{"title": "Kept"}"#).decode(
                    [String: String].self)["id"]
            }
            try await makeApp(directory, publisher: publisher).test(.router) { client async throws in
                let posts = try await client.get("/posts").decode([String: [String: String]].self)
                #expect(posts.keys.first == id)
                #expect(posts.count == 1)
            }
        }
    }

    @Test func subscribesToEventsAndIgnoresThem() async throws {
        try await withDataDirectory { directory in
            try await makeApp(directory, publisher: RecordingPublisher()).test(.router) {
                client async throws in
                let unknown = try await client.postJSON(
                    "/events", #"{"type": "SomethingElse", "data": {"x": 1}}"#)
                #expect(unknown.status == .ok)
                #expect(unknown.text == "{}")
                let malformed = try await client.postJSON("/events", #"{"data": {}}"#)
                #expect(malformed.status == .badRequest)
                #expect(try await client.get("/healthz").status == .ok)
                #expect(try await client.get("/readyz").status == .ok)
                let missing = try await client.get("/nowhere")
                #expect(missing.status == .notFound)
                #expect(missing.errorMessage != nil)
            }
        }
    }
}

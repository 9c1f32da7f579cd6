import BlogCore
import Hummingbird
import Logging

/// The posts service; `publisher` is the bus unless a test passes a double.
public func buildApplication(
    configuration: PostsConfiguration,
    publisher: (any EventPublisher)? = nil
) async throws -> some ApplicationProtocol {
    let logger = Bootstrap.logger(for: configuration.settings)
    let store = try PostStore.open(directory: configuration.settings.dataDirectory)
    let relay = OutboxRelay(
        database: store.database,
        publisher: publisher ?? EventBusClient(baseURL: configuration.bus.eventBusURL),
        logger: logger
    )
    let router = buildRouter(store: store, relay: relay, publishWait: configuration.publishWait)
    return Application(
        router: router,
        configuration: Bootstrap.applicationConfiguration(configuration.settings),
        services: [relay],
        logger: logger
    )
}

struct CreatePostInput: RequestInput {
    var title: String
    static let example = #"{"title": "My first post"}"#
}

func buildRouter(store: PostStore, relay: OutboxRelay, publishWait: Duration) -> Router<
    BasicRequestContext
> {
    let router = BlogRouter.make()
    router.addHealthRoutes { true }
    router.post("/posts/create") { request, _ in
        var request = request
        let input = try await request.decodeInput(CreatePostInput.self)
        let title = try TextLimits.checked(input.title, field: "title")
        let created = try await store.create(title: title)
        relay.notifyEnqueued()
        // The course waits for the bus; we wait a little, then answer anyway because the outbox holds the event.
        _ = await relay.waitForDelivery(of: created.outboxPosition, timeout: publishWait)
        if request.bodyFormat == .form { return BlogRouter.redirectHome() }
        return JSONBody.response(status: .created, object: created.post)
    }
    router.get("/posts") { _, _ in
        let posts = try await store.all()
        var json = "{"
        for (index, post) in posts.enumerated() {
            if index > 0 { json.append(",") }
            JSONText.appendString(post.id, to: &json)
            json.append(#":{"id":"#)
            JSONText.appendString(post.id, to: &json)
            json.append(#","title":"#)
            JSONText.appendString(post.title, to: &json)
            json.append("}")
        }
        json.append("}")
        return JSONBody.response(buffer: ByteBuffer(string: json))
    }
    router.post("/events") { request, _ in
        var request = request
        _ = try await request.decodeEvent()
        return JSONBody.response(buffer: JSONBody.emptyObject)
    }
    return router.router
}

import BlogCore
import Hummingbird
import Logging

/// The comments service; `publisher` is the bus unless a test passes a double.
public func buildApplication(
    configuration: CommentsConfiguration,
    publisher: (any EventPublisher)? = nil
) async throws -> some ApplicationProtocol {
    let logger = Bootstrap.logger(for: configuration.settings)
    let store = try CommentStore.open(directory: configuration.settings.dataDirectory)
    let relay = OutboxRelay(
        database: store.database,
        publisher: publisher ?? EventBusClient(baseURL: configuration.bus.eventBusURL),
        logger: logger
    )
    return Application(
        router: buildRouter(store: store, relay: relay, configuration: configuration),
        configuration: Bootstrap.applicationConfiguration(configuration.settings),
        services: [relay],
        logger: logger
    )
}

struct CreateCommentInput: RequestInput {
    var content: String
    static let example = #"{"content": "Nice post!"}"#
}

func buildRouter(store: CommentStore, relay: OutboxRelay, configuration: CommentsConfiguration)
    -> Router<BasicRequestContext>
{
    let router = BlogRouter.make()
    router.addHealthRoutes { true }
    router.post("/posts/:id/comments") { request, context in
        var request = request
        let postID = try context.parameters.require("id")
        let input = try await request.decodeInput(CreateCommentInput.self)
        let content = try TextLimits.checked(input.content, field: "content")
        guard try await waitForPost(postID, store: store, upTo: configuration.unknownPostWait) else {
            throw APIError(.notFound, "no post with id \(postID)")
        }
        let created = try await store.create(postID: postID, content: content)
        relay.notifyEnqueued()
        _ = await relay.waitForDelivery(of: created.outboxPosition, timeout: configuration.publishWait)
        if request.bodyFormat == .form { return BlogRouter.redirectHome() }
        return JSONBody.response(status: .created, object: created.comments)
    }
    router.get("/posts/:id/comments") { _, context in
        let postID = try context.parameters.require("id")
        return JSONBody.response(object: try await store.comments(of: postID))
    }
    router.post("/events") { request, _ in
        var request = request
        let event = try await request.decodeEvent()
        if try await store.apply(event) { relay.notifyEnqueued() }
        return JSONBody.response(buffer: JSONBody.emptyObject)
    }
    return router.router
}

/// A post is created before its comments, but `PostCreated` reaches us through the bus a moment
/// after posts answered; give it that moment.
private func waitForPost(_ postID: String, store: CommentStore, upTo limit: Duration) async throws
    -> Bool
{
    let deadline = ContinuousClock.now + limit
    while true {
        if try await store.isKnownPost(postID) { return true }
        if ContinuousClock.now >= deadline { return false }
        try await Task.sleep(for: .milliseconds(10))
    }
}

import BlogCore
import Hummingbird
import Logging

/// The query service; `eventLog` is the bus unless a test passes a double.
public func buildApplication(
    configuration: QueryConfiguration,
    eventLog: (any EventLogReader)? = nil
) async throws -> some ApplicationProtocol {
    let logger = Bootstrap.logger(for: configuration.settings)
    let store = try QueryStore.open(directory: configuration.settings.dataDirectory)
    let cache = PostsViewCache()
    let catchUp = CatchUp(
        store: store,
        reader: eventLog ?? EventBusClient(baseURL: configuration.bus.eventBusURL),
        cache: cache,
        logger: logger,
        pollInterval: configuration.pollInterval,
        retryCap: configuration.retryCap
    )
    return Application(
        router: buildRouter(store: store, cache: cache, catchUp: catchUp),
        server: .http1AnsweringPosts(from: cache, logger: logger),
        configuration: Bootstrap.applicationConfiguration(configuration.settings),
        services: [catchUp],
        logger: logger
    )
}

func buildRouter(store: QueryStore, cache: PostsViewCache, catchUp: CatchUp) -> Router<
    BasicRequestContext
> {
    let router = BlogRouter.make()
    router.addHealthRoutes { catchUp.isCaughtUp }
    router.get("/posts") { _, _ in
        JSONBody.response(buffer: try await cache.body(orRender: store.renderPostsJSON))
    }
    router.post("/events") { request, _ in
        var request = request
        let event = try await request.decodeEvent()
        switch try await store.apply(event, contiguous: true) {
        case .applied: cache.invalidate()
        case .alreadyApplied: break
        // Acknowledged anyway: catch-up fetches the missing events and this one, in order.
        case .gap: catchUp.requestCatchUp()
        }
        return JSONBody.response(buffer: JSONBody.emptyObject)
    }
    return router.router
}

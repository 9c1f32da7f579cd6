import BlogCore
import Hummingbird
import Logging

/// The moderation service; `publisher` is the bus unless a test passes a double.
public func buildApplication(
    configuration: ModerationConfiguration,
    publisher: (any EventPublisher)? = nil
) async throws -> some ApplicationProtocol {
    let logger = Bootstrap.logger(for: configuration.settings)
    let store = try ModerationStore.open(directory: configuration.settings.dataDirectory)
    let relay = OutboxRelay(
        database: store.database,
        publisher: publisher ?? EventBusClient(baseURL: configuration.bus.eventBusURL),
        logger: logger
    )
    return Application(
        router: buildRouter(store: store, relay: relay),
        configuration: Bootstrap.applicationConfiguration(configuration.settings),
        services: [relay],
        logger: logger
    )
}

func buildRouter(store: ModerationStore, relay: OutboxRelay) -> Router<BasicRequestContext> {
    let router = BlogRouter.make()
    router.addHealthRoutes { true }
    router.post("/events") { request, _ in
        var request = request
        let event = try await request.decodeEvent()
        if try await store.apply(event) { relay.notifyEnqueued() }
        return JSONBody.response(buffer: JSONBody.emptyObject)
    }
    return router.router
}

import BlogCore
import Foundation
import Hummingbird
import Logging

/// The event bus; `transport` reaches subscribers over HTTP unless a test passes a double.
public func buildApplication(
    configuration: EventBusConfiguration,
    transport: any SubscriberTransport = HTTPSubscriberTransport()
) async throws -> some ApplicationProtocol {
    let logger = Bootstrap.logger(for: configuration.settings)
    let log = try EventLog.open(directory: configuration.settings.dataDirectory)
    let deliveries = configuration.subscribers.map {
        SubscriberDelivery(
            subscriber: $0, log: log, transport: transport, logger: logger,
            retryCap: configuration.retryCap)
    }
    return Application(
        router: buildRouter(log: log, deliveries: deliveries),
        configuration: Bootstrap.applicationConfiguration(configuration.settings),
        services: deliveries,
        logger: logger
    )
}

func buildRouter(log: EventLog, deliveries: [SubscriberDelivery]) -> Router<BasicRequestContext> {
    // GET /events is query's catch-up poll, every few seconds: not worth an info line each time.
    let router = BlogRouter.make(quietGETPaths: ["/events"])
    router.addHealthRoutes { true }
    router.post("/events") { request, _ in
        var request = request
        let event = try await request.decodeEvent()
        let appended = try await log.append(event)
        if appended.isNew {
            for delivery in deliveries { delivery.wake.notify() }
        }
        return JSONBody.response(object: ["status": "OK"])
    }
    router.get("/events") { request, _ in
        let after = try request.uri.queryParameters.nonNegativeInteger("after") ?? 0
        let limit =
            try request.uri.queryParameters.nonNegativeInteger("limit").map { Int($0) } ?? Int.max
        let events = try await log.events(after: after, limit: limit)
        return JSONBody.response(object: events)
    }
    return router.router
}

extension Parameters {
    fileprivate func nonNegativeInteger(_ name: String) throws -> Int64? {
        guard let text = self[name[...]].map(String.init) else { return nil }
        guard let value = Int64(text), value >= 0 else {
            throw APIError.badRequest("query parameter `\(name)` must be a non-negative integer")
        }
        return value
    }
}

import BlogCore
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@Suite struct RequestLogTests {
    @Test func requestsAreLoggedAtInfoProbesAndNamedPollsAtDebug() async throws {
        let log = CapturedLog()
        let router = BlogRouter.make(quietGETPaths: ["/events"])
        router.addHealthRoutes { true }
        router.get("/events") { _, _ in "[]" }
        router.post("/events") { _, _ in "{}" }
        router.get("/posts") { _, _ in "{}" }
        let app = Application(router: router.router, logger: log.logger(level: .trace))
        try await app.test(.router) { client in
            _ = try await client.get("/events")
            _ = try await client.postJSON("/events", "{}")
            _ = try await client.get("/healthz")
            _ = try await client.get("/readyz")
            _ = try await client.get("/posts")
        }
        let requests = log.entries.filter { $0.message == "Request" }
        #expect(
            requests.map {
                "\($0.metadata["hb.request.method"]?.description ?? "") \($0.metadata["hb.request.path"]?.description ?? "") \($0.level)"
            }
                == [
                    "GET /events debug", "POST /events info", "GET /healthz debug", "GET /readyz debug",
                    "GET /posts info",
                ])
    }
}

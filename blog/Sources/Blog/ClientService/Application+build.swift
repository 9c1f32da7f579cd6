import BlogCore
import Hummingbird
import Logging

/// The client; `source` is query over HTTP unless a test passes a double.
public func buildApplication(
    configuration: ClientConfiguration,
    source: (any PostsSource)? = nil
) async throws -> some ApplicationProtocol {
    let logger = Bootstrap.logger(for: configuration.settings)
    return Application(
        router: buildRouter(source: source ?? QueryPostsSource(queryURL: configuration.queryURL)),
        configuration: Bootstrap.applicationConfiguration(configuration.settings),
        logger: logger
    )
}

func buildRouter(source: any PostsSource) -> Router<BasicRequestContext> {
    let router = BlogRouter.make()
    router.addHealthRoutes { true }
    router.get("/") { _, context in
        let posts: [PostView]?
        do {
            posts = try await source.posts()
        } catch {
            context.logger.warning("query is unreachable, rendering without posts: \(error)")
            posts = nil
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: PageRenderer.render(posts: posts)))
        )
    }
    return router.router
}

import BlogCore
import PostsService

await Bootstrap.run(service: "posts", configuration: PostsConfiguration.init(environment:)) {
    configuration in
    try await PostsService.buildApplication(configuration: configuration)
}

import BlogCore
import CommentsService

await Bootstrap.run(service: "comments", configuration: CommentsConfiguration.init(environment:)) {
    configuration in
    try await CommentsService.buildApplication(configuration: configuration)
}

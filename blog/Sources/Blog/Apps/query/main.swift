import BlogCore
import QueryService

await Bootstrap.run(service: "query", configuration: QueryConfiguration.init(environment:)) {
    configuration in
    try await QueryService.buildApplication(configuration: configuration)
}

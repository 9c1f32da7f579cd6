import BlogCore
import ClientService

await Bootstrap.run(service: "client", configuration: ClientConfiguration.init(environment:)) {
    configuration in
    try await ClientService.buildApplication(configuration: configuration)
}

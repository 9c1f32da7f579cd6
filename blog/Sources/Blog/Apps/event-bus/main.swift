import BlogCore
import EventBusService

await Bootstrap.run(service: "event-bus", configuration: EventBusConfiguration.init(environment:)) {
    configuration in
    try await EventBusService.buildApplication(configuration: configuration)
}

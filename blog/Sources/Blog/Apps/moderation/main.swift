import BlogCore
import ModerationService

await Bootstrap.run(
    service: "moderation", configuration: ModerationConfiguration.init(environment:)
) { configuration in
    try await ModerationService.buildApplication(configuration: configuration)
}

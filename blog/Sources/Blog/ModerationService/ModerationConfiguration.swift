import BlogCore

public struct ModerationConfiguration: Sendable {
    public var settings: ServiceSettings
    public var bus: BusSettings

    public init(settings: ServiceSettings, bus: BusSettings = BusSettings()) {
        self.settings = settings
        self.bus = bus
    }

    public init(environment: [String: String]) throws(ConfigurationError) {
        self.init(
            settings: try ServiceSettings(
                name: "moderation", defaultPort: 4003, environment: environment),
            bus: try BusSettings(environment: environment)
        )
    }
}

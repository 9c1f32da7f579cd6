import BlogCore

public struct CommentsConfiguration: Sendable {
    public var settings: ServiceSettings
    public var bus: BusSettings
    /// How long a comment create waits for the bus to accept `CommentCreated` before answering anyway.
    public var publishWait: Duration
    /// How long a comment on a post we have not heard of yet waits for its `PostCreated` before 404.
    public var unknownPostWait: Duration

    public init(
        settings: ServiceSettings,
        bus: BusSettings = BusSettings(),
        publishWait: Duration = .seconds(1),
        unknownPostWait: Duration = .seconds(1)
    ) {
        self.settings = settings
        self.bus = bus
        self.publishWait = publishWait
        self.unknownPostWait = unknownPostWait
    }

    public init(environment: [String: String]) throws(ConfigurationError) {
        self.init(
            settings: try ServiceSettings(name: "comments", defaultPort: 4001, environment: environment),
            bus: try BusSettings(environment: environment)
        )
    }
}

import BlogCore
import ClientService
import CommentsService
import EventBusService
import ModerationService
import PostsService
import QueryService
import Testing

@Suite struct ConfigurationTests {
    @Test func defaultsAllowALocalRun() throws {
        let posts = try PostsConfiguration(environment: [:])
        #expect(posts.settings.port == 4000)
        #expect(posts.settings.host == "0.0.0.0")
        #expect(posts.settings.dataDirectory == "./data/posts")
        #expect(posts.settings.logLevel == .info)
        #expect(posts.bus.eventBusURL == "http://localhost:4005")
        #expect(try CommentsConfiguration(environment: [:]).settings.port == 4001)
        #expect(try QueryConfiguration(environment: [:]).settings.port == 4002)
        #expect(try ModerationConfiguration(environment: [:]).settings.port == 4003)
        let bus = try EventBusConfiguration(environment: [:])
        #expect(bus.settings.port == 4005)
        #expect(
            bus.subscribers == [
                "http://localhost:4000/events", "http://localhost:4001/events",
                "http://localhost:4002/events", "http://localhost:4003/events",
            ])
        let client = try ClientConfiguration(environment: [:])
        #expect(client.settings.port == 3000)
        #expect(client.queryURL == "http://localhost:4002")
    }

    @Test func environmentOverridesDefaults() throws {
        let query = try QueryConfiguration(environment: [
            "PORT": "5002", "HOST": "127.0.0.1", "DATA_DIR": "/tmp/q", "LOG_LEVEL": "debug",
            "EVENT_BUS_URL": "http://event-bus-srv:4005/",
        ])
        #expect(query.settings.port == 5002)
        #expect(query.settings.host == "127.0.0.1")
        #expect(query.settings.dataDirectory == "/tmp/q")
        #expect(query.settings.logLevel == .debug)
        #expect(query.bus.eventBusURL == "http://event-bus-srv:4005")
        let bus = try EventBusConfiguration(environment: [
            "SUBSCRIBERS": "http://posts-clusterip-srv:4000/events, http://query-srv:4002/events"
        ])
        #expect(
            bus.subscribers == ["http://posts-clusterip-srv:4000/events", "http://query-srv:4002/events"])
        #expect(
            try ClientConfiguration(environment: ["QUERY_URL": "http://query-srv:4002"]).queryURL
                == "http://query-srv:4002")
    }

    @Test(arguments: [
        ["PORT": "abc"], ["PORT": "70000"], ["PORT": "-1"], ["LOG_LEVEL": "loud"],
        ["EVENT_BUS_URL": "not a url"], ["EVENT_BUS_URL": "ftp://bus:4005"],
        ["EVENT_BUS_URL": "http://"],
    ])
    func invalidValuesAreRefused(environment: [String: String]) {
        #expect(throws: ConfigurationError.self) { try PostsConfiguration(environment: environment) }
    }

    @Test func invalidSubscriberOrQueryURLIsRefused() {
        #expect(throws: ConfigurationError.self) {
            try EventBusConfiguration(environment: ["SUBSCRIBERS": "http://posts:4000/events,::nonsense"])
        }
        #expect(throws: ConfigurationError.self) {
            try ClientConfiguration(environment: ["QUERY_URL": "query-srv"])
        }
    }
}

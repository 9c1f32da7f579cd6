import Foundation
import Hummingbird
import Logging

public enum Bootstrap {
    /// Logs go to stderr, one line per message, written in batches (`BatchedLogHandler`).
    public static func logger(for settings: ServiceSettings) -> Logger {
        var logger = Logger(label: settings.name)
        logger.logLevel = settings.logLevel
        return logger
    }

    public static func applicationConfiguration(_ settings: ServiceSettings)
        -> ApplicationConfiguration
    {
        ApplicationConfiguration(
            address: .hostname(settings.host, port: settings.port), serverName: nil)
    }

    /// What every `main.swift` does: read the configuration from the environment (exit 2 with
    /// a message when it is invalid), build the application and run it until SIGTERM/SIGINT.
    public static func run<Configuration: Sendable, App: ApplicationProtocol>(
        service: String,
        configuration makeConfiguration: ([String: String]) throws(ConfigurationError) -> Configuration,
        build: (Configuration) async throws -> App
    ) async -> Never {
        LoggingSystem.bootstrap { label in
            BatchedLogHandler(label: label, sink: .standardError, metadataProvider: LoggingSystem.metadataProvider)
        }
        let configuration: Configuration
        do {
            configuration = try makeConfiguration(ProcessInfo.processInfo.environment)
        } catch {
            LogSink.standardError.flush()
            FileHandle.standardError.write(
                Data("\(service): invalid configuration: \(error.description)\n".utf8))
            exit(2)
        }
        do {
            let app = try await build(configuration)
            try await app.runService()
            LogSink.standardError.flush()
            exit(0)
        } catch {
            LogSink.standardError.flush()
            FileHandle.standardError.write(Data("\(service): stopped: \(error)\n".utf8))
            exit(1)
        }
    }
}

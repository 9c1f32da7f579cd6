import Hummingbird

extension EventEnvelope: RequestInput {
    public static let example = #"{"type": "PostCreated", "data": {"id": "1a2b3c4d", "title": "My first post"}}"#
}

extension Request {
    /// Reads an event posted to `/events`: 400 unless it is `{"type": String, "data": {...}}`.
    public mutating func decodeEvent() async throws -> EventEnvelope {
        let event = try await decodeInput(EventEnvelope.self)
        if let problem = event.shapeProblem { throw APIError.badRequest(problem) }
        return event
    }
}

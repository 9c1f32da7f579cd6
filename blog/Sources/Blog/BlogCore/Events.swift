import Foundation

/// Any JSON value, so the bus can store and forward event data it does not understand.
public enum JSONValue: Codable, Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if value.rounded() == value, let integer = Int64(exactly: value) {
                try container.encode(integer)
            } else {
                try container.encode(value)
            }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

/// One event as it travels: `{"type", "data"}` from the course, plus our `id` (for dedupe)
/// and the bus's `seq` (its position in the log).
public struct EventEnvelope: Codable, Sendable, Equatable {
    public var id: String?
    public var seq: Int64?
    public var type: String
    public var data: JSONValue

    public init(id: String? = nil, seq: Int64? = nil, type: String, data: JSONValue) {
        self.id = id
        self.seq = seq
        self.type = type
        self.data = data
    }

    public init(id: String, payload: some BlogEventPayload) throws {
        let encoded = try JSONEncoder().encode(payload)
        self.init(
            id: id, type: Swift.type(of: payload).eventType,
            data: try JSONDecoder().decode(JSONValue.self, from: encoded))
    }

    public func payload<Payload: BlogEventPayload>(as _: Payload.Type) throws -> Payload {
        try JSONDecoder().decode(Payload.self, from: JSONEncoder().encode(data))
    }

    /// Whether the envelope has the shape every event must have; what the bus refuses otherwise.
    public var shapeProblem: String? {
        if type.isEmpty { return "event type must not be empty" }
        guard case .object = data else { return "event data must be a JSON object" }
        if let id, id.isEmpty || id.utf8.count > 200 { return "event id must be 1 to 200 characters" }
        return nil
    }
}

public enum CommentStatus: String, Codable, Sendable, CaseIterable {
    case pending
    case approved
    case rejected
}

public protocol BlogEventPayload: Codable, Sendable {
    static var eventType: String { get }
}

public struct PostCreated: BlogEventPayload, Equatable {
    public static let eventType = "PostCreated"
    public var id: String
    public var title: String

    public init(id: String, title: String) {
        self.id = id
        self.title = title
    }
}

public struct CommentCreated: BlogEventPayload, Equatable {
    public static let eventType = "CommentCreated"
    public var id: String
    public var content: String
    public var postId: String
    public var status: CommentStatus

    public init(id: String, content: String, postId: String, status: CommentStatus) {
        self.id = id
        self.content = content
        self.postId = postId
        self.status = status
    }
}

public struct CommentModerated: BlogEventPayload, Equatable {
    public static let eventType = "CommentModerated"
    public var id: String
    public var postId: String
    public var status: CommentStatus
    public var content: String

    public init(id: String, postId: String, status: CommentStatus, content: String) {
        self.id = id
        self.postId = postId
        self.status = status
        self.content = content
    }
}

public struct CommentUpdated: BlogEventPayload, Equatable {
    public static let eventType = "CommentUpdated"
    public var id: String
    public var status: CommentStatus
    public var postId: String
    public var content: String

    public init(id: String, status: CommentStatus, postId: String, content: String) {
        self.id = id
        self.status = status
        self.postId = postId
        self.content = content
    }
}

public enum Identifier {
    /// The course's ids: 4 random bytes as 8 hex characters.
    public static func short() -> String {
        String(format: "%08x", UInt32.random(in: .min ... .max))
    }

    /// Event ids: unique enough that the bus can dedupe on them.
    public static func event() -> String {
        UUID().uuidString.lowercased()
    }
}

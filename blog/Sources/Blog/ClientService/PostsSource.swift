import AsyncHTTPClient
import BlogCore
import Foundation
import NIOCore

public struct PostView: Codable, Sendable, Equatable {
    public struct CommentView: Codable, Sendable, Equatable {
        public var id: String
        public var content: String
        public var status: CommentStatus

        public init(id: String, content: String, status: CommentStatus) {
            self.id = id
            self.content = content
            self.status = status
        }
    }

    public var id: String
    public var title: String
    public var comments: [CommentView]

    public init(id: String, title: String, comments: [CommentView]) {
        self.id = id
        self.title = title
        self.comments = comments
    }
}

/// Where the page's posts come from; the seam tests replace.
public protocol PostsSource: Sendable {
    func posts() async throws -> [PostView]
}

/// Query's `GET /posts`, in the order query lists them (oldest first).
public struct QueryPostsSource: PostsSource {
    let queryURL: String
    let httpClient: HTTPClient

    public init(queryURL: String, httpClient: HTTPClient = .shared) {
        self.queryURL = queryURL
        self.httpClient = httpClient
    }

    public func posts() async throws -> [PostView] {
        let request = HTTPClientRequest(url: "\(queryURL)/posts")
        let response = try await httpClient.execute(request, timeout: .seconds(3))
        let body = Data(buffer: try await response.body.collect(upTo: 64 << 20))
        guard response.status == .ok else {
            throw UnexpectedStatus(status: response.status.code, url: request.url)
        }
        return try Self.decodeInOrder(Array(body))
    }

    /// A JSON object keyed by id loses its order when decoded as a dictionary, so the order is
    /// read from the text.
    public static func decodeInOrder(_ body: [UInt8]) throws -> [PostView] {
        let byID = try JSONDecoder().decode([String: PostView].self, from: Data(body))
        let order = topLevelKeys(of: body)
        let ordered = order.compactMap { byID[$0] }
        return ordered.count == byID.count ? ordered : byID.values.sorted { $0.id < $1.id }
    }

    static func topLevelKeys(of bytes: [UInt8]) -> [String] {
        var keys: [String] = []
        var depth = 0
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: "\""):
                let start = index
                index += 1
                while index < bytes.count && bytes[index] != UInt8(ascii: "\"") {
                    index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                var next = index + 1
                while next < bytes.count,
                    bytes[next] == 0x20 || bytes[next] == 0x0A || bytes[next] == 0x0D || bytes[next] == 0x09
                {
                    next += 1
                }
                if depth == 1, next < bytes.count, bytes[next] == UInt8(ascii: ":"), index < bytes.count,
                    let key = try? JSONDecoder().decode(String.self, from: Data(bytes[start...index]))
                {
                    keys.append(key)
                }
            default: break
            }
            index += 1
        }
        return keys
    }
}

import Foundation
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// A client error answered as `{"error": "..."}` with its status.
public struct APIError: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let message: String

    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    public static func badRequest(_ message: String) -> APIError { APIError(.badRequest, message) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        JSONBody.response(status: status, object: ["error": message])
    }
}

public enum JSONBody {
    public static let maxRequestBytes = 64 * 1024

    public static func response(status: HTTPResponse.Status = .ok, object: some Encodable) -> Response {
        do {
            return response(status: status, data: try JSONEncoder().encode(object))
        } catch {
            return response(
                status: .internalServerError, data: Data(#"{"error":"encoding failed"}"#.utf8))
        }
    }

    public static func response(status: HTTPResponse.Status = .ok, data: Data) -> Response {
        response(status: status, buffer: ByteBuffer(data: data))
    }

    public static func response(status: HTTPResponse.Status = .ok, buffer: ByteBuffer) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: buffer)
        )
    }

    public static let emptyObject = ByteBuffer(string: "{}")
}

/// How a body arrived: JSON from the page's fetch or other services, or a plain HTML form.
public enum BodyFormat: Sendable {
    case json
    case form
}

extension Request {
    public var bodyFormat: BodyFormat {
        let contentType = headers[.contentType]?.lowercased() ?? ""
        return contentType.hasPrefix("application/x-www-form-urlencoded") ? .form : .json
    }

    /// Reads the body (at most `JSONBody.maxRequestBytes`, else 413) and decodes it as JSON
    /// or as an urlencoded form, turning every decoding problem into a 400 that names the field
    /// and the JSON it expects (never a Swift type).
    public mutating func decodeInput<Input: RequestInput>(_ type: Input.Type) async throws -> Input {
        let buffer: ByteBuffer
        do {
            buffer = try await collectBody(upTo: JSONBody.maxRequestBytes)
        } catch is NIOTooManyBytesError {
            throw APIError(
                .contentTooLarge, "request body is larger than \(JSONBody.maxRequestBytes) bytes")
        }
        let format = bodyFormat
        do {
            switch format {
            case .json:
                return try JSONDecoder().decode(Input.self, from: Data(buffer: buffer))
            case .form:
                return try URLEncodedFormDecoder().decode(Input.self, from: String(buffer: buffer))
            }
        } catch let error as DecodingError {
            let sent = format == .json ? try? JSONDecoder().decode(JSONValue.self, from: Data(buffer: buffer)) : nil
            throw APIError.badRequest(InputProblem.describe(error, sent: sent, example: Input.example))
        } catch {
            throw APIError.badRequest("request body could not be decoded; send \(Input.example)")
        }
    }
}

/// A request body a route decodes, with the JSON it expects shown as an example in every
/// error message about it.
public protocol RequestInput: Decodable {
    /// E.g. `{"title": "My first post"}`.
    static var example: String { get }
}

/// How user text is bounded: the client's forms say `maxlength="1000"`, and the services refuse
/// the same beyond it.
public enum TextLimits {
    /// In UTF-16 code units, the unit of HTML's `maxlength`, so the form and the server agree.
    public static let maxLength = 1000

    /// `text` trimmed of surrounding whitespace; 400 naming `field` when it is empty or too long.
    public static func checked(_ text: String, field: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw APIError.badRequest("\(field) must not be empty") }
        guard trimmed.utf16.count <= maxLength else {
            throw APIError.badRequest(
                "\(field) is \(trimmed.utf16.count) characters long; at most \(maxLength) are allowed")
        }
        return trimmed
    }
}

/// Decoding errors in the words of the JSON that was sent.
enum InputProblem {
    static func describe(_ error: DecodingError, sent: JSONValue?, example: String) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        func subject(_ keys: [any CodingKey]) -> String {
            keys.isEmpty ? "request body" : "field `\(path(keys))`"
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing field `\(path(context.codingPath + [key]))`; send \(example)"
        case .typeMismatch(let type, let context):
            let found = value(at: context.codingPath, in: sent).map { "; got \(kind(of: $0))" } ?? ""
            let hint = context.codingPath.isEmpty ? ", like \(example)" : ""
            return "\(subject(context.codingPath)) must be \(expected(type))\(hint)\(found)"
        case .valueNotFound(let type, let context):
            let hint = context.codingPath.isEmpty ? ", like \(example)" : ""
            return "\(subject(context.codingPath)) must be \(expected(type))\(hint), not null"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? "body is not valid JSON; send \(example)" : "field `\(path(context.codingPath))` is invalid"
        @unknown default:
            return "request body could not be decoded; send \(example)"
        }
    }

    /// The JSON a Swift type is decoded from, as a reader of the API would say it.
    static func expected(_ type: Any.Type) -> String {
        switch type {
        case is String.Type, is Substring.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type, is UInt64.Type, is UInt32.Type:
            return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") || name.hasPrefix("[") { return "an array" }
            return "a JSON object"
        }
    }

    /// What was sent there: `an array`, `null`, `a number`...
    static func kind(of value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let value): "\(value)"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    static func value(at path: [any CodingKey], in sent: JSONValue?) -> JSONValue? {
        var current = sent
        for key in path {
            switch current {
            case .array(let array)?:
                guard let index = key.intValue, array.indices.contains(index) else { return nil }
                current = array[index]
            case .object(let object)?:
                current = object[key.stringValue]
            default:
                return nil
            }
        }
        return current
    }
}

/// Answers every failure as a JSON `{"error": ...}` body: 4xx for what the client sent,
/// 500 only for our own faults (logged).
public struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as HTTPError {
            let message = error.body ?? error.status.reasonPhrase
            return JSONBody.response(status: error.status, object: ["error": message])
        } catch let error as any HTTPResponseError {
            return JSONBody.response(status: error.status, object: ["error": error.status.reasonPhrase])
        } catch {
            context.logger.error("request failed: \(error)")
            return JSONBody.response(status: .internalServerError, object: ["error": "internal error"])
        }
    }
}

/// Logs requests at info, but the kubelet's (or `kubewire up`'s) health probes and the routine
/// polls a service names in `quietGETPaths` only at debug, so they do not drown the requests
/// that matter.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    private let probes = LogRequestsMiddleware<Context>(.debug)
    private let requests = LogRequestsMiddleware<Context>(.info)
    let quietGETPaths: Set<String>

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        if path == "/healthz" || path == "/readyz" || (request.method == .get && quietGETPaths.contains(path)) {
            return try await probes.handle(request, context: context, next: next)
        }
        return try await requests.handle(request, context: context, next: next)
    }
}

/// A service's routes: Hummingbird's router with request logging and JSON errors, `HEAD`
/// answered like `GET` without a body, and a known path asked with a method it does not answer
/// refused with 405 and `Allow` (Hummingbird alone answers both with 404). Register routes here,
/// not on `router`, so that the table of methods stays whole.
public struct BlogRouter {
    public let router: Router<BasicRequestContext>
    private let routes: RouteTable

    /// `GET` requests to `quietGETPaths` are logged at debug, like the health probes.
    public static func make(quietGETPaths: Set<String> = []) -> BlogRouter {
        BlogRouter(quietGETPaths: quietGETPaths)
    }

    public init(quietGETPaths: Set<String> = []) {
        routes = RouteTable()
        router = Router(context: BasicRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: RequestLogMiddleware(quietGETPaths: quietGETPaths))
        router.add(middleware: MethodMiddleware(routes: routes))
        router.add(middleware: JSONErrorMiddleware())
    }

    @discardableResult
    public func get(
        _ path: String,
        use handler: @Sendable @escaping (Request, BasicRequestContext) async throws -> some ResponseGenerator
    ) -> Self {
        routes.add(path, .get)
        router.get(RouterPath(path), use: handler)
        return self
    }

    @discardableResult
    public func post(
        _ path: String,
        use handler: @Sendable @escaping (Request, BasicRequestContext) async throws -> some ResponseGenerator
    ) -> Self {
        routes.add(path, .post)
        router.post(RouterPath(path), use: handler)
        return self
    }

    /// `/healthz` answers while the process serves; `/readyz` only once `isReady` holds.
    public func addHealthRoutes(isReady: @escaping @Sendable () async -> Bool) {
        get("/healthz") { _, _ in
            JSONBody.response(object: ["status": "ok"])
        }
        get("/readyz") { _, _ in
            await isReady()
                ? JSONBody.response(object: ["status": "ready"])
                : JSONBody.response(status: .serviceUnavailable, object: ["status": "not ready"])
        }
    }

    /// 303 See Other to `/`, the answer to a plain HTML form post.
    public static func redirectHome() -> Response {
        Response(status: .seeOther, headers: [.location: "/"])
    }
}

/// The methods each registered path answers (`HEAD` wherever `GET`). Filled while the routes are
/// added, read while serving.
final class RouteTable: Sendable {
    private let entries = NIOLockedValueBox<[(segments: [Substring], methods: Set<HTTPRequest.Method>)]>([])

    func add(_ path: String, _ method: HTTPRequest.Method) {
        let segments = path.split(separator: "/")
        entries.withLockedValue { entries in
            var methods: Set<HTTPRequest.Method> = method == .get ? [.get, .head] : [method]
            if let index = entries.firstIndex(where: { $0.segments == segments }) {
                methods.formUnion(entries[index].methods)
                entries[index].methods = methods
            } else {
                entries.append((segments, methods))
            }
        }
    }

    /// The methods a request path answers, nil when no route has that path. A `:name` segment
    /// matches any one segment, as in Hummingbird's router.
    func methods(forPath path: String) -> Set<HTTPRequest.Method>? {
        let requested = path.split(separator: "/")
        return entries.withLockedValue { entries in
            var found: Set<HTTPRequest.Method>?
            for entry in entries where entry.segments.count == requested.count {
                let matches = zip(entry.segments, requested).allSatisfy { pattern, segment in
                    pattern.hasPrefix(":") || pattern == segment
                }
                if matches { found = (found ?? []).union(entry.methods) }
            }
            return found
        }
    }
}

/// 405 with `Allow` for a known path and a method it does not answer; no body in any answer to
/// `HEAD` (errors included).
struct MethodMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteTable

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let response: Response
        if let methods = routes.methods(forPath: request.uri.path), !methods.contains(request.method) {
            let allowed = methods.map(\.rawValue).sorted()
            var refusal = JSONBody.response(
                status: .methodNotAllowed,
                object: [
                    "error":
                        "\(request.method.rawValue) is not allowed on \(request.uri.path); it answers \(allowed.joined(separator: ", "))"
                ])
            refusal.headers[.allow] = allowed.joined(separator: ", ")
            response = refusal
        } else {
            response = try await next(request, context)
        }
        return request.method == .head ? response.createHeadResponse() : response
    }
}

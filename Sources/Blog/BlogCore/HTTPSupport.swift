import Foundation
import Hummingbird
import Logging
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
    /// or as an urlencoded form, turning every decoding problem into a 400.
    public mutating func decodeInput<Input: Decodable>(_ type: Input.Type) async throws -> Input {
        let buffer: ByteBuffer
        do {
            buffer = try await collectBody(upTo: JSONBody.maxRequestBytes)
        } catch is NIOTooManyBytesError {
            throw APIError(
                .contentTooLarge, "request body is larger than \(JSONBody.maxRequestBytes) bytes")
        }
        do {
            switch bodyFormat {
            case .json:
                return try JSONDecoder().decode(Input.self, from: Data(buffer: buffer))
            case .form:
                return try URLEncodedFormDecoder().decode(Input.self, from: String(buffer: buffer))
            }
        } catch let error as DecodingError {
            throw APIError.badRequest(Self.describe(error))
        } catch {
            throw APIError.badRequest("request body could not be decoded")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing field `\(path(context.codingPath + [key]))`"
        case .typeMismatch(let type, let context):
            return "field `\(path(context.codingPath))` must be of type \(type)"
        case .valueNotFound(let type, let context):
            return "field `\(path(context.codingPath))` must be a \(type), not null"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? "body is not valid JSON" : "field `\(path(context.codingPath))` is invalid"
        @unknown default:
            return "request body could not be decoded"
        }
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

extension Router {
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

public enum BlogRouter {
    /// A router with request logging and JSON errors, shared by every service. `GET` requests
    /// to `quietGETPaths` are logged at debug, like the health probes.
    public static func make(quietGETPaths: Set<String> = []) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: RequestLogMiddleware(quietGETPaths: quietGETPaths))
        router.add(middleware: JSONErrorMiddleware())
        return router
    }

    /// 303 See Other to `/`, the answer to a plain HTML form post.
    public static func redirectHome() -> Response {
        Response(status: .seeOther, headers: [.location: "/"])
    }
}

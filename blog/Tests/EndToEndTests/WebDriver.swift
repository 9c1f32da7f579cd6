import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

#if canImport(Glibc)
    import Glibc
#endif

/// A small W3C WebDriver client for chromedriver (Debian's chromium-driver):
/// enough to fill a form, click, read the page and take a screenshot.
final class WebDriver {
    private let driver = Process()
    private let base: String
    private let client: HTTPClient
    private var session = ""

    static var chromedriverPath: String? {
        ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    static var chromiumPath: String? {
        ["/usr/bin/chromium", "/usr/lib/chromium/chromium"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    init(client: HTTPClient, port: Int) throws {
        guard let path = Self.chromedriverPath else { throw E2EError("chromedriver not found (make deps-browser)") }
        self.client = client
        base = "http://127.0.0.1:\(port)"
        driver.executableURL = URL(fileURLWithPath: path)
        driver.arguments = ["--port=\(port)"]
        driver.standardOutput = FileHandle.nullDevice
        driver.standardError = FileHandle.nullDevice
        try launch(driver)
    }

    /// Starts headless Chromium with `host` resolving to the local ingress.
    func startSession(mapping host: String, to ingress: String) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while (try? await call(.GET, "/status")) == nil {
            guard ContinuousClock.now < deadline else { throw E2EError("chromedriver did not start") }
            try await Task.sleep(for: .milliseconds(100))
        }
        let hostPort = ingress.replacingOccurrences(of: "http://", with: "")
        let options: [String: Any] = [
            "binary": Self.chromiumPath ?? "/usr/bin/chromium",
            "args": [
                "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1024,900",
                "--host-resolver-rules=MAP \(host) \(hostPort)",
            ],
        ]
        let value = try await call(
            .POST, "/session",
            ["capabilities": ["alwaysMatch": ["browserName": "chrome", "goog:chromeOptions": options]]])
        guard let id = (value as? [String: Any])?["sessionId"] as? String else {
            throw E2EError("no WebDriver session: \(String(describing: value))")
        }
        session = id
    }

    func open(_ url: String) async throws { _ = try await call(.POST, "/session/\(session)/url", ["url": url]) }

    func find(css selector: String) async throws -> String { try await find("css selector", selector) }
    func find(xpath: String) async throws -> String { try await find("xpath", xpath) }

    private func find(_ strategy: String, _ selector: String) async throws -> String {
        let value = try await call(.POST, "/session/\(session)/element", ["using": strategy, "value": selector])
        guard let element = (value as? [String: Any])?.values.first as? String else {
            throw E2EError("element \(selector) not found: \(String(describing: value))")
        }
        return element
    }

    func type(_ text: String, into element: String) async throws {
        _ = try await call(.POST, "/session/\(session)/element/\(element)/value", ["text": text])
    }

    func click(_ element: String) async throws {
        _ = try await call(.POST, "/session/\(session)/element/\(element)/click", [:])
    }

    func pageSource() async throws -> String {
        (try await call(.GET, "/session/\(session)/source")) as? String ?? ""
    }

    func screenshot() async throws -> Data {
        guard let encoded = try await call(.GET, "/session/\(session)/screenshot") as? String,
            let data = Data(base64Encoded: encoded)
        else { throw E2EError("no screenshot") }
        return data
    }

    func quit() async {
        if !session.isEmpty { _ = try? await call(.DELETE, "/session/\(session)") }
        if driver.isRunning {
            kill(driver.processIdentifier, SIGTERM)
            let deadline = ContinuousClock.now + .seconds(10)
            while driver.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
            if driver.isRunning { kill(driver.processIdentifier, SIGKILL) }
        }
    }

    private func call(_ method: HTTPMethod, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let body {
            request.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: Array(try JSONSerialization.data(withJSONObject: body))))
        }
        let response = try await client.execute(request, timeout: .seconds(60))
        let data = Data(try await response.body.collect(upTo: 32 << 20).readableBytesView)
        let json = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [String: Any]
        guard response.status.code < 300 else {
            throw E2EError(
                "WebDriver \(method) \(path) → \(response.status.code): \(String(decoding: data.prefix(500), as: UTF8.self))"
            )
        }
        return json?["value"]
    }
}

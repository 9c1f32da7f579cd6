import Foundation
import Testing

/// The package root, from this file's path (Tests/KubewireCLITests/Support.swift).
let packageRoot: URL = {
    if let root = ProcessInfo.processInfo.environment["KUBEWIRE_ROOT"], !root.isEmpty {
        return URL(fileURLWithPath: root)
    }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
}()

/// The built `kubewire`: `$KUBEWIRE_BIN_DIR/kubewire`, else `.build/debug/kubewire`.
let kubewireBinary: URL = {
    if let dir = ProcessInfo.processInfo.environment["KUBEWIRE_BIN_DIR"], !dir.isEmpty {
        return URL(fileURLWithPath: dir).appendingPathComponent("kubewire")
    }
    return packageRoot.appendingPathComponent(".build/debug/kubewire")
}()

func fixture(_ path: String) -> String {
    packageRoot.appendingPathComponent("fixtures").appendingPathComponent(path).path
}

struct RunResult: CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String

    var description: String { "exit \(status)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)" }
}

/// A scratch folder (also used as the working directory, so no stray
/// `.kubewire.yaml` is picked up).
final class Scratch {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("kubewire-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        return file.path
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes a tree of files (`"base/kustomization.yaml": text`), creating their folders.
    func write(_ files: [String: String]) throws {
        for (name, text) in files {
            let folder = (path(name) as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try write(name, text)
        }
    }
}

/// `kubewire check` in `scratch` with only the real kubectl and helm (`make kube-tools`) and the
/// system's tools on PATH, as a repository's CI runs it.
func checkWithKubeTools(_ arguments: [String], in scratch: Scratch) throws -> RunResult {
    let tools = try #require(
        RepositoryLayoutTests.toolsDirectory,
        "kubectl and helm are needed: `make kube-tools`, or set KUBEWIRE_TOOLS_DIR")
    return try run(
        kubewireBinary.path, ["check", "--color", "never"] + arguments, stdin: nil,
        environment: ["PATH": tools + ":/usr/bin:/bin"], in: scratch.url)
}

/// Runs `kubewire` with `arguments`, optional standard input, in `directory`.
func kubewire(
    _ arguments: [String], stdin: String? = nil, in directory: Scratch,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> RunResult {
    try kubewireBytes(arguments, stdin: stdin.map { Array($0.utf8) }, in: directory.url, sourceLocation: sourceLocation)
}

/// Runs `kubewire` with `arguments`, optional standard input, in the folder `directory`.
func kubewire(
    _ arguments: [String], stdin: String? = nil, in directory: URL,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> RunResult {
    try kubewireBytes(arguments, stdin: stdin.map { Array($0.utf8) }, in: directory, sourceLocation: sourceLocation)
}

func kubewireBytes(
    _ arguments: [String], stdin: [UInt8]?, in directory: Scratch, sourceLocation: SourceLocation = #_sourceLocation
) throws -> RunResult {
    try kubewireBytes(arguments, stdin: stdin, in: directory.url, sourceLocation: sourceLocation)
}

func kubewireBytes(
    _ arguments: [String], stdin: [UInt8]?, in directory: URL, sourceLocation: SourceLocation = #_sourceLocation
) throws -> RunResult {
    try #require(
        FileManager.default.isExecutableFile(atPath: kubewireBinary.path),
        "build kubewire first (swift build), or set KUBEWIRE_BIN_DIR; looked for \(kubewireBinary.path)",
        sourceLocation: sourceLocation)
    return try run(kubewireBinary.path, arguments, stdin: stdin, in: directory)
}

/// Runs `executable` in `directory` with NO_COLOR set and `environment` over this process's.
func run(
    _ executable: String, _ arguments: [String], stdin: [UInt8]? = nil, environment extra: [String: String] = [:],
    in directory: Scratch
) throws -> RunResult {
    try run(executable, arguments, stdin: stdin, environment: extra, in: directory.url)
}

/// Runs `executable` in the folder `directory` with NO_COLOR set and `environment` over this process's.
func run(
    _ executable: String, _ arguments: [String], stdin: [UInt8]? = nil, environment extra: [String: String] = [:],
    in directory: URL
) throws -> RunResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = directory
    var environment = ProcessInfo.processInfo.environment
    environment["NO_COLOR"] = "1"
    environment.merge(extra) { $1 }
    process.environment = environment
    // Files, not pipes: a full pipe would block the child while we wait.
    let capture = FileManager.default.temporaryDirectory
    let out = capture.appendingPathComponent(".kubewire-stdout-\(UUID().uuidString)")
    let err = capture.appendingPathComponent(".kubewire-stderr-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    let outHandle = try FileHandle(forWritingTo: out)
    let errHandle = try FileHandle(forWritingTo: err)
    process.standardOutput = outHandle
    process.standardError = errHandle
    let input = Pipe()
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin)) }
    try input.fileHandleForWriting.close()
    process.waitUntilExit()
    try outHandle.close()
    try errHandle.close()
    defer {
        try? FileManager.default.removeItem(at: out)
        try? FileManager.default.removeItem(at: err)
    }
    return RunResult(
        status: process.terminationStatus,
        stdout: String(decoding: try Data(contentsOf: out), as: UTF8.self),
        stderr: String(decoding: try Data(contentsOf: err), as: UTF8.self))
}

func jsonObject(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
    let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(value as? [String: Any], "not a JSON object: \(text)", sourceLocation: sourceLocation)
}

/// A Service targeting a port its container does not declare (it declares
/// another): only a note, since an undeclared port may still be served.
let noteOnlyManifest = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: quiet}
    spec:
      selector: {matchLabels: {app: quiet}}
      template:
        metadata: {labels: {app: quiet}}
        spec:
          containers: [{name: quiet, image: quiet, ports: [{containerPort: 9000}]}]
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: quiet-srv}
    spec:
      selector: {app: quiet}
      ports: [{port: 80, targetPort: 8080}]
    """

/// The same with an environment variable repeated with the same value: a warning beside the note.
let warningOnlyManifest = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: quiet}
    spec:
      selector: {matchLabels: {app: quiet}}
      template:
        metadata: {labels: {app: quiet}}
        spec:
          containers:
            - name: quiet
              image: quiet
              ports: [{containerPort: 9000}]
              env: [{name: MODE, value: a}, {name: MODE, value: a}]
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: quiet-srv}
    spec:
      selector: {app: quiet}
      ports: [{port: 80, targetPort: 8080}]
    """

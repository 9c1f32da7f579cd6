import ArgumentParser
import Foundation
import KubeReport

#if canImport(Glibc)
    import Glibc
    private let systemWrite = Glibc.write
#elseif canImport(Darwin)
    import Darwin
    private let systemWrite = Darwin.write
#endif

/// Where a report goes: `--format`/`--output` for the main one (standard output by default), and any
/// number of `--report FORMAT=FILE` for more, rendered from the same run (text on the terminal and
/// SARIF for code scanning, say).
public struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: text, json, sarif, junit or github.")
    public var format: OutputFormat = .text

    @Option(name: .long, help: "Write the report to this file instead of standard output.")
    public var output: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Also write the report in another format to a file (repeatable), e.g. --report sarif=kubewire.sarif.",
            valueName: "format=file"),
        transform: ExtraReport.parse)
    public var report: [ExtraReport] = []

    @Option(name: .long, help: "Colour in text output: auto (on a terminal), always or never.")
    public var color: ColorChoice = .auto

    public enum ColorChoice: String, ExpressibleByArgument, CaseIterable, Sendable {
        case auto, always, never
    }

    public init() {}

    public mutating func validate() throws {
        var files = Set<String>()
        if let output { files.insert(Self.canonical(output)) }
        for extra in report where !files.insert(Self.canonical(extra.file)).inserted {
            throw ValidationError("two reports would be written to \(extra.file)")
        }
    }

    /// Renders `report` once per destination and writes each; a destination that cannot be written
    /// is reported on stderr and makes the run exit 2 (after the others are written).
    public func write(_ report: Report) throws {
        let workingDirectory = FileManager.default.currentDirectoryPath
        let terminal = output == nil && isatty(STDOUT_FILENO) != 0
        let colorMain: Bool
        switch color {
        case .always: colorMain = true
        case .never: colorMain = false
        case .auto: colorMain = terminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        }
        var failed = false
        let main = render(
            report, as: format, options: RenderOptions(color: colorMain, workingDirectory: workingDirectory))
        if let output {
            failed = !Self.write(main, to: output) || failed
            // The report went to a file: the terminal still says how the run went, in one line.
            let colorSummary =
                color == .always
                || (color == .auto && isatty(STDERR_FILENO) != 0
                    && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
            Console.error(renderSummary(report, color: colorSummary) + "\n")
        } else {
            Console.out(main)
        }
        for extra in self.report {
            let text = render(
                report, as: extra.format, options: RenderOptions(color: false, workingDirectory: workingDirectory))
            failed = !Self.write(text, to: extra.file) || failed
        }
        if failed { throw Exit(code: 2) }
    }

    private static func write(_ text: String, to path: String) -> Bool {
        if let problem = writeProblem(path) {
            Console.error("kubewire: cannot write the report to \(path): \(problem)\n")
            return false
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        var failure = descriptor < 0 ? errno : 0
        if descriptor >= 0 {
            var bytes = Array(text.utf8)[...]
            while !bytes.isEmpty {
                let written = bytes.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress, $0.count) }
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                bytes = bytes.dropFirst(written)
            }
            if close(descriptor) != 0 && failure == 0 { failure = errno }
        }
        guard failure == 0 else {
            Console.error("kubewire: cannot write the report to \(path): \(String(cString: strerror(failure)))\n")
            return false
        }
        return true
    }

    /// Why `path` cannot be written, said in words (Foundation's text names neither path nor cause).
    static func writeProblem(_ path: String) -> String? {
        let manager = FileManager.default
        // The folder as the user wrote it (`out/` of `out/x.sarif`), not made absolute.
        let written = (path as NSString).deletingLastPathComponent
        let folder = written.isEmpty ? "." : written
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            return "it is a folder"
        }
        guard manager.fileExists(atPath: folder, isDirectory: &isDirectory) else {
            return "the folder \(folder) does not exist (create it first)"
        }
        guard isDirectory.boolValue else { return "\(folder) is a file, not a folder" }
        if manager.fileExists(atPath: path) {
            return manager.isWritableFile(atPath: path) ? nil : "the file is not writable (permission denied)"
        }
        return manager.isWritableFile(atPath: folder) ? nil : "the folder \(folder) is not writable (permission denied)"
    }

    private static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }
}

/// `--report FORMAT=FILE`.
public struct ExtraReport: ExpressibleByArgument, Sendable {
    public var format: OutputFormat
    public var file: String

    public init?(argument: String) {
        guard let report = try? Self.parse(argument) else { return nil }
        self = report
    }

    private init(format: OutputFormat, file: String) {
        self.format = format
        self.file = file
    }

    /// `FORMAT=FILE`, or a usage error that lists the formats.
    public static func parse(_ argument: String) throws -> ExtraReport {
        let formats = OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")
        guard let equals = argument.firstIndex(of: "=") else {
            throw ValidationError("expected FORMAT=FILE, e.g. sarif=kubewire.sarif; the formats are \(formats)")
        }
        let name = String(argument[..<equals])
        guard let format = OutputFormat(rawValue: name) else {
            throw ValidationError("unknown format `\(name)`; the formats are \(formats)")
        }
        let file = String(argument[argument.index(after: equals)...])
        guard !file.isEmpty else { throw ValidationError("no file after `\(name)=`") }
        return ExtraReport(format: format, file: file)
    }

    public static var defaultCompletionKind: CompletionKind { .file() }
}

extension OutputFormat: ExpressibleByArgument {}

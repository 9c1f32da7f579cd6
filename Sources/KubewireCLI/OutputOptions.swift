import ArgumentParser
import Foundation
import KubeReport

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
            valueName: "format=file"))
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
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return true
        } catch {
            Console.error("kubewire: cannot write \(path): \(error.localizedDescription)\n")
            return false
        }
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
        guard let equals = argument.firstIndex(of: "="),
            let format = OutputFormat(rawValue: String(argument[..<equals])),
            argument.index(after: equals) < argument.endIndex
        else { return nil }
        self.format = format
        file = String(argument[argument.index(after: equals)...])
    }

    public static var defaultCompletionKind: CompletionKind { .file() }
}

extension OutputFormat: ExpressibleByArgument {}
